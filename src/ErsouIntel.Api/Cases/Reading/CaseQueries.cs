using ErsouIntel.Api.Access;
using ErsouIntel.Api.GraphQL;
using ErsouIntel.Domain;
using ErsouIntel.Domain.Cases;
using Npgsql;

namespace ErsouIntel.Api.Cases.Reading;

/// <summary>A case as the read model holds it.</summary>
public sealed record CaseRow(Guid Id, string Reference, string Title, string? OperationName, Force LeadForce, CaseStatus Status, DateTimeOffset OpenedAt, int Version) : IShownTo
{
    /// <summary>Whom this case was read for; its incidents and timeline are read for the same viewer.</summary>
    public Viewer? ShownTo { get; init; }

    public const string Columns = "c.id, c.reference, c.title, c.operation_name, c.lead_force, c.status, c.opened_at, c.version";

    public static CaseRow Read(NpgsqlDataReader reader) => new(
        reader.GetGuid(0),
        reader.GetString(1),
        reader.GetString(2),
        reader.IsDBNull(3) ? null : reader.GetString(3),
        Forces.FromTenantId(reader.GetString(4)),
        reader.GetString(5) == "OPEN" ? CaseStatus.Open : CaseStatus.Closed,
        reader.GetFieldValue<DateTimeOffset>(6),
        reader.GetInt32(7));
}


/// <summary><c>case(id)</c>, <c>cases</c>, and the cases and incidents a case shows: only to its members and its lead force's investigators.</summary>
public sealed class CaseQueries(NpgsqlDataSource db)
{
    public const string RecordType = "Case";

    public async Task<CaseRow?> ByIdAsync(Viewer viewer, Guid id, CancellationToken cancellation)
    {
        await using var command = db.CreateCommand($"select {CaseRow.Columns} from ersou.li_cases c where c.id = @id and {Visibility.SeesCase("c")}");
        command.Parameters.AddWithValue("id", id);
        viewer.Bind(command);
        var rows = await ReadAsync(viewer, command, cancellation);
        return rows.Count == 0 ? null : rows[0];
    }

    public async Task<Connection<CaseRow>> ListAsync(Viewer viewer, int first, (DateTimeOffset At, Guid Id)? after, CancellationToken cancellation)
    {
        await using var command = db.CreateCommand();
        viewer.Bind(command);
        return await Keyset.ByTimeAndId("c.opened_at", "c.id", after).PageAsync(
            command,
            $"select {CaseRow.Columns} from ersou.li_cases c where {Visibility.SeesCase("c")}",
            first,
            (page, token) => ReadAsync(viewer, page, token),
            r => Paging.Cursor(r.OpenedAt, r.Id),
            cancellation);
    }

    /// <summary>The cases holding an incident that the viewer may see.</summary>
    public async Task<IReadOnlyList<CaseRow>> OfIncidentAsync(Viewer viewer, Guid incidentId, CancellationToken cancellation)
    {
        await using var command = db.CreateCommand(
            $"select {CaseRow.Columns} from ersou.li_case_incidents ci join ersou.li_cases c on c.id = ci.case_id where ci.incident_id = @incident and {Visibility.SeesCase("c")} order by c.opened_at, c.id");
        command.Parameters.AddWithValue("incident", incidentId);
        viewer.Bind(command);
        return await ReadAsync(viewer, command, cancellation);
    }

    /// <summary>The incidents attached to a case, in the order they were attached, with their forces.</summary>
    public async Task<IReadOnlyList<(Guid IncidentId, Force Force)>> AttachedAsync(Guid caseId, CancellationToken cancellation)
    {
        await using var command = db.CreateCommand(
            "select ci.incident_id, i.force from ersou.li_case_incidents ci join ersou.li_incidents i on i.id = ci.incident_id where ci.case_id = @case order by ci.attached_at, ci.incident_id");
        command.Parameters.AddWithValue("case", caseId);
        var attached = new List<(Guid, Force)>();
        await using var reader = await command.ExecuteReaderAsync(cancellation);
        while (await reader.ReadAsync(cancellation))
        {
            attached.Add((reader.GetGuid(0), Forces.FromTenantId(reader.GetString(1))));
        }

        return attached;
    }

    /// <summary>The case's lead force, for anyone who must find its stream; null when there is no such case.</summary>
    public async Task<Force?> LeadForceAsync(Guid caseId, CancellationToken cancellation)
    {
        // The read model first; then the case stream's tenant, which is its lead force: with
        // LinkGraph:Apply=Daemon a case just opened may not be in the read model yet. Every force is
        // named so that the lookup uses mt_streams' key (tenant_id, id).
        await using var command = db.CreateCommand(
            "select coalesce((select lead_force from ersou.li_cases where id = @id), (select tenant_id from ersou.mt_streams where tenant_id = any(@forces) and id = @id limit 1))");
        command.Parameters.AddWithValue("id", caseId);
        command.Parameters.AddWithValue("forces", Forces.All.Select(f => f.TenantId()).ToArray());
        return await command.ExecuteScalarAsync(cancellation) is string force && Forces.TryParse(force, out var lead) ? lead : null;
    }

    private static async Task<List<CaseRow>> ReadAsync(Viewer viewer, NpgsqlCommand command, CancellationToken cancellation)
    {
        var rows = new List<CaseRow>();
        await using var reader = await command.ExecuteReaderAsync(cancellation);
        while (await reader.ReadAsync(cancellation))
        {
            var row = CaseRow.Read(reader) with { ShownTo = viewer };
            rows.Add(row);
            viewer.Returned(RecordType, row.Id, row.LeadForce);
        }

        return rows;
    }
}
