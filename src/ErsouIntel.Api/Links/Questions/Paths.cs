using ErsouIntel.Api.Access;
using ErsouIntel.Api.GraphQL;
using GraphQL;
using GraphQL.Types;

namespace ErsouIntel.Api.Links.Questions;

/// <summary><c>paths(from, to, maxHops, first)</c>: how two things are connected, shortest paths first (<see cref="PathSearch"/>).</summary>
public static class PathsField
{
    public static void AddTo(ObjectGraphType<AccessScope> scope) =>
        scope.Field<NonNullGraphType<ListGraphType<NonNullGraphType<LinkPathGraphType>>>>("paths")
            .Description("Paths between two entities, shortest first, then by the ids along them, up to first (1 to 10); at most maxHops (1 to 6) incidents long.")
            .Argument<NonNullGraphType<EntityRefInputGraphType>>("from")
            .Argument<NonNullGraphType<EntityRefInputGraphType>>("to")
            .Argument<IntGraphType>("maxHops", arg => arg.DefaultValue = 6)
            .Argument<IntGraphType>("first", arg => arg.DefaultValue = 3)
            .WithComplexityImpact(context => LinkBudget.Weight(context, "maxHops", 6))
            .ResolveAsync(async ctx =>
            {
                var maxHops = LinkArguments.Bounded(ctx, "maxHops", 6, 1, 6);
                var first = LinkArguments.Bounded(ctx, "first", 3, 1, 10);
                var services = ctx.RequestServices!;
                return await services.GetRequiredService<PathSearch>().FindAsync(
                    ctx.Source, ctx.GetArgument<EntityRef>("from"), ctx.GetArgument<EntityRef>("to"), maxHops, first, services.GetRequiredService<LinkBudget>(), ctx.CancellationToken);
            });
}
