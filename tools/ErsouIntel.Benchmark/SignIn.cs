using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using System.Web;

namespace ErsouIntel.Benchmark;

/// <summary>
/// Tokens the way real callers get them, so sign-in stays on for the whole run: client credentials
/// for each force system, and the authorization-code flow with PKCE through the login page for the
/// investigator. Development seeds the accounts (README: <c>&lt;force&gt;-system</c> /
/// <c>&lt;force&gt;-dev-secret</c>; <c>&lt;force&gt;.investigator</c> / <c>ersou-dev-password</c>;
/// the public client <c>ersou-tools</c>).
/// </summary>
internal sealed partial class SignIn(HttpClient http) : IDisposable
{
    public const string ToolsClientId = "ersou-tools";
    public const string ToolsRedirectUri = "http://127.0.0.1:5080/callback";
    public const string DevPassword = "ersou-dev-password";

    // Access tokens live 15 minutes by default: renew well before, so no request of a long phase meets a 401.
    private static readonly TimeSpan RenewBefore = TimeSpan.FromMinutes(3);

    private readonly Dictionary<string, (string Token, DateTimeOffset Renew)> systems = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim gate = new(1, 1);
    private (string Token, string? Refresh, DateTimeOffset Renew)? investigator;
    private string? investigatorName;

    /// <summary>A force system's token (client credentials, scope <c>intel:write</c>).</summary>
    public async Task<string> SystemTokenAsync(string clientId, string forceName, CancellationToken cancellation)
    {
        await gate.WaitAsync(cancellation);
        try
        {
            if (systems.TryGetValue(clientId, out var held) && DateTimeOffset.UtcNow < held.Renew)
            {
                return held.Token;
            }

            using var json = await TokenAsync(new Dictionary<string, string>
            {
                ["grant_type"] = "client_credentials",
                ["client_id"] = clientId,
                ["client_secret"] = forceName.ToLowerInvariant() + "-dev-secret",
                ["scope"] = "intel:write",
            }, cancellation);
            var token = json.RootElement.GetProperty("access_token").GetString()!;
            systems[clientId] = (token, RenewAt(json));
            return token;
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>The investigator's token: signed in once through the login page, then renewed with the refresh token.</summary>
    public async Task<string> InvestigatorTokenAsync(string username, CancellationToken cancellation)
    {
        await gate.WaitAsync(cancellation);
        try
        {
            if (investigator is { } held && investigatorName == username)
            {
                if (DateTimeOffset.UtcNow < held.Renew)
                {
                    return held.Token;
                }

                if (held.Refresh is not null)
                {
                    using var refreshed = await TokenAsync(new Dictionary<string, string>
                    {
                        ["grant_type"] = "refresh_token",
                        ["client_id"] = ToolsClientId,
                        ["refresh_token"] = held.Refresh,
                    }, cancellation);
                    investigator = Keep(refreshed, held.Refresh);
                    return investigator.Value.Token;
                }
            }

            using var json = await AuthorizationCodeAsync(username, cancellation);
            investigatorName = username;
            investigator = Keep(json, null);
            return investigator.Value.Token;
        }
        finally
        {
            gate.Release();
        }
    }

    private static (string, string?, DateTimeOffset) Keep(JsonDocument json, string? previousRefresh) =>
        (json.RootElement.GetProperty("access_token").GetString()!,
         json.RootElement.TryGetProperty("refresh_token", out var r) ? r.GetString() : previousRefresh,
         RenewAt(json));

    private static DateTimeOffset RenewAt(JsonDocument json)
    {
        var lifetime = json.RootElement.TryGetProperty("expires_in", out var e) && e.ValueKind == JsonValueKind.Number ? e.GetInt32() : 300;
        return DateTimeOffset.UtcNow + TimeSpan.FromSeconds(lifetime) - (lifetime > 600 ? RenewBefore : TimeSpan.FromSeconds(lifetime / 5));
    }

    /// <summary>A browser's steps: authorize, the login form with its antiforgery token, the redirect back with a code, the code for a token.</summary>
    private async Task<JsonDocument> AuthorizationCodeAsync(string username, CancellationToken cancellation)
    {
        var verifier = Base64Url(RandomNumberGenerator.GetBytes(32));
        var challenge = Base64Url(SHA256.HashData(Encoding.ASCII.GetBytes(verifier)));
        var state = Guid.NewGuid().ToString("N");
        var authorize = $"connect/authorize?response_type=code&client_id={ToolsClientId}&redirect_uri={Uri.EscapeDataString(ToolsRedirectUri)}" +
            $"&scope={Uri.EscapeDataString("openid offline_access intel:read")}&state={state}&code_challenge={challenge}&code_challenge_method=S256";

        using var handler = new HttpClientHandler { AllowAutoRedirect = false, UseCookies = true, CookieContainer = new CookieContainer() };
        using var browser = new HttpClient(handler) { BaseAddress = http.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };

        using var first = await browser.GetAsync(new Uri(authorize, UriKind.Relative), cancellation);
        var loginUrl = Expect(first, "the authorization endpoint");

        using var page = await browser.GetAsync(loginUrl, cancellation);
        var html = await page.Content.ReadAsStringAsync(cancellation);
        var field = AntiforgeryField().Match(html);
        if (!field.Success)
        {
            throw new BenchFailure($"The login page ({(int)page.StatusCode}) has no antiforgery field.");
        }

        using var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            [field.Groups[1].Value] = WebUtility.HtmlDecode(field.Groups[2].Value),
            ["returnUrl"] = WebUtility.HtmlDecode(ReturnUrlField().Match(html).Groups[1].Value),
            ["username"] = username,
            ["password"] = DevPassword,
        });
        using var loggedIn = await browser.PostAsync(new Uri("account/login", UriKind.Relative), form, cancellation);
        var back = Expect(loggedIn, $"the login of {username}");

        using var again = await browser.GetAsync(back, cancellation);
        var callback = Expect(again, "the authorization endpoint after login");
        if (!callback.IsAbsoluteUri || !callback.ToString().StartsWith(ToolsRedirectUri, StringComparison.Ordinal))
        {
            throw new BenchFailure($"Signing in {username} ended at {callback}, not at the tool's redirect.");
        }

        var query = HttpUtility.ParseQueryString(callback.Query);
        if (query["state"] != state || query["code"] is not { } code)
        {
            throw new BenchFailure($"Signing in {username}: the redirect carries no code for our state ({callback.Query}).");
        }

        return await TokenAsync(new Dictionary<string, string>
        {
            ["grant_type"] = "authorization_code",
            ["client_id"] = ToolsClientId,
            ["code"] = code,
            ["redirect_uri"] = ToolsRedirectUri,
            ["code_verifier"] = verifier,
        }, cancellation);
    }

    private async Task<JsonDocument> TokenAsync(Dictionary<string, string> fields, CancellationToken cancellation)
    {
        using var form = new FormUrlEncodedContent(fields);
        using var response = await http.PostAsync(new Uri("connect/token", UriKind.Relative), form, cancellation);
        var body = await response.Content.ReadAsStringAsync(cancellation);
        if (!response.IsSuccessStatusCode)
        {
            throw new BenchFailure($"The token endpoint answered {(int)response.StatusCode} to {fields["grant_type"]} for {fields["client_id"]}: {GraphQLClient.Trim(body)}");
        }

        return JsonDocument.Parse(body);
    }

    private static Uri Expect(HttpResponseMessage response, string step) =>
        response.StatusCode == HttpStatusCode.Redirect && response.Headers.Location is { } location
            ? location
            : throw new BenchFailure($"Signing in: {step} answered {(int)response.StatusCode}, not a redirect.");

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public void Dispose() => gate.Dispose();

    [GeneratedRegex("name=\"(__RequestVerificationToken[^\"]*)\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryField();

    [GeneratedRegex("name=\"returnUrl\" value=\"([^\"]*)\"")]
    private static partial Regex ReturnUrlField();
}
