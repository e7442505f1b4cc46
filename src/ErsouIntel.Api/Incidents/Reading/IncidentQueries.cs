using ErsouIntel.Api.Access;
using ErsouIntel.Api.GraphQL;
using ErsouIntel.Api.Storage.Replicas;
using ErsouIntel.Domain;
using ErsouIntel.Domain.Incidents;
using Npgsql;

namespace ErsouIntel.Api.Incidents.Reading;

public sealed record IncidentFilter(Force? Force, IncidentCategory? Category, DateTimeOffset? OccurredFrom, DateTimeOffset? OccurredTo);

/// <summary>
/// <c>incident(id)</c> and <c>incidents(filter)</c>: only what the viewer sees in full. A withheld
/// record is not in the list, not in a count, and by id answers exactly as an unknown id does.
/// </summary>
public sealed class IncidentQueries(ReadSource db)
{
    public const string RecordType = "Incident";

    /// <summary>Incidents by id for the lists that name them (a courier's, a suspect's): only those the viewer sees in full.</summary>
    public static BatchLoader<Guid, IncidentRow> ById { get; } = new(async (services, viewer, ids, cancellation) =>
        (await services.GetRequiredService<IncidentQueries>().ByIdsAsync(viewer, ids, cancellation)).ToLookup(r => r.Id));

    public async Task<IncidentRow?> ByIdAsync(Viewer viewer, Guid id, CancellationToken cancellation)
    {
        var rows = await ByIdsAsync(viewer, [id], cancellation);
        return rows.Count == 0 ? null : rows[0];
    }

    /// <summary>The incidents among <paramref name="ids"/> that the viewer sees in full, in the order given.</summary>
    public async Task<IReadOnlyList<IncidentRow>> ByIdsAsync(Viewer viewer, IReadOnlyCollection<Guid> ids, CancellationToken cancellation)
    {
        if (ids.Count == 0)
        {
            return [];
        }

        await using var command = db.CreateCommand(
            $"select {IncidentRow.Columns} from ersou.li_incidents i where i.id = any(@ids) and {Visibility.SeesInFull("i")}");
        command.Parameters.AddWithValue("ids", ids.ToArray());
        viewer.Bind(command);
        var found = await ReadAsync(command, viewer, cancellation);
        var byId = found.ToDictionary(r => r.Id);
        var ordered = ids.Where(byId.ContainsKey).Select(id => byId[id]).ToList();
        foreach (var row in ordered)
        {
            viewer.Returned(RecordType, row.Id, row.Force);
        }

        return ordered;
    }

    /// <summary>Newest occurrence first; keyset paging over (occurred_at, id).</summary>
    public async Task<Connection<IncidentRow>> ListAsync(Viewer viewer, IncidentFilter? filter, int first, (DateTimeOffset At, Guid Id)? after, CancellationToken cancellation)
    {
        var sql = $"select {IncidentRow.Columns} from ersou.li_incidents i where {Visibility.SeesInFull("i")}";
        await using var command = db.CreateCommand();
        viewer.Bind(command);
        if (filter?.Force is { } force)
        {
            sql += " and i.force = @filterForce";
            command.Parameters.AddWithValue("filterForce", force.TenantId());
        }

        if (filter?.Category is { } category)
        {
            sql += " and i.category = @category";
            command.Parameters.AddWithValue("category", category.ToString());
        }

        if (filter?.OccurredFrom is { } from)
        {
            sql += " and i.occurred_at >= @from";
            command.Parameters.AddWithValue("from", from);
        }

        if (filter?.OccurredTo is { } to)
        {
            sql += " and i.occurred_at <= @to";
            command.Parameters.AddWithValue("to", to);
        }

        var page = await Keyset.ByTimeAndId("i.occurred_at", "i.id", after).PageAsync(
            command, sql, first, (query, token) => ReadAsync(query, viewer, token), r => Paging.Cursor(r.Details.OccurredAt, r.Id), cancellation);
        foreach (var edge in page.Edges)
        {
            viewer.Returned(RecordType, edge.Node.Id, edge.Node.Force);
        }

        return page;
    }

    private static async Task<List<IncidentRow>> ReadAsync(NpgsqlCommand command, Viewer viewer, CancellationToken cancellation)
    {
        var rows = new List<IncidentRow>();
        await using var reader = await command.ExecuteReaderAsync(cancellation);
        while (await reader.ReadAsync(cancellation))
        {
            rows.Add(IncidentRow.Read(reader) with { ShownTo = viewer });
        }

        return rows;
    }
}
