using System.Net;
using System.Security.Claims;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;

namespace ErsouIntel.Api.Identity;

/// <summary>A plain server-rendered login page for people: username, password, antiforgery token, lock-out.</summary>
public static class LoginPage
{
    public static IEndpointRouteBuilder MapLoginPage(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/account/login", (HttpContext http, IAntiforgery antiforgery, string? returnUrl) =>
            Page(http, antiforgery, returnUrl, message: null));

        endpoints.MapPost("/account/login", async (HttpContext http, IAntiforgery antiforgery, UserAccounts users) =>
        {
            var form = await http.Request.ReadFormAsync(http.RequestAborted);
            var returnUrl = form["returnUrl"].ToString();
            if (!await antiforgery.IsRequestValidAsync(http))
            {
                // A browser that blocks cookies, or a form left open past its token: nothing was checked yet.
                return Page(http, antiforgery, returnUrl, "This sign-in form has expired or your browser did not send its cookie. Please sign in again.", StatusCodes.Status400BadRequest);
            }

            var (result, user) = await users.SignInAsync(form["username"].ToString(), form["password"].ToString(), http.RequestAborted);
            if (result != SignInResult.Succeeded)
            {
                // One sentence for unknown users and wrong passwords alike.
                var message = result == SignInResult.LockedOut
                    ? "Too many failed attempts: this account is locked for a while."
                    : "The username or password is not right.";
                return Page(http, antiforgery, returnUrl, message, StatusCodes.Status401Unauthorized);
            }

            var identity = new ClaimsIdentity([new Claim(ClaimTypes.Name, user!.Username)], IdentitySetup.LoginScheme);
            await http.SignInAsync(IdentitySetup.LoginScheme, new ClaimsPrincipal(identity));
            // Only back into this service: an open redirect would hand the login to anyone.
            return Results.Redirect(IsLocal(returnUrl) ? returnUrl : "/");
        }).DisableAntiforgery();

        return endpoints;
    }

    /// <summary>
    /// ASP.NET Core's rule for a local URL (its <c>IsLocalUrl</c>), which it does not expose for minimal APIs:
    /// a path from the root, not <c>//host</c> or <c>/\host</c>, and no control character anywhere, since
    /// browsers drop tabs and line breaks from a <c>Location</c> (<c>/&lt;TAB&gt;/evil.example</c> becomes
    /// <c>//evil.example</c>) and a line break in a header cannot be sent at all.
    /// </summary>
    internal static bool IsLocal(string? url) =>
        url is ['/'] or ['/', not ('/' or '\\'), ..] && !url.Any(char.IsControl);

    private static IResult Page(HttpContext http, IAntiforgery antiforgery, string? returnUrl, string? message, int status = StatusCodes.Status200OK)
    {
        // Antiforgery wants its pages uncached in its own words (else it warns at each view); no-store is kept.
        http.Response.Headers.CacheControl = "no-cache, no-store";
        http.Response.Headers.Pragma = "no-cache";
        var tokens = antiforgery.GetAndStoreTokens(http);
        var html = $$"""
            <!doctype html>
            <html lang="en">
            <head><meta charset="utf-8"><title>ErsouIntel: sign in</title>
            <style>body{font-family:sans-serif;max-width:24rem;margin:4rem auto}label,input,button{display:block;width:100%;margin:.4rem 0}p.error{color:#a00}</style></head>
            <body>
            <h1>ErsouIntel</h1>
            <p>Sign in to read and work shared intelligence. Every look at a record is logged.</p>
            {{(message is null ? "" : $"<p class=\"error\" role=\"alert\">{WebUtility.HtmlEncode(message)}</p>")}}
            <form method="post" action="/account/login">
              <input type="hidden" name="{{tokens.FormFieldName}}" value="{{WebUtility.HtmlEncode(tokens.RequestToken)}}">
              <input type="hidden" name="returnUrl" value="{{WebUtility.HtmlEncode(IsLocal(returnUrl) ? returnUrl : "/")}}">
              <label for="username">Username</label><input id="username" name="username" autocomplete="username" required>
              <label for="password">Password</label><input id="password" name="password" type="password" autocomplete="current-password" required>
              <button type="submit">Sign in</button>
            </form>
            </body>
            </html>
            """;
        return Results.Content(html, "text/html; charset=utf-8", statusCode: status);
    }
}
