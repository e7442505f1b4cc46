using ErsouIntel.Api.Access;
using ErsouIntel.Api.GraphQL;
using ErsouIntel.Api.Storage.Replicas;
using ErsouIntel.Domain;
using Npgsql;

namespace ErsouIntel.Api.Links;

/// <summary>
/// A courier or suspect as one viewer may know them. Sightings on different incidents are the
/// same person when they share an identity key (PNC ID, or name with date of birth), directly or
/// through further sightings, but only through sightings the viewer sees in full: a withheld
/// record adds nothing, not a registration and not the knowledge that two people are one.
/// </summary>
public sealed record EntityView(Guid Id, string Kind, IReadOnlyList<Sighting> Sightings, IReadOnlySet<Guid> Nodes, Viewer ShownTo) : IShownTo
{
    public const string Courier = "COURIER";
    public const string Suspect = "SUSPECT";

    Viewer? IShownTo.ShownTo => ShownTo;

    /// <summary>The spelling on the most recent sighting that gives a name, white space collapsed as in <see cref="Aliases"/>.</summary>
    public string? Name => Sightings.Select(s => Spelling(s.Name)).FirstOrDefault(n => n is not null);

    /// <summary>
    /// Every distinct spelling of the name on the sightings, oldest sighting first. Forces write one
    /// name differently (<c>Daniel Marsh</c>, <c>DANIEL  MARSH</c>): each spelling is a lead, so none
    /// is dropped, but a run of spaces is a typing slip, not a spelling.
    /// </summary>
    public IReadOnlyList<string> Aliases =>
        Sightings.OrderBy(s => s.OccurredAt).ThenBy(s => s.IncidentId).ThenBy(s => s.Ordinal)
            .Select(s => Spelling(s.Name)).OfType<string>().Distinct(StringComparer.Ordinal).ToList();

    public string? Description => Sightings.Select(s => s.Description).FirstOrDefault(n => n is not null);

    public IReadOnlyList<string> VehicleRegistrations =>
        Sightings.Select(s => s.Registration).OfType<string>().Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();

    public IReadOnlyList<Force> Forces => Sightings.Select(s => s.Force).Distinct().Order().ToList();

    public IReadOnlyList<Guid> IncidentIds => Sightings.Select(s => s.IncidentId).Distinct().ToList();

    private static string? Spelling(string? name) =>
        name is null ? null : string.Join(' ', name.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)) is { Length: > 0 } spelt ? spelt : null;
}

/// <summary>One incident's account of a courier or suspect.</summary>
public sealed record Sighting(Guid IncidentId, int Ordinal, Force Force, DateTimeOffset OccurredAt, string? Name, string? Description, string? Registration);

public sealed class EntityQueries(ReadSource db)
{
    /// <summary>Most sightings one person is assembled from; a person is seen on tens of incidents, not thousands.</summary>
    public const int MaxSightings = 1000;

    /// <summary>The couriers on each incident asked for, each as the viewer may know them.</summary>
    public static BatchLoader<Guid, EntityView> CouriersOnIncident { get; } = new((services, viewer, incidents, cancellation) =>
        services.GetRequiredService<EntityQueries>().OnIncidentsAsync(viewer, incidents, EntityView.Courier, cancellation));

    /// <summary>The suspects on each incident asked for, each as the viewer may know them.</summary>
    public static BatchLoader<Guid, EntityView> SuspectsOnIncident { get; } = new((services, viewer, incidents, cancellation) =>
        services.GetRequiredService<EntityQueries>().OnIncidentsAsync(viewer, incidents, EntityView.Suspect, cancellation));

    /// <summary>
    /// The couriers (or suspects) on each of the incidents, each as the viewer may know them, in
    /// the order the incident lists them; two sightings of one person on an incident are one entry.
    /// </summary>
    public async Task<ILookup<Guid, EntityView>> OnIncidentsAsync(Viewer viewer, IReadOnlyList<Guid> incidentIds, string kind, CancellationToken cancellation)
    {
        await using var command = db.CreateCommand("select incident_id, ordinal, entity_id from ersou.li_links where incident_id = any(@incidents) and kind = @kind");
        command.Parameters.AddWithValue("incidents", incidentIds.ToArray());
        command.Parameters.AddWithValue("kind", kind);
        var sightings = new Dictionary<Guid, SortedDictionary<int, List<Guid>>>();
        await using (var reader = await command.ExecuteReaderAsync(cancellation))
        {
            while (await reader.ReadAsync(cancellation))
            {
                var (incident, ordinal) = (reader.GetGuid(0), reader.GetInt32(1));
                if (!sightings.TryGetValue(incident, out var byOrdinal))
                {
                    sightings[incident] = byOrdinal = [];
                }

                if (!byOrdinal.TryGetValue(ordinal, out var nodes))
                {
                    byOrdinal[ordinal] = nodes = [];
                }

                nodes.Add(reader.GetGuid(2));
            }
        }

        // Every sighting's person in one query; people are joined only through sightings the viewer
        // sees in full, so reading them together gives each the same person as reading it alone.
        var seeds = sightings.Values.SelectMany(s => s.Values).ToList();
        if (seeds.Count == 0)
        {
            return Array.Empty<Guid>().ToLookup(id => id, _ => default(EntityView)!);
        }

        var people = await PersonsAsync(viewer, kind, seeds, cancellation);
        var personOf = seeds.Select((nodes, i) => (nodes, people[i])).ToDictionary(p => p.nodes, p => p.Item2);

        var onIncident = new List<(Guid Incident, EntityView View)>();
        foreach (var (incident, byOrdinal) in sightings)
        {
            var views = new List<EntityView>();
            foreach (var nodes in byOrdinal.Values)
            {
                if (!views.Any(v => nodes.Any(v.Nodes.Contains)) && personOf[nodes] is { } view)
                {
                    views.Add(view);
                }
            }

            onIncident.AddRange(views.Select(v => (incident, v)));
        }

        return onIncident.ToLookup(v => v.Incident, v => v.View);
    }

    /// <summary>A courier or suspect by id, or null when the viewer sees no sighting carrying it (or it does not exist).</summary>
    public Task<EntityView?> ByIdAsync(Viewer viewer, Guid id, string kind, CancellationToken cancellation) =>
        PersonAsync(viewer, kind, [id], cancellation);

    /// <summary>
    /// The person the seed nodes belong to, as the viewer may know them: every sighting the viewer
    /// sees in full that is joined to the seeds by shared identity keys through visible sightings.
    /// The id is the lowest of the person's key nodes, so it does not depend on where one starts.
    /// </summary>
    public async Task<EntityView?> PersonAsync(Viewer viewer, string kind, IReadOnlyCollection<Guid> seeds, CancellationToken cancellation) =>
        (await PersonsAsync(viewer, kind, [seeds], cancellation))[0];

    /// <summary>
    /// Who is one person, for the viewer, among many key nodes, without reading anyone's sightings:
    /// the closure of each of <paramref name="seeds"/>, in one statement, over the pairs of nodes
    /// that some sighting the viewer sees in full carries together (a join made only by a withheld
    /// record is not one). A pair is read once and its visibility proved by the first sighting that
    /// shows it, so a courier on fifty incidents costs an index range, not fifty incident reads.
    /// Returns each node reached with its person's nodes; a person's id is the lowest of them, as in
    /// <see cref="PersonsAsync"/>. Seeds must be nodes of sightings the viewer sees in full.
    /// </summary>
    public async Task<IReadOnlyDictionary<Guid, IReadOnlySet<Guid>>> PeopleOfAsync(Viewer viewer, string kind, IReadOnlyCollection<Guid> seeds, CancellationToken cancellation)
    {
        // One statement whatever the people: each seed's closure over pairs of nodes. The pairs are
        // read from the node's own sightings (an index range), each pair once (distinct), and kept
        // only when a sighting the viewer sees in full carries both, which the first such sighting proves.
        await using var command = db.CreateCommand(
            $"""
            with recursive closure(seed, node) as (
                select s, s from unnest(@seeds::uuid[]) s
                union
                select c.seed, x.b
                  from closure c
                  cross join lateral (
                      select distinct l2.entity_id as b
                        from ersou.li_links l1
                        join ersou.li_links l2 on l2.incident_id = l1.incident_id and l2.kind = l1.kind and l2.ordinal = l1.ordinal and l2.entity_id <> l1.entity_id
                       where l1.entity_id = c.node and l1.kind = @kind
                      offset 0) x
                 where exists (
                    select 1
                      from ersou.li_links s1
                      join ersou.li_links s2 on s2.incident_id = s1.incident_id and s2.kind = s1.kind and s2.ordinal = s1.ordinal and s2.entity_id = x.b
                      join ersou.li_incidents i on i.id = s1.incident_id and {Visibility.SeesInFull("i")}
                     where s1.entity_id = c.node and s1.kind = @kind)
            )
            select seed, node from closure
            """);
        command.Parameters.AddWithValue("seeds", seeds.Distinct().ToArray());
        command.Parameters.AddWithValue("kind", kind);
        viewer.Bind(command);
        var reached = new Dictionary<Guid, HashSet<Guid>>();
        await using (var reader = await command.ExecuteReaderAsync(cancellation))
        {
            while (await reader.ReadAsync(cancellation))
            {
                var seed = reader.GetGuid(0);
                if (!reached.TryGetValue(seed, out var nodes))
                {
                    reached[seed] = nodes = [];
                }

                nodes.Add(reader.GetGuid(1));
            }
        }

        // A seed's closure is its whole person (the pairs join both ways), so seeds of one person share one set.
        var people = new Dictionary<Guid, IReadOnlySet<Guid>>();
        foreach (var person in reached.Values)
        {
            if (person.Any(people.ContainsKey))
            {
                continue;
            }

            foreach (var node in person)
            {
                people[node] = person;
            }
        }

        return people;
    }

    /// <summary>
    /// The people <see cref="PeopleOfAsync"/> found, as views: each one's sightings the viewer sees in
    /// full, newest first, at most <see cref="MaxSightings"/>; one statement for all. Each is noted on the scope.
    /// </summary>
    public async Task<IReadOnlyList<EntityView>> ViewsAsync(Viewer viewer, string kind, IReadOnlyList<IReadOnlySet<Guid>> people, CancellationToken cancellation)
    {
        if (people.Count == 0)
        {
            return [];
        }

        await using var command = db.CreateCommand(
            $"""
            select l.incident_id, l.ordinal, l.entity_id, i.force, i.occurred_at, l.name, l.description, l.registration
              from ersou.li_links l
              join ersou.li_incidents i on i.id = l.incident_id
             where l.entity_id = any(@nodes) and l.kind = @kind and {Visibility.SeesInFull("i")}
             order by i.occurred_at desc, l.incident_id, l.ordinal
             limit @max
            """);
        command.Parameters.AddWithValue("nodes", people.SelectMany(p => p).Distinct().ToArray());
        command.Parameters.AddWithValue("kind", kind);
        command.Parameters.AddWithValue("max", MaxSightings * people.Count);
        viewer.Bind(command);
        var personOf = people.SelectMany((p, i) => p.Select(n => (n, i))).ToDictionary(x => x.n, x => x.i);
        var rows = people.Select(_ => new List<Sighting>()).ToList();
        await using (var reader = await command.ExecuteReaderAsync(cancellation))
        {
            while (await reader.ReadAsync(cancellation))
            {
                var mine = rows[personOf[reader.GetGuid(2)]];
                if (mine.Count < MaxSightings)
                {
                    mine.Add(new Sighting(
                        reader.GetGuid(0),
                        reader.GetInt32(1),
                        Domain.Forces.FromTenantId(reader.GetString(3)),
                        reader.GetFieldValue<DateTimeOffset>(4),
                        reader.IsDBNull(5) ? null : reader.GetString(5),
                        reader.IsDBNull(6) ? null : reader.GetString(6),
                        reader.IsDBNull(7) ? null : reader.GetString(7)));
                }
            }
        }

        return people.Select((person, i) =>
        {
            var view = new EntityView(person.Min(), kind, rows[i].DistinctBy(s => (s.IncidentId, s.Ordinal)).ToList(), person, viewer);
            if (view.Sightings.Count > 0)
            {
                viewer.Returned(kind == EntityView.Courier ? "Courier" : "Suspect", view.Id, null);
            }

            return view;
        }).ToList();
    }

    /// <summary>
    /// The person each node is to the viewer, for many nodes at once (<see cref="PeopleOfAsync"/>, then
    /// <see cref="ViewsAsync"/>); a node with no sighting the viewer sees in full has none.
    /// </summary>
    public async Task<Dictionary<Guid, EntityView>> PeopleOfNodesAsync(Viewer viewer, string kind, IReadOnlyCollection<Guid> nodes, CancellationToken cancellation)
    {
        if (nodes.Count == 0)
        {
            return [];
        }

        var people = await PeopleOfAsync(viewer, kind, nodes, cancellation);
        var distinct = people.Values.Distinct().ToList();
        var views = await ViewsAsync(viewer, kind, distinct, cancellation);
        var viewOf = distinct.Zip(views).ToDictionary(p => p.First, p => p.Second);
        return nodes.Distinct().Select(n => (Node: n, View: viewOf[people[n]])).Where(p => p.View.Sightings.Count > 0).ToDictionary(p => p.Node, p => p.View);
    }

    /// <summary>
    /// <see cref="PersonAsync"/> for many seed sets at once, in one query: the visible sightings
    /// joined to any seed, split into people (connected by shared key nodes) in memory. One entry
    /// per seed set, in order; seed sets of one person share one view.
    /// </summary>
    public async Task<IReadOnlyList<EntityView?>> PersonsAsync(Viewer viewer, string kind, IReadOnlyList<IReadOnlyCollection<Guid>> seeds, CancellationToken cancellation)
    {
        await using var command = db.CreateCommand(
            $"""
            with recursive nodes(id) as (
                select unnest(@seeds::uuid[])
                union
                select l2.entity_id
                  from nodes n
                  join ersou.li_links l1 on l1.entity_id = n.id and l1.kind = @kind
                  join ersou.li_incidents i on i.id = l1.incident_id and {Visibility.SeesInFull("i")}
                  join ersou.li_links l2 on l2.incident_id = l1.incident_id and l2.kind = l1.kind and l2.ordinal = l1.ordinal
            )
            select l.incident_id, l.ordinal, l.entity_id, i.force, i.occurred_at, l.name, l.description, l.registration
              from ersou.li_links l
              join ersou.li_incidents i on i.id = l.incident_id
             where l.entity_id in (select id from nodes) and l.kind = @kind and {Visibility.SeesInFull("i")}
             order by i.occurred_at desc, l.incident_id, l.ordinal
             limit @max
            """);
        command.Parameters.AddWithValue("seeds", seeds.SelectMany(s => s).Distinct().ToArray());
        command.Parameters.AddWithValue("kind", kind);
        // Each person is cut at MaxSightings rows below; this only bounds one answer's memory.
        command.Parameters.AddWithValue("max", MaxSightings * Math.Max(seeds.Count, 1));
        viewer.Bind(command);

        var rows = new List<(Guid Node, Sighting Sighting)>();
        await using (var reader = await command.ExecuteReaderAsync(cancellation))
        {
            while (await reader.ReadAsync(cancellation))
            {
                rows.Add((reader.GetGuid(2), new Sighting(
                    reader.GetGuid(0),
                    reader.GetInt32(1),
                    Domain.Forces.FromTenantId(reader.GetString(3)),
                    reader.GetFieldValue<DateTimeOffset>(4),
                    reader.IsDBNull(5) ? null : reader.GetString(5),
                    reader.IsDBNull(6) ? null : reader.GetString(6),
                    reader.IsDBNull(7) ? null : reader.GetString(7))));
            }
        }

        // People: sightings joined by the key nodes they share.
        var person = new Dictionary<Guid, int>();
        var sightingsOf = rows.GroupBy(r => (r.Sighting.IncidentId, r.Sighting.Ordinal)).ToDictionary(g => g.Key, g => g.Select(r => r.Node).ToList());
        var sightingsAt = rows.GroupBy(r => r.Node).ToDictionary(g => g.Key, g => g.Select(r => (r.Sighting.IncidentId, r.Sighting.Ordinal)).Distinct().ToList());
        var next = 0;
        foreach (var start in sightingsAt.Keys)
        {
            if (person.ContainsKey(start))
            {
                continue;
            }

            var walk = new Stack<Guid>([start]);
            person[start] = next;
            while (walk.TryPop(out var node))
            {
                foreach (var other in sightingsAt[node].SelectMany(s => sightingsOf[s]).Where(n => person.TryAdd(n, next)))
                {
                    walk.Push(other);
                }
            }

            next++;
        }

        // Each person's rows, newest first as read.
        var rowsOf = rows.GroupBy(r => person[r.Node]).ToDictionary(g => g.Key, g => g.ToList());
        var views = new Dictionary<int, EntityView>();
        return seeds.Select(seed =>
        {
            var at = seed.Where(person.ContainsKey).Select(n => person[n]).FirstOrDefault(-1);
            if (at < 0)
            {
                return null;
            }

            if (!views.TryGetValue(at, out var view))
            {
                // The person's newest rows, as many as one person may be assembled from.
                var mine = rowsOf[at].Take(MaxSightings).ToList();
                var sightings = mine.Select(r => r.Sighting).DistinctBy(s => (s.IncidentId, s.Ordinal)).ToList();
                var nodes = mine.Select(r => r.Node).ToHashSet();
                views[at] = view = new EntityView(nodes.Min(), kind, sightings, nodes, viewer);
                viewer.Returned(kind == EntityView.Courier ? "Courier" : "Suspect", view.Id, null);
            }

            return (EntityView?)view;
        }).ToList();
    }
}
