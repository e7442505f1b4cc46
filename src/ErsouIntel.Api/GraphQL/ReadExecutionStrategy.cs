using ErsouIntel.Api.Identity;
using ErsouIntel.Api.Storage.Replicas;
using GraphQL;
using GraphQL.Execution;

namespace ErsouIntel.Api.GraphQL;

/// <summary>
/// Queries: sibling fields one after another (Marten sessions are not thread-safe), all reading from one source chosen
/// for the caller (<see cref="ReadSource"/>): a standby in the read set, or the primary for a caller whose write no
/// standby has replayed yet.
/// </summary>
public sealed class ReadExecutionStrategy(ReadSource reads, ReplicaMonitor replicas) : SerialExecutionStrategy
{
    public override async Task<ExecutionResult> ExecuteAsync(global::GraphQL.Execution.ExecutionContext context)
    {
        // Every answer is logged on the primary before it leaves (GraphQLHttpEndpoint): refused now rather than held.
        if (DatabaseUnavailableError.Refusal(replicas.View) is { } refused)
        {
            return refused;
        }

        reads.ForOperation(Caller.From(context.User)?.Subject, writes: false);
        var result = await base.ExecuteAsync(context);

        // A standby that failed this read leaves the read set now, not at the monitor's next round.
        if (reads.StandbyInUse is { } standby && result.Errors?.Any(e => e is UnhandledError && DatabaseErrors.Unreachable(e.InnerException)) == true)
        {
            replicas.Lost(standby);
        }

        return result;
    }
}
