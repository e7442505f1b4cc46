using System.Text.Json;
using ErsouIntel.Api.GraphQL;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;

namespace ErsouIntel.Api.WebConsole;

/// <summary>
/// A cookie is sent by the browser whoever's page made the request; the anti-forgery token is not:
/// the service hands it to the console's own page (in the session JSON) and the page sends it back in
/// <c>X-Ersou-Antiforgery</c>. ASP.NET Core's antiforgery ties it to a cookie of its own and to the
/// signed-in person, so a token from before sign-in, or from another browser, does not pass.
/// </summary>
public static class ConsoleAntiforgery
{
    public const string HeaderName = "X-Ersou-Antiforgery";

    public static IServiceCollection AddConsoleAntiforgery(this IServiceCollection services) =>
        services.Configure<AntiforgeryOptions>(options => options.HeaderName = HeaderName);

    /// <summary>
    /// Every /graphql request (GET too: a logged read is an effect) that the console cookie authenticates
    /// needs the token, or it is refused 403 before anything executes or is logged. Bearer callers send
    /// no cookie the browser adds on its own, so they need none.
    /// </summary>
    public static WebApplication UseConsoleAntiforgery(this WebApplication app)
    {
        app.UseWhen(http => http.Request.Path.StartsWithSegments("/graphql"), branch => branch.Use(async (http, next) =>
        {
            if (await ByConsoleCookieAsync(http) && !await IsValidAsync(http))
            {
                http.Response.StatusCode = StatusCodes.Status403Forbidden;
                http.Response.ContentType = "application/json; charset=utf-8";
                var body = new { errors = new[] { new { message = $"This request came with the console's session cookie but without its anti-forgery token ({HeaderName}): reload the console.", extensions = new { code = ErrorCodes.Forbidden } } } };
                await http.Response.WriteAsync(JsonSerializer.Serialize(body), http.RequestAborted);
                return;
            }

            await next();
        }));
        return app;
    }

    /// <summary>Whether the request's token is valid for the person <c>http.User</c> is now.</summary>
    public static async Task<bool> IsValidAsync(HttpContext http)
    {
        try
        {
            // ValidateRequestAsync, not IsRequestValidAsync: the latter lets GET through unchecked.
            await http.RequestServices.GetRequiredService<IAntiforgery>().ValidateRequestAsync(http);
            return true;
        }
        catch (AntiforgeryValidationException)
        {
            return false;
        }
    }

    /// <summary>A fresh token for the person <c>http.User</c> is now (its cookie half is set on the response).</summary>
    public static string Issue(HttpContext http) =>
        http.RequestServices.GetRequiredService<IAntiforgery>().GetAndStoreTokens(http).RequestToken!;

    private static async Task<bool> ByConsoleCookieAsync(HttpContext http) =>
        http.Request.Headers.Authorization.Count == 0
        && ConsoleCookie.IsPresent(http)
        && (await http.AuthenticateAsync(ConsoleCookie.Scheme)).Succeeded;
}
