using ErsouIntel.Api.Access;
using ErsouIntel.Api.GraphQL;
using GraphQL;
using GraphQL.Types;

namespace ErsouIntel.Api.Links.Questions;

/// <summary><c>node(id)</c>: any Node by id, under the rules of fetching by id.</summary>
public static class NodeByIdField
{
    public static void AddTo(ObjectGraphType<AccessScope> scope) =>
        scope.Field<NodeInterface>("node")
            .Argument<NonNullGraphType<IdGraphType>>("id")
            .ResolveAsync(ctx => throw new ExecutionError("node is not built yet.") { Code = ErrorCodes.Internal });
}
