using ErsouIntel.Api.Access;
using ErsouIntel.Api.Audit;
using ErsouIntel.Api.Incidents.Reading;
using ErsouIntel.Domain.Incidents;
using GraphQL;
using GraphQL.Types;
using Npgsql;

namespace ErsouIntel.Api.Incidents.Reporting;

/// <summary>
/// <c>reportIncident</c>: a force system pushes one of its records, in its own force, and is answered
/// with the incident as now stored. <c>reportIncidents</c> is the same verb for a batch.
/// </summary>
public static class ReportIncidentField
{
    public static void AddTo(ObjectGraphType mutation) =>
        mutation.Field<NonNullGraphType<ReportIncidentPayloadGraphType>>("reportIncident")
            .Description("Upsert by (force, forceReference): CREATED, UNCHANGED (nothing written) or AMENDED. The force is the caller's.")
            .Argument<NonNullGraphType<ReportIncidentInputGraphType>>("input")
            .ResolveAsync(async ctx => (await ReportAsync(ctx, [ctx.GetArgument<IncidentReport>("input")]))[0]);

    internal static async Task<IReadOnlyList<ReportIncidentPayload>> ReportAsync(IResolveFieldContext ctx, IReadOnlyList<IncidentReport> reports)
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

        var db = ctx.RequestServices!.GetRequiredService<NpgsqlDataSource>();
        var rows = await StoredRowsAsync(db, results.Where(r => r.Errors.Count == 0).ToList(), ctx.CancellationToken);
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
}
