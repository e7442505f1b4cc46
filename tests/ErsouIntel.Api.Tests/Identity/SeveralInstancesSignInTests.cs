using System.Net;
using System.Text.RegularExpressions;
using ErsouIntel.Api.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace ErsouIntel.Api.Tests.Identity;

/// <summary>
/// Two instances of the service on one database, as behind a load balancer: what one protects
/// (the login page's antiforgery token, the sign-in cookie) the other accepts, because the Data
/// Protection key ring is in the database under one application name.
/// </summary>
public sealed class SeveralInstancesSignInTests(RegionWithSignIn first) : IClassFixture<RegionWithSignIn>, IAsyncLifetime
{
    private WebApplication second = null!;
    private HttpClient secondHttp = null!;

    public async Task InitializeAsync()
    {
        second = await ServiceFixture.StartAsync(first.ConnectionString);
        secondHttp = ServiceFixture.ClientFor(second);
    }

    public async Task DisposeAsync()
    {
        secondHttp.Dispose();
        await second.StopAsync();
        await second.DisposeAsync();
    }

    [Fact]
    public async Task A_payload_protected_by_one_instance_is_unprotected_by_the_other_with_a_key_kept_in_the_database()
    {
        var protectedOnFirst = first.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector("ersou.test").Protect("courier fraud");

        var onSecond = second.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector("ersou.test").Unprotect(protectedOnFirst);

        Assert.Equal("courier fraud", onSecond);

        // Instances in one test process could also share a key folder on disk; containers do not. The key must be the database's.
        var payload = WebEncoders.Base64UrlDecode(protectedOnFirst);
        var keyId = new Guid(payload.AsSpan(4, 16));
        await using var db = NpgsqlDataSource.Create(first.ConnectionString);
        await using var command = db.CreateCommand("select count(*) from ersou.data_protection_keys where xml like '%id=\"' || $1 || '\"%'");
        command.Parameters.AddWithValue(keyId.ToString("D"));
        Assert.True((long)(await command.ExecuteScalarAsync())! == 1, $"The key {keyId} that protected the payload is not in ersou.data_protection_keys.");
    }

    [Fact]
    public async Task A_person_who_gets_the_login_page_from_one_instance_and_posts_it_to_the_other_is_signed_in_on_both()
    {
        using var browser = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = true, CookieContainer = new CookieContainer() });
        var firstAddress = first.Http.BaseAddress!;
        var secondAddress = secondHttp.BaseAddress!;
        var authorize = $"connect/authorize?response_type=code&client_id={RegionWithSignIn.AppClientId}&redirect_uri={Uri.EscapeDataString(RegionWithSignIn.RedirectUri)}" +
            "&scope=openid%20intel%3Aread&state=s1&code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM&code_challenge_method=S256";

        // The login page and its antiforgery cookie and token come from the first instance...
        using var toLogin = await browser.GetAsync(new Uri(firstAddress, authorize));
        Assert.Equal(HttpStatusCode.Redirect, toLogin.StatusCode);
        using var page = await browser.GetAsync(new Uri(firstAddress, toLogin.Headers.Location!));
        var html = await page.Content.ReadAsStringAsync();
        var field = Regex.Match(html, "name=\"(__RequestVerificationToken[^\"]*)\" value=\"([^\"]+)\"");
        Assert.True(field.Success, html);
        var returnUrl = WebUtility.HtmlDecode(Regex.Match(html, "name=\"returnUrl\" value=\"([^\"]*)\"").Groups[1].Value);

        // ...the form is posted to the second, which must accept the token and issue the sign-in cookie...
        using var loggedIn = await browser.PostAsync(new Uri(secondAddress, "account/login"), new FormUrlEncodedContent(new Dictionary<string, string>
        {
            [field.Groups[1].Value] = WebUtility.HtmlDecode(field.Groups[2].Value),
            ["returnUrl"] = returnUrl,
            ["username"] = "essex.investigator",
            ["password"] = RegionWithSignIn.Password,
        }));
        Assert.True(loggedIn.StatusCode == HttpStatusCode.Redirect, $"The second instance refused the first's login form: {(int)loggedIn.StatusCode} {await loggedIn.Content.ReadAsStringAsync()}");

        // ...and the first instance accepts that cookie: authorize answers with a code, not the login page.
        using var back = await browser.GetAsync(new Uri(firstAddress, loggedIn.Headers.Location!));
        Assert.Equal(HttpStatusCode.Redirect, back.StatusCode);
        Assert.True(back.Headers.Location!.ToString().StartsWith(RegionWithSignIn.RedirectUri, StringComparison.Ordinal),
            $"The first instance did not accept the second's sign-in cookie and sent the person to {back.Headers.Location}");
        Assert.Contains("code=", back.Headers.Location.Query, StringComparison.Ordinal);
    }
}
