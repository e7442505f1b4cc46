using System.Net;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;

namespace ErsouIntel.Api.WebConsole;

/// <summary>
/// The console's session cookie: HttpOnly, SameSite=Strict, Path=/, holding only a key to the
/// session kept server-side (<see cref="ConsoleSessionStore"/>). Named <c>__Host-ersou.session</c>
/// and Secure wherever the browser treats the page as a secure context (HTTPS, or a loopback host
/// over plain HTTP); <c>ersou.session</c> without Secure only for plain HTTP on another host in
/// Development, where a Secure cookie would never be sent back.
/// </summary>
public static class ConsoleCookie
{
    public const string Scheme = "ErsouConsole";
    public const string SecureName = "__Host-ersou.session";
    public const string PlainName = "ersou.session";

    /// <summary>Idle time after which an unused session ends; each use within it extends it.</summary>
    public static readonly TimeSpan IdleTimeout = TimeSpan.FromMinutes(30);

    /// <summary>However busy, a session ends this long after sign-in: then the password (or the force's provider) is asked again.</summary>
    public static readonly TimeSpan AbsoluteTimeout = TimeSpan.FromHours(8);

    /// <summary>Whether the request carries a console cookie (valid or not): the scheme selector's question.</summary>
    public static bool IsPresent(HttpContext http) =>
        http.Request.Cookies.ContainsKey(SecureName) || http.Request.Cookies.ContainsKey(PlainName);

    public static AuthenticationBuilder AddConsoleCookie(this AuthenticationBuilder authentication, bool development)
    {
        authentication.AddCookie(Scheme, options =>
        {
            options.Cookie.Name = SecureName;
            options.Cookie.HttpOnly = true;
            options.Cookie.SameSite = SameSiteMode.Strict;
            options.Cookie.Path = "/";
            options.Cookie.SecurePolicy = CookieSecurePolicy.Always;
            options.CookieManager = new PerRequestName(development);
            options.ExpireTimeSpan = IdleTimeout;
            options.SlidingExpiration = true;
            // An API for a script: no redirects to a login page, a status the page can read.
            options.Events.OnRedirectToLogin = context => Status(context, StatusCodes.Status401Unauthorized);
            options.Events.OnRedirectToAccessDenied = context => Status(context, StatusCodes.Status403Forbidden);
            options.Events.OnValidatePrincipal = ConsolePrincipal.RevalidateAsync;
        });
        authentication.Services.AddSingleton<ConsoleSessionStore>();
        authentication.Services.AddOptions<CookieAuthenticationOptions>(Scheme)
            .Configure<ConsoleSessionStore>((options, store) => options.SessionStore = store);
        return authentication;
    }

    private static Task Status(RedirectContext<CookieAuthenticationOptions> context, int status)
    {
        context.Response.StatusCode = status;
        return Task.CompletedTask;
    }

    /// <summary>A browser treats HTTPS and loopback hosts as secure contexts, and keeps Secure cookies set over them.</summary>
    internal static bool IsSecureContext(HttpRequest request) =>
        request.IsHttps
        || string.Equals(request.Host.Host, "localhost", StringComparison.OrdinalIgnoreCase)
        || (IPAddress.TryParse(request.Host.Host.Trim('[', ']'), out var address) && IPAddress.IsLoopback(address));

    /// <summary>Chooses the cookie's name and Secure flag per request; everything else is the chunking manager's.</summary>
    private sealed class PerRequestName(bool development) : ICookieManager
    {
        private readonly ChunkingCookieManager inner = new();

        public string? GetRequestCookie(HttpContext context, string key) =>
            inner.GetRequestCookie(context, NameFor(context));

        public void AppendResponseCookie(HttpContext context, string key, string? value, CookieOptions options)
        {
            options.Secure = !Plain(context);
            inner.AppendResponseCookie(context, NameFor(context), value, options);
        }

        public void DeleteCookie(HttpContext context, string key, CookieOptions options)
        {
            options.Secure = !Plain(context);
            inner.DeleteCookie(context, NameFor(context), options);
        }

        // Outside Development a plain-HTTP page on another host still gets the __Host- cookie, which its browser
        // refuses: no session over a connection anyone on the path can read.
        private bool Plain(HttpContext context) => development && !IsSecureContext(context.Request);

        private string NameFor(HttpContext context) => Plain(context) ? PlainName : SecureName;
    }
}
