using System.Net;
using System.Text.Json.Nodes;
using ErsouIntel.Api.Tests.Infrastructure;
using ErsouIntel.Domain;

namespace ErsouIntel.Api.Tests.Identity;

public sealed class SigningInTests(RegionWithSignIn region) : IClassFixture<RegionWithSignIn>
{
    private const string Me = "{ me { subject force roles } }";

    [Fact]
    public async Task Discovery_and_the_signing_keys_are_published()
    {
        var discovery = JsonNode.Parse(await region.Http.GetStringAsync("/.well-known/openid-configuration"))!;
        var jwks = JsonNode.Parse(await region.Http.GetStringAsync("/.well-known/jwks"))!;

        Assert.EndsWith("/connect/token", discovery["token_endpoint"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.EndsWith("/connect/authorize", discovery["authorization_endpoint"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Contains("S256", discovery["code_challenge_methods_supported"]!.AsArray().Select(m => m!.GetValue<string>()));
        Assert.NotEmpty(jwks["keys"]!.AsArray());
    }

    [Fact]
    public async Task A_force_system_gets_a_token_bound_to_its_force_and_reports_as_that_force_only()
    {
        var token = await region.ClientCredentialsAsync("herts-system");

        var me = await region.PostWithTokenAsync(token, Me);
        Assert.Equal("HERTFORDSHIRE", me.Data!["me"]!["force"]!.GetValue<string>());

        // Nothing in the request can name another force: the incident is Hertfordshire's.
        var input = AnIncident.Courier($"ESSEX-REF-{Guid.NewGuid():N}"[..24]);
        var reported = await region.PostWithTokenAsync(token, ContractOperations.Text(ContractOperations.ReportIncident), new { input });
        Assert.Equal("HERTFORDSHIRE", reported.Data!["reportIncident"]!["incident"]!["force"]!.GetValue<string>());

        var read = await region.PostWithTokenAsync(token, ContractOperations.Text(ContractOperations.Incidents), new { purpose = "INVESTIGATION", why = Region.Why });
        Assert.Equal("FORBIDDEN", read.FirstErrorCode);
        Assert.Null(read.Data?["access"]);
    }

    [Fact]
    public async Task A_wrong_secret_gets_no_token()
    {
        using var response = await region.TokenRequestAsync(new()
        {
            ["grant_type"] = "client_credentials",
            ["client_id"] = "essex-system",
            ["client_secret"] = "not-the-secret-at-all",
        });

        Assert.False(response.IsSuccessStatusCode);
        Assert.Contains("invalid_client", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_investigator_signs_in_with_PKCE_through_the_login_page_and_refreshes()
    {
        var tokens = await region.AuthorizationCodeAsync("essex.investigator", "openid offline_access intel:read");

        var me = await region.PostWithTokenAsync(tokens["access_token"]!.GetValue<string>(), Me);
        Assert.Equal("essex.investigator", me.Data!["me"]!["subject"]!.GetValue<string>());
        Assert.Equal("ESSEX", me.Data!["me"]!["force"]!.GetValue<string>());
        Assert.Equal(["investigator"], me.Data!["me"]!["roles"]!.AsArray().Select(r => r!.GetValue<string>()));

        using var refreshed = await region.TokenRequestAsync(new()
        {
            ["grant_type"] = "refresh_token",
            ["client_id"] = RegionWithSignIn.AppClientId,
            ["refresh_token"] = tokens["refresh_token"]!.GetValue<string>(),
        });
        Assert.True(refreshed.IsSuccessStatusCode, await refreshed.Content.ReadAsStringAsync());
        var again = JsonNode.Parse(await refreshed.Content.ReadAsStringAsync())!["access_token"]!.GetValue<string>();
        var read = await region.PostWithTokenAsync(again, ContractOperations.Text(ContractOperations.Incidents), new { purpose = "INVESTIGATION", why = Region.Why });
        Assert.Null(read.Errors);
    }

    [Fact]
    public async Task A_person_only_gets_the_scope_of_their_role()
    {
        var tokens = await region.AuthorizationCodeAsync("region.auditor", "openid intel:read audit:read");

        var read = await region.PostWithTokenAsync(tokens["access_token"]!.GetValue<string>(), ContractOperations.Text(ContractOperations.Incidents), new { purpose = "INVESTIGATION", why = Region.Why });

        Assert.Equal("FORBIDDEN", read.FirstErrorCode);
    }

    [Fact]
    public async Task An_Essex_investigator_cannot_read_a_withheld_Hertfordshire_incident_by_id()
    {
        var herts = await region.ClientCredentialsAsync("herts-system");
        var input = AnIncident.Courier($"HC/W/{Guid.NewGuid():N}"[..20], handling: "C");
        var id = (await region.PostWithTokenAsync(herts, ContractOperations.Text(ContractOperations.ReportIncident), new { input })).Data!["reportIncident"]!["incident"]!["id"]!.GetValue<string>();
        var essex = (await region.AuthorizationCodeAsync("essex.investigator", "intel:read"))["access_token"]!.GetValue<string>();
        var hertsInvestigator = (await region.AuthorizationCodeAsync("herts.investigator", "intel:read"))["access_token"]!.GetValue<string>();

        var byEssex = await region.PostWithTokenAsync(essex, ContractOperations.Text(ContractOperations.Incident), new { id, purpose = "INVESTIGATION", why = Region.Why });
        var unknown = await region.PostWithTokenAsync(essex, ContractOperations.Text(ContractOperations.Incident), new { id = Guid.NewGuid().ToString(), purpose = "INVESTIGATION", why = Region.Why });
        var byHerts = await region.PostWithTokenAsync(hertsInvestigator, ContractOperations.Text(ContractOperations.Incident), new { id, purpose = "INVESTIGATION", why = Region.Why });

        Assert.Equal(unknown.Text, byEssex.Text);
        Assert.Null(byEssex.Data!["access"]!["incident"]);
        Assert.Equal(id, byHerts.Data!["access"]!["incident"]!["id"]!.GetValue<string>());
    }

    [Fact]
    public async Task Repeated_wrong_passwords_lock_the_account_even_against_the_right_one()
    {
        await region.AdminAsync(["add-user", "--username", "lock.me", "--role", "investigator", "--force", "NORFOLK"], RegionWithSignIn.Password);
        using var browser = region.Browser();
        for (var attempt = 0; attempt < 5; attempt++)
        {
            using var wrong = await RegionWithSignIn.LogInAsync(browser, new Uri("/account/login?returnUrl=%2F", UriKind.Relative), "lock.me", "wrong password " + attempt);
            Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        }

        using var right = await RegionWithSignIn.LogInAsync(browser, new Uri("/account/login?returnUrl=%2F", UriKind.Relative), "lock.me", RegionWithSignIn.Password);

        Assert.Equal(HttpStatusCode.Unauthorized, right.StatusCode);
        Assert.Contains("locked", await right.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_login_page_never_redirects_off_the_service()
    {
        using var browser = region.Browser();

        using var response = await RegionWithSignIn.LogInAsync(browser, new Uri("/account/login?returnUrl=https%3A%2F%2Fevil.example%2F", UriKind.Relative), "essex.investigator", RegionWithSignIn.Password);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/", response.Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task Disabling_a_client_or_a_user_stops_new_tokens_at_once()
    {
        await region.AdminAsync(["add-client", "--client-id", "norfolk-system", "--force", "NORFOLK"], RegionWithSignIn.SecretOf("norfolk-system"));
        await region.AdminAsync(["add-user", "--username", "leaving.user", "--role", "investigator", "--force", "NORFOLK"], RegionWithSignIn.Password);
        await region.ClientCredentialsAsync("norfolk-system");
        var tokens = await region.AuthorizationCodeAsync("leaving.user", "offline_access intel:read");

        Assert.Equal(0, (await region.AdminAsync(["disable-client", "--client-id", "norfolk-system"])).Exit);
        Assert.Equal(0, (await region.AdminAsync(["disable-user", "--username", "leaving.user"])).Exit);

        using var client = await region.TokenRequestAsync(new() { ["grant_type"] = "client_credentials", ["client_id"] = "norfolk-system", ["client_secret"] = RegionWithSignIn.SecretOf("norfolk-system"), ["scope"] = "intel:write" });
        using var refresh = await region.TokenRequestAsync(new() { ["grant_type"] = "refresh_token", ["client_id"] = RegionWithSignIn.AppClientId, ["refresh_token"] = tokens["refresh_token"]!.GetValue<string>() });
        Assert.False(client.IsSuccessStatusCode);
        Assert.False(refresh.IsSuccessStatusCode);
    }

    [Fact]
    public async Task The_admin_command_line_takes_secrets_from_standard_input_only()
    {
        var inArguments = await region.AdminAsync(["add-client", "--client-id", "ghost-client", "--force", "ESSEX", "my-secret-in-args"]);
        var tooShort = await region.AdminAsync(["add-client", "--client-id", "ghost-client", "--force", "ESSEX"], "short");
        var badForce = await region.AdminAsync(["add-client", "--client-id", "ghost-client", "--force", "KENT"], "long-enough-secret");
        var list = await region.AdminAsync(["list-clients"]);

        Assert.Equal(2, inArguments.Exit);
        Assert.Contains("standard input", inArguments.Error, StringComparison.Ordinal);
        Assert.Equal(2, tooShort.Exit);
        Assert.Equal(2, badForce.Exit);
        Assert.Contains("herts-system\tconfidential\tHERTFORDSHIRE\tno", list.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("ghost-client", list.Output, StringComparison.Ordinal);
        Assert.DoesNotContain(RegionWithSignIn.SecretOf("herts-system"), list.Output, StringComparison.Ordinal);
    }
}
