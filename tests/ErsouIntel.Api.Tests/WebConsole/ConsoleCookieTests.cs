using ErsouIntel.Api.Tests.Identity;

namespace ErsouIntel.Api.Tests.WebConsole;

/// <summary>The service as <c>run</c> starts it on a workstation (<see cref="DevelopmentServiceFixture"/>), with the README's demo accounts.</summary>
public sealed class DevelopmentConsole : DevelopmentServiceFixture
{
    public const string DemoPassword = "ersou-dev-password";

    public ConsoleBrowser NewBrowser() => new(Http.BaseAddress!);
}

/// <summary>The README's demo accounts sign in to the console, and the cookie's name where plain HTTP is not a secure context.</summary>
public sealed class ConsoleCookieTests(DevelopmentConsole service) : IClassFixture<DevelopmentConsole>
{
    [Theory]
    [InlineData("essex.investigator", "investigator", "ESSEX")]
    [InlineData("region.auditor", "auditor", null)]
    public async Task The_demo_accounts_sign_in_in_Development(string username, string role, string? force)
    {
        using var browser = service.NewBrowser();

        var (status, session) = await browser.SignInAsync(username, DevelopmentConsole.DemoPassword);
        var (meStatus, me) = await browser.GraphQLAsync("query Me { me { subject force roles } }");

        Assert.Equal(200, status);
        Assert.Equal(username, session!["subject"]!.GetValue<string>());
        Assert.Equal(role, session["role"]!.GetValue<string>());
        Assert.Equal(force, session["force"]?.GetValue<string>());
        Assert.Equal(200, meStatus);
        Assert.Equal(username, me!["data"]!["me"]!["subject"]!.GetValue<string>());
    }

    [Fact]
    public async Task Over_plain_HTTP_on_another_host_in_Development_the_cookie_is_ersou_session_without_Secure_and_works()
    {
        using var browser = service.NewBrowser();
        browser.Host = "console.example.test";

        await browser.SignInAsync("essex.investigator", DevelopmentConsole.DemoPassword);
        var (status, me) = await browser.GraphQLAsync("query Me { me { subject } }");

        var cookie = Assert.Single(browser.SetCookies, c => c.StartsWith("ersou.session=", StringComparison.Ordinal));
        var flags = cookie.Split(';').Skip(1).Select(f => f.Trim().ToLowerInvariant()).ToList();
        Assert.DoesNotContain("secure", flags);
        Assert.Contains("httponly", flags);
        Assert.Contains("samesite=strict", flags);
        Assert.DoesNotContain(browser.SetCookies, c => c.StartsWith("__Host-", StringComparison.Ordinal));
        Assert.Equal(200, status);
        Assert.Equal("essex.investigator", me!["data"]!["me"]!["subject"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("localhost")]
    [InlineData("127.0.0.2")]
    [InlineData("[::1]")]
    public async Task On_a_loopback_host_even_in_Development_the_cookie_is_host_prefixed_and_Secure(string host)
    {
        using var browser = service.NewBrowser();
        browser.Host = host;

        await browser.SignInAsync("essex.investigator", DevelopmentConsole.DemoPassword);

        var cookie = Assert.Single(browser.SetCookies, c => c.StartsWith("__Host-ersou.session=", StringComparison.Ordinal));
        Assert.Contains("secure", cookie.Split(';').Select(f => f.Trim().ToLowerInvariant()));
    }
}

/// <summary>Outside Development a plain-HTTP page on another host still gets only the Secure, host-prefixed cookie.</summary>
public sealed class ConsoleCookieOutsideDevelopmentTests(ConsoleRegion region) : IClassFixture<ConsoleRegion>
{
    [Fact]
    public async Task Over_plain_HTTP_on_another_host_the_cookie_stays_host_prefixed_and_Secure_so_a_browser_refuses_it()
    {
        using var browser = region.NewBrowser();
        browser.Host = "console.example.test";

        var (status, _) = await browser.SignInAsync("essex.investigator", RegionWithSignIn.Password);

        Assert.Equal(200, status);
        var cookie = Assert.Single(browser.SetCookies, c => c.Contains("ersou.session=", StringComparison.Ordinal));
        Assert.StartsWith("__Host-ersou.session=", cookie, StringComparison.Ordinal);
        Assert.Contains("secure", cookie.Split(';').Select(f => f.Trim().ToLowerInvariant()));
    }
}

/// <summary>A service allowing two sign-ins a minute from one address.</summary>
public sealed class ThrottledConsole : ConsoleRegion
{
    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?> { ["RateLimits:SignInsPerWindow"] = "2" };
}

/// <summary>The sign-in throttle covers the console's password sign-in as it does the login page and the token endpoint.</summary>
public sealed class ConsoleSignInThrottleTests(ThrottledConsole region) : IClassFixture<ThrottledConsole>
{
    [Fact]
    public async Task Past_the_limit_a_console_sign_in_is_429_before_the_password_is_checked()
    {
        using var browser = region.NewBrowser();
        await browser.SessionAsync();
        var statuses = new List<int>();

        for (var i = 0; i < 2; i++)
        {
            statuses.Add((await browser.SignInAsync("essex.investigator", "wrong password")).Status);
        }

        var (status, _) = await browser.SendAsync(HttpMethod.Post, "/console/session", new { username = "essex.investigator", password = RegionWithSignIn.Password });
        var (sessionStatus, _) = await browser.SessionAsync();

        Assert.Equal([401, 401], statuses);
        Assert.Equal(429, status);
        // Only the sign-in itself is throttled: the page can still ask who is signed in.
        Assert.Equal(200, sessionStatus);
    }
}
