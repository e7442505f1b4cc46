using GraphQL.Execution;

namespace ErsouIntel.Api.GraphQL;

/// <summary>
/// Mutations one after another, each answered in full before the next runs, batched nested lists
/// included. graphql-dotnet's serial strategy completes deferred results only once every root field
/// has run, so a payload's lists would show what later mutations of the same request wrote.
/// </summary>
public sealed class MutationExecutionStrategy : SerialExecutionStrategy
{
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
