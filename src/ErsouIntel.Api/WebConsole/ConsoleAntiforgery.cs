using Microsoft.AspNetCore.Antiforgery;

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
}
