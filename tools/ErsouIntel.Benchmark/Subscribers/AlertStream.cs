using System.Text.Json;

namespace ErsouIntel.Benchmark.Subscribers;

/// <summary>
/// One live <c>Subscription.alerts</c> as a client holds it, over either transport: opened with a
/// token (and the last alert id seen, on a reconnect), then read until the server ends it.
/// </summary>
internal interface IAlertStream : IAsyncDisposable
{
    /// <summary>Returns once the server has taken the subscription's request (SSE: 200 and its headers; WebSocket: acknowledged and subscribed).</summary>
    Task OpenAsync(string token, string? after, CancellationToken cancellation);

    /// <summary>Hands each result (<c>next</c>'s payload) to <paramref name="onResult"/> until the stream ends; returns how it ended.</summary>
    Task<string> ReadAsync(Action<JsonElement> onResult, CancellationToken cancellation);
}

/// <summary>The subscription as the benchmark sends it: the contract's <c>AlertStream</c> operation, with a purpose and justification.</summary>
internal static class AlertSubscription
{
    public static object Request(string? after) => new
    {
        query = Operations.AlertStream,
        operationName = "AlertStream",
        variables = new { purpose = Phases.LinkQueries.Purpose, why = Phases.LinkQueries.Why, after },
    };

    public static IAlertStream Open(string transport, HttpClient sse, Uri baseUrl) => transport switch
    {
        "ws" => new WsAlertStream(baseUrl),
        _ => new SseAlertStream(sse),
    };
}
