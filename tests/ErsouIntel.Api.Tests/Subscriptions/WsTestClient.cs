using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace ErsouIntel.Api.Tests.Subscriptions;

/// <summary>A graphql-transport-ws client written with nothing but <see cref="ClientWebSocket"/>, to send what a well-behaved client would not.</summary>
public sealed class WsTestClient : IAsyncDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    private readonly ClientWebSocket socket = new();

    private WsTestClient()
    {
    }

    /// <summary>Why the server closed the socket, once it has.</summary>
    public (int? Code, string? Reason) Closed => ((int?)socket.CloseStatus, socket.CloseStatusDescription);

    public static async Task<WsTestClient> ConnectAsync(Uri uri, string? subprotocol = "graphql-transport-ws", string? origin = null)
    {
        var client = new WsTestClient();
        if (subprotocol is not null)
        {
            client.socket.Options.AddSubProtocol(subprotocol);
        }

        if (origin is not null)
        {
            client.socket.Options.SetRequestHeader("Origin", origin);
        }

        client.socket.Options.CollectHttpResponseDetails = true;
        await client.socket.ConnectAsync(uri, CancellationToken.None);
        return client;
    }

    /// <summary>The HTTP status of an upgrade the server refused.</summary>
    public static async Task<int> RefusedUpgradeStatusAsync(Uri uri, string origin)
    {
        using var socket = new ClientWebSocket();
        socket.Options.AddSubProtocol("graphql-transport-ws");
        socket.Options.SetRequestHeader("Origin", origin);
        socket.Options.CollectHttpResponseDetails = true;
        await Assert.ThrowsAsync<WebSocketException>(() => socket.ConnectAsync(uri, CancellationToken.None));
        return (int)socket.HttpStatusCode;
    }

    public string? Subprotocol => socket.SubProtocol;

    public Task SendAsync(object message) => SendTextAsync(JsonSerializer.Serialize(message));

    public Task SendTextAsync(string text) =>
        socket.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, endOfMessage: true, CancellationToken.None);

    public async Task InitAsync(string? token)
    {
        await SendAsync(new { type = "connection_init", payload = token is null ? null : new { authorization = "Bearer " + token } });
        var ack = await ReceiveAsync();
        Assert.True(ack?["type"]?.GetValue<string>() == "connection_ack", $"Expected connection_ack, got {ack?.ToJsonString() ?? $"a close {Closed}"}");
    }

    public Task SubscribeAsync(string id, string query, object? variables = null) =>
        SendAsync(new { id, type = "subscribe", payload = new { query, variables } });

    /// <summary>The next message other than the server's keep-alive pings (answered as a client must), or null once the server closed.</summary>
    public async Task<JsonNode?> ReceiveAsync(TimeSpan? within = null)
    {
        using var timeout = new CancellationTokenSource(within ?? Patience);
        while (true)
        {
            var message = await ReceiveAnyAsync(timeout.Token);
            if (message?["type"]?.GetValue<string>() == "ping")
            {
                await SendAsync(new { type = "pong" });
                continue;
            }

            return message;
        }
    }

    /// <summary>Any message, pings included, or null once the server closed.</summary>
    public async Task<JsonNode?> ReceiveAnyAsync(CancellationToken cancellation)
    {
        var buffer = new byte[64 * 1024];
        using var message = new MemoryStream();
        while (true)
        {
            var received = await socket.ReceiveAsync(buffer, cancellation);
            if (received.MessageType == WebSocketMessageType.Close)
            {
                await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
                return null;
            }

            message.Write(buffer, 0, received.Count);
            if (received.EndOfMessage)
            {
                return JsonNode.Parse(message.ToArray());
            }
        }
    }

    /// <summary>Reads until the server closes, failing on anything but pings meanwhile; returns the close code and reason.</summary>
    public async Task<(int? Code, string? Reason)> ClosedAsync(TimeSpan? within = null)
    {
        var message = await ReceiveAsync(within);
        Assert.True(message is null, $"Expected the server to close the socket, got {message?.ToJsonString()}");
        return Closed;
    }

    public async ValueTask DisposeAsync()
    {
        if (socket.State == WebSocketState.Open)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            try
            {
                await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, null, timeout.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or WebSocketException)
            {
                // The test is over either way.
            }
        }

        socket.Dispose();
    }
}
