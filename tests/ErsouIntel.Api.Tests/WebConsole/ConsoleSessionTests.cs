using System.Text.RegularExpressions;
using ErsouIntel.Api.Tests.Audit;
using ErsouIntel.Api.Tests.Identity;

namespace ErsouIntel.Api.Tests.WebConsole;

/// <summary>Signing in to the console and using its session, over real HTTP, as the page does and as a hostile page might.</summary>
public sealed partial class ConsoleSessionTests(ConsoleRegion region) : IClassFixture<ConsoleRegion>
{
    private const string Me = "query Me { me { subject force roles } }";
    private const string Access = "query Look { access(purpose: INVESTIGATION, justification: \"Checking the console session works\") { __typename } }";

    [Fact]
    public async Task Signing_in_on_loopback_sets_a_host_prefixed_secure_http_only_strict_cookie_and_no_token_reaches_the_page()
    {
        using var browser = region.NewBrowser();
        var (anonymousStatus, anonymous) = await browser.SessionAsync();
        var before = browser.Antiforgery;

        var (status, session) = await browser.SignInAsync("essex.investigator", RegionWithSignIn.Password);

        Assert.Equal(200, anonymousStatus);
        Assert.False(anonymous!["signedIn"]!.GetValue<bool>());
        Assert.Equal(200, status);
        Assert.True(session!["signedIn"]!.GetValue<bool>());
        Assert.Equal("essex.investigator", session["subject"]!.GetValue<string>());
        Assert.Equal("investigator", session["role"]!.GetValue<string>());
        Assert.Equal("ESSEX", session["force"]!.GetValue<string>());
        Assert.NotEqual(before, browser.Antiforgery);

        var cookie = Assert.Single(browser.SetCookies, c => c.StartsWith("__Host-ersou.session=", StringComparison.Ordinal));
        var flags = cookie.Split(';').Skip(1).Select(f => f.Trim().ToLowerInvariant()).ToList();
        Assert.Contains("secure", flags);
        Assert.Contains("httponly", flags);
        Assert.Contains("samesite=strict", flags);
        Assert.Contains("path=/", flags);
        Assert.DoesNotContain(flags, f => f.StartsWith("domain=", StringComparison.Ordinal));
        Assert.DoesNotContain(browser.SetCookies, c => c.StartsWith("ersou.session=", StringComparison.Ordinal));

        // The page gets an anti-forgery token and who is signed in: never an access, refresh or id token.
        foreach (var body in browser.Bodies)
        {
            Assert.DoesNotContain("access_token", body, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("refresh_token", body, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("id_token", body, StringComparison.OrdinalIgnoreCase);
            Assert.False(Jwt().IsMatch(body), $"A JWT in a body the page receives: {body}");
        }

        // The cookie is a key to a row, not the session itself: the row is there.
        Assert.True(await region.SessionsOfAsync("essex.investigator") >= 1);
    }

    [Fact]
    public async Task A_wrong_password_and_an_unknown_user_get_the_same_401_and_no_cookie()
    {
        using var browser = region.NewBrowser();

        var (wrongStatus, wrong) = await browser.SignInAsync("herts.investigator", "not the password");
        var (unknownStatus, unknown) = await browser.SignInAsync("nobody.at.all", "not the password");

        Assert.Equal(401, wrongStatus);
        Assert.Equal(401, unknownStatus);
        Assert.Equal("The username or password is not right.", wrong!["error"]!.GetValue<string>());
        Assert.Equal(wrong.ToJsonString(), unknown!.ToJsonString());
        Assert.DoesNotContain(browser.SetCookies, c => c.Contains("ersou.session=", StringComparison.Ordinal) && !c.Contains("1970", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Signing_in_without_the_token_of_the_page_is_refused_400_before_the_password_is_checked()
    {
        using var browser = region.NewBrowser();
        await browser.SessionAsync();
        browser.Antiforgery = null;

        var (status, body) = await browser.SendAsync(HttpMethod.Post, "/console/session", new { username = "essex.investigator", password = RegionWithSignIn.Password });

        Assert.Equal(400, status);
        Assert.NotNull(body!["error"]);
        Assert.DoesNotContain(browser.SetCookies, c => c.StartsWith("__Host-ersou.session=", StringComparison.Ordinal));
    }

    [Fact]
    public async Task With_the_cookie_and_its_token_me_answers_and_reads_are_logged_as_the_person()
    {
        using var browser = region.NewBrowser();
        await browser.SignInAsync("essex.investigator", RegionWithSignIn.Password);

        var (status, me) = await browser.GraphQLAsync(Me);
        var logged = await region.LoggedWhileAsync(async () => Assert.Equal(200, (await browser.GraphQLAsync(Access)).Status));

        Assert.Equal(200, status);
        Assert.Equal("essex.investigator", me!["data"]!["me"]!["subject"]!.GetValue<string>());
        Assert.Equal("ESSEX", me["data"]!["me"]!["force"]!.GetValue<string>());
        Assert.Equal(["investigator"], me["data"]!["me"]!["roles"]!.AsArray().Select(r => r!.GetValue<string>()));
        var entry = AccessLogSteps.OneOf(logged, "CONSULTATION");
        Assert.Equal("essex.investigator", entry.Subject);
        Assert.Equal("ESSEX", entry.Force);
    }

    [Fact]
    public async Task With_the_cookie_but_without_the_token_graphql_is_403_and_nothing_runs_or_is_logged()
    {
        using var browser = region.NewBrowser();
        await browser.SignInAsync("essex.investigator", RegionWithSignIn.Password);
        browser.Antiforgery = null;

        (int Status, System.Text.Json.Nodes.JsonNode? Json) post = default, get = default;
        var logged = await region.LoggedWhileAsync(async () =>
        {
            post = await browser.GraphQLAsync(Access);
            get = await browser.SendAsync(HttpMethod.Get, "/graphql?query=" + Uri.EscapeDataString(Access));
        });

        Assert.Equal(403, post.Status);
        Assert.Equal("FORBIDDEN", post.Json!["errors"]![0]!["extensions"]!["code"]!.GetValue<string>());
        Assert.Null(post.Json["data"]);
        Assert.Equal(403, get.Status);
        Assert.Empty(logged);
    }

    [Fact]
    public async Task A_mutation_with_the_cookie_and_another_sessions_token_or_none_fails_and_opens_nothing()
    {
        using var victim = region.NewBrowser();
        using var attacker = region.NewBrowser();
        await victim.SignInAsync("essex.investigator", RegionWithSignIn.Password);
        await attacker.SignInAsync("herts.investigator", RegionWithSignIn.Password);
        const string open = "mutation Open { openCase(input: { reference: \"CSRF-1\", title: \"Forged by another page\" }) { case { id } errors { code } } }";

        var results = new List<int>();
        var logged = await region.LoggedWhileAsync(async () =>
        {
            // The attacker's own valid token, sent with the victim's cookie.
            victim.Antiforgery = attacker.Antiforgery;
            results.Add((await victim.GraphQLAsync(open)).Status);
            victim.Antiforgery = null;
            results.Add((await victim.GraphQLAsync(open)).Status);
        });

        Assert.Equal([403, 403], results);
        Assert.Empty(logged);
    }

    [Fact]
    public async Task The_token_from_before_sign_in_no_longer_passes_once_the_person_is_signed_in()
    {
        using var browser = region.NewBrowser();
        await browser.SessionAsync();
        var anonymous = browser.Antiforgery;
        await browser.SignInAsync("essex.investigator", RegionWithSignIn.Password);
        var signedIn = browser.Antiforgery;

        browser.Antiforgery = anonymous;
        var (withOld, _) = await browser.GraphQLAsync(Me);
        browser.Antiforgery = signedIn;
        var (withNew, _) = await browser.GraphQLAsync(Me);

        Assert.Equal(403, withOld);
        Assert.Equal(200, withNew);
    }

    [Fact]
    public async Task After_signing_out_the_old_cookie_replayed_is_nobody()
    {
        using var browser = region.NewBrowser();
        await browser.SignInAsync("region.auditor", RegionWithSignIn.Password);
        var copied = new Dictionary<string, string>(browser.Cookies);
        var token = browser.Antiforgery;
        var sessionsBefore = await region.SessionsOfAsync("region.auditor");

        var signOut = await browser.SignOutAsync();

        using var thief = region.NewBrowser();
        foreach (var (name, value) in copied)
        {
            thief.Cookies[name] = value;
        }

        thief.Antiforgery = token;
        var (sessionStatus, session) = await thief.SendAsync(HttpMethod.Get, "/console/session");
        var (graphStatus, graph) = await thief.GraphQLAsync(Me);

        Assert.Equal(204, signOut);
        Assert.Equal(sessionsBefore - 1, await region.SessionsOfAsync("region.auditor"));
        Assert.Equal(200, sessionStatus);
        Assert.False(session!["signedIn"]!.GetValue<bool>());
        Assert.Equal(401, graphStatus);
        Assert.Equal("UNAUTHENTICATED", graph!["errors"]![0]!["extensions"]!["code"]!.GetValue<string>());
        Assert.Equal("Your session has ended: sign in again.", graph["errors"]![0]!["message"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_user_disabled_while_signed_in_has_their_session_ended_at_the_next_request()
    {
        await region.AdminAsync(["add-user", "--username", "soon.disabled", "--role", "investigator", "--force", "ESSEX"], RegionWithSignIn.Password);
        using var browser = region.NewBrowser();
        await browser.SignInAsync("soon.disabled", RegionWithSignIn.Password);
        Assert.Equal(200, (await browser.GraphQLAsync(Me)).Status);

        var (exit, _, error) = await region.AdminAsync(["disable-user", "--username", "soon.disabled"]);
        var (status, _) = await browser.GraphQLAsync(Me);
        var (_, session) = await browser.SessionAsync();

        Assert.True(exit == 0, error);
        Assert.Equal(401, status);
        Assert.False(session!["signedIn"]!.GetValue<bool>());
        Assert.Equal(0, await region.SessionsOfAsync("soon.disabled"));
    }

    [Fact]
    public async Task Bearer_callers_need_no_anti_forgery_token_even_with_a_console_cookie_beside_the_token()
    {
        var token = (await region.AuthorizationCodeAsync("herts.investigator", "openid intel:read"))["access_token"]!.GetValue<string>();
        using var browser = region.NewBrowser();
        await browser.SignInAsync("essex.investigator", RegionWithSignIn.Password);
        browser.Antiforgery = null;

        var plain = await region.PostWithTokenAsync(token, Me);
        var (status, both) = await browser.SendAsync(HttpMethod.Post, "/graphql", new { query = Me }, request =>
            request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token));

        Assert.Equal(200, plain.Status);
        Assert.Equal("herts.investigator", plain.Data!["me"]!["subject"]!.GetValue<string>());
        Assert.Equal(200, status);
        Assert.Equal("herts.investigator", both!["data"]!["me"]!["subject"]!.GetValue<string>());
    }

    [GeneratedRegex(@"eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.")]
    private static partial Regex Jwt();
}
