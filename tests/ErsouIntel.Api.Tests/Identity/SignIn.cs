using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using ErsouIntel.Api.Identity;
using ErsouIntel.Api.Tests.Infrastructure;

namespace ErsouIntel.Api.Tests.Identity;

/// <summary>
/// A region whose clients and users were made with the admin command line, and helpers that get
/// tokens through the real endpoints: client credentials for force systems, the authorization
/// code flow with PKCE, driven over HTTP through the login page, for people.
/// </summary>
public class RegionWithSignIn : ServiceFixture
{
    public const string Password = "correct horse battery staple";
    public const string AppClientId = "investigator-tool";
    public const string RedirectUri = "http://127.0.0.1:1/callback";

    public static string SecretOf(string clientId) => clientId + "-secret-value";

    protected override async Task SeedAsync()
    {
        await AdminAsync(["add-client", "--client-id", "herts-system", "--force", "hertfordshire"], SecretOf("herts-system"));
        await AdminAsync(["add-client", "--client-id", "essex-system", "--force", "ESSEX"], SecretOf("essex-system"));
        await AdminAsync(["add-app", "--client-id", AppClientId, "--redirect-uri", RedirectUri]);
        await AdminAsync(["add-user", "--username", "essex.investigator", "--role", "investigator", "--force", "ESSEX"], Password);
        await AdminAsync(["add-user", "--username", "herts.investigator", "--role", "investigator", "--force", "HERTFORDSHIRE"], Password);
        await AdminAsync(["add-user", "--username", "region.auditor", "--role", "auditor"], Password);
        await AdminAsync(["add-user", "--username", "the.admin", "--role", "admin"], Password);
    }

    /// <summary>Runs <c>admin ...</c> as an operator would, with <paramref name="stdin"/> as standard input.</summary>
    public async Task<(int Exit, string Output, string Error)> AdminAsync(string[] args, string? stdin = null)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exit = await AdminCommands.RunAsync(Services, args, new StringReader(stdin is null ? "" : stdin + "\n"), output, error);
        return (exit, output.ToString(), error.ToString());
    }

    public async Task<HttpResponseMessage> TokenRequestAsync(Dictionary<string, string> form) =>
        await Http.PostAsync("/connect/token", new FormUrlEncodedContent(form));

    public async Task<string> ClientCredentialsAsync(string clientId, string? secret = null)
    {
        using var response = await TokenRequestAsync(new()
        {
            ["grant_type"] = "client_credentials",
            ["client_id"] = clientId,
            ["client_secret"] = secret ?? SecretOf(clientId),
            ["scope"] = "intel:write",
        });
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, body);
        return JsonNode.Parse(body)!["access_token"]!.GetValue<string>();
    }

    /// <summary>The browser's part of the authorization code flow: authorize, log in, follow the redirect, redeem the code.</summary>
    public async Task<JsonNode> AuthorizationCodeAsync(string username, string scope, string password = Password)
    {
        var verifier = Base64Url(RandomNumberGenerator.GetBytes(32));
        var challenge = Base64Url(SHA256.HashData(Encoding.ASCII.GetBytes(verifier)));
        var state = Guid.NewGuid().ToString("N");
        var authorize = $"/connect/authorize?response_type=code&client_id={AppClientId}&redirect_uri={Uri.EscapeDataString(RedirectUri)}" +
            $"&scope={Uri.EscapeDataString(scope)}&state={state}&code_challenge={challenge}&code_challenge_method=S256";

        using var browser = Browser();
        using var first = await browser.GetAsync(authorize);
        Assert.Equal(HttpStatusCode.Redirect, first.StatusCode);
        var loginUrl = first.Headers.Location!;
        Assert.StartsWith("/account/login", loginUrl.IsAbsoluteUri ? loginUrl.PathAndQuery : loginUrl.OriginalString, StringComparison.Ordinal);

        using var loggedIn = await LogInAsync(browser, loginUrl, username, password);
        Assert.Equal(HttpStatusCode.Redirect, loggedIn.StatusCode);

        using var back = await browser.GetAsync(loggedIn.Headers.Location);
        Assert.Equal(HttpStatusCode.Redirect, back.StatusCode);
        var callback = back.Headers.Location!;
        Assert.StartsWith(RedirectUri, callback.ToString(), StringComparison.Ordinal);
        var query = System.Web.HttpUtility.ParseQueryString(callback.Query);
        Assert.Equal(state, query["state"]);

        using var token = await TokenRequestAsync(new()
        {
            ["grant_type"] = "authorization_code",
            ["client_id"] = AppClientId,
            ["code"] = query["code"]!,
            ["redirect_uri"] = RedirectUri,
            ["code_verifier"] = verifier,
        });
        var body = await token.Content.ReadAsStringAsync();
        Assert.True(token.IsSuccessStatusCode, body);
        return JsonNode.Parse(body)!;
    }

    /// <summary>Gets the login page, then posts the form with its antiforgery token.</summary>
    public static async Task<HttpResponseMessage> LogInAsync(HttpClient browser, Uri loginUrl, string username, string password)
    {
        using var page = await browser.GetAsync(loginUrl);
        var html = await page.Content.ReadAsStringAsync();
        var field = Regex.Match(html, "name=\"(__RequestVerificationToken[^\"]*)\" value=\"([^\"]+)\"");
        var returnUrl = WebUtility.HtmlDecode(Regex.Match(html, "name=\"returnUrl\" value=\"([^\"]*)\"").Groups[1].Value);
        return await browser.PostAsync("/account/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            [field.Groups[1].Value] = WebUtility.HtmlDecode(field.Groups[2].Value),
            ["returnUrl"] = returnUrl,
            ["username"] = username,
            ["password"] = password,
        }));
    }

    /// <summary>A client that keeps cookies and does not follow redirects, as a test of a browser's steps.</summary>
    public HttpClient Browser() =>
        new(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = true, CookieContainer = new CookieContainer() })
        {
            BaseAddress = Http.BaseAddress,
        };

    /// <summary>POSTs a GraphQL request with a bearer token.</summary>
    public async Task<GraphQLAnswer> PostWithTokenAsync(string? token, string query, object? variables = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/graphql")
        {
            Content = new StringContent(System.Text.Json.JsonSerializer.Serialize(new { query, variables }), Encoding.UTF8, "application/json"),
        };
        request.Headers.Accept.ParseAdd("application/graphql-response+json");
        if (token is not null)
        {
            request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        }

        return await SendAsync(request);
    }

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
