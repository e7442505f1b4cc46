using ErsouIntel.Api.Access;
using ErsouIntel.Api.Audit;
using ErsouIntel.Api.Cases;
using ErsouIntel.Api.Cases.Reading;
using ErsouIntel.Api.Cases.Working;
using ErsouIntel.Api.Incidents;
using ErsouIntel.Api.Incidents.Reading;
using ErsouIntel.Api.Incidents.Reporting;
using ErsouIntel.Api.Links;
using ErsouIntel.Domain.Common;
using ErsouIntel.Domain.Incidents;
using GraphQL;
using GraphQL.Types;
using Npgsql;

namespace ErsouIntel.Api.GraphQL;

public sealed class MutationType : ObjectGraphType
{
    public MutationType()
    {
        Name = "Mutation";

        Field<NonNullGraphType<ReportIncidentPayloadGraphType>>("reportIncident")
            .Description("Upsert by (force, forceReference): CREATED, UNCHANGED (nothing written) or AMENDED. The force is the caller's.")
            .Argument<NonNullGraphType<ReportIncidentInputGraphType>>("input")
            .ResolveAsync(async ctx => (await ReportAsync(ctx, [ctx.GetArgument<IncidentReport>("input")]))[0]);

        Field<NonNullGraphType<ListGraphType<NonNullGraphType<ReportIncidentPayloadGraphType>>>>("reportIncidents")
            .Description($"Up to {IncidentReporting.MaxBatch} reports; one payload per input, in order. One bad input fails alone.")
            .Argument<NonNullGraphType<ListGraphType<NonNullGraphType<ReportIncidentInputGraphType>>>>("inputs")
            .ResolveAsync(async ctx =>
            {
                var inputs = ctx.GetArgument<List<IncidentReport>>("inputs");
                if (inputs.Count > IncidentReporting.MaxBatch)
                {
                    throw new ExecutionError($"A batch holds at most {IncidentReporting.MaxBatch} incidents; split it.") { Code = ErrorCodes.BadUserInput };
                }

                return await ReportAsync(ctx, inputs);
            });

        Field<NonNullGraphType<RetractIncidentPayloadGraphType>>("retractIncident")
            .Argument<NonNullGraphType<RetractIncidentInputGraphType>>("input")
            .ResolveAsync(async ctx =>
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
            });

        Field<NonNullGraphType<CasePayloadGraphType>>("openCase")
            .Argument<NonNullGraphType<OpenCaseInputGraphType>>("input")
            .ResolveAsync(async ctx =>
            {
                var input = ctx.GetArgument<OpenCaseInput>("input");
                return await CaseChangeAsync(ctx, (work, actor) => work.OpenAsync(actor, input.Reference, input.Title, input.OperationName, ctx.CancellationToken));
            });

        Field<NonNullGraphType<CasePayloadGraphType>>("attachIncidentToCase")
            .Argument<NonNullGraphType<AttachIncidentInputGraphType>>("input")
            .ResolveAsync(async ctx =>
            {
                var input = ctx.GetArgument<AttachIncidentInput>("input");
                return await CaseChangeAsync(ctx, (work, actor) => !Guid.TryParse(input.CaseId, out var caseId)
                    ? Task.FromResult(NoSuchCase)
                    : work.AttachAsync(actor, caseId, Guid.TryParse(input.IncidentId, out var incidentId) ? incidentId : Guid.Empty, input.ExpectedVersion, ctx.CancellationToken));
            });

        Field<NonNullGraphType<CasePayloadGraphType>>("addCaseNote")
            .Argument<NonNullGraphType<AddCaseNoteInputGraphType>>("input")
            .ResolveAsync(async ctx =>
            {
                var input = ctx.GetArgument<AddCaseNoteInput>("input");
                return await CaseChangeAsync(ctx, (work, actor) => !Guid.TryParse(input.CaseId, out var caseId)
                    ? Task.FromResult(NoSuchCase)
                    : work.AddNoteAsync(actor, caseId, input.Text, input.ExpectedVersion, ctx.CancellationToken));
            });

        Field<NonNullGraphType<CasePayloadGraphType>>("addCaseMember")
            .Argument<NonNullGraphType<AddCaseMemberInputGraphType>>("input")
            .ResolveAsync(async ctx =>
            {
                var input = ctx.GetArgument<AddCaseMemberInput>("input");
                return await CaseChangeAsync(ctx, (work, actor) => !Guid.TryParse(input.CaseId, out var caseId)
                    ? Task.FromResult(NoSuchCase)
                    : work.AddMemberAsync(actor, caseId, input.Username, ctx.CancellationToken));
            });

        Field<NonNullGraphType<CasePayloadGraphType>>("closeCase")
            .Argument<NonNullGraphType<CloseCaseInputGraphType>>("input")
            .ResolveAsync(async ctx =>
            {
                var input = ctx.GetArgument<CloseCaseInput>("input");
                return await CaseChangeAsync(ctx, (work, actor) => !Guid.TryParse(input.CaseId, out var caseId)
                    ? Task.FromResult(NoSuchCase)
                    : work.CloseAsync(actor, caseId, input.Reason, input.ExpectedVersion, ctx.CancellationToken));
            });
    }

    private static CaseChange NoSuchCase { get; } = new(null, [UserError.At(UserErrorCodes.NotFound, "No case you can see has this id.", "caseId")]);

    private static NpgsqlDataSource Db(IResolveFieldContext ctx) => ctx.RequestServices!.GetRequiredService<NpgsqlDataSource>();

    private static async Task<IReadOnlyList<ReportIncidentPayload>> ReportAsync(IResolveFieldContext ctx, IReadOnlyList<IncidentReport> reports)
    {
        var (caller, force) = Authorize.ForceSystem(ctx);
        var audit = ctx.RequestServices!.GetRequiredService<RequestAudit>();
        var results = await ctx.RequestServices!.GetRequiredService<IncidentReporting>().ReportAsync(force, caller.Actor, reports, ctx.CancellationToken, committed: result =>
        {
            // Noted as each commits: a push received again unchanged is still a collection of that record by this caller.
            if (result.IncidentId is not null && result.Errors.Count == 0)
            {
                audit.Changed(result.Outcome == ReportOutcome.Amended ? AccessKind.Alteration : AccessKind.Collection, IncidentQueries.RecordType, result.IncidentId.Value, force);
            }
        });

        var rows = await StoredRowsAsync(Db(ctx), results.Where(r => r.Errors.Count == 0).ToList(), ctx.CancellationToken);
        // A force system sees what it wrote, and nothing of other forces through it.
        var viewer = new Viewer(force, caller.Subject, false, null);
        return results.Select(r => new ReportIncidentPayload(
            viewer,
            r.Errors.Count == 0 && rows.GetValueOrDefault(r.IncidentId!.Value) is { } row ? row with { ShownTo = viewer } : null,
            r.Outcome,
            r.Errors)).ToList();
    }

    /// <summary>
    /// The read model's rows of the incidents a push stored. Each report knows the row it wrote, so only
    /// the versions are read back: a row at that version is the one written (no second read of every
    /// incident's details); anything else (moved on since, or not linked) is read in full.
    /// </summary>
    private static async Task<Dictionary<Guid, IncidentRow>> StoredRowsAsync(NpgsqlDataSource db, List<ReportResult> stored, CancellationToken cancellation)
    {
        var rows = new Dictionary<Guid, IncidentRow>();
        if (stored.Count == 0)
        {
            return rows;
        }

        var versions = new Dictionary<Guid, int>();
        await using (var command = db.CreateCommand("select id, version from ersou.li_incidents where id = any($1)"))
        {
            command.Parameters.AddWithValue(stored.Select(r => r.IncidentId!.Value).Distinct().ToArray());
            await using var reader = await command.ExecuteReaderAsync(cancellation);
            while (await reader.ReadAsync(cancellation))
            {
                versions[reader.GetGuid(0)] = reader.GetInt32(1);
            }
        }

        var reread = new HashSet<Guid>();
        foreach (var result in stored)
        {
            var id = result.IncidentId!.Value;
            // The row this request wrote, unless a later write moved the read model past it (with
            // LinkGraph:Apply=Daemon the read model may still be behind it, or not have it yet).
            if (result.Row is { } row && versions.GetValueOrDefault(id) <= row.Version)
            {
                rows.TryAdd(id, row);
            }
            else if (versions.ContainsKey(id))
            {
                reread.Add(id);
            }
        }

        foreach (var (id, row) in await IncidentRow.LoadAsync(db, reread, cancellation))
        {
            rows[id] = row;
        }

        return rows;
    }

    private static async Task<CasePayload> CaseChangeAsync(IResolveFieldContext ctx, Func<CaseWork, Actor, Task<CaseChange>> change)
    {
        var (caller, _) = Authorize.Investigator(ctx);
        var result = await change(ctx.RequestServices!.GetRequiredService<CaseWork>(), caller.Actor);
        if (result.CaseId is { } changed && result.Errors.Count == 0)
        {
            var audit = ctx.RequestServices!.GetRequiredService<RequestAudit>();
            var kind = result.Combined is not null ? AccessKind.Combination : result.Opened ? AccessKind.Collection : AccessKind.Alteration;
            audit.Changed(kind, CaseQueries.RecordType, changed, caller.Force);
            if (result.Combined is { } combined)
            {
                audit.Changed(AccessKind.Combination, IncidentQueries.RecordType, combined.Id, combined.Force);
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
