using ErsouIntel.Api.Access;
using ErsouIntel.Api.Audit;
using ErsouIntel.Api.Incidents.Reading;
using GraphQL;
using GraphQL.Types;

namespace ErsouIntel.Api.Incidents.Reporting;

/// <summary><c>retractIncident</c>: a force system withdraws one of its own records and is shown it as now stored.</summary>
public static class RetractIncidentField
{
    public static void AddTo(ObjectGraphType mutation) =>
        mutation.Field<NonNullGraphType<RetractIncidentPayloadGraphType>>("retractIncident")
            .Argument<NonNullGraphType<RetractIncidentInputGraphType>>("input")
            .ResolveAsync(async ctx => await RetractAsync(ctx));

    private static async Task<RetractIncidentPayload> RetractAsync(IResolveFieldContext ctx)
    {
        var (caller, force) = Authorize.ForceSystem(ctx);
        var input = ctx.GetArgument<RetractIncidentInput>("input");
        var result = await ctx.RequestServices!.GetRequiredService<IncidentReporting>().RetractAsync(force, caller.Actor, input.ForceReference, input.Reason, ctx.CancellationToken);
        if (result.IncidentId is { } retracted)
        {
            ctx.RequestServices!.GetRequiredService<RequestAudit>().Changed(AccessKind.Alteration, IncidentQueries.RecordType, retracted, force);
        }

        var viewer = new Viewer(force, caller.Subject, false, null);
        var incident = result.IncidentId is { } id ? (await ctx.RequestServices!.GetRequiredService<IncidentStates>().LoadAsync([id], ctx.CancellationToken)).GetValueOrDefault(id) : null;
        return new RetractIncidentPayload(viewer, incident is null ? null : incident with { ShownTo = viewer }, result.Errors);
    }
}
