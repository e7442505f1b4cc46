using ErsouIntel.Api.Access;
using ErsouIntel.Api.GraphQL;
using ErsouIntel.Api.Storage.Replicas;
using GraphQL;
using Npgsql;

namespace ErsouIntel.Api.Links.Questions;

/// <summary>
/// <c>paths(from, to, maxHops, first)</c>: the shortest paths between two starts, as the caller may
/// be shown them (<see cref="PathRule"/>: every entity on a path is an end or next to an incident
/// the caller sees in full; withheld incidents show as pointers, their edges as <c>WITHHELD</c>).
/// <para>
/// The walk is a breadth-first search from both ends at once, one layer at a time (entities to
/// incidents, incidents to entities), always widening the smaller frontier, one SQL statement per
/// layer over <c>ersou.li_links</c>'s two indexes. A state is a node and, for an entity, whether it
/// was reached through a record seen in full; the incidents of an entity come with whether the
/// caller sees them in full (in the same statement), so the rule is kept as the walk goes and a
/// path it finds never has to be thrown away for it. A courier or suspect is the person as the
/// caller knows them (joined through sightings they see in full, as <see cref="EntityQueries"/>
/// does): leaving one node of a person leaves through the incidents of all its nodes.
/// </para>
/// <para>
/// When the two walks meet, every shortest path through the meeting layer is enumerated (at most
/// <see cref="MaxCandidates"/>), read as the caller sees it (ids served, two nodes of one person
/// one node), ordered as the contract says and cut at <c>first</c>. Only shortest paths are
/// returned: fewer than <c>first</c> exist when no more paths of that length do (longer ones would
/// need a k-shortest-paths search, not a cheap extra).
/// </para>
/// <para>
/// Bounded by the request's <see cref="LinkBudget"/>: the entity layers read at most the allowance
/// in links (each at least one incident visited). A walk that reaches the bound before the two
/// ends meet has proven no path, and an empty answer would read as "not connected", so it is the
/// clear error QUERY_TOO_COMPLEX; a path found is proven shortest and returned.
/// </para>
/// </summary>
public sealed class PathSearch(ReadSource db, LinkStarts starts, LinkNodes linkNodes)
{
    /// <summary>The most shortest paths read before ordering: past it the order holds among those read (the walk's own order, by graph ids).</summary>
    public const int MaxCandidates = 500;

    public async Task<IReadOnlyList<LinkPathView>> FindAsync(
        AccessScope scope, EntityRef from, EntityRef to, int maxHops, int first, LinkBudget budget, CancellationToken cancellation)
    {
        var allowance = budget.Allowance();
        var start = await starts.ResolveAsync(scope, from, cancellation);
        var end = await starts.ResolveAsync(scope, to, cancellation);
        // A thing is not connected to itself by a path: the answer is empty, as for nothing found.
        if (start.IsEmpty || end.IsEmpty || start.Incident is { } same && same == end.Incident || start.Nodes.Intersect(end.Nodes).Any())
        {
            return [];
        }

        var viewer = Viewer.For(scope);
        // The walk reads to decide; it returns nothing of what it reads, so it notes nothing.
        var walk = new Walk(db, viewer with { Scope = null }, allowance);
        try
        {
            var candidates = await walk.ShortestAsync(start, end, 2 * maxHops - (start.Incident is null ? 0 : 1) - (end.Incident is null ? 0 : 1), cancellation);
            return candidates.Count == 0 ? [] : await ViewsAsync(viewer, walk, candidates, first, cancellation);
        }
        finally
        {
            budget.Spend(walk.Visited);
        }
    }

    /// <summary>
    /// The candidates as the caller sees them, ordered and cut at <paramref name="first"/>; then the
    /// nodes of those returned, noted on the scope. Statements: the entities' keys, the entity nodes
    /// (<see cref="LinkNodes.EntitiesAsync"/>) and the incident nodes (<see cref="LinkNodes.IncidentsAsync"/>),
    /// whatever the number of paths.
    /// </summary>
    private async Task<IReadOnlyList<LinkPathView>> ViewsAsync(Viewer viewer, Walk walk, List<List<(Guid Node, bool IsIncident)>> candidates, int first, CancellationToken cancellation)
    {
        var entityIds = candidates.SelectMany(p => p).Where(s => !s.IsIncident).Select(s => s.Node).Distinct().ToArray();
        var entityNodes = await walk.EntityNodesAsync(entityIds, cancellation);
        // Served ids first, for the order, read for no scope: only the nodes returned are noted.
        var quiet = viewer with { Scope = null };
        var entities = (await linkNodes.EntitiesAsync(quiet, entityNodes, cancellation)).ToDictionary(e => e.Node.Id, e => e.View);

        var chosen = candidates
            .Where(p => p.All(s => s.IsIncident || entities.ContainsKey(s.Node)))
            .Select(p => (IReadOnlyList<PathStep>)p.Select(s => s.IsIncident
                ? new PathStep(s.Node, true, walk.SeenInFull(s.Node), s.Node.ToString())
                : new PathStep(s.Node, false, false, entities[s.Node].Id)).ToList())
            .Select(PathRule.WithoutLoops)
            .Where(p => PathRule.Hops(p) > 0 && PathRule.Shows(p))
            .DistinctBy(p => string.Join('/', p.Select(s => s.Served)))
            .Order(Comparer<IReadOnlyList<PathStep>>.Create(PathRule.Compare))
            .Take(first)
            .ToList();
        if (chosen.Count == 0)
        {
            return [];
        }

        var incidentIds = chosen.SelectMany(p => p).Where(s => s.IsIncident).Select(s => s.Node).Distinct().ToList();
        var incidents = (await linkNodes.IncidentsAsync(viewer, incidentIds, cancellation)).ToDictionary(n => Guid.Parse(n.Id));
        var shown = new Dictionary<Guid, LinkNodeView>();
        LinkNodeView Shown(Guid node)
        {
            if (!shown.TryGetValue(node, out var view))
            {
                var read = entities[node];
                // Read for no scope above: now handed out, so shown to the caller and noted as people are.
                shown[node] = view = read with
                {
                    ShownTo = viewer,
                    Courier = read.Courier is { } courier ? courier with { ShownTo = viewer } : null,
                    Suspect = read.Suspect is { } suspect ? suspect with { ShownTo = viewer } : null,
                };
                if ((view.Courier ?? view.Suspect) is { } person)
                {
                    viewer.Returned(person.Kind == EntityView.Courier ? "Courier" : "Suspect", person.Id, null);
                }
            }

            return view;
        }

        var paths = new List<LinkPathView>(chosen.Count);
        foreach (var path in chosen.Where(p => p.All(s => !s.IsIncident || incidents.ContainsKey(s.Node))))
        {
            var nodes = path.Select(s => s.IsIncident ? incidents[s.Node] : Shown(s.Node)).ToList();
            var edges = new List<LinkEdgeView>(path.Count - 1);
            for (var i = 0; i + 1 < path.Count; i++)
            {
                var (incident, entity) = path[i].IsIncident ? (path[i], path[i + 1]) : (path[i + 1], path[i]);
                edges.Add(new LinkEdgeView(incident.Node, entity.Served, incident.SeenInFull ? walk.Role(incident.Node, entity.Node) : "WITHHELD"));
            }

            paths.Add(new LinkPathView(PathRule.Hops(path), nodes, edges));
        }

        return paths;
    }

    private readonly record struct State(Guid Node, bool IsIncident, bool InFull);

    /// <summary>One end's breadth-first search: each state's depth and the states of the layer before it reached from.</summary>
    private sealed class Side(IEnumerable<State> roots)
    {
        public Dictionary<State, int> Depth { get; } = roots.ToDictionary(r => r, _ => 0);

        public Dictionary<State, List<State>> Parents { get; } = [];

        public List<State> Frontier { get; set; } = roots.Distinct().ToList();

        public int Reached { get; set; }

        public IEnumerable<State> At(Guid node, bool isIncident) =>
            new[] { new State(node, isIncident, true), new State(node, isIncident, false) }.Where(Depth.ContainsKey);

        /// <summary>Every way from a root to <paramref name="state"/>, root first, parents in id order.</summary>
        public IEnumerable<List<State>> WaysTo(State state)
        {
            if (!Parents.TryGetValue(state, out var parents))
            {
                yield return [state];
                yield break;
            }

            foreach (var parent in parents)
            {
                foreach (var way in WaysTo(parent))
                {
                    way.Add(state);
                    yield return way;
                }
            }
        }
    }

    /// <summary>The graph as far as one question has read it, and the search over it.</summary>
    private sealed class Walk(ReadSource db, Viewer viewer, int allowance)
    {
        private readonly Dictionary<Guid, HashSet<Guid>> incidentsOf = [];
        private readonly Dictionary<Guid, HashSet<Guid>> entitiesOf = [];
        private readonly Dictionary<Guid, bool> seenInFull = [];
        private readonly Dictionary<Guid, string> kindOf = [];
        private readonly Dictionary<(Guid Incident, Guid Entity), (int Ordinal, string Role)> roles = [];
        private int linksLeft = allowance;

        /// <summary>Incidents the walk has visited, for the request's budget.</summary>
        public int Visited => seenInFull.Count;

        public bool SeenInFull(Guid incident) => seenInFull[incident];

        /// <summary>The edge's role: a number's role on the incident, else the entity's kind.</summary>
        public string Role(Guid incident, Guid entity) => roles.TryGetValue((incident, entity), out var role) ? role.Role : kindOf[entity];

        /// <summary>The shortest paths from <paramref name="start"/> to <paramref name="end"/> of at most <paramref name="maxLayers"/> edges, each as its nodes.</summary>
        public async Task<List<List<(Guid Node, bool IsIncident)>>> ShortestAsync(LinkStart start, LinkStart end, int maxLayers, CancellationToken cancellation)
        {
            var from = new Side(Roots(start));
            var to = new Side(Roots(end));
            var meetings = new List<(State From, State To)>();
            while (meetings.Count == 0 && from.Reached + to.Reached < maxLayers && from.Frontier.Count > 0 && to.Frontier.Count > 0)
            {
                var (side, other) = from.Frontier.Count <= to.Frontier.Count ? (from, to) : (to, from);
                await ExpandAsync(side, cancellation);

                // Every shortest path has its node at this side's new depth in this layer: the
                // meetings here, at the least total depth, are where all of them cross.
                var best = int.MaxValue;
                foreach (var state in side.Frontier)
                {
                    foreach (var met in other.At(state.Node, state.IsIncident).Where(m => state.IsIncident || state.InFull || m.InFull))
                    {
                        var total = side.Reached + other.Depth[met];
                        if (total < best)
                        {
                            best = total;
                            meetings.Clear();
                        }

                        if (total == best)
                        {
                            meetings.Add(side == from ? (state, met) : (met, state));
                        }
                    }
                }
            }

            return meetings
                .SelectMany(m => from.WaysTo(m.From).SelectMany(head => to.WaysTo(m.To).Select(tail =>
                {
                    tail.Reverse();
                    return head.Concat(tail.Skip(1)).Select(s => (s.Node, s.IsIncident)).ToList();
                })))
                .Take(MaxCandidates)
                .ToList();
        }

        private IEnumerable<State> Roots(LinkStart start)
        {
            if (start.Incident is { } incident)
            {
                // LinkStarts starts from an incident only when the caller sees it in full.
                seenInFull[incident] = true;
                return [new State(incident, true, true)];
            }

            foreach (var node in start.Nodes)
            {
                kindOf[node] = start.Kind switch
                {
                    EntityKind.PhoneNumber => "PHONE",
                    EntityKind.Vehicle => "VEHICLE",
                    EntityKind.Courier => EntityView.Courier,
                    _ => EntityView.Suspect,
                };
            }

            return start.Nodes.Select(n => new State(n, false, true));
        }

        /// <summary>Widens one side by a layer: reads what it has not read yet, then steps every frontier state along the rule.</summary>
        private async Task ExpandAsync(Side side, CancellationToken cancellation)
        {
            var incidents = side.Frontier.Count > 0 && side.Frontier[0].IsIncident;
            var unread = side.Frontier.Select(s => s.Node).Distinct().Where(n => !(incidents ? entitiesOf : incidentsOf).ContainsKey(n)).ToList();
            if (unread.Count > 0)
            {
                await (incidents ? ReadIncidentsAsync(unread, cancellation) : ReadEntitiesAsync(unread, cancellation));
            }

            var next = new Dictionary<State, List<State>>();
            foreach (var state in side.Frontier)
            {
                var steps = incidents
                    ? entitiesOf[state.Node].Select(e => new State(e, false, state.InFull))
                    : incidentsOf[state.Node].Where(i => PathRule.MayLeave(state.InFull, seenInFull[i])).Select(i => new State(i, true, seenInFull[i]));
                foreach (var step in steps)
                {
                    if (next.TryGetValue(step, out var parents))
                    {
                        parents.Add(state);
                    }
                    else if (!side.Depth.ContainsKey(step))
                    {
                        next[step] = [state];
                    }
                }
            }

            side.Reached++;
            foreach (var (state, parents) in next)
            {
                side.Depth[state] = side.Reached;
                side.Parents[state] = [.. parents.OrderBy(p => p.Node)];
            }

            side.Frontier = [.. next.Keys.OrderBy(s => s.Node).ThenBy(s => s.InFull)];
        }

        /// <summary>
        /// The incidents of each entity, with whether the caller sees each in full, in one statement.
        /// A courier's or suspect's incidents are those of every node of the person as the caller
        /// knows them (joined through sightings they see in full). At most the links left of the
        /// allowance are read; reading more stops the question (see <see cref="PathSearch"/>).
        /// </summary>
        private async Task ReadEntitiesAsync(List<Guid> entities, CancellationToken cancellation)
        {
            var people = entities.Where(e => kindOf[e] is EntityView.Courier or EntityView.Suspect).ToArray();
            await using var command = db.CreateCommand(
                $"""
                with recursive person(seed, id) as (
                    select s, s from unnest(@people::uuid[]) s
                    union
                    select p.seed, l2.entity_id
                      from person p
                      join ersou.li_links l1 on l1.entity_id = p.id and l1.kind in ('COURIER', 'SUSPECT')
                      join ersou.li_incidents v on v.id = l1.incident_id and {Visibility.SeesInFull("v")}
                      join ersou.li_links l2 on l2.incident_id = l1.incident_id and l2.kind = l1.kind and l2.ordinal = l1.ordinal
                ), node(seed, id) as (
                    select seed, id from person
                    union all
                    select s, s from unnest(@others::uuid[]) s
                )
                select n.seed, l.incident_id, l.kind, l.role, l.ordinal, {Visibility.SeesInFull("i")}
                  from node n
                  join ersou.li_links l on l.entity_id = n.id
                  join ersou.li_incidents i on i.id = l.incident_id
                 limit @max
                """);
            command.Parameters.AddWithValue("people", people);
            command.Parameters.AddWithValue("others", entities.Except(people).ToArray());
            command.Parameters.AddWithValue("max", linksLeft + 1);
            viewer.Bind(command);
            foreach (var entity in entities)
            {
                incidentsOf[entity] = [];
            }

            var read = 0;
            await using (var reader = await command.ExecuteReaderAsync(cancellation))
            {
                while (await reader.ReadAsync(cancellation))
                {
                    read++;
                    var (entity, incident) = (reader.GetGuid(0), reader.GetGuid(1));
                    seenInFull[incident] = reader.GetBoolean(5);
                    incidentsOf[entity].Add(incident);
                    Note(incident, entity, reader.GetString(2), reader.IsDBNull(3) ? null : reader.GetString(3), reader.GetInt32(4));
                }
            }

            linksLeft -= read;
            if (linksLeft < 0)
            {
                throw new ExecutionError(
                    $"The paths between these two pass more than the {linksLeft + read} incidents this request may still walk before any path is found; ask with fewer hops, or in a request of its own.")
                { Code = ErrorCodes.QueryTooComplex };
            }
        }

        /// <summary>The entities each incident carries, in one statement (an incident carries tens, so no bound is needed).</summary>
        private async Task ReadIncidentsAsync(List<Guid> incidents, CancellationToken cancellation)
        {
            await using var command = db.CreateCommand("select incident_id, entity_id, kind, role, ordinal from ersou.li_links where incident_id = any(@incidents)");
            command.Parameters.AddWithValue("incidents", incidents.ToArray());
            foreach (var incident in incidents)
            {
                entitiesOf[incident] = [];
            }

            await using var reader = await command.ExecuteReaderAsync(cancellation);
            while (await reader.ReadAsync(cancellation))
            {
                var (incident, entity, kind) = (reader.GetGuid(0), reader.GetGuid(1), reader.GetString(2));
                kindOf[entity] = kind;
                entitiesOf[incident].Add(entity);
                Note(incident, entity, kind, reader.IsDBNull(3) ? null : reader.GetString(3), reader.GetInt32(4));
            }
        }

        /// <summary>An edge's role, from the first listing of the entity on the incident (a number listed twice keeps its first role).</summary>
        private void Note(Guid incident, Guid entity, string kind, string? role, int ordinal)
        {
            // A number's role is stored as the domain names it (TextSender); it is served as the schema's PhoneRole names it (TEXT_SENDER).
            var label = kind == "PHONE" && role is not null ? role.ToConstantCase() : kind;
            if (!roles.TryGetValue((incident, entity), out var known) || ordinal < known.Ordinal)
            {
                roles[(incident, entity)] = (ordinal, label);
            }
        }

        /// <summary>The entity nodes by id with their kind and key, for <see cref="LinkNodes.EntitiesAsync"/>; one statement.</summary>
        public async Task<IReadOnlyList<EntityNode>> EntityNodesAsync(Guid[] ids, CancellationToken cancellation)
        {
            await using var command = db.CreateCommand("select id, kind, key from ersou.li_entities where id = any(@ids)");
            command.Parameters.AddWithValue("ids", ids);
            var nodes = new List<EntityNode>(ids.Length);
            await using var reader = await command.ExecuteReaderAsync(cancellation);
            while (await reader.ReadAsync(cancellation))
            {
                nodes.Add(new EntityNode(reader.GetGuid(0), reader.GetString(1), reader.GetString(2)));
            }

            return nodes;
        }
    }
}
