using ErsouIntel.Api.Access;
using ErsouIntel.Api.GraphQL;
using ErsouIntel.Domain;
using GraphQL;
using GraphQL.Types;
using Microsoft.Extensions.Options;
using Npgsql;

namespace ErsouIntel.Api.Links;

/// <summary>One answer to "which couriers are linked to this number?".</summary>
public sealed record CourierLink(EntityView? Courier, bool Withheld, IReadOnlyList<Force> Forces, int Hops, IReadOnlyList<RecordPointer> Pointers, DateTimeOffset? LastSeen = null);

public sealed class LinkGraphOptions
{
    public const string Section = "LinkGraph";

    /// <summary>The most incidents one link question may walk through; past it the walk stops at the hop it reached.</summary>
    public int MaxIncidentsWalked { get; set; } = 20_000;
}

/// <summary>The <c>linkedCouriers</c> field of an access scope, answered by <see cref="LinkedCouriers"/>.</summary>
public static class LinkedCouriersField
{
    public static void AddTo(ObjectGraphType<AccessScope> scope) =>
        scope.Field<NonNullGraphType<ListGraphType<NonNullGraphType<CourierLinkGraphType>>>>("linkedCouriers")
            .Description("Every courier within maxHops (1 to 4) of the number, across all six forces, nearest first.")
            .Argument<NonNullGraphType<StringGraphType>>("phoneNumber")
            .Argument<IntGraphType>("maxHops", arg => arg.DefaultValue = 2)
            .ResolveAsync(async ctx => await ctx.RequestServices!.GetRequiredService<LinkedCouriers>()
                .FindAsync(Viewer.For(ctx.Source), ctx.GetArgument<string>("phoneNumber"), ctx.GetArgument("maxHops", 2), ctx.CancellationToken));
}

/// <summary>
/// <c>linkedCouriers(phoneNumber, maxHops)</c>: a breadth-first walk over the link graph, one
/// indexed SQL query per hop. Hop 1 is the incidents that carry the number; hop n+1 the
/// incidents sharing any phone number, courier, suspect or vehicle with an incident of hop n.
/// A courier's pointers are the incidents on its shortest paths back to the number.
/// </summary>
public sealed class LinkedCouriers(NpgsqlDataSource db, EntityQueries entities, IOptions<LinkGraphOptions> options)
{
    public const int MinHops = 1;
    public const int MaxHops = 4;

    public async Task<IReadOnlyList<CourierLink>> FindAsync(Viewer viewer, string phoneNumber, int maxHops, CancellationToken cancellation)
    {
        if (maxHops is < MinHops or > MaxHops)
        {
            throw new ExecutionError($"maxHops must be between {MinHops} and {MaxHops}.") { Code = ErrorCodes.BadUserInput };
        }

        var e164 = Normalise.PhoneNumber(phoneNumber)
            ?? throw new ExecutionError("phoneNumber is not a phone number.") { Code = ErrorCodes.BadUserInput };

        var cap = options.Value.MaxIncidentsWalked;
        var (phoneEntity, level) = await FirstHopAsync(e164, cancellation);
        var visited = new HashSet<Guid>(level);
        var expanded = new HashSet<Guid> { phoneEntity };
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
                    var (incident, entity) = (reader.GetGuid(0), reader.GetGuid(1));
                    Add(carriers, entity, incident);
                    if (reader.GetString(2) == EntityView.Courier)
                    {
                        var key = (incident, reader.GetInt32(3));
                        if (!sightings.TryGetValue(key, out var sighting))
                        {
                            sightings[key] = sighting = (hop, []);
                        }

                        sighting.Nodes.Add(entity);
                    }
                }
            }

            if (hop == maxHops || visited.Count >= cap)
            {
                break;
            }

            // Each entity is walked once: after that every incident it links is visited.
            var fresh = carriers.Keys.Where(expanded.Add).ToArray();
            var next = new HashSet<Guid>();
            await using (var step = db.CreateCommand("select incident_id, entity_id from ersou.li_links where entity_id = any(@entities) limit @cap"))
            {
                step.Parameters.AddWithValue("entities", fresh);
                step.Parameters.AddWithValue("cap", cap);
                await using var reader = await step.ExecuteReaderAsync(cancellation);
                while (await reader.ReadAsync(cancellation) && visited.Count < cap)
                {
                    var (incident, entity) = (reader.GetGuid(0), reader.GetGuid(1));
                    if (visited.Add(incident))
                    {
                        next.Add(incident);
                    }

                    if (next.Contains(incident))
                    {
                        Add(reachedVia, incident, entity);
                    }
                }
            }

            level = [.. next];
        }

        if (sightings.Count == 0)
        {
            return [];
        }

        var groups = await GroupAsync(viewer, sightings, cancellation);
        var paths = groups.Select(g => OnShortestPaths(g.Hops, g.Carriers, carriersByHop, reachedVia)).ToList();
        var pointers = await RecordPointer.LoadAsync(db, viewer, paths.SelectMany(p => p).ToHashSet(), cancellation);

        return groups
            .Select((g, i) =>
            {
                var onPath = RecordPointer.Ordered(paths[i].Select(id => pointers[id]));
                return (Order: g.Order, Link: new CourierLink(g.Courier, g.Courier is null, onPath.Select(p => p.Force).Distinct().Order().ToList(), g.Hops, onPath));
            })
            .OrderBy(x => x.Link.Hops).ThenBy(x => x.Order)
            .Select(x => x.Link)
            .ToList();
    }

    /// <summary>
    /// Sorts the sightings met into couriers. Sightings the viewer sees in full join into the
    /// person the viewer may know (<see cref="EntityQueries.PersonsAsync"/>); the others are grouped
    /// by the keys they share among themselves and come back withheld. A courier's hop is the
    /// nearest of its sightings; its carriers are its sightings' incidents at that hop.
    /// </summary>
    private async Task<List<(EntityView? Courier, int Hops, HashSet<Guid> Carriers, Guid Order)>> GroupAsync(
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

        var known = new List<(EntityView Courier, List<(Guid Incident, int Hop)> Carriers)>();
        var withheld = new List<(HashSet<Guid> Nodes, List<(Guid Incident, int Hop)> Carriers)>();
        var ordered = sightings.OrderBy(s => s.Value.Hop).ThenBy(s => s.Key.Incident).ThenBy(s => s.Key.Ordinal).ToList();

        // First the people the viewer may know, from the sightings they see in full (all of them in one query).
        var inFull = ordered.Where(s => seen.Contains(s.Key.Incident)).ToList();
        var people = await entities.PersonsAsync(viewer, EntityView.Courier, inFull.Select(s => (IReadOnlyCollection<Guid>)s.Value.Nodes).ToList(), cancellation);
        // Which known person each key node belongs to: the first person made that holds it.
        var knownByNode = new Dictionary<Guid, int>();
        int KnownGroup(List<Guid> nodes) => nodes.Select(n => knownByNode.GetValueOrDefault(n, -1)).Where(g => g >= 0).DefaultIfEmpty(-1).Min();
        for (var n = 0; n < inFull.Count; n++)
        {
            var (key, sighting) = inFull[n];
            var group = KnownGroup(sighting.Nodes);
            if (group >= 0)
            {
                known[group].Carriers.Add((key.Incident, sighting.Hop));
            }
            else if (people[n] is { } courier)
            {
                known.Add((courier, [(key.Incident, sighting.Hop)]));
                foreach (var node in courier.Nodes)
                {
                    knownByNode.TryAdd(node, known.Count - 1);
                }
            }
        }

        // Then the withheld sightings: one that names a known person by the same key adds its
        // incident to that person's pointers (where, not what); the rest are withheld couriers,
        // joined only with other withheld sightings that carry one of their keys.
        foreach (var (key, sighting) in ordered.Where(s => !seen.Contains(s.Key.Incident)))
        {
            var carrier = (key.Incident, sighting.Hop);
            var group = KnownGroup(sighting.Nodes);
            if (group >= 0)
            {
                known[group].Carriers.Add(carrier);
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

        return known.Select(k => ((EntityView?)k.Courier, k.Carriers, Order: k.Courier.Id))
            .Concat(withheld.Select(w => ((EntityView?)null, w.Carriers, Order: w.Nodes.Min())))
            .Select(g =>
            {
                var hops = g.Carriers.Min(c => c.Hop);
                return (g.Item1, hops, g.Carriers.Where(c => c.Hop == hops).Select(c => c.Incident).ToHashSet(), g.Order);
            })
            .ToList();
    }

    private async Task<(Guid Entity, List<Guid> Incidents)> FirstHopAsync(string e164, CancellationToken cancellation)
    {
        await using var command = db.CreateCommand(
            "select distinct e.id, l.incident_id from ersou.li_entities e join ersou.li_links l on l.entity_id = e.id where e.kind = 'PHONE' and e.key = @e164 limit @cap");
        command.Parameters.AddWithValue("e164", e164);
        command.Parameters.AddWithValue("cap", options.Value.MaxIncidentsWalked);
        var entity = Guid.Empty;
        var ids = new List<Guid>();
        await using var reader = await command.ExecuteReaderAsync(cancellation);
        while (await reader.ReadAsync(cancellation))
        {
            entity = reader.GetGuid(0);
            ids.Add(reader.GetGuid(1));
        }

        return (entity, ids);
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
