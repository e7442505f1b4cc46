using System.Security.Claims;
using ErsouIntel.Api.Audit;
using ErsouIntel.Api.Audit.Writing;
using ErsouIntel.Api.Identity;
using GraphQL;
using GraphQL.Types;
using GraphQLParser.AST;
using Microsoft.Extensions.Options;

namespace ErsouIntel.Api.GraphQL.Subscriptions;

/// <summary>What a live transport is asked to run: the GraphQL over HTTP parameters, from a WebSocket message or an SSE request.</summary>
public sealed record LiveRequest(string Query, string? OperationName, Inputs? Variables, Inputs? Extensions);

/// <summary>
/// The subscribe step both live transports share: the document limits of the HTTP endpoint, only
/// subscriptions (queries and mutations go to POST /graphql, with its rate limits and answers), one
/// execution in a DI scope of its own, and its access-log entries (a refusal becomes a REFUSED entry
/// as over HTTP) written before any answer. Either the event stream, or the errors to answer with.
/// </summary>
public sealed partial class LiveSubscribe(
    IDocumentExecuter<ISchema> executer,
    IServiceScopeFactory scopes,
    AccessLogWriter accessLog,
    IOptions<GraphQLLimits> limits,
    Storage.Replicas.ReplicaMonitor replicas,
    ILogger<LiveSubscribe> logger)
{
    public async Task<(IObservable<ExecutionResult>? Events, ExecutionResult? Refusal)> SubscribeAsync(LiveRequest request, ClaimsPrincipal user, CancellationToken cancellation)
    {
        var (parsed, refused) = GraphQLDocumentCheck.Parse(request.Query, request.OperationName, limits.Value);
        if (refused is { } refusal)
        {
            return (null, Error(refusal.Message, refusal.Code));
        }

        var document = parsed!;
        if (GraphQLDocumentCheck.SelectedOperation(document, request.OperationName) is { Operation: not OperationType.Subscription })
        {
            return (null, Error("Only subscriptions are served here: send queries and mutations to POST /graphql.", "BAD_REQUEST"));
        }

        // The subscribe step's log entry is a commit: refused now, not held, while none can be made (as over HTTP).
        if (DatabaseUnavailableError.Refusal(replicas.View) is { } unavailable)
        {
            return (null, unavailable);
        }

        ExecutionResult result;
        await using (var scope = scopes.CreateAsyncScope())
        {
            result = await executer.ExecuteAsync(new ExecutionOptions
            {
                Query = request.Query,
                Document = document,
                OperationName = request.OperationName,
                Variables = request.Variables,
                Extensions = request.Extensions,
                User = user,
                RequestServices = scope.ServiceProvider,
                CancellationToken = cancellation,
            });

            try
            {
                await accessLog.WriteAsync(scope.ServiceProvider.GetRequiredService<RequestAudit>(), Caller.From(user),
                    GraphQLHttpEndpoint.OperationName(document, request.OperationName), CancellationToken.None);
            }
            catch (Exception e)
            {
                LogAccessLogNotWritten(logger, e);
                return (null, Error("The access log could not be written, so the subscription was not started. Try again shortly.", ErrorCodes.Internal));
            }
        }

        GraphQLHttpEndpoint.UseContractCodes(result);
        var events = result.Streams?.Values.SingleOrDefault();
        return events is not null && result.Errors is not { Count: > 0 } ? (events, null) : (null, result);
    }

    private static ExecutionResult Error(string message, string code) =>
        new() { Errors = [new ExecutionError(message) { Code = code }] };

    [LoggerMessage(Level = LogLevel.Error, Message = "The access log could not be written for a subscribe step; the subscription was refused")]
    private static partial void LogAccessLogNotWritten(ILogger logger, Exception exception);
}
