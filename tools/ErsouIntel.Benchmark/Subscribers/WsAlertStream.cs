using System.Buffers;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;

namespace ErsouIntel.Benchmark.Subscribers;

/// <summary>
/// graphql-transport-ws as its client speaks it: a WebSocket to <c>/graphql</c> with that subprotocol,
/// <c>connection_init</c> carrying the token, <c>connection_ack</c>, one <c>subscribe</c>; then <c>next</c>
/// per result until <c>complete</c> or <c>error</c>, answering each <c>ping</c> with a <c>pong</c>. This loop
/// is the socket's only sender once subscribed.
/// </summary>
internal sealed class WsAlertStream(Uri baseUrl) : IAlertStream
{
    private const string Id = "alerts";
    private static readonly TimeSpan AckWithin = TimeSpan.FromSeconds(30);
    private readonly ClientWebSocket socket = new();

    public async Task OpenAsync(string token, string? after, CancellationToken cancellation)
    {
        socket.Options.AddSubProtocol("graphql-transport-ws");
        socket.Options.KeepAliveInterval = TimeSpan.Zero;
        var url = new UriBuilder(new Uri(baseUrl, "graphql")) { Scheme = baseUrl.Scheme == "https" ? "wss" : "ws" }.Uri;
        await socket.ConnectAsync(url, cancellation);
        await SendAsync(new { type = "connection_init", payload = new { authorization = "Bearer " + token } }, cancellation);
        using var ack = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        ack.CancelAfter(AckWithin);
        using var first = await ReceiveAsync(ack.Token)
            ?? throw new BenchFailure($"The WebSocket closed before connection_ack: {socket.CloseStatus} {socket.CloseStatusDescription}");
        if (first.RootElement.GetProperty("type").GetString() != "connection_ack")
        {
            throw new BenchFailure($"The WebSocket answered connection_init with {first.RootElement.GetRawText()}, not connection_ack.");
        }

        await SendAsync(new { id = Id, type = "subscribe", payload = AlertSubscription.Request(after) }, cancellation);
    }

    public async Task<string> ReadAsync(Action<JsonElement> onResult, CancellationToken cancellation)
    {
        try
        {
            while (await ReceiveAsync(cancellation) is { } message)
            {
                using (message)
                {
                    var root = message.RootElement;
                    switch (root.GetProperty("type").GetString())
                    {
                        case "next":
                            onResult(root.GetProperty("payload"));
                            break;
                        case "ping":
                            await SendAsync(new { type = "pong" }, cancellation);
                            break;
                        case "complete":
                            return "complete";
                        case "error":
                            return "error: " + GraphQLClient.Trim(root.GetProperty("payload").GetRawText());
                    }
                }
            }
        }
        catch (WebSocketException e)
        {
            return $"connection lost: {e.Message}";
        }

        return $"closed {(int?)socket.CloseStatus} {socket.CloseStatusDescription}";
    }

    private async Task SendAsync(object message, CancellationToken cancellation) =>
        await socket.SendAsync(JsonSerializer.SerializeToUtf8Bytes(message, GraphQLClient.Json), WebSocketMessageType.Text, true, cancellation);

    /// <summary>The next whole message, or null once the server has closed the socket.</summary>
    private async Task<JsonDocument?> ReceiveAsync(CancellationToken cancellation)
    {
        var buffer = new ArrayBufferWriter<byte>(4096);
        while (true)
        {
            var result = await socket.ReceiveAsync(buffer.GetMemory(4096), cancellation);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                return null;
            }

            buffer.Advance(result.Count);
            if (result.EndOfMessage)
            {
                return JsonDocument.Parse(buffer.WrittenMemory);
            }
        }
    }

    public ValueTask DisposeAsync()
    {
        // Aborted rather than closed politely: the phase is over, and a close handshake per socket would only add to its time.
        socket.Abort();
        socket.Dispose();
        return ValueTask.CompletedTask;
    }
}
