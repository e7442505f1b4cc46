using GraphQL;
using GraphQL.Types;

namespace ErsouIntel.Api.Cases.Working;

/// <summary><c>attachIncidentToCase</c>: every member of the case then sees the incident in full (docs/domain.md, case rules).</summary>
public static class AttachIncidentToCaseField
{
    public static void AddTo(ObjectGraphType mutation) =>
        mutation.Field<NonNullGraphType<CasePayloadGraphType>>("attachIncidentToCase")
            .Argument<NonNullGraphType<AttachIncidentInputGraphType>>("input")
            .ResolveAsync(async ctx =>
            {
                var input = ctx.GetArgument<AttachIncidentInput>("input");
                // An incident id that is not one is an incident nobody can see: the decision refuses it as such.
                return await CaseChangeResolver.ResolveAsync(ctx, input.CaseId, (work, actor, caseId) =>
                    work.AttachAsync(actor, caseId, Guid.TryParse(input.IncidentId, out var incidentId) ? incidentId : Guid.Empty, input.ExpectedVersion, input.Justification, ctx.CancellationToken),
                    input.IncidentId);
            });
}
