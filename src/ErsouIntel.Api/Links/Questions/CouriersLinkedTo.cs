using ErsouIntel.Api.Access;
using ErsouIntel.Api.GraphQL;
using GraphQL;
using GraphQL.Types;

namespace ErsouIntel.Api.Links.Questions;

/// <summary>
/// <c>couriersLinkedTo(entity, maxHops, first, after)</c>: <c>linkedCouriers</c> from any start, a
/// page at a time. The walk is the same (<see cref="LinkedCouriers"/>), bounded by the request's
/// allowance, and the page is cut from its whole answer in the contract's order
/// (<see cref="CourierLinkOrder"/>), so <c>totalCount</c> and <c>complete</c> describe the walk and
/// the cursor is a position in that order, sealed (<see cref="SealedCursors"/>) and bound to the
/// caller, the start and maxHops. Only the page is noted on the scope.
/// </summary>
public static class CouriersLinkedToField
{
    public static void AddTo(ObjectGraphType<AccessScope> scope) =>
        scope.Field<NonNullGraphType<CourierLinkConnectionGraphType>>("couriersLinkedTo")
            .Description("Every courier within maxHops (1 to 4) of the start, nearest first, a page of first (1 to 200) at a time.")
            .Argument<NonNullGraphType<EntityRefInputGraphType>>("entity")
            .Argument<IntGraphType>("maxHops", arg => arg.DefaultValue = 2)
            .Argument<IntGraphType>("first", arg => arg.DefaultValue = 50)
            .Argument<StringGraphType>("after")
            .WithComplexityImpact(context => LinkBudget.Weight(context, "maxHops", 2))
            .ResolveAsync(async ctx => await PageAsync(ctx));

    private static async Task<CourierLinkPage> PageAsync(IResolveFieldContext<AccessScope> ctx)
    {
        var maxHops = LinkArguments.Bounded(ctx, "maxHops", 2, LinkedCouriers.MinHops, LinkedCouriers.MaxHops);
        var first = LinkArguments.Bounded(ctx, "first", Paging.DefaultFirst, 1, Paging.MaxFirst);
        var services = ctx.RequestServices!;
        var start = await services.GetRequiredService<LinkStarts>().ResolveAsync(ctx.Source, ctx.GetArgument<EntityRef>("entity"), ctx.CancellationToken);

        var cursors = services.GetRequiredService<SealedCursors>();
        var question = $"couriersLinkedTo|{start.Kind}|{start.Canonical}|{maxHops}";
        var after = ctx.GetArgument<string?>("after") is { } cursor
            ? CourierLinkOrder.Key.Parse(cursors.Open(ctx.Source.Subject, question, cursor))
                ?? throw new ExecutionError("after is not a cursor this question gave you.") { Code = ErrorCodes.BadUserInput }
            : null;

        var walk = await services.GetRequiredService<LinkedCouriers>().WalkAsync(Viewer.For(ctx.Source), start, maxHops, services.GetRequiredService<LinkBudget>(), ctx.CancellationToken);
        var rest = after is null ? walk.Links : walk.Links.Where(l => CourierLinkOrder.Compare(CourierLinkOrder.Of(l), after) > 0).ToList();
        var page = await walk.HandOutAsync(services.GetRequiredService<EntityQueries>(), [.. rest.Take(first)], ctx.CancellationToken);
        var edges = page.Select(l => new Edge<CourierLink>(l, cursors.Seal(ctx.Source.Subject, question, CourierLinkOrder.Of(l).Text))).ToList();
        var connection = Connection.Page(edges, rest.Count > first, after is not null);
        return new CourierLinkPage(connection.Edges, connection.PageInfo, walk.Links.Count, walk.Complete);
    }
}
