using ErsouIntel.Api.Access;
using ErsouIntel.Api.Storage.Replicas;
using ErsouIntel.Domain;
using ErsouIntel.Domain.Incidents;
using GraphQL;
using Npgsql;

namespace ErsouIntel.Api.Links.Questions;

/// <summary>
/// The walk behind <c>network</c>: breadth first over the bipartite graph, one distance at a time,
/// reading at each distance only as many incidents as could still enter the answer. A hub's
/// incidents are read newest first from <c>li_links_entity_occurred</c> with a limit of the nodes
/// still wanted plus one, so its work follows <c>maxNodes</c>, not the hub's size. The walk reads
/// for a viewer without a scope (nothing it passes is logged); the answer's nodes alone are read
/// again for the caller through <see cref="LinkNodes"/>, which logs them.
/// </summary>
public sealed class NetworkWalk(ReadSource db, LinkStarts starts, LinkNodes nodes, EntityQueries people)
{
    public async Task<LinkNetworkView> WalkAsync(AccessScope scope, LinkBudget budget, IReadOnlyList<EntityRef> around, int maxHops, int maxNodes, CancellationToken cancellation)
    {
        var allowance = budget.Allowance();
        var viewer = Viewer.For(scope);
        var walker = viewer with { Scope = null };

        var resolved = new List<LinkStart>();
        foreach (var asked in around)
        {
            resolved.Add(await starts.ResolveAsync(scope, asked, cancellation));
        }

        var walk = new Walk(maxNodes);
        var startIncidents = new List<Guid>();
        // Every start's entities read at once; then the starts in the order asked, each start's nodes
        // one entity (a person's every node).
        var startNodes = await EntityNodesAsync([.. resolved.SelectMany(s => s.Nodes).Distinct()], cancellation);
        var startEntities = await EntitiesAsync(walker, [.. startNodes.Values], cancellation);
        var frontier = new List<Guid>();
        var frontierDegree = 0;
        foreach (var start in resolved)
        {
            if (start.Incident is { } incident)
            {
                startIncidents.AddRange(walk.AddIncidents([incident], withheld: false));
            }
            else if (start.Nodes.Count > 0)
            {
                foreach (var entity in startEntities.Where(e => e.Nodes.Append(e.Node.Id).Any(start.Nodes.Contains)).Where(walk.TryAddEntity))
                {
                    frontier.AddRange(entity.Nodes);
                    frontierDegree = Math.Max(frontierDegree, entity.Degree);
                }
            }
        }

        var walked = 0;
        for (var hop = 1; hop <= maxHops && !walk.Truncated; hop++)
        {
            var hopIncidents = hop == 1 ? startIncidents : [];
            var reachedFrom = frontier.ToHashSet();
            if (frontier.Count > 0)
            {
                var cap = allowance - walked;
                var (full, read) = await FullIncidentsAsync(walker, frontier, walk.VisitedIncidents, walk.Room + 1, cap + 1, cancellation);
                walked += read;
                if (walked > allowance)
                {
                    walk.Truncated = true;
                    break;
                }

                hopIncidents = [.. hopIncidents, .. walk.AddIncidents(full, withheld: false)];
                if (!walk.Truncated)
                {
                    // Pointers are ordered by pointer, which no index by entity serves: each node's
                    // incidents are read up to what is left of the allowance, and a node carried by
                    // more than that leaves the answer truncated by the walk bound.
                    var withheld = await WithheldIncidentsAsync(walker, frontier, walk.VisitedIncidents, walk.Room + 1, allowance - walked, cancellation);
                    walk.Truncated |= frontierDegree > allowance - walked;
                    walked += withheld.Count;
                    hopIncidents = [.. hopIncidents, .. walk.AddIncidents(withheld, withheld: true)];
                }
            }

            var links = await LinksAsync(hopIncidents, cancellation);
            walk.Links.AddRange(links.Where(l => !walk.IsWithheld(l.Incident) || reachedFrom.Contains(l.Node)));
            if (walk.Truncated)
            {
                break;
            }

            // The entities of this distance: only those carried by incidents seen in full.
            var met = links.Where(l => !walk.IsWithheld(l.Incident) && !walk.Knows(l.Node)).Select(l => new EntityNode(l.Node, l.Kind, l.Key)).DistinctBy(n => n.Id).ToList();
            var found = await EntitiesAsync(walker, met, cancellation);
            frontier = [];
            frontierDegree = 0;
            foreach (var entity in found.OrderByDescending(e => e.Degree).ThenBy(e => e.Served, StringComparer.Ordinal))
            {
                if (walk.TryAddEntity(entity))
                {
                    frontier.AddRange(entity.Nodes);
                    frontierDegree = Math.Max(frontierDegree, entity.Degree);
                }
            }
        }

        budget.Spend(walked);
        return await AnswerAsync(viewer, walk, cancellation);
    }

    /// <summary>Reads the answer's nodes for the caller (logged there), in the walk's order, and joins them with edges by the ids served.</summary>
    private async Task<LinkNetworkView> AnswerAsync(Viewer viewer, Walk walk, CancellationToken cancellation)
    {
        var incidentViews = (await nodes.IncidentsAsync(viewer, [.. walk.Order.Where(o => o.Entity is null).Select(o => o.Incident)], cancellation)).ToDictionary(v => v.Id);
        var entityList = walk.Order.Where(o => o.Entity is not null).Select(o => o.Entity!).ToList();
        var entityViews = await nodes.EntitiesAsync(viewer, [.. entityList.Select(e => e.Node)], cancellation);
        var servedAs = entityList.Select((e, i) => (e.Served, View: entityViews[i].View)).ToDictionary(p => p.Served, p => p.View);

        var answer = new List<LinkNodeView>();
        var position = new Dictionary<string, int>();
        foreach (var (incident, entity) in walk.Order)
        {
            var view = entity is null ? incidentViews.GetValueOrDefault(incident.ToString()) : servedAs[entity.Served];
            if (view is not null && position.TryAdd(view.Id, answer.Count))
            {
                answer.Add(view);
            }
        }

        var edges = new List<(int Incident, int Entity, LinkEdgeView Edge)>();
        foreach (var link in walk.Links)
        {
            if (walk.ServedOf(link.Node) is not { } served || !servedAs.TryGetValue(served, out var entityView)
                || !position.TryGetValue(link.Incident.ToString(), out var at) || !position.TryGetValue(entityView.Id, out var entityAt))
            {
                continue;
            }

            var role = walk.IsWithheld(link.Incident) ? "WITHHELD" : link.Kind == "PHONE" && link.Role is { } phoneRole ? RoleName(phoneRole) : link.Kind;
            edges.Add((at, entityAt, new LinkEdgeView(link.Incident, entityView.Id, role)));
        }

        return new LinkNetworkView(
            answer,
            edges.DistinctBy(e => e.Edge).OrderBy(e => e.Incident).ThenBy(e => e.Entity).ThenBy(e => e.Edge.Role, StringComparer.Ordinal).Select(e => e.Edge).ToList(),
            walk.Truncated);
    }

    /// <summary>A phone's role as stored (the domain's name, <c>TextSender</c>) as the schema spells it (<c>TEXT_SENDER</c>).</summary>
    private static string RoleName(string stored) =>
        Enum.TryParse<PhoneRole>(stored, out var role) ? role.ToString().ToConstantCase() : stored.ToUpperInvariant();

    /// <summary>
    /// The incidents the viewer sees in full that carry any of the nodes and are not yet met, newest
    /// first, at most <paramref name="each"/> a node: one index range scan each, stopped by the limit.
    /// </summary>
    private async Task<(List<Guid> Ids, int Read)> FullIncidentsAsync(Viewer walker, List<Guid> frontier, IReadOnlyCollection<Guid> visited, int each, int cap, CancellationToken cancellation)
    {
        await using var command = db.CreateCommand(
            $"""
            select x.incident_id, x.occurred_at
              from unnest(@nodes::uuid[]) f(node)
             cross join lateral (
                   select distinct on (l.occurred_at, l.incident_id) l.incident_id, l.occurred_at
                     from ersou.li_links l
                     join ersou.li_incidents i on i.id = l.incident_id
                    where l.entity_id = f.node and not (l.incident_id = any(@visited)) and {Visibility.SeesInFull("i")}
                    order by l.occurred_at desc, l.incident_id desc
                    limit @each) x
             limit @cap
            """);
        command.Parameters.AddWithValue("nodes", frontier.Distinct().ToArray());
        command.Parameters.AddWithValue("visited", visited.ToArray());
        command.Parameters.AddWithValue("each", each);
        command.Parameters.AddWithValue("cap", cap);
        walker.Bind(command);
        var rows = new List<(Guid Id, DateTimeOffset? At)>();
        await using var reader = await command.ExecuteReaderAsync(cancellation);
        while (await reader.ReadAsync(cancellation))
        {
            rows.Add((reader.GetGuid(0), reader.IsDBNull(1) ? null : reader.GetFieldValue<DateTimeOffset>(1)));
        }

        // The nodes' newest, merged: ties by id descending, the index's own order (uuid order is the text's).
        return ([.. rows.DistinctBy(r => r.Id).OrderByDescending(r => r.At).ThenByDescending(r => r.Id.ToString(), StringComparer.Ordinal).Select(r => r.Id)], rows.Count);
    }

    /// <summary>
    /// The withheld incidents carrying any of the nodes, not yet met, in pointer order (force, then
    /// reference as bytes), at most <paramref name="each"/> a node. A pointer order has no index by
    /// entity, so each node's incidents are read up to <paramref name="cap"/>, what is left of the allowance.
    /// </summary>
    private async Task<List<Guid>> WithheldIncidentsAsync(Viewer walker, List<Guid> frontier, IReadOnlyCollection<Guid> visited, int each, int cap, CancellationToken cancellation)
    {
        if (cap <= 0)
        {
            return [];
        }

        await using var command = db.CreateCommand(
            $"""
            select x.incident_id, x.force, x.force_reference
              from unnest(@nodes::uuid[]) f(node)
             cross join lateral (
                   select i.id as incident_id, i.force, i.force_reference
                     from (select distinct l.incident_id from (select incident_id from ersou.li_links where entity_id = f.node limit @cap) l) l
                     join ersou.li_incidents i on i.id = l.incident_id
                    where not (i.id = any(@visited)) and not {Visibility.SeesInFull("i")}
                    order by i.force, i.force_reference collate "C"
                    limit @each) x
            """);
        command.Parameters.AddWithValue("nodes", frontier.Distinct().ToArray());
        command.Parameters.AddWithValue("visited", visited.ToArray());
        command.Parameters.AddWithValue("each", each);
        command.Parameters.AddWithValue("cap", cap);
        walker.Bind(command);
        var rows = new List<(Guid Id, Force Force, string Reference)>();
        await using (var reader = await command.ExecuteReaderAsync(cancellation))
        {
            while (await reader.ReadAsync(cancellation))
            {
                rows.Add((reader.GetGuid(0), Forces.FromTenantId(reader.GetString(1)), reader.GetString(2)));
            }
        }

        return [.. rows.DistinctBy(r => r.Id).OrderBy(r => r.Force).ThenBy(r => r.Reference, StringComparer.Ordinal).Select(r => r.Id)];
    }

    private sealed record Link(Guid Incident, Guid Node, string Kind, string Key, string? Role);

    /// <summary>Every link of the incidents, with its node's kind and key: the entities of a distance and the edges.</summary>
    private async Task<List<Link>> LinksAsync(List<Guid> incidents, CancellationToken cancellation)
    {
        var links = new List<Link>();
        if (incidents.Count == 0)
        {
            return links;
        }

        await using var command = db.CreateCommand(
            "select l.incident_id, l.entity_id, e.kind, e.key, l.role from ersou.li_links l join ersou.li_entities e on e.id = l.entity_id where l.incident_id = any(@ids)");
        command.Parameters.AddWithValue("ids", incidents.ToArray());
        await using var reader = await command.ExecuteReaderAsync(cancellation);
        while (await reader.ReadAsync(cancellation))
        {
            links.Add(new Link(reader.GetGuid(0), reader.GetGuid(1), reader.GetString(2), reader.GetString(3), reader.IsDBNull(4) ? null : reader.GetString(4)));
        }

        return links;
    }

    private async Task<Dictionary<Guid, EntityNode>> EntityNodesAsync(IReadOnlyList<Guid> ids, CancellationToken cancellation)
    {
        var found = new Dictionary<Guid, EntityNode>();
        if (ids.Count == 0)
        {
            return found;
        }

        await using var command = db.CreateCommand("select id, kind, key from ersou.li_entities where id = any(@ids)");
        command.Parameters.AddWithValue("ids", ids.ToArray());
        await using var reader = await command.ExecuteReaderAsync(cancellation);
        while (await reader.ReadAsync(cancellation))
        {
            found[reader.GetGuid(0)] = new EntityNode(reader.GetGuid(0), reader.GetString(1), reader.GetString(2));
        }

        return found;
    }

    /// <summary>
    /// Entities as the walk needs them: the id served (a person as the viewer knows them), the nodes
    /// to walk on from, and the degree to order by, counted as <see cref="LinkNodes"/> counts it but
    /// from the index alone (a hub's degree is not worth reading 50,000 incidents for the order).
    /// Three statements whatever the count.
    /// </summary>
    private async Task<List<WalkEntity>> EntitiesAsync(Viewer walker, List<EntityNode> met, CancellationToken cancellation)
    {
        if (met.Count == 0)
        {
            return [];
        }

        var persons = new Dictionary<Guid, EntityView>();
        foreach (var kind in new[] { EntityView.Courier, EntityView.Suspect })
        {
            var ofKind = met.Where(n => n.NodeKind == kind).ToList();
            if (ofKind.Count > 0)
            {
                var found = await people.PersonsAsync(walker, kind, [.. ofKind.Select(n => (IReadOnlyCollection<Guid>)[n.Id])], cancellation);
                foreach (var (node, person) in ofKind.Zip(found))
                {
                    if (person is not null)
                    {
                        persons[node.Id] = person;
                    }
                }
            }
        }

        var entities = met
            .Select(n => persons.TryGetValue(n.Id, out var person)
                ? new WalkEntity(n, person.Id.ToString(), [.. person.Nodes.Order()], 0)
                : new WalkEntity(n, n.Id.ToString(), [n.Id], 0))
            .DistinctBy(e => e.Served)
            .ToList();

        await using var command = db.CreateCommand(
            """
            select p.grp, count(distinct l.incident_id)::int
              from unnest(@nodes::uuid[], @groups::int[]) p(node, grp)
              join ersou.li_links l on l.entity_id = p.node
             group by p.grp
            """);
        command.Parameters.AddWithValue("nodes", entities.SelectMany(e => e.Nodes).ToArray());
        command.Parameters.AddWithValue("groups", entities.SelectMany((e, i) => e.Nodes.Select(_ => i)).ToArray());
        var degrees = new Dictionary<int, int>();
        await using (var reader = await command.ExecuteReaderAsync(cancellation))
        {
            while (await reader.ReadAsync(cancellation))
            {
                degrees[reader.GetInt32(0)] = reader.GetInt32(1);
            }
        }

        return [.. entities.Select((e, i) => e with { Degree = degrees.GetValueOrDefault(i) })];
    }

    /// <summary>An entity met on the walk: a node of it to read it by, the id served, every node of it, its degree.</summary>
    private sealed record WalkEntity(EntityNode Node, string Served, IReadOnlyList<Guid> Nodes, int Degree);

    /// <summary>What the walk has put in the answer, in order, and what it has met.</summary>
    private sealed class Walk(int maxNodes)
    {
        private readonly HashSet<Guid> incidents = [];
        private readonly HashSet<Guid> withheld = [];
        private readonly Dictionary<Guid, string> servedOf = [];
        private readonly HashSet<string> served = [];

        public List<(Guid Incident, WalkEntity? Entity)> Order { get; } = [];

        public List<Link> Links { get; } = [];

        public bool Truncated { get; set; }

        public int Room => maxNodes - Order.Count;

        public IReadOnlyCollection<Guid> VisitedIncidents => incidents;

        public bool IsWithheld(Guid incident) => withheld.Contains(incident);

        public bool Knows(Guid node) => servedOf.ContainsKey(node);

        public string? ServedOf(Guid node) => servedOf.GetValueOrDefault(node);

        /// <summary>Adds the incidents in the order given while there is room; the rest make the answer truncated. Returns those added.</summary>
        public List<Guid> AddIncidents(IReadOnlyList<Guid> found, bool withheld)
        {
            var added = new List<Guid>();
            foreach (var incident in found.Where(i => !incidents.Contains(i)))
            {
                if (Room <= 0)
                {
                    Truncated = true;
                    break;
                }

                incidents.Add(incident);
                if (withheld)
                {
                    this.withheld.Add(incident);
                }

                Order.Add((incident, null));
                added.Add(incident);
            }

            return added;
        }

        /// <summary>Adds an entity not yet in the answer while there is room; one that finds none makes the answer truncated.</summary>
        public bool TryAddEntity(WalkEntity entity)
        {
            if (served.Contains(entity.Served))
            {
                foreach (var node in entity.Nodes.Append(entity.Node.Id))
                {
                    servedOf.TryAdd(node, entity.Served);
                }

                return false;
            }

            if (Room <= 0)
            {
                Truncated = true;
                return false;
            }

            served.Add(entity.Served);
            foreach (var node in entity.Nodes.Append(entity.Node.Id))
            {
                servedOf.TryAdd(node, entity.Served);
            }

            Order.Add((Guid.Empty, entity));
            return true;
        }
    }
}
