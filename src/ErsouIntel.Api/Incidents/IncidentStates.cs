using ErsouIntel.Api.Links;
using ErsouIntel.Domain;
using ErsouIntel.Domain.Incidents;
using Marten;
using Npgsql;

namespace ErsouIntel.Api.Incidents;

/// <summary>
/// The current state of incidents for a decision (report, amend, retract, attach to a case). Inline,
/// the read model's row is the stream's state (written in the same transaction), one index lookup
/// each. With <c>LinkGraph:Apply=Daemon</c> the read model may lag behind the events, and a decision
/// against it would take a second report of one reference for a first, so the state is folded from
/// the incident's own events.
/// </summary>
public sealed class IncidentStates(IDocumentStore store, NpgsqlDataSource db, LinkGraphApplyOptions options, Storage.ForceDatabases forces)
{
    /// <param name="within">The force the incidents belong to, when known (a force system's own reports): with a database
    /// per force only that force's database is asked, so another force's database being down does not stop its pushes.</param>
    public async Task<Dictionary<Guid, IncidentRow>> LoadAsync(IReadOnlyCollection<Guid> ids, CancellationToken cancellation, Force? within = null)
    {
        if (options.Apply == LinkGraphApply.Inline || ids.Count == 0)
        {
            return await IncidentRow.LoadAsync(db, ids, cancellation);
        }

        // Each incident's stream is in its force's tenant: one query per force the ids belong to.
        var rows = new Dictionary<Guid, IncidentRow>();
        var tenants = new Dictionary<Guid, string>();
        if (forces.PerForce)
        {
            // A database per force: the region has no streams; each force database is asked for its own, by
            // mt_streams' key (tenant_id, id).
            var wanted = ids.Distinct().ToArray();
            foreach (var force in within is { } known ? [known] : forces.Databases.Keys)
            {
                await using var session = store.QuerySession(force.TenantId());
                foreach (var id in await session.AdvancedSql.QueryAsync<Guid>("select id from ersou.mt_streams where tenant_id = ? and id = any(?)", cancellation, force.TenantId(), wanted))
                {
                    tenants[id] = force.TenantId();
                }
            }
        }
        else
        {
            // Every force named, so that the lookup uses mt_streams' key (tenant_id, id).
            await using var command = db.CreateCommand("select id, tenant_id from ersou.mt_streams where tenant_id = any($1) and id = any($2)");
            command.Parameters.AddWithValue(Forces.All.Select(f => f.TenantId()).ToArray());
            command.Parameters.AddWithValue(ids.Distinct().ToArray());
            await using var reader = await command.ExecuteReaderAsync(cancellation);
            while (await reader.ReadAsync(cancellation))
            {
                tenants[reader.GetGuid(0)] = reader.GetString(1);
            }
        }

        foreach (var tenant in tenants.GroupBy(t => t.Value, t => t.Key))
        {
            await using var session = store.QuerySession(tenant.Key);
            var streams = tenant.ToArray();
            var events = await session.Events.QueryAllRawEvents()
                .Where(e => streams.Contains(e.StreamId))
                .OrderBy(e => e.Sequence)
                .ToListAsync(cancellation);
            foreach (var stream in events.GroupBy(e => e.StreamId))
            {
                if (stream.Aggregate((Incident?)null, (state, e) => Incident.Evolve(state, e.Data)) is { } incident)
                {
                    rows[incident.Id] = new IncidentRow(
                        incident.Id, incident.Force, incident.ForceReference, incident.Details.Grading.Handling,
                        incident.ReportedAt, incident.Retracted, incident.Version, incident.Details);
                }
            }
        }

        return rows;
    }
}
