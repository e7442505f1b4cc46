using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace ErsouIntel.Api.Tests.Subscriptions;

/// <summary>One event of a text/event-stream: its name and its data (parsed when it is JSON).</summary>
public sealed record SseEvent(string Event, JsonNode? Data);

/// <summary>Reads a graphql-sse stream with <see cref="HttpClient"/> as it arrives (never buffered to the end).</summary>
public static class SseTestClient
{
    public static HttpRequestMessage Post(string query, object? variables = null, string? token = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/graphql/stream")
        {
            Content = new StringContent(JsonSerializer.Serialize(new { query, variables }), Encoding.UTF8, "application/json"),
        };
        request.Headers.Accept.ParseAdd("text/event-stream");
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return request;
    }

    /// <summary>Every event until the server ends the stream (or <paramref name="within"/> passes, which fails).</summary>
    public static async Task<List<SseEvent>> ReadAllAsync(HttpResponseMessage response, TimeSpan? within = null)
    {
        var events = new List<SseEvent>();
        await foreach (var item in EventsAsync(response, within ?? TimeSpan.FromSeconds(20)))
        {
            events.Add(item);
        }

        return events;
    }

    public static async IAsyncEnumerable<SseEvent> EventsAsync(HttpResponseMessage response, TimeSpan within)
    {
        using var timeout = new CancellationTokenSource(within);
        await using var body = await response.Content.ReadAsStreamAsync(timeout.Token);
        using var reader = new StreamReader(body, Encoding.UTF8);
        string? name = null;
        var data = new StringBuilder();
        while (await reader.ReadLineAsync(timeout.Token) is { } line)
        {
            if (line.Length == 0)
            {
                if (name is not null)
                {
                    yield return new SseEvent(name, data.Length == 0 ? null : JsonNode.Parse(data.ToString()));
                }

                name = null;
                data.Clear();
            }
            else if (line.StartsWith("event:", StringComparison.Ordinal))
            {
                name = line["event:".Length..].Trim();
            }
            else if (line.StartsWith("data:", StringComparison.Ordinal))
            {
                data.Append(line["data:".Length..].TrimStart());
            }
        }
    }
}
