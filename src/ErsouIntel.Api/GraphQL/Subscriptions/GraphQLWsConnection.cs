using System.Net.WebSockets;
using System.Text.Json;
using System.Threading.Channels;
using GraphQL;

namespace ErsouIntel.Api.GraphQL.Subscriptions;

/// <summary>
/// One graphql-transport-ws socket: a reader that acts on the client's messages in order, and one
/// writer loop that alone sends (a WebSocket allows one send at a time), fed by a queue that
/// operations, keep-alive pings and closes all write to. Close codes are the protocol's: 4400
/// invalid message, 4401 subscribe before the ack, 4403 forbidden (a bad token at init; later, the
/// token expired or revoked, the person disabled), 4408 no init in time, 4409 a duplicate id, 4429
/// a second init.
/// </summary>
public sealed partial class GraphQLWsConnection(
    WebSocket socket,
    HttpContext upgrade,
    LiveServices services,
    ILogger logger) : IDisposable
{
    /// <summary>How long the client has to answer our close before the socket is dropped.</summary>
    private static readonly TimeSpan CloseHandshakeTimeout = TimeSpan.FromSeconds(5);

    private readonly Channel<Outgoing> outbox = Channel.CreateUnbounded<Outgoing>(new UnboundedChannelOptions { SingleReader = true });
    private readonly CancellationTokenSource closing = new();
    private readonly Dictionary<string, LiveOperation> operations = new(StringComparer.Ordinal);
    private readonly SubscriptionOptions options = services.Options;
    private int pending;
    private int initReceived;
    private volatile bool acknowledged;
    private LiveCaller? caller;
    private IDisposable? watched;

    private IGraphQLTextSerializer Serializer => services.Serializer;

    public async Task RunAsync()
    {
        var writer = Task.Run(WriteLoopAsync);
        var initTimeout = InitTimeoutAsync();
        var keepAlive = KeepAliveAsync();
        try
        {
            await ReadLoopAsync();
        }
        finally
        {
            // Let the writer send what is queued (the answer to the client's close among it) before everything stops.
            outbox.Writer.TryComplete();
            await Task.WhenAny(writer, Task.Delay(CloseHandshakeTimeout));
            await closing.CancelAsync();
            await Task.WhenAll(writer, initTimeout, keepAlive);
        }
    }

    private async Task ReadLoopAsync()
    {
        var buffer = new byte[16 * 1024];
        using var message = new MemoryStream();
        try
        {
            while (socket.State == WebSocketState.Open)
            {
                var received = await socket.ReceiveAsync(buffer, closing.Token);
                if (received.MessageType == WebSocketMessageType.Close)
                {
                    // Answer the client's close (the writer's close completes the handshake), then stop.
                    Close(received.CloseStatus ?? WebSocketCloseStatus.NormalClosure, received.CloseStatusDescription ?? "");
                    return;
                }

                if (message.Length + received.Count > services.Limits.MaxRequestBytes)
                {
                    Close(WebSocketCloseStatus.MessageTooBig, $"Messages are at most {services.Limits.MaxRequestBytes} bytes");
                    return;
                }

                message.Write(buffer, 0, received.Count);
                if (received.EndOfMessage)
                {
                    await HandleAsync(message.GetBuffer().AsSpan(0, (int)message.Length).ToArray());
                    message.SetLength(0);
                }
            }
        }
        catch (Exception e) when (e is OperationCanceledException or WebSocketException)
        {
            // Closed by us (then the handshake timed out) or dropped by the client: nothing left to say.
        }
    }

    private async Task HandleAsync(byte[] utf8)
    {
        var (message, invalid) = GraphQLWsMessages.Read(utf8);
        if (message is null)
        {
            Close(4400, invalid!);
            return;
        }

        switch (message.Type)
        {
            case "connection_init":
                await InitAsync(message.Payload);
                break;
            case "ping":
                Send(GraphQLWsMessages.Pong(message.Payload));
                break;
            case "pong":
                break;
            case "subscribe":
                Subscribe(message.Id!, message.Payload!.Value);
                break;
            case "complete":
                Forget(message.Id!)?.Dispose();
                break;
        }
    }

    private async Task InitAsync(JsonElement? payload)
    {
        if (Interlocked.Exchange(ref initReceived, 1) == 1)
        {
            Close(4429, "Too many initialisation requests");
            return;
        }

        var authorization = payload is { } p && p.TryGetProperty("authorization", out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
        caller = await services.Authentication.AuthenticateAsync(upgrade, authorization);
        if (caller is null)
        {
            Telemetry.ErsouMetrics.UnauthenticatedRequest(authorization is null ? "no_token" : "invalid_token");
            Close(4403, "Forbidden");
            return;
        }

        watched = services.Callers.Add(caller);
        caller.Ended.Register(() => Close(4403, "Forbidden"));
        acknowledged = true;
        Send(GraphQLWsMessages.Ack());
    }

    private void Subscribe(string id, JsonElement payload)
    {
        if (!acknowledged)
        {
            Close(4401, "Unauthorized");
            return;
        }

        LiveOperation operation;
        lock (operations)
        {
            if (operations.ContainsKey(id))
            {
                Close(4409, $"Subscriber for {id} already exists");
                return;
            }

            if (operations.Count >= options.MaxOperationsPerConnection)
            {
                var refusal = new ExecutionResult { Errors = [new ExecutionError($"At most {options.MaxOperationsPerConnection} operations may run on one socket.") { Code = ErrorCodes.RateLimited }] };
                Send(GraphQLWsMessages.Error(id, services.Serializer, refusal));
                return;
            }

            operation = new LiveOperation(id, closing.Token);
            operations[id] = operation;
        }

        var request = new LiveRequest(
            payload.GetProperty("query").GetString()!,
            payload.TryGetProperty("operationName", out var name) && name.ValueKind == JsonValueKind.String ? name.GetString() : null,
            payload.TryGetProperty("variables", out var variables) && variables.ValueKind == JsonValueKind.Object ? services.Serializer.ReadNode<Inputs>(variables) : null,
            payload.TryGetProperty("extensions", out var extensions) && extensions.ValueKind == JsonValueKind.Object ? services.Serializer.ReadNode<Inputs>(extensions) : null);
        _ = RunAsync(operation, request);
    }

    private async Task RunAsync(LiveOperation operation, LiveRequest request)
    {
        try
        {
            var (events, refusal) = await services.Subscribe.SubscribeAsync(request, caller!.Principal, operation.Cancelled);
            if (operation.Cancelled.IsCancellationRequested)
            {
                return;
            }

            if (events is null)
            {
                if (Forget(operation.Id) == operation)
                {
                    Send(GraphQLWsMessages.Error(operation.Id, services.Serializer, refusal!));
                }

                return;
            }

            operation.Start(events, new Observer(this, operation));
        }
        catch (Exception e) when (!operation.Cancelled.IsCancellationRequested)
        {
            LogSubscribeFailed(logger, e);
            if (Forget(operation.Id) == operation)
            {
                var failure = new ExecutionResult { Errors = [new ExecutionError(MaskingErrorInfoProvider.InternalMessage) { Code = ErrorCodes.Internal }] };
                Send(GraphQLWsMessages.Error(operation.Id, services.Serializer, failure));
            }
        }
        catch (OperationCanceledException)
        {
            // Completed by the client, or the socket closed, while subscribing.
        }
    }

    /// <summary>Removes the operation with this id, if it is still running; the caller decides what, if anything, to send.</summary>
    private LiveOperation? Forget(string id)
    {
        lock (operations)
        {
            return operations.Remove(id, out var operation) ? operation : null;
        }
    }

    private void Send(byte[] message)
    {
        // A reader that has stopped reading is dropped rather than queued for without end.
        if (Interlocked.Increment(ref pending) > options.MaxPendingMessages)
        {
            LogTooSlow(logger, options.MaxPendingMessages);
            socket.Abort();
            closing.Cancel();
            return;
        }

        outbox.Writer.TryWrite(new Outgoing(message, null, null));
    }

    private void Close(int code, string reason) => Close((WebSocketCloseStatus)code, reason);

    private void Close(WebSocketCloseStatus code, string reason) =>
        outbox.Writer.TryWrite(new Outgoing(null, code, GraphQLWsMessages.Reason(reason)));

    private async Task WriteLoopAsync()
    {
        try
        {
            await foreach (var message in outbox.Reader.ReadAllAsync())
            {
                if (message.CloseStatus is { } status)
                {
                    if (socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
                    {
                        await socket.CloseOutputAsync(status, message.Reason, CancellationToken.None).WaitAsync(CloseHandshakeTimeout);
                    }

                    closing.CancelAfter(CloseHandshakeTimeout);
                    EndOperations();
                    return;
                }

                Interlocked.Decrement(ref pending);
                await socket.SendAsync(message.Text!, WebSocketMessageType.Text, endOfMessage: true, closing.Token);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or WebSocketException or TimeoutException or ObjectDisposedException)
        {
            await closing.CancelAsync();
        }
    }

    private async Task InitTimeoutAsync()
    {
        try
        {
            await Task.Delay(options.ConnectionInitWaitTimeout, services.Clock, closing.Token);
            if (Volatile.Read(ref initReceived) == 0)
            {
                Close(4408, "Connection initialisation timeout");
            }
        }
        catch (OperationCanceledException)
        {
            // The socket closed first.
        }
    }

    private async Task KeepAliveAsync()
    {
        using var timer = new PeriodicTimer(options.KeepAliveInterval, services.Clock);
        try
        {
            while (await timer.WaitForNextTickAsync(closing.Token))
            {
                if (acknowledged)
                {
                    Send(GraphQLWsMessages.Ping());
                }
            }
        }
        catch (OperationCanceledException)
        {
            // The socket closed.
        }
    }

    private void EndOperations()
    {
        List<LiveOperation> all;
        lock (operations)
        {
            all = [.. operations.Values];
            operations.Clear();
        }

        foreach (var operation in all)
        {
            operation.Dispose();
        }
    }

    public void Dispose()
    {
        EndOperations();
        watched?.Dispose();
        caller?.Dispose();
        closing.Dispose();
    }

    private sealed record Outgoing(byte[]? Text, WebSocketCloseStatus? CloseStatus, string? Reason);

    /// <summary>Sends an operation's events in the order graphql-dotnet delivers them; its end ends the operation.</summary>
    private sealed class Observer(GraphQLWsConnection connection, LiveOperation operation) : IObserver<ExecutionResult>
    {
        public void OnNext(ExecutionResult value)
        {
            if (operation.Cancelled.IsCancellationRequested)
            {
                return;
            }

            if (AccessLogNotWrittenError.In(value))
            {
                End(GraphQLWsMessages.Error(operation.Id, connection.Serializer, value));
                return;
            }

            connection.Send(GraphQLWsMessages.Next(operation.Id, connection.Serializer, value));
        }

        public void OnError(Exception error)
        {
            var result = new ExecutionResult { Errors = [error as ExecutionError ?? new ExecutionError(MaskingErrorInfoProvider.InternalMessage) { Code = ErrorCodes.Internal }] };
            End(GraphQLWsMessages.Error(operation.Id, connection.Serializer, result));
        }

        public void OnCompleted() => End(GraphQLWsMessages.Complete(operation.Id));

        private void End(byte[] last)
        {
            if (connection.Forget(operation.Id) == operation)
            {
                connection.Send(last);
                operation.Dispose();
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "A subscription could not be started")]
    private static partial void LogSubscribeFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "A WebSocket client fell more than {Pending} messages behind and was dropped")]
    private static partial void LogTooSlow(ILogger logger, int pending);
}
