using System.Security.Claims;
using System.Text.Json;
using ErsouIntel.Api.Identity;
using ErsouIntel.Domain;
using Microsoft.AspNetCore.Authentication;

namespace ErsouIntel.Api.WebConsole;

/// <summary>
/// The console's session endpoints (the backend for its front end): the page signs in with a password
/// here, or through its force's provider, and from then on holds only an HttpOnly cookie and an
/// anti-forgery token. No access or refresh token is ever issued to the page or kept for it.
/// </summary>
public static class ConsoleSession
{
    public const string WrongPassword = "The username or password is not right.";

    public static IEndpointRouteBuilder MapConsoleSession(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/console/session", async (HttpContext http) =>
        {
            await AsConsoleAsync(http);
            return Session(http);
        });

        endpoints.MapPost("/console/session", async (HttpContext http, UserAccounts users, TimeProvider clock) =>
        {
            await AsConsoleAsync(http);
            // Login CSRF: the token from the page's own GET, or another site could sign the browser in as someone else.
            if (!await ConsoleAntiforgery.IsValidAsync(http))
            {
                return Error(StatusCodes.Status400BadRequest, "This sign-in form has expired or your browser did not send its cookie. Reload the page and sign in again.");
            }

            var credentials = await ReadAsync<Credentials>(http);
            if (credentials is not { Username: { Length: > 0 } username, Password: { } password })
            {
                return Error(StatusCodes.Status400BadRequest, "Send {\"username\", \"password\"} as JSON.");
            }

            var (result, user) = await users.SignInAsync(username, password, http.RequestAborted);
            if (result != SignInResult.Succeeded)
            {
                // One sentence for unknown users and wrong passwords alike, as the login page says.
                return Error(StatusCodes.Status401Unauthorized, result == SignInResult.LockedOut
                    ? "Too many failed attempts: this account is locked for a while."
                    : WrongPassword);
            }

            // A session already in this browser ends: one browser, one person.
            if (http.User.Identity?.IsAuthenticated == true)
            {
                await http.SignOutAsync(ConsoleCookie.Scheme);
            }

            var principal = ConsolePrincipal.For(user!);
            await http.SignInAsync(ConsoleCookie.Scheme, principal, ConsolePrincipal.NewSession(clock));
            // The identity changed, so the token the page holds is for nobody now: a fresh one for this person.
            http.User = principal;
            return Session(http);
        });

        endpoints.MapPost("/console/sign-out", async (HttpContext http) =>
        {
            await AsConsoleAsync(http);
            if (!await ConsoleAntiforgery.IsValidAsync(http))
            {
                return Error(StatusCodes.Status400BadRequest, "This request did not carry the console's anti-forgery token.");
            }

            // Deletes the server-side session, so the cookie is dead even where a copy of it survives.
            await http.SignOutAsync(ConsoleCookie.Scheme);
            return Results.NoContent();
        });

        return endpoints;
    }

    /// <summary>
    /// These endpoints speak about the console session only, whatever else the request carries: <c>http.User</c>
    /// becomes the cookie's person (or nobody), the identity the anti-forgery token is checked against and issued for.
    /// </summary>
    internal static async Task AsConsoleAsync(HttpContext http)
    {
        var result = await http.AuthenticateAsync(ConsoleCookie.Scheme);
        http.User = result.Succeeded ? result.Principal : new ClaimsPrincipal(new ClaimsIdentity());
    }

    internal static IResult Error(int status, string message) =>
        Results.Json(new { error = message }, statusCode: status);

    internal static async Task<T?> ReadAsync<T>(HttpContext http)
        where T : class
    {
        try
        {
            return await http.Request.ReadFromJsonAsync<T>(http.RequestAborted);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            // Not JSON, or not a JSON content type: the caller answers 400.
            return null;
        }
    }

    private static IResult Session(HttpContext http)
    {
        // Antiforgery wants the answer uncached in its own words (else it warns); no-store is kept.
        http.Response.Headers.CacheControl = "no-cache, no-store";
        http.Response.Headers.Pragma = "no-cache";
        var antiforgery = ConsoleAntiforgery.Issue(http);
        var providers = ConsoleProviders.List(http.RequestServices);
        var caller = Caller.From(http.User);
        if (caller is null)
        {
            return Results.Json(new { signedIn = false, antiforgery, providers });
        }

        return Results.Json(new
        {
            signedIn = true,
            subject = caller.Subject,
            role = caller.Roles.Count > 0 ? caller.Roles[0] : null,
            force = caller.Force?.TenantId(),
            antiforgery,
            providers = Array.Empty<ConsoleProvider>(),
        });
    }

    private sealed record Credentials(string? Username, string? Password);
}
