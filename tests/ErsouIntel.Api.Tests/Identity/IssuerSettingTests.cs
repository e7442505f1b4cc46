using System.Diagnostics;
using ErsouIntel.Api.Identity;
using ErsouIntel.Api.Tests.Infrastructure;
using ErsouIntel.Testing;

namespace ErsouIntel.Api.Tests.Identity;

/// <summary>
/// Setting <c>Identity:Issuer</c> as an operator writes it: a mistake stops the start-up with one
/// sentence naming the setting, rather than a service whose every token the others refuse.
/// </summary>
public sealed class IssuerSettingTests
{
    [Theory]
    [InlineData("https://intel.example.police.uk", "https://intel.example.police.uk/")]
    [InlineData(" https://intel.example.police.uk/ ", "https://intel.example.police.uk/")]
    [InlineData("https://intel.example.police.uk/ersou", "https://intel.example.police.uk/ersou/")]
    [InlineData("https://INTEL.example.police.uk:8443/", "https://intel.example.police.uk:8443/")]
    public void One_public_URL_is_one_issuer_however_it_is_spelled(string setting, string issuer) =>
        Assert.Equal(issuer, PublicIssuer.Parse(setting, allowHttp: false)!.AbsoluteUri);

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    public void Unset_leaves_each_request_its_own_host(string? setting) =>
        Assert.Null(PublicIssuer.Parse(setting, allowHttp: false));

    [Theory]
    [InlineData("intel.example.police.uk")]
    [InlineData("/ersou/")]
    [InlineData("ftp://intel.example.police.uk/")]
    [InlineData("http://intel.example.police.uk/")]
    [InlineData("https://intel.example.police.uk/?tenant=1")]
    [InlineData("https://intel.example.police.uk/#top")]
    [InlineData("https://user:secret@intel.example.police.uk/")]
    public void Anything_but_an_https_base_URL_is_refused_outside_Development(string setting)
    {
        var refused = Assert.Throws<InvalidOperationException>(() => PublicIssuer.Parse(setting, allowHttp: false));
        Assert.StartsWith("Identity:Issuer must be", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Plain_http_is_a_Development_and_test_issuer() =>
        Assert.Equal("http://127.0.0.1:5080/", PublicIssuer.Parse("http://127.0.0.1:5080", allowHttp: true)!.AbsoluteUri);

    [Fact]
    public async Task A_host_name_without_a_scheme_stops_the_start_with_one_sentence_naming_the_setting()
    {
        var start = ServiceProcess.StartInfo(ApiBuild.Dll(), ["admin", "list-users"], new Dictionary<string, string>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            // Never reached: the setting is checked while the host is built, before any connection.
            ["ConnectionStrings__Postgres"] = "Host=127.0.0.1;Port=1;Database=none;Username=none;Password=none",
            ["Identity__Issuer"] = "intel.example.police.uk",
        });
        using var process = Process.Start(start)!;
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        await process.WaitForExitAsync(timeout.Token);

        Assert.True(process.ExitCode == 1, $"exited {process.ExitCode}: {await output}{await error}");
        Assert.Contains("ErsouIntel could not start: Identity:Issuer must be an absolute https URL", await error, StringComparison.Ordinal);
        Assert.Contains("'intel.example.police.uk'", await error, StringComparison.Ordinal);
        Assert.DoesNotContain(" at ", await output + await error, StringComparison.Ordinal);
    }
}
