using ErsouIntel.Api.Access;
using ErsouIntel.Api.Audit;
using ErsouIntel.Api.Cases.Reading;
using ErsouIntel.Api.Incidents.Reading;
using ErsouIntel.Api.Links;
using ErsouIntel.Domain.Common;
using GraphQL;

namespace ErsouIntel.Api.Cases.Working;

/// <summary>
/// What every case verb does around its change: investigators only, the change noted for the access log,
/// and the case answered as the caller now sees it.
/// </summary>
public static class CaseChangeResolver
{
    private static CaseChange NoSuchCase { get; } = new(null, [UserError.At(UserErrorCodes.NotFound, "No case you can see has this id.", "caseId")]);

    /// <summary>
    /// A change of an existing case. An id that is not one answers as an unknown case does, so it tells nothing apart.
    /// <paramref name="incidentId"/>: the incident the change names, if any, for the log when it is refused.
    /// </summary>
    public static async Task<CasePayload> ResolveAsync(IResolveFieldContext ctx, string caseId, Func<CaseWork, Actor, Guid, Task<CaseChange>> change, string? incidentId = null)
    {
        var payload = await ResolveAsync(ctx, (work, actor) => Guid.TryParse(caseId, out var id) ? change(work, actor, id) : Task.FromResult(NoSuchCase));
        await CaseRefusals.NoteAsync(ctx, payload, caseId, incidentId);
        return payload;
    }

    public static async Task<CasePayload> ResolveAsync(IResolveFieldContext ctx, Func<CaseWork, Actor, Task<CaseChange>> change)
    {
        var (caller, _) = Authorize.Investigator(ctx);
        var result = await change(ctx.RequestServices!.GetRequiredService<CaseWork>(), caller.Actor);
        if (result.CaseId is { } changed && result.Errors.Count == 0)
        {
            var audit = ctx.RequestServices!.GetRequiredService<RequestAudit>();
            // Every entry of a case action carries the case's purpose and its justification, or the action's own.
            var (purpose, justification) = (result.Purpose, result.Justification);
            var kind = result.Combined is not null ? AccessKind.Combination : result.Opened ? AccessKind.Collection : AccessKind.Alteration;
            audit.Changed(kind, CaseQueries.RecordType, changed, caller.Force, purpose, justification);
            if (result.Combined is { } combined)
            {
                audit.Changed(AccessKind.Combination, IncidentQueries.RecordType, combined.Id, combined.Force, purpose, justification);
            }

            if (result.Disclosed is { Count: > 0 } disclosed)
            {
                // A new member sees every attached record in full: those they could not see before are disclosed to them,
                // named with the case they were disclosed through so that the owning force's auditor can follow it.
                audit.Changed(AccessKind.Disclosure, CaseQueries.RecordType, changed, caller.Force, purpose, justification);
                foreach (var incident in disclosed)
                {
                    audit.Changed(AccessKind.Disclosure, IncidentQueries.RecordType, incident.IncidentId, incident.Force, purpose, justification);
                }
            }
        }

        if (result.CaseId is { } written && result.Version is { } version)
        {
            // With LinkGraph:Apply=Daemon the case's read model (and who may see it) follows the events: answer once it has this change.
            await ctx.RequestServices!.GetRequiredService<LinkGraphFreshness>().CaseAppliedAsync(written, version, ctx.CancellationToken);
        }

        var viewer = new Viewer(caller.Force!.Value, caller.Subject, true, null);
        var row = result.CaseId is { } id ? await ctx.RequestServices!.GetRequiredService<CaseQueries>().ByIdAsync(viewer, id, ctx.CancellationToken) : null;
        return new CasePayload(viewer, row, result.Errors);
    }
}
