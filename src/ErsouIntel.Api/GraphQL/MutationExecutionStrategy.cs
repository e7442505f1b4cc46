using ErsouIntel.Api.Identity;
using ErsouIntel.Api.Storage.Replicas;
using GraphQL;
using GraphQL.Execution;

namespace ErsouIntel.Api.GraphQL;

/// <summary>
/// Mutations one after another, each answered in full before the next runs, batched nested lists
/// included. graphql-dotnet's serial strategy completes deferred results only once every root field
/// has run, so a payload's lists would show what later mutations of the same request wrote.
/// <para>
/// Replicas: refused before anything runs while the primary cannot take a write (none answers, or a commit would
/// wait for synchronous standbys that are not there); payloads read the primary; the caller's next reads wait for a
/// standby that has replayed what they wrote (<see cref="ReadSource"/>).
/// </para>
/// </summary>
public sealed class MutationExecutionStrategy(ReadSource reads, ReplicaMonitor replicas) : SerialExecutionStrategy
{
    public override async Task<ExecutionResult> ExecuteAsync(global::GraphQL.Execution.ExecutionContext context)
    {
        if (DatabaseUnavailableError.Refusal(replicas.View) is { } refused)
        {
            return refused;
        }

        var subject = Caller.From(context.User)?.Subject;
        reads.ForOperation(subject, writes: true);
        try
        {
            return await base.ExecuteAsync(context);
        }
        finally
        {
            // Whatever committed, even if the rest failed, is the caller's to read next.
            reads.Wrote(subject);
        }
    }

    public override async Task ExecuteNodeTreeAsync(global::GraphQL.Execution.ExecutionContext context, ExecutionNode rootNode)
    {
        if (rootNode is not RootExecutionNode { SubFields: { } mutations })
        {
            await base.ExecuteNodeTreeAsync(context, rootNode);
            return;
        }

        foreach (var mutation in mutations)
        {
            await base.ExecuteNodeTreeAsync(context, mutation);
        }
    }
}
