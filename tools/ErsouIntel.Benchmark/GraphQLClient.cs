using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace ErsouIntel.Benchmark;

/// <summary>One answer from <c>POST /graphql</c>: its status, its body as JSON, and how long it took end to end.</summary>
internal sealed record GraphQLAnswer(int Status, JsonDocument Body, double Milliseconds) : IDisposable
{
    public JsonElement Data => Body.RootElement.TryGetProperty("data", out var data) ? data : default;

    /// <summary>The top-level errors, or null when there are none.</summary>
    public string? Errors => Body.RootElement.TryGetProperty("errors", out var errors) && errors.ValueKind == JsonValueKind.Array && errors.GetArrayLength() > 0
        ? GraphQLClient.Trim(errors.GetRawText())
        : null;

    public void Dispose() => Body.Dispose();
}

/// <summary>GraphQL over HTTP as a caller speaks it: a bearer token, the contract's operation text, JSON variables.</summary>
internal sealed class GraphQLClient : IDisposable
{
    /// <summary>The contract's inputs as the API takes them: camelCase, nulls left out.</summary>
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    private readonly SocketsHttpHandler handler;

    public GraphQLClient(Uri baseUrl)
    {
        // Many connections: six forces (or more senders) and the probes run side by side.
        handler = new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(10), ConnectTimeout = TimeSpan.FromSeconds(5), MaxConnectionsPerServer = 256 };
        Http = new HttpClient(handler) { BaseAddress = baseUrl, Timeout = TimeSpan.FromSeconds(120) };
    }

    public HttpClient Http { get; }

    public async Task<GraphQLAnswer> PostAsync(string token, string query, string operationName, object variables, CancellationToken cancellation)
    {
        var body = JsonSerializer.Serialize(new { query, operationName, variables }, Json);
        using var request = new HttpRequestMessage(HttpMethod.Post, "graphql") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/graphql-response+json"));

        // The clock covers what a caller waits for: sending, the service's work, and reading the whole answer.
        var clock = Stopwatch.StartNew();
        using var response = await Http.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellation);
        var bytes = await response.Content.ReadAsByteArrayAsync(cancellation);
        var elapsed = clock.Elapsed.TotalMilliseconds;
        JsonDocument json;
        try
        {
            json = JsonDocument.Parse(bytes);
        }
        catch (JsonException)
        {
            throw new BenchFailure($"POST /graphql ({operationName}) answered {(int)response.StatusCode} without JSON: {Trim(Encoding.UTF8.GetString(bytes))}");
        }

        return new GraphQLAnswer((int)response.StatusCode, json, elapsed);
    }

    public static string Trim(string text) => text.Length <= 600 ? text : text[..600] + "...";

    public void Dispose()
    {
        Http.Dispose();
        handler.Dispose();
    }
}
