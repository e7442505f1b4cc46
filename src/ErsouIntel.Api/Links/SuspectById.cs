using ErsouIntel.Api.Access;
using GraphQL;
using GraphQL.Types;

namespace ErsouIntel.Api.Links;

/// <summary><c>suspect(id)</c>: the suspect as the viewer may know them, from the sightings they see in full.</summary>
public static class SuspectByIdField
{
    public static void AddTo(ObjectGraphType<AccessScope> scope) =>
        scope.Field<SuspectGraphType>("suspect")
            .Argument<NonNullGraphType<IdGraphType>>("id")
            .ResolveAsync(async ctx => Guid.TryParse(ctx.GetArgument<string>("id"), out var id)
                ? await ctx.RequestServices!.GetRequiredService<EntityQueries>().ByIdAsync(Viewer.For(ctx.Source), id, EntityView.Suspect, ctx.CancellationToken)
                : null);
}
