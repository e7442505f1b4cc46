using ErsouIntel.Api.Access;
using GraphQL.Types;

namespace ErsouIntel.Api.Links;

/// <summary><c>suspect(id)</c>: the suspect as the viewer may know them, from the sightings they see in full.</summary>
public static class SuspectByIdField
{
    public static void AddTo(ObjectGraphType<AccessScope> scope) =>
        scope.Field<SuspectGraphType>("suspect")
            .Argument<NonNullGraphType<IdGraphType>>("id")
            .ResolveAsync(async ctx => await FetchById.ResolveAsync(ctx, RecordOwners.Suspect,
                (viewer, id, cancellation) => ctx.RequestServices!.GetRequiredService<EntityQueries>().ByIdAsync(viewer, id, EntityView.Suspect, cancellation),
                _ => null));
}
