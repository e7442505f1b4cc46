using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using ErsouIntel.Api.Access;
using ErsouIntel.Api.Identity;
using ErsouIntel.Api.Tests.Infrastructure;
using ErsouIntel.Domain;
using ErsouIntel.Testing;
using Npgsql;

namespace ErsouIntel.Api.Tests.Instances;

/// <summary>
/// Two real service processes (<c>dotnet ErsouIntel.Api.dll</c>, Development) on two loopback
/// ports against one database of their own, with the same token keys and <c>Identity:Issuer</c>
/// set to <see cref="PublicUrl"/>, as behind a load balancer: a token from either is taken by
/// both, each reached at its own address. A class fixture: started once per test class. The
/// Development seed gives each force a system (<c>{force}-system</c>) and an investigator
/// (<c>{force}.investigator</c>), and the public client people sign in with.
/// </summary>
public class TwoInstances : IAsyncLifetime
{
    /// <summary>The name both instances issue and accept tokens under; neither is reached by it.</summary>
    public const string PublicUrl = "https://ersou-intel.test/";

    private static readonly TimeSpan ReadyWithin = TimeSpan.FromSeconds(120);
    private SharedTokenKeys? keys;

    public ServiceProcess A { get; private set; } = null!;

    public ServiceProcess B { get; private set; } = null!;

    public Uri UrlA => A.BaseUrl;

    public Uri UrlB => B.BaseUrl;

    public string ConnectionString { get; private set; } = null!;

    /// <summary>Settings a derived fixture adds or overrides (environment variables, <c>__</c> for <c>:</c>), on both instances.</summary>
    protected virtual IReadOnlyDictionary<string, string> Settings => new Dictionary<string, string>();

    public async Task InitializeAsync()
    {
        ConnectionString = await TestPostgres.CreateDatabaseAsync(GetType().Name);
        keys = SharedTokenKeys.Create();
        // The first applies the schema and seeds the Development clients and users; the second finds them.
        // If either fails to start, xunit still disposes the fixture, which stops what did start.
        A = await StartInstanceAsync("a", PublicUrl, applySchema: true);
        B = await StartInstanceAsync("b", PublicUrl);
    }

    /// <summary>
    /// One more instance on the same database with the same keys, under <paramref name="issuer"/>
    /// (null: unset, each request's own host); the caller stops it (dispose).
    /// </summary>
    public async Task<ServiceProcess> StartInstanceAsync(string name, string? issuer, bool applySchema = false)
    {
        var environment = new Dictionary<string, string>(keys!.Settings)
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Development",
            // Only what the tests send: no demo intelligence.
            ["Demo__Seed"] = "false",
            ["RateLimits__RequestsPerWindow"] = "1000000",
            ["RateLimits__SignInsPerWindow"] = "1000000",
            ["Storage__ApplySchemaOnStartup"] = applySchema ? "true" : "false",
            // Each instance's connections carry its name, for pg_stat_activity.
            ["ConnectionStrings__Postgres"] = new NpgsqlConnectionStringBuilder(ConnectionString) { ApplicationName = "ersou-" + name }.ConnectionString,
        };
        if (issuer is not null)
        {
            environment["Identity__Issuer"] = issuer;
        }

        foreach (var (key, value) in Settings)
        {
            environment[key] = value;
        }

        return await ServiceProcess.StartAsync(name, ApiBuild.Dll(), environment, ReadyWithin);
    }

    /// <summary>A force system's token (client credentials, <c>intel:write</c>) from the token endpoint of <paramref name="via"/>.</summary>
    public static async Task<string> SystemTokenAsync(ServiceProcess via, Force force)
    {
        using var http = ClientFor(via);
        var name = force.TenantId().ToLowerInvariant();
        return await new SignIn(http).ClientCredentialsAsync($"{name}-system", $"{name}-dev-secret", Roles.WriteScope);
    }

    /// <summary>
    /// An investigator of <paramref name="force"/> signed in through <paramref name="via"/> (authorization
    /// code with PKCE through the login page): the token endpoint's whole answer, access and refresh tokens.
    /// </summary>
    public static async Task<JsonNode> InvestigatorSignInAsync(ServiceProcess via, Force force)
    {
        using var http = ClientFor(via);
        return await new SignIn(http).AuthorizationCodeAsync(
            DevelopmentSeed.AppClientId, DevelopmentSeed.AppRedirectUri, $"{force.TenantId().ToLowerInvariant()}.investigator", DevelopmentSeed.Password,
            $"openid offline_access {Roles.ReadScope}");
    }

    /// <summary>An investigator's access token (<c>intel:read</c>) from <paramref name="via"/>.</summary>
    public static async Task<string> InvestigatorTokenAsync(ServiceProcess via, Force force) =>
        (await InvestigatorSignInAsync(via, force))["access_token"]!.GetValue<string>();

    /// <summary>A force system pushes <paramref name="inputs"/> (<c>AnIncident.Courier</c>) through <paramref name="to"/>: the payloads, each without errors.</summary>
    public static async Task<JsonArray> ReportAsync(ServiceProcess to, string systemToken, params object[] inputs)
    {
        var answer = await PostAsync(to, systemToken, ContractOperations.Text(ContractOperations.ReportIncidents), new { inputs });
        var payloads = answer.Status == 200 && answer.Errors is null ? answer.Data?["reportIncidents"] as JsonArray : null;
        Assert.True(payloads is not null && payloads.All(p => p!["errors"]!.AsArray().Count == 0), $"Instance {to.Name} did not take the push: {answer}");
        return payloads;
    }

    /// <summary>An investigator watches <paramref name="entity"/> (<c>new { kind = "PHONE_NUMBER", key = "07911 100001" }</c>) through <paramref name="to"/>: the watch.</summary>
    public static async Task<JsonNode> WatchAsync(ServiceProcess to, string investigatorToken, object entity, string justification = Region.Why)
    {
        var answer = await PostAsync(to, investigatorToken, ContractOperations.Text(ContractOperations.Watch),
            new { input = new { entity, purpose = "INVESTIGATION", justification } });
        var payload = answer.Status == 200 && answer.Errors is null ? answer.Data?["watch"] : null;
        Assert.True(payload?["watch"] is not null && payload["errors"]!.AsArray().Count == 0, $"Instance {to.Name} did not place the watch: {answer}");
        return payload["watch"]!;
    }

    /// <summary>POSTs a GraphQL request to <paramref name="to"/> at its own address, with a bearer token when given.</summary>
    public static async Task<GraphQLAnswer> PostAsync(ServiceProcess to, string? token, string query, object? variables = null)
    {
        using var http = ClientFor(to);
        using var request = new HttpRequestMessage(HttpMethod.Post, "graphql")
        {
            Content = new StringContent(JsonSerializer.Serialize(new { query, variables }), Encoding.UTF8, "application/json"),
        };
        request.Headers.Accept.ParseAdd("application/graphql-response+json");
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        using var response = await http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        var body = text.TrimStart().StartsWith('{') ? JsonNode.Parse(text) : null;
        return new GraphQLAnswer((int)response.StatusCode, response.Content.Headers.ContentType?.MediaType, body, text, response.Headers, response.Content.Headers);
    }

    public static HttpClient ClientFor(ServiceProcess instance) => new() { BaseAddress = instance.BaseUrl, Timeout = TimeSpan.FromSeconds(60) };

    /// <summary>The end of both instances' output, for a failure message.</summary>
    public string Outputs() => $"--- instance a ---{Environment.NewLine}{A?.Output}{Environment.NewLine}--- instance b ---{Environment.NewLine}{B?.Output}";

    public async Task DisposeAsync()
    {
        foreach (var instance in new[] { A, B }.Where(i => i is not null))
        {
            await instance.DisposeAsync();
        }

        keys?.Dispose();
        if (ConnectionString is not null)
        {
            await TestPostgres.DropDatabaseAsync(ConnectionString);
        }
    }
}
