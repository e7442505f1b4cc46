using ErsouIntel.Api.Access;
using ErsouIntel.Api.Audit;
using ErsouIntel.Api.GraphQL;
using ErsouIntel.Api.Incidents;
using ErsouIntel.Api.Incidents.Reading;
using ErsouIntel.Api.Storage.Replicas;
using ErsouIntel.Domain;
using ErsouIntel.Domain.Cases;
using Npgsql;

namespace ErsouIntel.Api.Cases.Reading;

/// <summary>A case as the read model holds it.</summary>
public sealed record CaseRow(Guid Id, string Reference, string Title, string? OperationName, Force LeadForce, CaseStatus Status, DateTimeOffset OpenedAt, int Version, Purpose Purpose, string Justification) : IShownTo
{
    /// <summary>Whom this case was read for; its incidents and timeline are read for the same viewer.</summary>
    public Viewer? ShownTo { get; init; }

    /// <summary>A case opened before cases had a purpose and a justification has neither stored: it reads as INVESTIGATION and its title.</summary>
    public const string Columns = "c.id, c.reference, c.title, c.operation_name, c.lead_force, c.status, c.opened_at, c.version, coalesce(c.purpose, 'INVESTIGATION'), coalesce(c.justification, c.title)";

    public static CaseRow Read(NpgsqlDataReader reader) => new(
        reader.GetGuid(0),
        reader.GetString(1),
        reader.GetString(2),
        reader.IsDBNull(3) ? null : reader.GetString(3),
        Forces.FromTenantId(reader.GetString(4)),
        reader.GetString(5) == "OPEN" ? CaseStatus.Open : CaseStatus.Closed,
        reader.GetFieldValue<DateTimeOffset>(6),
        reader.GetInt32(7),
        AccessLogChain.ParsePurpose(reader.GetString(8)),
        reader.GetString(9));
}


/// <summary><c>case(id)</c>, <c>cases</c>, and the cases and incidents a case shows: only to its members and its lead force's investigators.</summary>
public sealed class CaseQueries(ReadSource db)
{
    public const string RecordType = "Case";

    public async Task<CaseRow?> ByIdAsync(Viewer viewer, Guid id, CancellationToken cancellation)
    {
        await using var command = db.CreateCommand($"select {CaseRow.Columns} from ersou.li_cases c where c.id = @id and {Visibility.SeesCase("c")}");
        command.Parameters.AddWithValue("id", id);
        viewer.Bind(command);
        var rows = await ReadAsync(viewer, command, cancellation);
        foreach (var row in rows)
        {
            viewer.Returned(RecordType, row.Id, row.LeadForce);
        }

        return rows.Count == 0 ? null : rows[0];
    }

    public async Task<Connection<CaseRow>> ListAsync(Viewer viewer, int first, (DateTimeOffset At, Guid Id)? after, CancellationToken cancellation)
    {
        await using var command = db.CreateCommand();
        viewer.Bind(command);
        var page = await Keyset.ByTimeAndId("c.opened_at", "c.id", after).PageAsync(
            command,
            $"select {CaseRow.Columns} from ersou.li_cases c where {Visibility.SeesCase("c")}",
            first,
            (query, token) => ReadAsync(viewer, query, token),
            r => Paging.Cursor(r.OpenedAt, r.Id),
            cancellation);

        // The page's cases only: the row read past it says there is a next page, and is not handed out.
        foreach (var edge in page.Edges)
        {
            viewer.Returned(RecordType, edge.Node.Id, edge.Node.LeadForce);
        }

        return page;
    }

    /// <summary>The cases holding each incident asked for that the viewer may see, oldest first.</summary>
    public static BatchLoader<Guid, CaseRow> OfIncident { get; } = new((services, viewer, incidents, cancellation) =>
        services.GetRequiredService<CaseQueries>().OfIncidentsAsync(viewer, incidents, cancellation));

    /// <summary>Each case's lead force and the forces of its attached incidents, in force order.</summary>
    public static BatchLoader<(Guid Case, Force LeadForce), Force> ForcesOfCase { get; } = new(async (services, _, cases, cancellation) =>
    {
        var attached = await services.GetRequiredService<CaseQueries>().AttachedAsync([.. cases.Select(c => c.Case)], cancellation);
        return cases
            .SelectMany(c => attached[c.Case].Select(a => a.Force).Append(c.LeadForce).Distinct().Order().Select(force => (c, force)))
            .ToLookup(f => f.c, f => f.force);
    });

    /// <summary>Each case's attached incidents that the viewer sees in full, in the order they were attached.</summary>
    public static BatchLoader<Guid, IncidentRow> IncidentsOfCase { get; } = new(async (services, viewer, cases, cancellation) =>
    {
        var attached = await services.GetRequiredService<CaseQueries>().AttachedAsync(cases, cancellation);
        // Only incidents some case asked for: the access log names exactly the records handed out.
        var rows = (await services.GetRequiredService<IncidentQueries>().ByIdsAsync(viewer, [.. attached.SelectMany(a => a).Select(a => a.IncidentId).Distinct()], cancellation))
            .ToDictionary(r => r.Id);
        return cases
            .SelectMany(c => attached[c].Where(a => rows.ContainsKey(a.IncidentId)).Select(a => (c, rows[a.IncidentId])))
            .ToLookup(r => r.c, r => r.Item2);
    });

    /// <summary>The cases holding each of the incidents that the viewer may see, oldest first.</summary>
    public async Task<ILookup<Guid, CaseRow>> OfIncidentsAsync(Viewer viewer, IReadOnlyList<Guid> incidentIds, CancellationToken cancellation)
    {
        await using var command = db.CreateCommand(
            $"select {CaseRow.Columns}, ci.incident_id from ersou.li_case_incidents ci join ersou.li_cases c on c.id = ci.case_id where ci.incident_id = any(@incidents) and {Visibility.SeesCase("c")} order by c.opened_at, c.id");
        command.Parameters.AddWithValue("incidents", incidentIds.ToArray());
        viewer.Bind(command);
        var rows = new List<(Guid Incident, CaseRow Case)>();
        await using var reader = await command.ExecuteReaderAsync(cancellation);
        while (await reader.ReadAsync(cancellation))
        {
            var row = CaseRow.Read(reader) with { ShownTo = viewer };
            rows.Add((reader.GetGuid(reader.FieldCount - 1), row));
            viewer.Returned(RecordType, row.Id, row.LeadForce);
        }

        return rows.ToLookup(r => r.Incident, r => r.Case);
    }

    /// <summary>The incidents attached to each of the cases, in the order they were attached, with their forces.</summary>
    public async Task<ILookup<Guid, (Guid IncidentId, Force Force)>> AttachedAsync(IReadOnlyList<Guid> caseIds, CancellationToken cancellation)
    {
        await using var command = db.CreateCommand(
            "select ci.case_id, ci.incident_id, i.force from ersou.li_case_incidents ci join ersou.li_incidents i on i.id = ci.incident_id where ci.case_id = any(@cases) order by ci.attached_at, ci.incident_id");
        command.Parameters.AddWithValue("cases", caseIds.ToArray());
        var attached = new List<(Guid Case, Guid IncidentId, Force Force)>();
        await using var reader = await command.ExecuteReaderAsync(cancellation);
        while (await reader.ReadAsync(cancellation))
        {
            attached.Add((reader.GetGuid(0), reader.GetGuid(1), Forces.FromTenantId(reader.GetString(2))));
        }

        return attached.ToLookup(a => a.Case, a => (a.IncidentId, a.Force));
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
            rows.Add(CaseRow.Read(reader) with { ShownTo = viewer });
        }

        return rows;
    }
}
