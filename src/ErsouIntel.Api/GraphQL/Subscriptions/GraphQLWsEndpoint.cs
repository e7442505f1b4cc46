using System.Net.WebSockets;

namespace ErsouIntel.Api.GraphQL.Subscriptions;

/// <summary>
/// A WebSocket upgrade at <c>/graphql</c>: graphql-transport-ws, written by hand because graphql-dotnet's
/// server transport package is not served here. A browser sends an upgrade from any page it is on,
/// with the page's <c>Origin</c>; only the service's own is accepted, or none (a client that is not
/// a browser). The token comes later, in <c>connection_init</c>.
/// </summary>
public sealed partial class GraphQLWsEndpoint(LiveServices services, ILogger<GraphQLWsEndpoint> logger)
{
    public async Task HandleAsync(HttpContext http)
    {
        if (!SameOrigin(http.Request))
        {
            LogCrossOrigin(logger);
            http.Response.StatusCode = StatusCodes.Status403Forbidden;
            await http.Response.WriteAsync("WebSocket connections are accepted from this service's own pages only.", http.RequestAborted);
            return;
        }

        var speaksProtocol = http.WebSockets.WebSocketRequestedProtocols.Contains(GraphQLWsMessages.Subprotocol);
        using var socket = await http.WebSockets.AcceptWebSocketAsync(new WebSocketAcceptContext
        {
            SubProtocol = speaksProtocol ? GraphQLWsMessages.Subprotocol : null,
            KeepAliveInterval = services.Options.KeepAliveInterval,
        });
        if (!speaksProtocol)
        {
            // As the reference server does: accept, then say why in the close.
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            try
            {
                await socket.CloseAsync((WebSocketCloseStatus)4406, "Subprotocol not acceptable", timeout.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or WebSocketException)
            {
                // The client went without answering the close.
            }

            return;
        }

        using var connection = new GraphQLWsConnection(socket, http, services, logger);
        await connection.RunAsync();
    }

    /// <summary>No Origin (not a browser), or the very scheme-less authority the request was sent to.</summary>
    internal static bool SameOrigin(HttpRequest request)
    {
        var origin = request.Headers.Origin.ToString();
        return origin.Length == 0
            || (Uri.TryCreate(origin, UriKind.Absolute, out var uri) && string.Equals(uri.Authority, request.Host.Value, StringComparison.OrdinalIgnoreCase));
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "A WebSocket upgrade from another origin was refused")]
    private static partial void LogCrossOrigin(ILogger logger);
}
