using ErsouIntel.Api.Access;
using ErsouIntel.Api.Cases.Reading;
using ErsouIntel.Api.GraphQL;
using ErsouIntel.Api.Links;
using ErsouIntel.Api.Storage.Replicas;
using ErsouIntel.Domain;
using Npgsql;

namespace ErsouIntel.Api.Matches;

public enum MatchKind { PhoneNumber, Courier, Vehicle, Suspect }

public sealed record Match(Guid Id, DateTimeOffset DetectedAt, MatchKind Kind, string Key, EntityNode Entity, IReadOnlyList<Force> Forces, Guid? CaseId, Viewer ShownTo) : IShownTo
{
    Viewer? IShownTo.ShownTo => ShownTo;
}

/// <summary>
/// <c>matches</c>: what the link projection found joining forces, listed for investigators of
/// the forces involved, newest first. The key of a person match is the entity id, never the
/// name or PNC ID behind it.
/// </summary>
public sealed class MatchQueries(ReadSource db)
{
    public const string RecordType = "Match";

    public async Task<Connection<Match>> ListAsync(Viewer viewer, int first, (DateTimeOffset At, Guid Id)? after, CancellationToken cancellation)
    {
        await using var command = db.CreateCommand();
        viewer.Bind(command);
        var page = await Keyset.ByTimeAndId("m.detected_at", "m.id", after).PageAsync(
            command,
            "select id, detected_at, kind, key, entity_id, forces, case_id from ersou.li_matches m where @force = any(m.forces)",
            first,
            (query, token) => ReadAsync(viewer, query, token),
            m => Paging.Cursor(m.DetectedAt, m.Id),
            cancellation);
        foreach (var edge in page.Edges)
        {
            viewer.Returned(RecordType, edge.Node.Id, null);
        }

        return page;
    }

    /// <summary>A match by id, for investigators of the forces it joins (as <c>matches</c> lists it); null otherwise.</summary>
    public async Task<Match?> ByIdAsync(Viewer viewer, Guid id, CancellationToken cancellation)
    {
        await using var command = db.CreateCommand("select id, detected_at, kind, key, entity_id, forces, case_id from ersou.li_matches m where m.id = @id and @force = any(m.forces)");
        command.Parameters.AddWithValue("id", id);
        viewer.Bind(command);
        var found = await ReadAsync(viewer, command, cancellation);
        return found.Count == 0 ? null : found[0];
    }

    /// <summary>Matches by id for the fields that name one (an alert's): only those involving the viewer's force, as <c>matches</c> lists them.</summary>
    public static BatchLoader<Guid, Match> ById { get; } = new(async (services, viewer, ids, cancellation) =>
        (await services.GetRequiredService<MatchQueries>().ByIdsAsync(viewer, ids, cancellation)).ToLookup(m => m.Id));

    private async Task<List<Match>> ByIdsAsync(Viewer viewer, IReadOnlyList<Guid> ids, CancellationToken cancellation)
    {
        await using var command = db.CreateCommand("select id, detected_at, kind, key, entity_id, forces, case_id from ersou.li_matches m where m.id = any(@ids) and @force = any(m.forces)");
        command.Parameters.AddWithValue("ids", ids.ToArray());
        viewer.Bind(command);
        var found = await ReadAsync(viewer, command, cancellation);
        foreach (var match in found)
        {
            viewer.Returned(RecordType, match.Id, null);
        }

        return found;
    }

    private static async Task<List<Match>> ReadAsync(Viewer viewer, NpgsqlCommand command, CancellationToken cancellation)
    {
        var rows = new List<(Guid Id, DateTimeOffset At, MatchKind Kind, string Key, EntityNode Entity, Force[] Forces, Guid? CaseId)>();
        await using (var reader = await command.ExecuteReaderAsync(cancellation))
        {
            while (await reader.ReadAsync(cancellation))
            {
                var kind = KindOf(reader.GetString(2));
                var key = kind is MatchKind.PhoneNumber or MatchKind.Vehicle ? reader.GetString(3) : reader.GetGuid(4).ToString();
                var entity = new EntityNode(reader.GetGuid(4), reader.GetString(2), reader.GetString(3));
                rows.Add((reader.GetGuid(0), reader.GetFieldValue<DateTimeOffset>(1), kind, key, entity,
                    reader.GetFieldValue<string[]>(5).Select(Domain.Forces.FromTenantId).ToArray(), reader.IsDBNull(6) ? null : reader.GetGuid(6)));
            }
        }

        return rows.Select(r => new Match(r.Id, r.At, r.Kind, r.Key, r.Entity, r.Forces, r.CaseId, viewer)).ToList();
    }

    /// <summary>The case of each match onto a case asked for, when the viewer may see it, whatever its status now.</summary>
    public static BatchLoader<Guid, CaseRow> CaseOf { get; } = new(async (services, viewer, cases, cancellation) =>
        (await services.GetRequiredService<MatchQueries>().CasesAsync(viewer, cases, cancellation)).ToLookup(c => c.Id));

    private async Task<List<CaseRow>> CasesAsync(Viewer viewer, IReadOnlyList<Guid> caseIds, CancellationToken cancellation)
    {
        await using var command = db.CreateCommand($"select {CaseRow.Columns} from ersou.li_cases c where c.id = any(@ids) and {Visibility.SeesCase("c")}");
        command.Parameters.AddWithValue("ids", caseIds.ToArray());
        viewer.Bind(command);
        var found = new List<CaseRow>();
        await using var reader = await command.ExecuteReaderAsync(cancellation);
        while (await reader.ReadAsync(cancellation))
        {
            var row = CaseRow.Read(reader) with { ShownTo = viewer };
            found.Add(row);
            viewer.Returned(CaseQueries.RecordType, row.Id, row.LeadForce);
        }

        return found;
    }

    /// <summary>Matches found on a case, for its timeline.</summary>
    public async Task<IReadOnlyList<(DateTimeOffset DetectedAt, MatchKind Kind, IReadOnlyList<Force> Forces)>> OnCaseAsync(Guid caseId, CancellationToken cancellation)
    {
        await using var command = db.CreateCommand("select detected_at, kind, forces from ersou.li_matches where case_id = @case");
        command.Parameters.AddWithValue("case", caseId);
        var found = new List<(DateTimeOffset, MatchKind, IReadOnlyList<Force>)>();
        await using var reader = await command.ExecuteReaderAsync(cancellation);
        while (await reader.ReadAsync(cancellation))
        {
            var kind = KindOf(reader.GetString(1));
            found.Add((reader.GetFieldValue<DateTimeOffset>(0), kind, reader.GetFieldValue<string[]>(2).Select(Domain.Forces.FromTenantId).ToList()));
        }

        return found;
    }

    /// <summary>The kind of the entity a match is about, from the read model's node kinds.</summary>
    private static MatchKind KindOf(string nodeKind) => nodeKind switch
    {
        "PHONE" => MatchKind.PhoneNumber,
        "VEHICLE" => MatchKind.Vehicle,
        "SUSPECT" => MatchKind.Suspect,
        _ => MatchKind.Courier,
    };

    /// <summary>
    /// The pointers of each match asked for, read with the rest of its level and only when asked for: a match of
    /// thousands of incidents named by an alert or a page of matches costs its pointers only where they are shown.
    /// </summary>
    public static BatchLoader<Guid, RecordPointer> PointersOf { get; } = new(async (services, viewer, ids, cancellation) =>
        (await services.GetRequiredService<MatchQueries>().PointersAsync(viewer, [.. ids], cancellation))
            .SelectMany(m => m.Value.Select(p => (m.Key, p))).ToLookup(m => m.Key, m => m.p));

    private async Task<Dictionary<Guid, IReadOnlyList<RecordPointer>>> PointersAsync(Viewer viewer, Guid[] matchIds, CancellationToken cancellation)
    {
        await using var command = db.CreateCommand("select match_id, incident_id from ersou.li_match_incidents where match_id = any(@ids)");
        command.Parameters.AddWithValue("ids", matchIds);
        var byMatch = new Dictionary<Guid, List<Guid>>();
        await using (var reader = await command.ExecuteReaderAsync(cancellation))
        {
            while (await reader.ReadAsync(cancellation))
            {
                var match = reader.GetGuid(0);
                if (!byMatch.TryGetValue(match, out var list))
                {
                    byMatch[match] = list = [];
                }

                list.Add(reader.GetGuid(1));
            }
        }

        var pointers = await RecordPointer.LoadAsync(db.Current, viewer, byMatch.Values.SelectMany(v => v).ToHashSet(), cancellation);
        return byMatch.ToDictionary(m => m.Key, m => RecordPointer.Ordered(m.Value.Where(pointers.ContainsKey).Select(id => pointers[id])));
    }
}
