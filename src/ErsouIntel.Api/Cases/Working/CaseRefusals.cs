using ErsouIntel.Api.Access;
using ErsouIntel.Api.Audit;
using ErsouIntel.Api.Cases.Reading;
using ErsouIntel.Api.Incidents.Reading;
using ErsouIntel.Domain.Common;
using GraphQL;

namespace ErsouIntel.Api.Cases.Working;

/// <summary>
/// A case change answered NOT_FOUND named a case or an incident the caller may not see, or one that
/// does not exist: the answer cannot tell the two apart, the log does. One REFUSED entry names what
/// was asked for (with the owning force when it exists), so the owner's auditor sees the attempt.
/// </summary>
public static class CaseRefusals
{
    public static async Task NoteAsync(IResolveFieldContext ctx, CasePayload payload, string caseId, string? incidentId)
    {
        if (!payload.Errors.Any(e => e.Code == UserErrorCodes.NotFound))
        {
            return;
        }

        var owners = ctx.RequestServices!.GetRequiredService<RecordOwners>();
        var records = new List<LoggedRecord>(await owners.NamedAsync(CaseQueries.RecordType, caseId, ctx.CancellationToken));
        if (incidentId is not null)
        {
            records.AddRange(await owners.NamedAsync(IncidentQueries.RecordType, incidentId, ctx.CancellationToken));
        }

        Authorize.NoteRefusal(ctx, Authorize.SignedIn(ctx), records: records);
    }
}
