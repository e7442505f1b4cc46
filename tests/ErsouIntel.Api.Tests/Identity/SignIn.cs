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

    /// <summary>The force system registered as a witness of the access log, and the key it cosigns with.</summary>
    public const string WitnessClientId = "norfolk-witness";

    public const string WitnessName = "witness.norfolk.example";

    public static readonly ErsouIntel.Domain.Transparency.NoteSigner WitnessKey =
        ErsouIntel.Domain.Transparency.NoteSigner.Generate(WitnessName, ErsouIntel.Domain.Transparency.NoteKeyName.CosignatureV1Type);

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
        await AdminAsync(["add-client", "--client-id", WitnessClientId, "--force", "norfolk"], SecretOf(WitnessClientId));
        var witness = await AdminAsync(["add-witness", "--client-id", WitnessClientId, "--name", WitnessName, "--verifier-key", WitnessKey.Verifier.ToString()]);
        if (witness.Exit != 0)
        {
            throw new InvalidOperationException($"admin add-witness failed: {witness.Error}");
        }

        // Something for the log to sign before any test has made a request (the admin commands above log nothing).
        await Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions.GetRequiredService<ErsouIntel.Api.Audit.Writing.AccessLogWriter>(Services).AppendAsync(
            [new ErsouIntel.Api.Audit.PendingEntry("the.admin", null, ["admin"], null, ErsouIntel.Api.Audit.AccessKind.Consultation, "Seed", null, null, [])],
            CancellationToken.None);
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

    /// <summary>A token for the witness client, with the scope only a registered witness is given.</summary>
    public Task<string> WitnessTokenAsync() => SignIn.ClientCredentialsAsync(WitnessClientId, SecretOf(WitnessClientId), "log:witness");

    /// <summary>The newest tree size the log has signed, once there is one (the signer runs every 250 ms).</summary>
    public async Task<long> SignedSizeAsync()
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (true)
        {
            await using var connection = new Npgsql.NpgsqlConnection(ConnectionString);
            await connection.OpenAsync();
            await using var command = new Npgsql.NpgsqlCommand("select coalesce(max(tree_size), 0) from ersou.access_log_signatures where kind = 'log'", connection);
            var size = (long)(await command.ExecuteScalarAsync())!;
            if (size > 0)
            {
                return size;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("The log signed no checkpoint within 15 seconds.");
            }

            await Task.Delay(100);
        }
    }

    /// <summary>The body of the signed checkpoint at <paramref name="treeSize"/>, as a witness cosigns it.</summary>
    public async Task<string> CheckpointBodyAsync(long treeSize)
    {
        await using var connection = new Npgsql.NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new Npgsql.NpgsqlCommand("select body from ersou.access_log_checkpoints where tree_size = $1", connection);
        command.Parameters.AddWithValue(treeSize);
        return (string)(await command.ExecuteScalarAsync())!;
    }

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
