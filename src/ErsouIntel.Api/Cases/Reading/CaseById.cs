using ErsouIntel.Api.Access;
using GraphQL.Types;

namespace ErsouIntel.Api.Cases.Reading;

/// <summary><c>case(id)</c>: null for a case the viewer is not a member of and whose lead force is not theirs, as for no case.</summary>
public static class CaseByIdField
{
    public static void AddTo(ObjectGraphType<AccessScope> scope) =>
        scope.Field<CaseGraphType>("case")
            .Argument<NonNullGraphType<IdGraphType>>("id")
            .ResolveAsync(async ctx => await FetchById.ResolveAsync(ctx, CaseQueries.RecordType,
                ctx.RequestServices!.GetRequiredService<CaseQueries>().ByIdAsync, r => r.LeadForce));
}
