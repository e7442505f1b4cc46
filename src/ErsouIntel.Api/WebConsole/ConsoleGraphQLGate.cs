using System.Text.Json;
using ErsouIntel.Api.GraphQL;
using Microsoft.AspNetCore.Authentication;

namespace ErsouIntel.Api.WebConsole;

/// <summary>
/// What a /graphql request that comes with the console's cookie (and no Authorization header) must bring
/// before the endpoint sees it: a live session, else 401 in words a person can act on; and the anti-forgery
/// token, on GET too (a logged read is an effect), else 403. Either way nothing executes and nothing is
/// logged. Bearer callers send no cookie the browser adds on its own, so none of this applies to them.
/// </summary>
public static class ConsoleGraphQLGate
{
    public static WebApplication UseConsoleGraphQLGate(this WebApplication app)
    {
        app.UseWhen(http => http.Request.Path.StartsWithSegments("/graphql"), branch => branch.Use(async (http, next) =>
        {
            if (http.Request.Headers.Authorization.Count > 0 || !ConsoleCookie.IsPresent(http))
            {
                await next();
                return;
            }

            if (!(await http.AuthenticateAsync(ConsoleCookie.Scheme)).Succeeded)
            {
                await RefuseAsync(http, StatusCodes.Status401Unauthorized, "Your session has ended: sign in again.", ErrorCodes.Unauthenticated);
                return;
            }

            if (!await ConsoleAntiforgery.IsValidAsync(http))
            {
                await RefuseAsync(http, StatusCodes.Status403Forbidden,
                    $"This request came with the console's session cookie but without its anti-forgery token ({ConsoleAntiforgery.HeaderName}): reload the console.", ErrorCodes.Forbidden);
                return;
            }

            await next();
        }));
        return app;
    }

    private static async Task RefuseAsync(HttpContext http, int status, string message, string code)
    {
        http.Response.StatusCode = status;
        http.Response.ContentType = "application/json; charset=utf-8";
        var body = new { errors = new[] { new { message, extensions = new { code } } } };
        await http.Response.WriteAsync(JsonSerializer.Serialize(body), http.RequestAborted);
    }
}
