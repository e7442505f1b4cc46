using ErsouIntel.Api.Access;
using ErsouIntel.Api.GraphQL;
using GraphQL;
using GraphQL.Types;

namespace ErsouIntel.Api.Links.Questions;

/// <summary>
/// <c>network(around, maxHops, maxNodes)</c>: a link chart around one or more starts, nearest first,
/// bounded by maxNodes (walked by <see cref="NetworkWalk"/>). Where the contract is silent:
/// <list type="bullet">
/// <item>Distance counts incidents: a start entity's incidents and the entities on them are at 1; an
/// incident start is at 1 with its entities. Within one distance: incidents seen in full (occurredAt
/// descending, ties by id descending, the index's order), then withheld pointer nodes by pointer
/// (force name, then reference as bytes) so that their place says nothing a pointer does not, then
/// entities (degree descending, then id).</item>
/// <item>A withheld incident is a leaf: the walk does not go on from it, and its only edges are to the
/// entities it was reached from, with role WITHHELD (its real role would tell of its contents).
/// Other edges' roles: a phone's role (CALLER, CALLBACK, ...), else the kind (COURIER, SUSPECT, VEHICLE).</item>
/// <item>Couriers and suspects are people as the caller knows them: one node per id served, edges
/// to that id, and the walk goes on from every node of the person.</item>
/// <item>Starts count toward maxNodes; a start that resolves to nothing adds nothing (all empty: an
/// empty chart); a service id the caller may not see is logged REFUSED by <see cref="LinkStarts"/>.
/// Only the nodes answered are logged, not everything walked.</item>
/// <item>truncated: maxNodes left something at a distance within maxHops out, or the walk's allowance
/// (<see cref="LinkBudget"/>) ran out, in which case the answer ends at the last distance read whole.</item>
/// </list>
/// </summary>
public static class NetworkField
{
    public static void AddTo(ObjectGraphType<AccessScope> scope) =>
        scope.Field<NonNullGraphType<LinkNetworkGraphType>>("network")
            .Description("A link chart: the start nodes, then every incident and entity within maxHops (1 to 3) incidents of them, nearest first, until maxNodes (1 to 1000) stops it.")
            .Argument<NonNullGraphType<ListGraphType<NonNullGraphType<EntityRefInputGraphType>>>>("around")
            .Argument<IntGraphType>("maxHops", arg => arg.DefaultValue = 1)
            .Argument<IntGraphType>("maxNodes", arg => arg.DefaultValue = 200)
            .WithComplexityImpact(context => LinkBudget.Weight(context, "maxHops", 1))
            .ResolveAsync(async ctx =>
            {
                var maxHops = LinkArguments.Bounded(ctx, "maxHops", 1, 1, 3);
                var maxNodes = LinkArguments.Bounded(ctx, "maxNodes", 200, 1, 1000);
                var services = ctx.RequestServices!;
                return await services.GetRequiredService<NetworkWalk>().WalkAsync(
                    ctx.Source, services.GetRequiredService<LinkBudget>(), ctx.GetArgument<List<EntityRef>>("around"), maxHops, maxNodes, ctx.CancellationToken);
            });
}
