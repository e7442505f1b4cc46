using System.Diagnostics;
using ErsouIntel.Api.Links;
using ErsouIntel.Domain;
using ErsouIntel.Domain.Alerts;
using Npgsql;

namespace ErsouIntel.Api.Alerts;

/// <summary>A match a push's incident is part of, as the raiser reads it.</summary>
/// <param name="FirstStored">For each force it involves now, when the first of that force's records in it was last stored.</param>
/// <param name="Recorded">The forces earlier pushes found it involving; null when none has seen it yet.</param>
public sealed record MatchTouched(Guid Id, Guid IncidentId, IReadOnlyDictionary<Force, DateTimeOffset> FirstStored, IReadOnlySet<Force>? Recorded, bool OnCase);

/// <summary>For person key nodes, the key nodes their sightings share a sighting with, with the incident of that sighting.</summary>
public sealed class People(ILookup<Guid, (Guid Node, Guid Incident)> joined)
{
    /// <summary>The node and the nodes it shares a sighting with; before the push, not counting the push's own incident.</summary>
    public IEnumerable<Guid> Joined(Guid node, Guid incident, bool withIncident) =>
        joined[node].Where(j => withIncident || j.Incident != incident).Select(j => j.Node).Append(node);
}

/// <summary>A member of an open case that carries an entity, through one of the case's incidents.</summary>
public sealed record CaseMember(string Subject, Guid IncidentId);

/// <summary>The raiser's reads of the link graph and the users: one statement each for a whole page of pushes.</summary>
public static partial class AlertReads
{
    /// <summary>The daemon's link graph position, waited for until it covers <paramref name="sequence"/>.</summary>
    public static async Task LinkGraphReachedAsync(NpgsqlDataSource db, long sequence, ILogger logger, CancellationToken cancellation)
    {
        var clock = Stopwatch.StartNew();
        var pause = TimeSpan.FromMilliseconds(20);
        var warned = false;
        while (true)
        {
            await using var command = db.CreateCommand("select last_seq_id from ersou.mt_event_progression where name = $1");
            command.Parameters.AddWithValue(LinkGraphProjection.Shard);
            if (await command.ExecuteScalarAsync(cancellation) is long applied && applied >= sequence)
            {
                return;
            }

            if (!warned && clock.Elapsed > TimeSpan.FromSeconds(30))
            {
                LogWaiting(logger, sequence);
                warned = true;
            }

            await Task.Delay(pause, cancellation);
            pause = TimeSpan.FromMilliseconds(Math.Min(pause.TotalMilliseconds * 2, 250));
        }
    }

    /// <summary>The entity each node is in the graph now: a person's key through the person it resolves to; absent when the graph has no such node.</summary>
    public static async Task<Dictionary<CarriedNode, Guid>> EntitiesAsync(NpgsqlDataSource db, IReadOnlyCollection<CarriedNode> nodes, CancellationToken cancellation)
    {
        var found = new Dictionary<CarriedNode, Guid>();
        if (nodes.Count == 0)
        {
            return found;
        }

        var list = nodes.ToList();
        await using var command = db.CreateCommand(
            """
            select n.ord, coalesce(k.entity_id, e.id)
              from unnest(@kinds::text[], @keys::text[], @persons::bool[]) with ordinality n(kind, key, person, ord)
              left join ersou.li_entity_keys k on n.person and k.kind = n.kind and k.key = n.key
              left join ersou.li_entities e on not n.person and e.id = ersou.li_node_id(n.kind, n.key)
             where k.entity_id is not null or e.id is not null
            """);
        command.Parameters.AddWithValue("kinds", list.Select(n => n.Kind).ToArray());
        command.Parameters.AddWithValue("keys", list.Select(n => n.Key).ToArray());
        command.Parameters.AddWithValue("persons", list.Select(n => n.Person).ToArray());
        await using var reader = await command.ExecuteReaderAsync(cancellation);
        while (await reader.ReadAsync(cancellation))
        {
            found[list[(int)reader.GetInt64(0) - 1]] = reader.GetGuid(1);
        }

        return found;
    }

    /// <summary>
    /// The watched key nodes each person node shares a sighting with, and where: a sighting reaches a watched person
    /// only through those (and through the node itself, which <see cref="People.Joined"/> always counts).
    /// </summary>
    public static async Task<People> PeopleAsync(NpgsqlDataSource db, IReadOnlyCollection<(Guid Entity, Guid Incident)> nodes, IReadOnlyCollection<Guid> watched, CancellationToken cancellation)
    {
        var rows = new List<(Guid, Guid, Guid)>();
        if (nodes.Count > 0 && watched.Count > 0)
        {
            await using var command = db.CreateCommand(
                """
                select distinct l1.entity_id, l2.entity_id, l2.incident_id
                  from ersou.li_links l1
                  join ersou.li_links l2 on l2.incident_id = l1.incident_id and l2.kind = l1.kind and l2.ordinal = l1.ordinal and l2.entity_id <> l1.entity_id
                 where l1.entity_id = any(@nodes) and l2.entity_id = any(@watched)
                """);
            command.Parameters.AddWithValue("nodes", nodes.Select(n => n.Entity).Distinct().ToArray());
            command.Parameters.AddWithValue("watched", watched.ToArray());
            await using var reader = await command.ExecuteReaderAsync(cancellation);
            while (await reader.ReadAsync(cancellation))
            {
                rows.Add((reader.GetGuid(0), reader.GetGuid(1), reader.GetGuid(2)));
            }
        }

        return new People(rows.ToLookup(r => r.Item1, r => (r.Item2, r.Item3)));
    }

    /// <summary>The matches the incidents are part of now, with when each force's first record in them was stored and what earlier pushes found.</summary>
    public static async Task<IReadOnlyList<MatchTouched>> MatchesOfAsync(NpgsqlDataSource db, IReadOnlyCollection<Guid> incidents, CancellationToken cancellation)
    {
        var touched = new List<(Guid Id, Guid IncidentId, bool OnCase)>();
        await using (var command = db.CreateCommand(
            "select m.id, mi.incident_id, m.case_id is not null from ersou.li_match_incidents mi join ersou.li_matches m on m.id = mi.match_id where mi.incident_id = any(@ids)"))
        {
            command.Parameters.AddWithValue("ids", incidents.ToArray());
            await using var reader = await command.ExecuteReaderAsync(cancellation);
            while (await reader.ReadAsync(cancellation))
            {
                touched.Add((reader.GetGuid(0), reader.GetGuid(1), reader.GetBoolean(2)));
            }
        }

        if (touched.Count == 0)
        {
            return [];
        }

        var ids = touched.Select(t => t.Id).Distinct().ToArray();
        var recorded = new Dictionary<Guid, HashSet<Force>>();
        var holds = new Dictionary<Guid, string[]>();
        await using (var command = db.CreateCommand("select match_id, array_agg(force) from ersou.alert_match_forces where match_id = any(@ids) group by match_id"))
        {
            command.Parameters.AddWithValue("ids", ids);
            await using var reader = await command.ExecuteReaderAsync(cancellation);
            while (await reader.ReadAsync(cancellation))
            {
                recorded[reader.GetGuid(0)] = reader.GetFieldValue<string[]>(1).Select(Forces.FromTenantId).ToHashSet();
            }
        }

        await using (var command = db.CreateCommand("select id, forces from ersou.li_matches where id = any(@ids)"))
        {
            command.Parameters.AddWithValue("ids", ids);
            await using var reader = await command.ExecuteReaderAsync(cancellation);
            while (await reader.ReadAsync(cancellation))
            {
                holds[reader.GetGuid(0)] = reader.GetFieldValue<string[]>(1);
            }
        }

        // When each force's first record in a match was stored says which forces a push brought in. A match every one
        // of whose forces an earlier page recorded can bring in none, so its times are not read: for a hub's match
        // they are every incident of it (2 s a page at 1M incidents, docs/performance.md, issue 20).
        var first = new Dictionary<Guid, Dictionary<Force, DateTimeOffset>>();
        foreach (var (id, forces) in holds.Where(h => recorded.TryGetValue(h.Key, out var known) && h.Value.All(f => known.Contains(Forces.FromTenantId(f)))))
        {
            first[id] = forces.ToDictionary(Forces.FromTenantId, _ => DateTimeOffset.MinValue);
        }

        var open = ids.Where(id => !first.ContainsKey(id)).ToArray();
        if (open.Length > 0)
        {
            await using var command = db.CreateCommand(
                """
                select mi.match_id, i.force, min(i.updated_at) from ersou.li_match_incidents mi join ersou.li_incidents i on i.id = mi.incident_id
                 where mi.match_id = any(@ids) group by mi.match_id, i.force
                """);
            command.Parameters.AddWithValue("ids", open);
            await using var reader = await command.ExecuteReaderAsync(cancellation);
            while (await reader.ReadAsync(cancellation))
            {
                var (match, force) = (reader.GetGuid(0), Forces.FromTenantId(reader.GetString(1)));
                (first.TryGetValue(match, out var times) ? times : first[match] = [])[force] = reader.GetFieldValue<DateTimeOffset>(2);
            }
        }

        return touched.Select(t => new MatchTouched(t.Id, t.IncidentId, first.GetValueOrDefault(t.Id) ?? [], recorded.GetValueOrDefault(t.Id), t.OnCase)).ToList();
    }

    /// <summary>For each entity, the members of the open cases one of whose incidents carries it.</summary>
    public static async Task<ILookup<Guid, CaseMember>> CaseMembersAsync(NpgsqlDataSource db, IReadOnlyCollection<Guid> entities, CancellationToken cancellation)
    {
        var rows = new List<(Guid Entity, CaseMember Member)>();
        if (entities.Count > 0)
        {
            // From the open cases' incidents, few, to the entities they carry; never from a hub entity to all its incidents.
            await using var command = db.CreateCommand(
                """
                select distinct l.entity_id, m.subject, ci.incident_id
                  from ersou.li_cases c
                  join ersou.li_case_incidents ci on ci.case_id = c.id
                  join ersou.li_links l on l.incident_id = ci.incident_id
                  join ersou.li_case_members m on m.case_id = c.id
                 where c.status = 'OPEN' and l.entity_id = any(@entities)
                """);
            command.Parameters.AddWithValue("entities", entities.ToArray());
            await using var reader = await command.ExecuteReaderAsync(cancellation);
            while (await reader.ReadAsync(cancellation))
            {
                rows.Add((reader.GetGuid(0), new CaseMember(reader.GetString(1), reader.GetGuid(2))));
            }
        }

        return rows.ToLookup(r => r.Entity, r => r.Member);
    }

    /// <summary>The active investigators of each force: whom a match involving it alerts.</summary>
    public static async Task<ILookup<Force, string>> InvestigatorsAsync(NpgsqlDataSource db, IReadOnlyCollection<Force> forces, CancellationToken cancellation)
    {
        var rows = new List<(Force, string)>();
        if (forces.Count > 0)
        {
            await using var command = db.CreateCommand(
                "select \"Force\", \"Username\" from identity.users where \"Role\" = @role and not \"Disabled\" and \"Force\" = any(@forces)");
            command.Parameters.AddWithValue("role", Access.Roles.Investigator);
            command.Parameters.AddWithValue("forces", forces.Select(f => f.TenantId()).ToArray());
            await using var reader = await command.ExecuteReaderAsync(cancellation);
            while (await reader.ReadAsync(cancellation))
            {
                rows.Add((Forces.FromTenantId(reader.GetString(0)), reader.GetString(1)));
            }
        }

        return rows.ToLookup(r => r.Item1, r => r.Item2);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Alerts wait for the link graph to reach event {Sequence}: the daemon applying it is behind.")]
    private static partial void LogWaiting(ILogger logger, long sequence);
}
