using ErsouIntel.Api.Access;
using ErsouIntel.Api.Audit;
using ErsouIntel.Api.Audit.Writing;
using ErsouIntel.Api.Incidents.Reading;
using ErsouIntel.Api.Incidents.Reporting;
using ErsouIntel.Api.Links;
using ErsouIntel.Domain;
using ErsouIntel.Domain.Common;
using ErsouIntel.Domain.Incidents;
using JasperFx.Events;
using Marten;
using Npgsql;

namespace ErsouIntel.Api.Incidents.Importing;

/// <summary>What one batch of an import came to, and the link payloads of the incidents it created (for <see cref="LoadLinker"/>).</summary>
public sealed record ImportBatchResult(int Created, int ThroughApiPath, IReadOnlyList<ImportLine> Refused, IReadOnlyList<(Guid Id, object Payload)> ToLink);

/// <summary>
/// The historical-load path (<c>import</c>): the same decisions as <c>reportIncidents</c>, written
/// in bulk. New incidents are written with Marten's bulk event insert (binary COPY, no per-stream
/// round trips) and handed back for <see cref="LoadLinker"/> to link; a reference already stored goes
/// the live path (<see cref="IncidentReporting"/>), so re-running an import is harmless: what is
/// already there answers UNCHANGED and writes nothing. Each batch is logged as a COLLECTION by the
/// operator who ran it.
/// </summary>
public sealed class BulkImport(IDocumentStore store, NpgsqlDataSource db, IncidentReporting reporting, AccessLogWriter log, TimeProvider clock)
{
    public const string Role = "operator";

    public async Task<ImportBatchResult> ImportAsync(IReadOnlyList<ImportLine> lines, string operatorName, CancellationToken cancellation)
    {
        var now = clock.GetUtcNow();
        var actor = new Actor($"operator:{operatorName}", null);
        var refused = lines.Where(l => l.Refused).ToList();
        var fresh = new List<(ReportIncident Command, IncidentReport Report)>();
        var seen = new HashSet<Guid>();
        var later = new List<(Force Force, IncidentReport Report)>();
        foreach (var line in lines.Where(l => !l.Refused))
        {
            var force = line.Force!.Value;
            var (details, errors) = IncidentValidation.Validate(line.Report!, now);
            if (details is null)
            {
                refused.Add(line with { Report = null, Code = errors[0].Code, Message = $"{string.Join(", ", errors.Select(e => string.Join('.', e.Path)))}: {errors[0].Message}" });
                continue;
            }

            var command = new ReportIncident(force, details, line.Report!.ForceReference.Trim(), actor with { Force = force }, now);
            if (seen.Add(Incident.IdFor(force, command.ForceReference)))
            {
                fresh.Add((command, line.Report!));
            }
            else
            {
                // The same reference again in one batch: after the first, the live path decides it (UNCHANGED or AMENDED).
                later.Add((force, line.Report!));
            }
        }

        // References already stored go the live path, which decides UNCHANGED or AMENDED against them.
        var stored = await StoredAsync(fresh.Select(c => Incident.IdFor(c.Command.Force, c.Command.ForceReference)).ToList(), cancellation);
        var existing = fresh.Where(c => stored.Contains(Incident.IdFor(c.Command.Force, c.Command.ForceReference))).ToList();
        var created = fresh.Where(c => !stored.Contains(Incident.IdFor(c.Command.Force, c.Command.ForceReference))).Select(c => c.Command).ToList();

        // Events, then their log entries; their links follow (LoadLinker). A run cut between them is
        // finished by the next run's catch-up (ImportCommand), which links stored incidents the graph lacks.
        await WriteNewAsync(created, cancellation);
        await LogAsync(operatorName, created.Select(c => (c.Force, Incident.IdFor(c.Force, c.ForceReference))), cancellation);

        var throughApi = 0;
        foreach (var group in existing.Select(c => (c.Command.Force, c.Report)).Concat(later).GroupBy(x => x.Force))
        {
            foreach (var chunk in group.Chunk(IncidentReporting.MaxBatch))
            {
                var results = await reporting.ReportAsync(group.Key, actor with { Force = group.Key }, chunk.Select(x => x.Report).ToList(), cancellation);
                await LogAsync(operatorName, results.Where(r => r.IncidentId is not null && r.Errors.Count == 0).Select(r => (group.Key, r.IncidentId!.Value)), cancellation);
                throughApi += results.Count(r => r.Errors.Count == 0);
                refused.AddRange(results.Where(r => r.Errors.Count > 0).Select(r => new ImportLine(0, group.Key, null, r.Errors[0].Code, r.Errors[0].Message)));
            }
        }

        foreach (var force in created.GroupBy(c => c.Force))
        {
            Telemetry.ErsouMetrics.IncidentIngested(force.Key, "CREATED", force.Count());
        }

        var toLink = created.Select(c =>
        {
            var id = Incident.IdFor(c.Force, c.ForceReference);
            return (id, LinkGraphProjection.PayloadOf(id, c.Force, c.ForceReference, c.Details, 1, c.Now));
        }).ToList();
        return new ImportBatchResult(created.Count, throughApi, refused, toLink);
    }

    private async Task<HashSet<Guid>> StoredAsync(IReadOnlyList<Guid> ids, CancellationToken cancellation)
    {
        await using var command = db.CreateCommand("select id from ersou.mt_streams where id = any($1)");
        command.Parameters.AddWithValue(ids.ToArray());
        var stored = new HashSet<Guid>();
        await using var reader = await command.ExecuteReaderAsync(cancellation);
        while (await reader.ReadAsync(cancellation))
        {
            stored.Add(reader.GetGuid(0));
        }

        return stored;
    }

    /// <summary>One bulk insert per force (each force is a tenant): binary COPY into mt_streams and mt_events.</summary>
    private async Task WriteNewAsync(IReadOnlyList<ReportIncident> commands, CancellationToken cancellation)
    {
        var registry = (IEventRegistry)store.Options.Events;
        foreach (var force in commands.GroupBy(c => c.Force))
        {
            var streams = force.Select(command =>
            {
                var (_, events, _) = Incident.Decide(null, command);
                var action = StreamAction.Start(registry, Incident.IdFor(command.Force, command.ForceReference), [.. events]);
                action.AggregateType = typeof(Incident);
                action.TenantId = force.Key.TenantId();
                return action;
            }).ToList();
            await store.BulkInsertEventsAsync(force.Key.TenantId(), streams, batchSize: 10_000, cancellation);
        }
    }

    /// <summary>One COLLECTION entry per force of the batch, naming the incidents by id (never their contents).</summary>
    private async Task LogAsync(string operatorName, IEnumerable<(Force Force, Guid Id)> collected, CancellationToken cancellation)
    {
        var entries = collected.GroupBy(c => c.Force).OrderBy(g => g.Key).Select(g => new PendingEntry(
            $"operator:{operatorName}",
            g.Key,
            [Role],
            null,
            AccessKind.Collection,
            "import",
            null,
            null,
            g.Select(c => new LoggedRecord(IncidentQueries.RecordType, c.Id.ToString("D"), g.Key)).Distinct().OrderBy(r => r.Id, StringComparer.Ordinal).ToList())).ToList();
        await log.AppendAsync(entries, cancellation);
    }
}
