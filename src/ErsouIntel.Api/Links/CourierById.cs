using ErsouIntel.Api.Access;
using GraphQL.Types;

namespace ErsouIntel.Api.Links;

/// <summary><c>courier(id)</c>: the courier as the viewer may know them, from the sightings they see in full.</summary>
public static class CourierByIdField
{
    public static void AddTo(ObjectGraphType<AccessScope> scope) =>
        scope.Field<CourierGraphType>("courier")
            .Argument<NonNullGraphType<IdGraphType>>("id")
            .ResolveAsync(async ctx => await FetchById.ResolveAsync(ctx, RecordOwners.Courier,
                (viewer, id, cancellation) => ctx.RequestServices!.GetRequiredService<EntityQueries>().ByIdAsync(viewer, id, EntityView.Courier, cancellation),
                _ => null));
}
