using System.Net;
using ErsouIntel.Api.Identity;
using ErsouIntel.Api.Tests.Audit;
using ErsouIntel.Api.Tests.Identity;
using ErsouIntel.Api.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;

namespace ErsouIntel.Api.Tests.WebConsole;

/// <summary>
/// Hertfordshire's own identity provider, for real: a second instance of the service (its own database,
/// its own OpenIddict server, reached as <c>localhost</c> so that its cookies are not the console's, as two
/// sites' are not), where the console is registered as an app with its sign-in callback. The console is
/// configured to send Hertfordshire's people there.
/// </summary>
public sealed class ForceProviderRegion : ConsoleRegion
{
    public const string ClientId = "ersou-console";

    private WebApplication? provider;
    private string? providerDatabase;

    public Uri ProviderAddress { get; private set; } = null!;

    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Identity:ExternalIssuers:0:Issuer"] = ProviderAddress.ToString(),
        ["Identity:ExternalIssuers:0:Authority"] = ProviderAddress.ToString(),
        ["Identity:ExternalIssuers:0:Audience"] = "ersou-intel",
        ["Identity:ExternalIssuers:0:Force"] = "HERTFORDSHIRE",
        ["Identity:ExternalIssuers:0:RoleClaim"] = "role",
        ["Identity:ExternalIssuers:0:Roles:investigator"] = "investigator",
        ["Identity:ExternalIssuers:0:ClientId"] = ClientId,
        ["Identity:ExternalIssuers:0:Name"] = "Hertfordshire",
    };

    protected override async Task PrepareAsync()
    {
        providerDatabase = await TestPostgres.CreateDatabaseAsync("forceprovider");
        provider = await StartAsync(providerDatabase);
        var port = new Uri(provider.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First()).Port;
        ProviderAddress = new Uri($"http://localhost:{port}/");
    }

    protected override async Task SeedAsync()
    {
        await base.SeedAsync();
        var callback = new Uri(Http.BaseAddress!, "/console/signed-in/hertfordshire").ToString();
        await ProviderAdminAsync(["add-app", "--client-id", ClientId, "--redirect-uri", callback]);
        await ProviderAdminAsync(["add-user", "--username", "jo.herts", "--role", "investigator", "--force", "HERTFORDSHIRE"], Password);
        await ProviderAdminAsync(["add-user", "--username", "no.role.here", "--role", "admin"], Password);
    }

    public HttpClient ProviderBrowser() =>
        new(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = true, CookieContainer = new CookieContainer() }) { BaseAddress = ProviderAddress };

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        if (provider is not null)
        {
            await provider.StopAsync();
            await provider.DisposeAsync();
        }

        if (providerDatabase is not null)
        {
            await TestPostgres.DropDatabaseAsync(providerDatabase);
        }
    }

    private async Task ProviderAdminAsync(string[] args, string? stdin = null)
    {
        using var error = new StringWriter();
        var exit = await AdminCommands.RunAsync(provider!.Services, args, new StringReader(stdin is null ? "" : stdin + "\n"), TextWriter.Null, error);
        Assert.True(exit == 0, error.ToString());
    }
}

/// <summary>A person of a force with its own identity provider signs in to the console there (OpenID Connect), and is mapped as that provider's bearer tokens are.</summary>
public sealed class ForceProviderSignInTests(ForceProviderRegion region) : IClassFixture<ForceProviderRegion>
{
    [Fact]
    public async Task The_sign_in_page_offers_the_forces_provider()
    {
        using var browser = region.NewBrowser();

        var (_, session) = await browser.SessionAsync();

        var provider = Assert.Single(session!["providers"]!.AsArray());
        Assert.Equal("Hertfordshire", provider!["name"]!.GetValue<string>());
        Assert.Equal("/console/sign-in/hertfordshire", provider["href"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_person_signed_in_at_their_forces_provider_has_a_console_session_as_that_force_and_no_token_reaches_the_page()
    {
        using var console = region.NewBrowser();
        await console.SessionAsync();

        var callback = await ThroughProviderAsync(console, "jo.herts");
        var (arrived, home) = await console.NavigateAsync(callback);
        var (_, session) = await console.SessionAsync();
        var (status, me) = await console.GraphQLAsync("query Me { me { subject force roles } }");
        var logged = await region.LoggedWhileAsync(async () => await console.GraphQLAsync(
            "query Look { access(purpose: INVESTIGATION, justification: \"Checking a provider's person may read\") { __typename } }"));

        Assert.Equal(302, arrived);
        Assert.Equal("/", home!.OriginalString);
        Assert.Contains(console.SetCookies, c => c.StartsWith("__Host-ersou.session=", StringComparison.Ordinal));
        var subject = "jo.herts@" + region.ProviderAddress;
        Assert.True(session!["signedIn"]!.GetValue<bool>(), session.ToJsonString());
        Assert.Equal(subject, session["subject"]!.GetValue<string>());
        Assert.Equal("HERTFORDSHIRE", session["force"]!.GetValue<string>());
        Assert.Equal("investigator", session["role"]!.GetValue<string>());
        Assert.Equal(200, status);
        Assert.Equal(subject, me!["data"]!["me"]!["subject"]!.GetValue<string>());
        var entry = AccessLogSteps.OneOf(logged, "CONSULTATION");
        Assert.Equal(subject, entry.Subject);
        Assert.Equal("HERTFORDSHIRE", entry.Force);
        Assert.All(console.Bodies, body => Assert.DoesNotContain("eyJ", body, StringComparison.Ordinal));
        Assert.True(await region.SessionsOfAsync(subject) >= 1);
    }

    [Fact]
    public async Task A_provider_account_with_no_mapped_role_gets_no_session()
    {
        using var console = region.NewBrowser();
        await console.SessionAsync();

        var callback = await ThroughProviderAsync(console, "no.role.here");
        var (arrived, home) = await console.NavigateAsync(callback);
        var (_, session) = await console.SessionAsync();

        // Signed in at the provider with a subject but no role of ours: no console session is made.
        Assert.Equal(302, arrived);
        Assert.Equal("/", home!.OriginalString);
        Assert.False(session!["signedIn"]!.GetValue<bool>(), session.ToJsonString());
    }

    [Fact]
    public async Task An_unknown_provider_name_is_404()
    {
        using var console = region.NewBrowser();

        var (status, _) = await console.NavigateAsync(new Uri("/console/sign-in/kent", UriKind.Relative));

        Assert.Equal(404, status);
    }

    /// <summary>The browser's steps at the provider: sent there by the console, the login form, back to the console's callback.</summary>
    private async Task<Uri> ThroughProviderAsync(ConsoleBrowser console, string username)
    {
        var (started, authorize) = await console.NavigateAsync(new Uri("/console/sign-in/hertfordshire", UriKind.Relative));
        Assert.Equal(302, started);
        Assert.StartsWith(region.ProviderAddress + "connect/authorize?", authorize!.ToString(), StringComparison.Ordinal);
        Assert.Contains("code_challenge_method=S256", authorize.Query, StringComparison.Ordinal);

        using var provider = region.ProviderBrowser();
        using var toLogin = await provider.GetAsync(authorize);
        using var loggedIn = await RegionWithSignIn.LogInAsync(provider, toLogin.Headers.Location!, username, RegionWithSignIn.Password);
        Assert.Equal(HttpStatusCode.Redirect, loggedIn.StatusCode);
        using var back = await provider.GetAsync(loggedIn.Headers.Location!);
        Assert.Equal(HttpStatusCode.Redirect, back.StatusCode);
        var callback = back.Headers.Location!;
        Assert.StartsWith(new Uri(region.Http.BaseAddress!, "/console/signed-in/hertfordshire?").ToString(), callback.ToString(), StringComparison.Ordinal);
        return callback;
    }
}
