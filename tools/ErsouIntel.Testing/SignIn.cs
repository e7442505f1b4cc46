using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using System.Web;

namespace ErsouIntel.Testing;

/// <summary>
/// Tokens through the service's real endpoints, the way its callers get them: client credentials
/// for a force system; for a person, the authorization-code flow with PKCE driven over HTTP as a
/// browser would (authorize, the login form with its antiforgery token, the redirect back, the
/// code for a token). A step that goes wrong is an <see cref="InvalidOperationException"/> naming it.
/// </summary>
public sealed partial class SignIn(HttpClient http)
{
    public async Task<HttpResponseMessage> TokenRequestAsync(IReadOnlyDictionary<string, string> fields, CancellationToken cancellation = default)
    {
        using var form = new FormUrlEncodedContent(fields);
        return await http.PostAsync(new Uri("connect/token", UriKind.Relative), form, cancellation);
    }

    /// <summary>The token endpoint's answer; a refusal is an exception with the endpoint's reason.</summary>
    public async Task<JsonNode> TokenAsync(IReadOnlyDictionary<string, string> fields, CancellationToken cancellation = default)
    {
        using var response = await TokenRequestAsync(fields, cancellation);
        var body = await response.Content.ReadAsStringAsync(cancellation);
        return response.IsSuccessStatusCode
            ? JsonNode.Parse(body)!
            : throw new InvalidOperationException($"The token endpoint answered {(int)response.StatusCode} to {fields["grant_type"]} for {fields["client_id"]}: {body}");
    }

    public async Task<string> ClientCredentialsAsync(string clientId, string secret, string scope, CancellationToken cancellation = default)
    {
        var json = await TokenAsync(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials",
            ["client_id"] = clientId,
            ["client_secret"] = secret,
            ["scope"] = scope,
        }, cancellation);
        return json["access_token"]!.GetValue<string>();
    }

    /// <summary>A person's sign-in with the public client <paramref name="clientId"/>; the token endpoint's whole answer (access, refresh and id tokens).</summary>
    public async Task<JsonNode> AuthorizationCodeAsync(string clientId, string redirectUri, string username, string password, string scope, CancellationToken cancellation = default)
    {
        var verifier = Base64Url(RandomNumberGenerator.GetBytes(32));
        var challenge = Base64Url(SHA256.HashData(Encoding.ASCII.GetBytes(verifier)));
        var state = Guid.NewGuid().ToString("N");
        var authorize = $"connect/authorize?response_type=code&client_id={clientId}&redirect_uri={Uri.EscapeDataString(redirectUri)}" +
            $"&scope={Uri.EscapeDataString(scope)}&state={state}&code_challenge={challenge}&code_challenge_method=S256";

        using var browser = Browser();
        using var first = await browser.GetAsync(new Uri(authorize, UriKind.Relative), cancellation);
        var loginUrl = Redirected(first, "the authorization endpoint");
        if (!(loginUrl.IsAbsoluteUri ? loginUrl.PathAndQuery : loginUrl.OriginalString).StartsWith("/account/login", StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"Signing in {username}: the authorization endpoint sent the browser to {loginUrl}, not to the login page.");
        }

        using var loggedIn = await LogInAsync(browser, loginUrl, username, password, cancellation);
        var back = Redirected(loggedIn, $"the login of {username}");

        using var again = await browser.GetAsync(back, cancellation);
        var callback = Redirected(again, "the authorization endpoint after login");
        if (!callback.ToString().StartsWith(redirectUri, StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"Signing in {username} ended at {callback}, not at the client's redirect.");
        }

        var query = HttpUtility.ParseQueryString(callback.Query);
        if (query["state"] != state || query["code"] is not { } code)
        {
            throw new InvalidOperationException($"Signing in {username}: the redirect carries no code for our state ({callback.Query}).");
        }

        return await TokenAsync(new Dictionary<string, string>
        {
            ["grant_type"] = "authorization_code",
            ["client_id"] = clientId,
            ["code"] = code,
            ["redirect_uri"] = redirectUri,
            ["code_verifier"] = verifier,
        }, cancellation);
    }

    /// <summary>Gets the login page, then posts the form with its antiforgery token; the answer is the caller's to judge.</summary>
    public static async Task<HttpResponseMessage> LogInAsync(HttpClient browser, Uri loginUrl, string username, string password, CancellationToken cancellation = default)
    {
        using var page = await browser.GetAsync(loginUrl, cancellation);
        var html = await page.Content.ReadAsStringAsync(cancellation);
        var field = AntiforgeryField().Match(html);
        using var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            [field.Groups[1].Value] = WebUtility.HtmlDecode(field.Groups[2].Value),
            ["returnUrl"] = WebUtility.HtmlDecode(ReturnUrlField().Match(html).Groups[1].Value),
            ["username"] = username,
            ["password"] = password,
        });
        return await browser.PostAsync(new Uri("account/login", UriKind.Relative), form, cancellation);
    }

    /// <summary>A client that keeps cookies and does not follow redirects, as a browser's steps need.</summary>
    public HttpClient Browser() =>
        new(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = true, CookieContainer = new CookieContainer() })
        {
            BaseAddress = http.BaseAddress,
        };

    private static Uri Redirected(HttpResponseMessage response, string step) =>
        response.StatusCode == HttpStatusCode.Redirect && response.Headers.Location is { } location
            ? location
            : throw new InvalidOperationException($"Signing in: {step} answered {(int)response.StatusCode}, not a redirect.");

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    [GeneratedRegex("name=\"(__RequestVerificationToken[^\"]*)\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryField();

    [GeneratedRegex("name=\"returnUrl\" value=\"([^\"]*)\"")]
    private static partial Regex ReturnUrlField();
}
