using ErsouIntel.Api.Audit;
using ErsouIntel.Api.Audit.Writing;
using ErsouIntel.Api.Identity;
using GraphQL;
using GraphQL.Execution;

namespace ErsouIntel.Api.GraphQL.Subscriptions;

/// <summary>
/// graphql-dotnet's subscription execution with a fresh DI scope per event: the event's fields
/// resolve with that scope's services (its own Marten session, its own <see cref="RequestAudit"/>),
/// and what they handed out is written to the access log from that scope before the result leaves
/// here. Without this, every event would reuse the services of the subscribe step, disposed by then,
/// or a session held for the life of the socket. Child fields resolve one after another, as queries do.
/// </summary>
public sealed partial class ScopedSubscriptionStrategy(IServiceScopeFactory scopes, AccessLogWriter accessLog, ILogger<ScopedSubscriptionStrategy> logger)
    : SubscriptionExecutionStrategy(new SerialExecutionStrategy())
{
    /// <summary>
    /// How many events this instance resolves and logs at once. graphql-dotnet starts every event's execution as
    /// soon as it arrives (it only keeps the results in order), so a burst of alerts to a thousand subscribers
    /// would otherwise be tens of thousands of executions at once, each wanting a pooled connection: the
    /// benchmark saw none delivered. The rest wait here, in order of arrival, holding nothing.
    /// </summary>
    public static readonly int MaxConcurrentEvents = Math.Max(8, Environment.ProcessorCount * 8);

    // Per process, whatever lifetime the strategy is registered with: the pool it protects is per process too.
    private static readonly SemaphoreSlim Running = new(MaxConcurrentEvents, MaxConcurrentEvents);

    protected override async ValueTask<ExecutionResult> ProcessDataAsync(global::GraphQL.Execution.ExecutionContext context, ExecutionNode node, object? value)
    {
        await Running.WaitAsync(context.CancellationToken);
        try
        {
            return await ProcessOneAsync(context, node, value);
        }
        finally
        {
            Running.Release();
        }
    }

    private async ValueTask<ExecutionResult> ProcessOneAsync(global::GraphQL.Execution.ExecutionContext context, ExecutionNode node, object? value)
    {
        await using var scope = scopes.CreateAsyncScope();
        context.RequestServices = scope.ServiceProvider;
        var result = await base.ProcessDataAsync(context, node, value);

        // DPA 2018 s.62, as for a request: logged before it leaves, and if it cannot be logged it does not leave.
        try
        {
            await accessLog.WriteAsync(scope.ServiceProvider.GetRequiredService<RequestAudit>(), Caller.From(context.User), context.Operation.Name?.StringValue, CancellationToken.None);
        }
        catch (Exception e)
        {
            LogAccessLogNotWritten(logger, e);
            return new ExecutionResult { Errors = [new AccessLogNotWrittenError()] };
        }

        return result;
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "The access log could not be written for a subscription event; the event was not sent and the subscription ends")]
    private static partial void LogAccessLogNotWritten(ILogger logger, Exception exception);
}

/// <summary>An event whose access-log entry could not be written: the transports send this error instead of the event and end the subscription.</summary>
public sealed class AccessLogNotWrittenError : ExecutionError
{
    public AccessLogNotWrittenError()
        : base("The access log could not be written, so this event was not sent. Subscribe again with 'after' set to the last alert you received: nothing will be missed.")
    {
        Code = ErrorCodes.Internal;
    }

    public static bool In(ExecutionResult result) => result.Errors?.Any(e => e is AccessLogNotWrittenError) == true;
}
