using ErsouIntel.Api.Access;
using GraphQL;
using GraphQL.Types;

namespace ErsouIntel.Api.Links;

/// <summary><c>courier(id)</c>: the courier as the viewer may know them, from the sightings they see in full.</summary>
public static class CourierByIdField
{
    public static void AddTo(ObjectGraphType<AccessScope> scope) =>
        scope.Field<CourierGraphType>("courier")
            .Argument<NonNullGraphType<IdGraphType>>("id")
            .ResolveAsync(async ctx => Guid.TryParse(ctx.GetArgument<string>("id"), out var id)
                ? await ctx.RequestServices!.GetRequiredService<EntityQueries>().ByIdAsync(Viewer.For(ctx.Source), id, EntityView.Courier, ctx.CancellationToken)
                : null);
}
