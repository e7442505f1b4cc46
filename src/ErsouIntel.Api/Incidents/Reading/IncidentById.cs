using ErsouIntel.Api.Access;
using GraphQL;
using GraphQL.Types;

namespace ErsouIntel.Api.Incidents.Reading;

/// <summary><c>incident(id)</c>: null for an id that is not one, as for a record the viewer may not see in full.</summary>
public static class IncidentByIdField
{
    public static void AddTo(ObjectGraphType<AccessScope> scope) =>
        scope.Field<IncidentGraphType>("incident")
            .Argument<NonNullGraphType<IdGraphType>>("id")
            .ResolveAsync(async ctx => Guid.TryParse(ctx.GetArgument<string>("id"), out var id)
                ? await ctx.RequestServices!.GetRequiredService<IncidentQueries>().ByIdAsync(Viewer.For(ctx.Source), id, ctx.CancellationToken)
                : null);
}
