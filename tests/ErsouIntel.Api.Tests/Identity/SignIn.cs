using System.Text;
using System.Text.Json.Nodes;
using ErsouIntel.Api.Identity;
using ErsouIntel.Api.Tests.Infrastructure;
using ErsouIntel.Testing;

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

    private SignIn? signIn;

    public static string SecretOf(string clientId) => clientId + "-secret-value";

    /// <summary>Sign-in through this region's real endpoints.</summary>
    public SignIn SignIn => signIn ??= new SignIn(Http);

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

    public async Task<HttpResponseMessage> TokenRequestAsync(Dictionary<string, string> form) => await SignIn.TokenRequestAsync(form);

    public Task<string> ClientCredentialsAsync(string clientId, string? secret = null) =>
        SignIn.ClientCredentialsAsync(clientId, secret ?? SecretOf(clientId), "intel:write");

    /// <summary>The browser's part of the authorization code flow: authorize, log in, follow the redirect, redeem the code.</summary>
    public Task<JsonNode> AuthorizationCodeAsync(string username, string scope, string password = Password) =>
        SignIn.AuthorizationCodeAsync(AppClientId, RedirectUri, username, password, scope);

    /// <summary>Gets the login page, then posts the form with its antiforgery token.</summary>
    public static Task<HttpResponseMessage> LogInAsync(HttpClient browser, Uri loginUrl, string username, string password) =>
        SignIn.LogInAsync(browser, loginUrl, username, password);

    /// <summary>A client that keeps cookies and does not follow redirects, as a test of a browser's steps.</summary>
    public HttpClient Browser() => SignIn.Browser();

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
}
