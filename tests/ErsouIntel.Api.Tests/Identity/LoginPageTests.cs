using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using ErsouIntel.Api.Identity;
using ErsouIntel.Api.Tests.Infrastructure;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ErsouIntel.Api.Tests.Identity;

/// <summary>What a person, or someone luring them, can do with the sign-in page and the authorize endpoint.</summary>
public sealed class LoginPageTests(LoginPageRegion region) : IClassFixture<LoginPageRegion>
{
    [Theory]
    [InlineData("/", true)]
    [InlineData("/connect/authorize?client_id=x&scope=openid", true)]
    [InlineData("//evil.example", false)]
    [InlineData("/\\evil.example", false)]
    [InlineData("/\t/evil.example", false)]
    [InlineData("/\n/evil.example", false)]
    [InlineData("/\v/evil.example", false)]
    [InlineData("/cases\r\nSet-Cookie: x=1", false)]
    [InlineData("https://evil.example/", false)]
    [InlineData("evil.example", false)]
    [InlineData("", false)]
    [InlineData(null, false)]
    public void Only_a_path_of_this_service_without_control_characters_is_a_place_to_return_to(string? returnUrl, bool local) =>
        Assert.Equal(local, LoginPage.IsLocal(returnUrl));

    [Fact]
    public async Task A_sign_in_without_the_antiforgery_cookie_gets_the_form_again_with_a_plain_message_and_400()
    {
        using var browser = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = region.Http.BaseAddress };

        using var response = await browser.PostAsync("/account/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["username"] = "essex.investigator",
            ["password"] = RegionWithSignIn.Password,
            ["returnUrl"] = "/",
        }));
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("<form method=\"post\" action=\"/account/login\">", html, StringComparison.Ordinal);
        Assert.Contains("This sign-in form has expired", html, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", html, StringComparison.Ordinal);
        AssertSecurityHeaders(response);
    }

    [Fact]
    public async Task A_return_address_with_a_tab_or_a_line_break_sends_the_person_home_after_signing_in()
    {
        foreach (var returnUrl in new[] { "/\t/evil.example", "/\n/evil.example", "/\v/evil.example" })
        {
            using var browser = region.Browser();
            using var signedIn = await RegionWithSignIn.LogInAsync(browser, new Uri("/account/login?returnUrl=" + Uri.EscapeDataString(returnUrl), UriKind.Relative), "essex.investigator", RegionWithSignIn.Password);

            Assert.True(signedIn.StatusCode == HttpStatusCode.Redirect, $"{Escape(returnUrl)}: {(int)signedIn.StatusCode}");
            Assert.Equal("/", signedIn.Headers.Location!.OriginalString);
        }
    }

    [Fact]
    public async Task PKCE_plain_is_neither_advertised_nor_accepted()
    {
        var discovery = await region.Http.GetStringAsync("/.well-known/openid-configuration");
        Assert.DoesNotContain("\"plain\"", discovery, StringComparison.Ordinal);

        var verifier = Convert.ToHexString(RandomNumberGenerator.GetBytes(32));
        using var browser = region.Browser();
        using var authorize = await browser.GetAsync(
            $"/connect/authorize?response_type=code&client_id={RegionWithSignIn.AppClientId}&redirect_uri={Uri.EscapeDataString(RegionWithSignIn.RedirectUri)}" +
            $"&scope=openid&state=s&code_challenge={verifier}&code_challenge_method=plain");

        // Refused before any sign-in: not sent on to the login page, and no code can follow.
        var location = authorize.Headers.Location?.ToString() ?? "";
        Assert.DoesNotContain("/account/login", location, StringComparison.Ordinal);
        Assert.True(location.Contains("error=", StringComparison.Ordinal) || (int)authorize.StatusCode >= 400, $"{(int)authorize.StatusCode} {location}");
    }

    [Fact]
    public async Task Viewing_the_login_page_logs_no_warning()
    {
        region.Logged.Clear();

        using var page = await region.Browser().GetAsync("/account/login?returnUrl=%2F");

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Empty(region.Logged.Where(l => l.Level >= LogLevel.Warning).Select(l => $"{l.Category}: {l.Message}"));
    }

    internal static void AssertSecurityHeaders(HttpResponseMessage response)
    {
        Assert.Equal("nosniff", string.Join(",", response.Headers.GetValues("X-Content-Type-Options")));
        Assert.Equal("DENY", string.Join(",", response.Headers.GetValues("X-Frame-Options")));
        Assert.True(response.Headers.Contains("Content-Security-Policy") || response.Content.Headers.Contains("Content-Security-Policy"), "no Content-Security-Policy");
        Assert.Equal("no-referrer", string.Join(",", response.Headers.GetValues("Referrer-Policy")));
    }

    private static string Escape(string text) => new(text.SelectMany(c => char.IsControl(c) ? $"\\u{(int)c:x4}" : c.ToString()).ToArray());
}

/// <summary>Failures nothing else answered, in the environment the README's run command starts (Development).</summary>
public sealed class ErrorPagesTests(FailingDevelopmentService service) : IClassFixture<FailingDevelopmentService>
{
    [Fact]
    public async Task An_unexpected_failure_in_Development_is_a_plain_500_with_the_security_headers_and_no_stack_trace()
    {
        using var response = await service.Http.GetAsync("/account/login");
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.StartsWith("text/plain", response.Content.Headers.ContentType?.MediaType, StringComparison.Ordinal);
        Assert.DoesNotContain("InvalidOperationException", body, StringComparison.Ordinal);
        Assert.DoesNotContain(" at ", body, StringComparison.Ordinal);
        LoginPageTests.AssertSecurityHeaders(response);
    }
}

public sealed class LoginPageRegion : RegionWithSignIn
{
    public ConcurrentQueue<(string Category, LogLevel Level, string Message)> Logged { get; } = new();

    protected override void ConfigureTestServices(IServiceCollection services) =>
        services.AddSingleton<ILoggerProvider>(new CapturingLoggerProvider(Logged));

    private sealed class CapturingLoggerProvider(ConcurrentQueue<(string, LogLevel, string)> logged) : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => new Logger(categoryName, logged);

        public void Dispose()
        {
        }

        private sealed class Logger(string category, ConcurrentQueue<(string, LogLevel, string)> logged) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                logged.Enqueue((category, logLevel, formatter(state, exception)));
        }
    }
}

/// <summary>The service as the run command starts it, with one part that fails: the login page's antiforgery.</summary>
public sealed class FailingDevelopmentService : ServiceFixture
{
    protected override string Environment => "Development";

    protected override void ConfigureTestServices(IServiceCollection services) =>
        services.AddSingleton<IAntiforgery, FailingAntiforgery>();

    private sealed class FailingAntiforgery : IAntiforgery
    {
        public AntiforgeryTokenSet GetAndStoreTokens(HttpContext httpContext) => throw new InvalidOperationException("A failure the page did not expect.");

        public AntiforgeryTokenSet GetTokens(HttpContext httpContext) => throw new InvalidOperationException("A failure the page did not expect.");

        public Task<bool> IsRequestValidAsync(HttpContext httpContext) => Task.FromResult(false);

        public void SetCookieTokenAndHeader(HttpContext httpContext) => throw new InvalidOperationException("A failure the page did not expect.");

        public Task ValidateRequestAsync(HttpContext httpContext) => throw new InvalidOperationException("A failure the page did not expect.");
    }
}
