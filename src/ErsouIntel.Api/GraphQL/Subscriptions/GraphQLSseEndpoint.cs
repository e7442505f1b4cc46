using System.Text;
using System.Threading.Channels;
using ErsouIntel.Api.WebConsole;
using GraphQL;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Net.Http.Headers;

namespace ErsouIntel.Api.GraphQL.Subscriptions;

/// <summary>
/// GraphQL over Server-Sent Events at <c>/graphql/stream</c>, graphql-sse's "distinct connections"
/// mode, written by hand: one request per subscription (POST with the JSON body of GraphQL over HTTP,
/// or GET with its query string), answered <c>text/event-stream</c> with <c>event: next</c> per result
/// and <c>event: complete</c> at the end. Problems with the request itself are plain HTTP answers;
/// once accepted, a refused subscription (validation, authorisation) is a <c>next</c> with its errors,
/// then <c>complete</c>. Authenticated like /graphql: a bearer token, or the console's session whose
/// anti-forgery header <see cref="ConsoleGraphQLGate"/> requires before this runs. One loop writes.
/// </summary>
public sealed partial class GraphQLSseEndpoint(GraphQLHttpEndpoint requests, LiveServices services, ILogger<GraphQLSseEndpoint> logger)
{
    public const string EventStream = "text/event-stream";

    private static readonly byte[] KeepAlive = ":\n\n"u8.ToArray();
    private static readonly byte[] Complete = "event: complete\ndata:\n\n"u8.ToArray();

    public async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        var response = context.Response;
        if (!HttpMethods.IsGet(request.Method) && !HttpMethods.IsPost(request.Method))
        {
            response.Headers.Allow = "GET, POST";
            await RefuseAsync(context, StatusCodes.Status405MethodNotAllowed, "Open a stream with GET or POST.", "METHOD_NOT_ALLOWED");
            return;
        }

        if (!AcceptsEventStream(request))
        {
            await RefuseAsync(context, StatusCodes.Status406NotAcceptable, $"This endpoint answers {EventStream} only: send 'Accept: {EventStream}'.", "NOT_ACCEPTABLE");
            return;
        }

        var sessionKeyHash = ConsoleSessionStore.CurrentKeyHash(context);
        var authenticated = context.Features.Get<IAuthenticateResultFeature>()?.AuthenticateResult;
        if (LiveCaller.From(authenticated, sessionKeyHash, services.Clock) is not { } caller)
        {
            var presentedToken = request.Headers.Authorization.Count > 0;
            response.Headers.WWWAuthenticate = presentedToken ? "Bearer error=\"invalid_token\"" : "Bearer";
            Telemetry.ErsouMetrics.UnauthenticatedRequest(presentedToken ? "invalid_token" : "no_token");
            await RefuseAsync(context, StatusCodes.Status401Unauthorized, "Sign in: send a valid access token as 'Authorization: Bearer ...'.", ErrorCodes.Unauthenticated);
            return;
        }

        using var owned = caller;
        var (parameters, problem) = await requests.ReadAsync(request, context.RequestAborted);
        if (problem is { } refused)
        {
            await RefuseAsync(context, refused.Status, refused.Message, "BAD_REQUEST");
            return;
        }

        using var watched = services.Callers.Add(caller);
        using var ends = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, caller.Ended);
        await StartStreamAsync(context);

        var events = Channel.CreateBounded<StreamItem>(new BoundedChannelOptions(services.Options.MaxPendingMessages) { SingleReader = true });
        var (stream, refusal) = await services.Subscribe.SubscribeAsync(
            new LiveRequest(parameters!.Query, parameters.OperationName, parameters.Variables, parameters.Extensions), caller.Principal, ends.Token);
        if (stream is null)
        {
            events.Writer.TryWrite(new StreamItem(refusal, Last: true));
        }

        using var subscription = stream?.Subscribe(new Observer(events.Writer));
        await WriteLoopAsync(context, events.Reader, caller, ends.Token);
    }

    /// <summary>Sends each result as it comes, a comment when nothing has for a while, and <c>complete</c> at the end.</summary>
    private async Task WriteLoopAsync(HttpContext context, ChannelReader<StreamItem> events, LiveCaller caller, CancellationToken ends)
    {
        var body = context.Response.Body;
        try
        {
            while (true)
            {
                using var quiet = CancellationTokenSource.CreateLinkedTokenSource(ends);
                quiet.CancelAfter(services.Options.KeepAliveInterval);
                StreamItem item;
                try
                {
                    item = await events.ReadAsync(quiet.Token);
                }
                catch (OperationCanceledException) when (!ends.IsCancellationRequested)
                {
                    await body.WriteAsync(KeepAlive, ends);
                    await body.FlushAsync(ends);
                    continue;
                }

                if (item.Result is not null)
                {
                    await body.WriteAsync(Next(item.Result), ends);
                }

                if (item.Last)
                {
                    await body.WriteAsync(Complete, ends);
                    await body.FlushAsync(ends);
                    return;
                }

                await body.FlushAsync(ends);
            }
        }
        catch (OperationCanceledException) when (caller.Ended.IsCancellationRequested && !context.RequestAborted.IsCancellationRequested)
        {
            // The token expired or was revoked, or the person was disabled or signed out: say so, and end.
            LogEnded(logger);
            var ended = new ExecutionResult { Errors = [new ExecutionError("Your sign-in has ended (the token expired or was revoked, or the session ended): sign in again to keep receiving.") { Code = ErrorCodes.Unauthenticated }] };
            await body.WriteAsync(Next(ended), CancellationToken.None);
            await body.WriteAsync(Complete, CancellationToken.None);
            await body.FlushAsync(CancellationToken.None);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client went away.
        }
        catch (ChannelClosedException e)
        {
            LogTooSlow(logger, e.InnerException?.Message);
            context.Abort();
        }
    }

    private byte[] Next(ExecutionResult result) =>
        Encoding.UTF8.GetBytes("event: next\ndata: " + services.Serializer.Serialize(result) + "\n\n");

    private static async Task StartStreamAsync(HttpContext context)
    {
        var response = context.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = EventStream + "; charset=utf-8";
        response.Headers.CacheControl = "no-cache";
        // Proxies (nginx) buffer unless told not to; the response is never compressed (no compression runs here).
        response.Headers["X-Accel-Buffering"] = "no";
        context.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
        await response.StartAsync(context.RequestAborted);
        await response.Body.FlushAsync(context.RequestAborted);
    }

    private static bool AcceptsEventStream(HttpRequest request) =>
        MediaTypeHeaderValue.TryParseList(request.Headers.Accept, out var accepted)
        && accepted.Any(a => a.MediaType.Equals(EventStream, StringComparison.OrdinalIgnoreCase) && a.Quality is not <= 0);

    private async Task RefuseAsync(HttpContext context, int status, string message, string code)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = GraphQLHttpEndpoint.Json + "; charset=utf-8";
        await services.Serializer.WriteAsync(context.Response.Body, new ExecutionResult { Errors = [new ExecutionError(message) { Code = code }] }, context.RequestAborted);
    }

    private sealed record StreamItem(ExecutionResult? Result, bool Last);

    /// <summary>Queues graphql-dotnet's results for the write loop; an unwritable access log or an error ends the stream.</summary>
    private sealed class Observer(ChannelWriter<StreamItem> events) : IObserver<ExecutionResult>
    {
        public void OnNext(ExecutionResult value) => Queue(new StreamItem(value, Last: AccessLogNotWrittenError.In(value)));

        public void OnError(Exception error) =>
            Queue(new StreamItem(new ExecutionResult { Errors = [error as ExecutionError ?? new ExecutionError(MaskingErrorInfoProvider.InternalMessage) { Code = ErrorCodes.Internal }] }, Last: true));

        public void OnCompleted() => Queue(new StreamItem(null, Last: true));

        private void Queue(StreamItem item)
        {
            if (!events.TryWrite(item))
            {
                // A reader this far behind is dropped (without complete): it reconnects with 'after' and misses nothing.
                events.TryComplete(new TimeoutException("The stream's reader fell too far behind."));
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "A GraphQL stream was dropped: {Reason}")]
    private static partial void LogTooSlow(ILogger logger, string? reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "A GraphQL stream ended because its caller's sign-in ended")]
    private static partial void LogEnded(ILogger logger);
}
