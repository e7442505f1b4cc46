using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using ErsouIntel.Api.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace ErsouIntel.Api.Tests.Infrastructure;

/// <summary>
/// The real service on a loopback port with a database of its own: one per test class
/// (xunit's class fixture), so each class owns its data.
/// </summary>
public class ServiceFixture : IAsyncLifetime
{
    private WebApplication? app;

    public HttpClient Http { get; protected set; } = null!;

    public string ConnectionString { get; private set; } = null!;

    public IServiceProvider Services => app!.Services;

    /// <summary>Settings a derived fixture adds or overrides.</summary>
    protected virtual IDictionary<string, string?> Settings => new Dictionary<string, string?>();

    /// <summary>The host environment: Testing, or Development where a test needs what the run command starts.</summary>
    protected virtual string Environment => "Testing";

    /// <summary>Services a derived fixture registers in the test host only.</summary>
    protected virtual void ConfigureTestServices(IServiceCollection services)
    {
    }

    public async Task InitializeAsync()
    {
        ConnectionString = await CreateDatabaseAsync();
        await PrepareAsync();
        app = await StartAsync(ConnectionString, Settings, ConfigureTestServices, Environment);
        Http = ClientFor(app);
        await SeedAsync();
    }

    /// <summary>Makes the fixture's database: on the shared test server unless a fixture brings servers of its own.</summary>
    protected virtual Task<string> CreateDatabaseAsync() => TestPostgres.CreateDatabaseAsync(GetType().Name);

    protected virtual Task DropDatabaseAsync() => TestPostgres.DropDatabaseAsync(ConnectionString);

    /// <summary>Runs before the service starts, after its database is made (the database-per-force fixture makes its force databases here).</summary>
    protected virtual Task PrepareAsync() => Task.CompletedTask;

    /// <summary>The starting state of the fixture, written through the service's own API.</summary>
    protected virtual Task SeedAsync() => Task.CompletedTask;

    public virtual async Task DisposeAsync()
    {
        Http?.Dispose();
        if (app is not null)
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }

        if (ConnectionString is not null)
        {
            await DropDatabaseAsync();
        }
    }

    private const string TestOrBearer = "TestOrBearer";

    /// <summary>Starts the service exactly as the run command does, on a free loopback port.</summary>
    public static async Task<WebApplication> StartAsync(string connectionString, IDictionary<string, string?>? settings = null, Action<IServiceCollection>? services = null, string environment = "Testing")
    {
        var app = await ErsouIntelHost.BuildAsync(["--environment", environment], builder =>
        {
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            var all = new Dictionary<string, string?>
            {
                ["ConnectionStrings:Postgres"] = connectionString,
                ["Storage:ApplySchemaOnStartup"] = "true",
                ["Logging:LogLevel:Default"] = "Warning",
                // Tests send far more than a person would; the limits have a fixture of their own.
                ["RateLimits:RequestsPerWindow"] = "1000000",
                ["RateLimits:SignInsPerWindow"] = "1000000",
            };
            foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
            {
                all[key] = value;
            }

            builder.Configuration.AddInMemoryCollection(all);
        }, registered =>
        {
            // The test-only caller header when a test sends it, the service's real bearer tokens otherwise.
            registered.AddAuthentication(options => options.DefaultScheme = TestOrBearer)
                .AddScheme<Microsoft.AspNetCore.Authentication.AuthenticationSchemeOptions, TestCallerHandler>(TestCallerHandler.SchemeName, null)
                .AddPolicyScheme(TestOrBearer, null, options => options.ForwardDefaultSelector = http =>
                    http.Request.Headers.ContainsKey(TestCaller.Header) ? TestCallerHandler.SchemeName : ErsouIntel.Api.Identity.ExternalIssuers.SelectorScheme);
            services?.Invoke(registered);
        });
        await app.StartAsync();
        return app;
    }

    public static HttpClient ClientFor(WebApplication app)
    {
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        return new HttpClient { BaseAddress = new Uri(address), Timeout = TimeSpan.FromSeconds(60) };
    }

    /// <summary>POSTs a GraphQL request and returns the status, the content type and the parsed body.</summary>
    public Task<GraphQLAnswer> PostAsync(string query, object? variables = null, string? accept = "application/graphql-response+json", string? operationName = null) =>
        PostAsAsync(null, query, variables, accept, operationName);

    /// <summary>POSTs a GraphQL request as <paramref name="caller"/> (anonymous when null).</summary>
    public async Task<GraphQLAnswer> PostAsAsync(TestCaller? caller, string query, object? variables = null, string? accept = "application/graphql-response+json", string? operationName = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/graphql")
        {
            Content = new StringContent(JsonSerializer.Serialize(new { query, variables, operationName }), Encoding.UTF8, "application/json"),
        };
        if (accept is not null)
        {
            request.Headers.Accept.Add(MediaTypeWithQualityHeaderValue.Parse(accept));
        }

        if (caller is not null)
        {
            request.Headers.Add(TestCaller.Header, caller.Encode());
        }

        return await SendAsync(request);
    }

    public async Task<GraphQLAnswer> SendAsync(HttpRequestMessage request)
    {
        using var response = await Http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        JsonNode? body = null;
        if (text.Length > 0 && text.TrimStart().StartsWith('{'))
        {
            body = JsonNode.Parse(text);
        }

        return new GraphQLAnswer((int)response.StatusCode, response.Content.Headers.ContentType?.MediaType, body, text, response.Headers, response.Content.Headers);
    }
}

public sealed record GraphQLAnswer(int Status, string? MediaType, JsonNode? Body, string Text, HttpResponseHeaders Headers, HttpContentHeaders ContentHeaders)
{
    public JsonNode? Data => Body?["data"];

    public JsonArray? Errors => Body?["errors"] as JsonArray;

    public string? FirstErrorCode => Errors?.FirstOrDefault()?["extensions"]?["code"]?.GetValue<string>();

    public bool HasDataKey => Body is JsonObject o && o.ContainsKey("data");

    public override string ToString() => $"{Status} {MediaType}: {Text}";
}
