using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace ErsouIntel.Benchmark.Subscribers;

/// <summary>
/// graphql-sse, distinct connections mode, as its client speaks it: <c>POST /graphql/stream</c> with the
/// GraphQL-over-HTTP body, <c>Accept: text/event-stream</c> and a bearer token; then events of lines
/// (<c>event:</c>, <c>data:</c>, a blank line ends one; <c>:</c> is a comment, the keep-alive):
/// <c>next</c> carries a result, <c>complete</c> ends the stream.
/// </summary>
internal sealed class SseAlertStream(HttpClient http) : IAlertStream
{
    private HttpResponseMessage? response;
    private StreamReader? reader;

    public async Task OpenAsync(string token, string? after, CancellationToken cancellation)
    {
        var body = JsonSerializer.Serialize(AlertSubscription.Request(after), GraphQLClient.Json);
        using var request = new HttpRequestMessage(HttpMethod.Post, "graphql/stream") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        request.Headers.Accept.ParseAdd("text/event-stream");
        response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellation);
        if (response.StatusCode != System.Net.HttpStatusCode.OK || response.Content.Headers.ContentType?.MediaType != "text/event-stream")
        {
            var text = await response.Content.ReadAsStringAsync(cancellation);
            throw new BenchFailure($"POST /graphql/stream answered {(int)response.StatusCode} {response.Content.Headers.ContentType}: {GraphQLClient.Trim(text)}");
        }

        reader = new StreamReader(await response.Content.ReadAsStreamAsync(cancellation), Encoding.UTF8);
    }

    public async Task<string> ReadAsync(Action<JsonElement> onResult, CancellationToken cancellation)
    {
        var stream = reader ?? throw new InvalidOperationException("Open the stream first.");
        string? type = null;
        var data = new StringBuilder();
        try
        {
            while (await stream.ReadLineAsync(cancellation) is { } line)
            {
                if (line.Length == 0)
                {
                    if (type == "complete")
                    {
                        return "complete";
                    }

                    if (type == "next")
                    {
                        using var result = JsonDocument.Parse(data.ToString());
                        onResult(result.RootElement);
                    }

                    (type, data) = (null, data.Clear());
                }
                else if (line.StartsWith("event:", StringComparison.Ordinal))
                {
                    type = line[6..].Trim();
                }
                else if (line.StartsWith("data:", StringComparison.Ordinal))
                {
                    // Several data lines are one value joined by newlines (the SSE standard).
                    data.Append(data.Length > 0 ? "\n" : "").Append(line[5..].TrimStart(' '));
                }
            }
        }
        catch (IOException e)
        {
            return $"connection lost: {e.Message}";
        }
        catch (HttpRequestException e)
        {
            return $"connection lost: {e.Message}";
        }

        return "closed without complete";
    }

    public ValueTask DisposeAsync()
    {
        reader?.Dispose();
        response?.Dispose();
        return ValueTask.CompletedTask;
    }
}
