using ErsouIntel.Api.Access;
using ErsouIntel.Api.GraphQL;
using ErsouIntel.Api.Links.Questions;
using ErsouIntel.Api.Storage.Replicas;
using ErsouIntel.Domain;
using GraphQL;
using GraphQL.Types;
using Microsoft.Extensions.Options;
using Npgsql;

namespace ErsouIntel.Api.Links;

/// <summary>One answer to "which couriers are linked to this number?".</summary>
/// <param name="Person">For a courier the viewer may know, the nodes that are that person to them (the view is read only for links handed out).</param>
/// <param name="OrderId">The person's id, or for a withheld link the lowest node of its sightings: breaks ties in the order; a withheld one is never served.</param>
public sealed record CourierLink(EntityView? Courier, bool Withheld, IReadOnlyList<Force> Forces, int Hops, IReadOnlyList<RecordPointer> Pointers, DateTimeOffset? LastSeen = null, Guid OrderId = default, IReadOnlySet<Guid>? Person = null);

public sealed class LinkGraphOptions
{
    public const string Section = "LinkGraph";

    /// <summary>The most incidents one link question may walk through; past it the walk stops at the hop it reached.</summary>
    public int MaxIncidentsWalked { get; set; } = 20_000;
}

/// <summary>The <c>linkedCouriers</c> field of an access scope: <see cref="LinkedCouriers"/> from a number, every courier at once, in the order of <c>couriersLinkedTo</c>.</summary>
public static class LinkedCouriersField
{
    public static void AddTo(ObjectGraphType<AccessScope> scope) =>
        scope.Field<NonNullGraphType<ListGraphType<NonNullGraphType<CourierLinkGraphType>>>>("linkedCouriers")
            .Description("Every courier within maxHops (1 to 4) of the number, across all six forces, nearest first.")
            .Argument<NonNullGraphType<StringGraphType>>("phoneNumber")
            .Argument<IntGraphType>("maxHops", arg => arg.DefaultValue = 2)
            .WithComplexityImpact(context => LinkBudget.Weight(context, "maxHops", 2))
            .ResolveAsync(async ctx =>
            {
                var maxHops = LinkArguments.Bounded(ctx, "maxHops", 2, LinkedCouriers.MinHops, LinkedCouriers.MaxHops);
                var services = ctx.RequestServices!;
                var start = await services.GetRequiredService<LinkStarts>().ResolveAsync(
                    ctx.Source, new EntityRef(EntityKind.PhoneNumber, ctx.GetArgument<string>("phoneNumber")), ctx.CancellationToken);
                var answer = await services.GetRequiredService<LinkedCouriers>().WalkAsync(Viewer.For(ctx.Source), start, maxHops, services.GetRequiredService<LinkBudget>(), ctx.CancellationToken);
                return await answer.HandOutAsync(services.GetRequiredService<EntityQueries>(), answer.Links, ctx.CancellationToken);
            });
}

/// <summary>
/// The couriers linked to a start, as one viewer may be shown them: every courier the walk met, in
/// the contract's order (<see cref="CourierLinkOrder"/>), with whether the walk went the whole way.
/// Nothing here is noted on the scope: <see cref="Returned"/> notes the couriers and pointers of the
/// part of it that is handed out (all of it for <c>linkedCouriers</c>, one page for <c>couriersLinkedTo</c>).
/// </summary>
public sealed record CourierWalk(IReadOnlyList<CourierLink> Links, bool Complete, Viewer Viewer)
{
    /// <summary>The links handed out, with the couriers' views read (one statement) and noted on the scope with the pointers.</summary>
    public async Task<IReadOnlyList<CourierLink>> HandOutAsync(EntityQueries entities, IReadOnlyList<CourierLink> handedOut, CancellationToken cancellation)
    {
        var known = handedOut.Where(l => l.Person is not null).ToList();
        var views = await entities.ViewsAsync(Viewer, EntityView.Courier, [.. known.Select(l => l.Person!)], cancellation);
        var viewOf = known.Zip(views).ToDictionary(p => p.First.OrderId, p => p.Second);
        foreach (var pointer in handedOut.SelectMany(l => l.Pointers))
        {
            Viewer.Returned(RecordPointer.RecordType, pointer.IncidentId, pointer.Force);
        }

        return [.. handedOut.Select(l => l.Person is null ? l : l with { Courier = viewOf[l.OrderId] })];
    }
}

/// <summary>
/// The walk behind <c>linkedCouriers</c> and <c>couriersLinkedTo</c>: breadth-first over the link
/// graph, one indexed SQL query per hop. Hop 1 is the incidents that carry the start (an incident
/// start is its own hop 1); hop n+1 the incidents sharing any phone number, courier, suspect or
/// vehicle with an incident of hop n. The walk passes through withheld incidents: visibility decides
/// what is shown of what it met, not where it goes. It stops at the request's walk allowance
/// (<see cref="LinkBudget"/>); an answer cut there says so (<see cref="CourierWalk.Complete"/>).
/// A courier's pointers are the incidents on its shortest paths back to the start.
/// </summary>
public sealed class LinkedCouriers(ReadSource db, EntityQueries entities)
{
    public const int MinHops = 1;
    public const int MaxHops = 4;

    public async Task<CourierWalk> WalkAsync(Viewer viewer, LinkStart start, int maxHops, LinkBudget budget, CancellationToken cancellation)
    {
        var cap = budget.Allowance();
        var complete = true;
        List<Guid> level;
        if (start.Incident is { } incident)
        {
            level = [incident];
        }
        else
        {
            (level, complete) = await FirstHopAsync(start.Nodes, cap, cancellation);
        }

        var visited = new HashSet<Guid>(level);
        var expanded = new HashSet<Guid>(start.Nodes);
        // Per hop: which of that hop's incidents carry each entity; per incident: the entities it was reached through.
        var carriersByHop = new List<Dictionary<Guid, List<Guid>>>();
        var reachedVia = new Dictionary<Guid, List<Guid>>();
        // Each courier sighting met on the walk, at the hop its incident was reached, with its key nodes.
        var sightings = new Dictionary<(Guid Incident, int Ordinal), (int Hop, List<Guid> Nodes)>();

        for (var hop = 1; hop <= maxHops && level.Count > 0; hop++)
        {
            var carriers = new Dictionary<Guid, List<Guid>>();
            carriersByHop.Add(carriers);
            await using (var links = db.CreateCommand("select incident_id, entity_id, kind, ordinal from ersou.li_links where incident_id = any(@level)"))
            {
                links.Parameters.AddWithValue("level", level.ToArray());
                await using var reader = await links.ExecuteReaderAsync(cancellation);
                while (await reader.ReadAsync(cancellation))
                {
                    var (at, entity) = (reader.GetGuid(0), reader.GetGuid(1));
                    Add(carriers, entity, at);
                    if (reader.GetString(2) == EntityView.Courier)
                    {
                        var key = (at, reader.GetInt32(3));
                        if (!sightings.TryGetValue(key, out var sighting))
                        {
                            sightings[key] = sighting = (hop, []);
                        }

                        sighting.Nodes.Add(entity);
                    }
                }
            }

            if (hop == maxHops)
            {
                break;
            }

            if (visited.Count >= cap)
            {
                complete = false;
                break;
            }

            // Each entity is walked once: after that every incident it links is visited.
            var fresh = carriers.Keys.Where(expanded.Add).ToArray();
            var next = new HashSet<Guid>();
            // Rows, not incidents, are limited (an incident reached through two entities is two rows):
            // a read cut by the limit may have missed incidents, so the answer then says it is incomplete.
            var rowLimit = 2 * cap;
            var rows = 0;
            await using (var step = db.CreateCommand("select incident_id, entity_id from ersou.li_links where entity_id = any(@entities) limit @rows"))
            {
                step.Parameters.AddWithValue("entities", fresh);
                step.Parameters.AddWithValue("rows", rowLimit);
                await using var reader = await step.ExecuteReaderAsync(cancellation);
                while (await reader.ReadAsync(cancellation))
                {
                    rows++;
                    var (at, entity) = (reader.GetGuid(0), reader.GetGuid(1));
                    if (!visited.Contains(at))
                    {
                        if (visited.Count >= cap)
                        {
                            complete = false;
                            break;
                        }

                        visited.Add(at);
                        next.Add(at);
                    }

                    if (next.Contains(at))
                    {
                        Add(reachedVia, at, entity);
                    }
                }
            }

            complete &= rows < rowLimit;
            level = [.. next];
        }

        budget.Spend(visited.Count);
        if (sightings.Count == 0)
        {
            return new CourierWalk([], complete, viewer);
        }

        var groups = await GroupAsync(viewer, sightings, cancellation);
        if (start.Kind == EntityKind.Courier)
        {
            // From a courier, that person is not listed.
            groups.RemoveAll(g => g.Nodes.Overlaps(start.Nodes));
        }

        var paths = groups.Select(g => OnShortestPaths(g.Hops, g.Carriers, carriersByHop, reachedVia)).ToList();
        var pointers = await PointersAsync(viewer, paths.SelectMany(p => p).ToHashSet(), cancellation);

        var found = groups.Select((g, i) =>
        {
            var onPath = paths[i].Select(id => pointers[id]).ToList();
            var ordered = RecordPointer.Ordered(onPath.Select(p => p.Pointer));
            var forces = ordered.Select(p => p.Force).Distinct().Order().ToList();
            if (g.Person is null)
            {
                return new CourierLink(null, true, forces, g.Hops, ordered, null, g.Nodes.Min());
            }

            // The newest occurrence among the linking incidents the viewer sees in full.
            var lastSeen = onPath.Where(p => p.InFull).Select(p => (DateTimeOffset?)p.OccurredAt).Max();
            return new CourierLink(null, false, forces, g.Hops, ordered, lastSeen, g.Person.Min(), g.Person);
        });
        return new CourierWalk([.. found.Order(CourierLinkOrder.Comparer)], complete, viewer);
    }

    /// <summary>What the order needs of each pointer: the pointer, and, only where the viewer sees the incident in full, when it occurred.</summary>
    private async Task<Dictionary<Guid, (RecordPointer Pointer, bool InFull, DateTimeOffset OccurredAt)>> PointersAsync(Viewer viewer, IReadOnlyCollection<Guid> ids, CancellationToken cancellation)
    {
        var found = new Dictionary<Guid, (RecordPointer, bool, DateTimeOffset)>();
        await using var command = db.CreateCommand(
            $"select i.id, i.force, i.force_reference, i.handling, {Visibility.SeesInFull("i")}, i.occurred_at from ersou.li_incidents i where i.id = any(@ids)");
        command.Parameters.AddWithValue("ids", ids.ToArray());
        viewer.Bind(command);
        await using var reader = await command.ExecuteReaderAsync(cancellation);
        while (await reader.ReadAsync(cancellation))
        {
            var inFull = reader.GetBoolean(4);
            found[reader.GetGuid(0)] = (
                new RecordPointer(reader.GetGuid(0), Forces.FromTenantId(reader.GetString(1)), reader.GetString(2), Enum.Parse<Domain.Incidents.HandlingCode>(reader.GetString(3))),
                inFull,
                inFull ? reader.GetFieldValue<DateTimeOffset>(5) : default);
        }

        return found;
    }

    /// <summary>
    /// Sorts the sightings met into couriers. Sightings the viewer sees in full join into the
    /// person the viewer may know (<see cref="EntityQueries.PeopleOfAsync"/>: nodes only, no one's
    /// sightings are read); the others are grouped by the keys they share among themselves and come
    /// back withheld. A courier's hop is the nearest of its sightings; its carriers are its
    /// sightings' incidents at that hop.
    /// </summary>
    private async Task<List<(IReadOnlySet<Guid>? Person, int Hops, HashSet<Guid> Carriers, IReadOnlySet<Guid> Nodes)>> GroupAsync(
        Viewer viewer, Dictionary<(Guid Incident, int Ordinal), (int Hop, List<Guid> Nodes)> sightings, CancellationToken cancellation)
    {
        var seen = new HashSet<Guid>();
        await using (var visible = db.CreateCommand($"select i.id from ersou.li_incidents i where i.id = any(@ids) and {Visibility.SeesInFull("i")}"))
        {
            visible.Parameters.AddWithValue("ids", sightings.Keys.Select(k => k.Incident).Distinct().ToArray());
            viewer.Bind(visible);
            await using var reader = await visible.ExecuteReaderAsync(cancellation);
            while (await reader.ReadAsync(cancellation))
            {
                seen.Add(reader.GetGuid(0));
            }
        }

        var ordered = sightings.OrderBy(s => s.Value.Hop).ThenBy(s => s.Key.Incident).ThenBy(s => s.Key.Ordinal).ToList();
        var inFull = ordered.Where(s => seen.Contains(s.Key.Incident)).ToList();
        var people = inFull.Count == 0
            ? new Dictionary<Guid, IReadOnlySet<Guid>>()
            : await entities.PeopleOfAsync(viewer, EntityView.Courier, [.. inFull.SelectMany(s => s.Value.Nodes)], cancellation);

        // The people the viewer may know, keyed by their id (the lowest of their nodes).
        var known = new Dictionary<Guid, (IReadOnlySet<Guid> Person, List<(Guid Incident, int Hop)> Carriers)>();
        (IReadOnlySet<Guid> Person, List<(Guid Incident, int Hop)> Carriers)? KnownOf(List<Guid> nodes) =>
            nodes.Where(people.ContainsKey).Select(n => people[n].Min()).Where(known.ContainsKey).Select(id => known[id]).Cast<(IReadOnlySet<Guid>, List<(Guid, int)>)?>().FirstOrDefault();
        foreach (var (key, sighting) in inFull)
        {
            var person = people[sighting.Nodes[0]];
            if (!known.TryGetValue(person.Min(), out var group))
            {
                known[person.Min()] = group = (person, []);
            }

            group.Carriers.Add((key.Incident, sighting.Hop));
        }

        // Then the withheld sightings: one that names a known person by the same key adds its
        // incident to that person's pointers (where, not what); the rest are withheld couriers,
        // joined only with other withheld sightings that carry one of their keys.
        var withheld = new List<(HashSet<Guid> Nodes, List<(Guid Incident, int Hop)> Carriers)>();
        foreach (var (key, sighting) in ordered.Where(s => !seen.Contains(s.Key.Incident)))
        {
            var carrier = (key.Incident, sighting.Hop);
            if (KnownOf(sighting.Nodes) is { } group)
            {
                group.Carriers.Add(carrier);
                continue;
            }

            var joined = withheld.Where(w => sighting.Nodes.Any(w.Nodes.Contains)).ToList();
            var merged = (Nodes: sighting.Nodes.ToHashSet(), Carriers: new List<(Guid Incident, int Hop)> { carrier });
            foreach (var other in joined)
            {
                merged.Nodes.UnionWith(other.Nodes);
                merged.Carriers.AddRange(other.Carriers);
                withheld.Remove(other);
            }

            withheld.Add(merged);
        }

        return known.Values.Select(k => ((IReadOnlySet<Guid>?)k.Person, k.Carriers, Nodes: k.Person))
            .Concat(withheld.Select(w => ((IReadOnlySet<Guid>?)null, w.Carriers, Nodes: (IReadOnlySet<Guid>)w.Nodes)))
            .Select(g =>
            {
                var hops = g.Carriers.Min(c => c.Hop);
                return (g.Item1, hops, g.Carriers.Where(c => c.Hop == hops).Select(c => c.Incident).ToHashSet(), g.Nodes);
            })
            .ToList();
    }

    /// <summary>The incidents carrying any of the start's nodes, up to the allowance; incomplete when there were more.</summary>
    private async Task<(List<Guid> Incidents, bool Complete)> FirstHopAsync(IReadOnlyList<Guid> nodes, int cap, CancellationToken cancellation)
    {
        var ids = new List<Guid>();
        if (nodes.Count == 0)
        {
            return (ids, true);
        }

        await using var command = db.CreateCommand("select distinct incident_id from ersou.li_links where entity_id = any(@nodes) limit @limit");
        command.Parameters.AddWithValue("nodes", nodes.ToArray());
        command.Parameters.AddWithValue("limit", cap + 1);
        await using var reader = await command.ExecuteReaderAsync(cancellation);
        while (await reader.ReadAsync(cancellation))
        {
            ids.Add(reader.GetGuid(0));
        }

        return ids.Count > cap ? (ids.GetRange(0, cap), false) : (ids, true);
    }

    private static void Add(Dictionary<Guid, List<Guid>> map, Guid key, Guid value)
    {
        if (!map.TryGetValue(key, out var list))
        {
            map[key] = list = [];
        }

        list.Add(value);
    }

    /// <summary>The carriers and every incident on a shortest path from them back to the number: hop by hop, the incidents of the hop before that carry an entity the frontier was reached through.</summary>
    private static HashSet<Guid> OnShortestPaths(int hops, IEnumerable<Guid> carriers, List<Dictionary<Guid, List<Guid>>> carriersByHop, Dictionary<Guid, List<Guid>> reachedVia)
    {
        var all = new HashSet<Guid>();
        var frontier = new HashSet<Guid>(carriers);
        for (var hop = hops; hop >= 1; hop--)
        {
            all.UnionWith(frontier);
            if (hop == 1)
            {
                break;
            }

            var before = carriersByHop[hop - 2];
            frontier = frontier
                .SelectMany(incident => reachedVia.GetValueOrDefault(incident) ?? [])
                .SelectMany(entity => before.GetValueOrDefault(entity) ?? [])
                .ToHashSet();
        }

        return all;
    }
}
