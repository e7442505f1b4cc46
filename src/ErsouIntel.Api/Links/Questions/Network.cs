using ErsouIntel.Api.Access;
using ErsouIntel.Api.GraphQL;
using GraphQL;
using GraphQL.Types;

namespace ErsouIntel.Api.Links.Questions;

/// <summary><c>network(around, maxHops, maxNodes)</c>: a link chart around one or more starts, nearest first, bounded by maxNodes.</summary>
public static class NetworkField
{
    public static void AddTo(ObjectGraphType<AccessScope> scope) =>
        scope.Field<NonNullGraphType<LinkNetworkGraphType>>("network")
            .Description("A link chart: the start nodes, then every incident and entity within maxHops (1 to 3) incidents of them, nearest first, until maxNodes (1 to 1000) stops it.")
            .Argument<NonNullGraphType<ListGraphType<NonNullGraphType<EntityRefInputGraphType>>>>("around")
            .Argument<IntGraphType>("maxHops", arg => arg.DefaultValue = 1)
            .Argument<IntGraphType>("maxNodes", arg => arg.DefaultValue = 200)
            .WithComplexityImpact(context => LinkBudget.Weight(context, "maxHops", 1))
            .ResolveAsync(ctx =>
            {
                LinkArguments.Bounded(ctx, "maxHops", 1, 1, 3);
                LinkArguments.Bounded(ctx, "maxNodes", 200, 1, 1000);
                throw new ExecutionError("network is not built yet.") { Code = ErrorCodes.Internal };
            });
}
