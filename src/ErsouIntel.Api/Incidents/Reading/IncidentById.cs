using ErsouIntel.Api.Access;
using GraphQL.Types;

namespace ErsouIntel.Api.Incidents.Reading;

/// <summary><c>incident(id)</c>: null for an id that is not one, as for a record the viewer may not see in full.</summary>
public static class IncidentByIdField
{
    public static void AddTo(ObjectGraphType<AccessScope> scope) =>
        scope.Field<IncidentGraphType>("incident")
            .Argument<NonNullGraphType<IdGraphType>>("id")
            .ResolveAsync(async ctx => await FetchById.ResolveAsync(ctx, IncidentQueries.RecordType,
                ctx.RequestServices!.GetRequiredService<IncidentQueries>().ByIdAsync, r => r.Force));
}
