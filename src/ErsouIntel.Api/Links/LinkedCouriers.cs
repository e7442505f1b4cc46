using ErsouIntel.Api.Access;
using ErsouIntel.Api.GraphQL;
using ErsouIntel.Domain;
using GraphQL;
using Microsoft.Extensions.Options;
using Npgsql;

namespace ErsouIntel.Api.Links;

/// <summary>One answer to "which couriers are linked to this number?".</summary>
public sealed record CourierLink(EntityView? Courier, bool Withheld, IReadOnlyList<Force> Forces, int Hops, IReadOnlyList<RecordPointer> Pointers);

public sealed class LinkGraphOptions
{
    public const string Section = "LinkGraph";

    /// <summary>The most incidents one link question may walk through; past it the walk stops at the hop it reached.</summary>
    public int MaxIncidentsWalked { get; set; } = 20_000;
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
        var found = new Dictionary<Guid, (int Hops, HashSet<Guid> Carriers)>();

        for (var hop = 1; hop <= maxHops && level.Count > 0; hop++)
        {
            var carriers = new Dictionary<Guid, List<Guid>>();
            carriersByHop.Add(carriers);
            await using (var links = db.CreateCommand("select incident_id, entity_id, kind from ersou.li_links where incident_id = any(@level)"))
            {
                links.Parameters.AddWithValue("level", level.ToArray());
                await using var reader = await links.ExecuteReaderAsync(cancellation);
                while (await reader.ReadAsync(cancellation))
                {
                    var (incident, entity) = (reader.GetGuid(0), reader.GetGuid(1));
                    Add(carriers, entity, incident);
                    if (reader.GetString(2) == EntityView.Courier)
                    {
                        if (!found.TryGetValue(entity, out var entry))
                        {
                            found[entity] = entry = (hop, []);
                        }

                        if (entry.Hops == hop)
                        {
                            entry.Carriers.Add(incident);
                        }
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

        if (found.Count == 0)
        {
            return [];
        }

        var paths = found.ToDictionary(f => f.Key, f => OnShortestPaths(f.Value.Hops, f.Value.Carriers, carriersByHop, reachedVia));
        var pointers = await RecordPointer.LoadAsync(db, viewer, paths.Values.SelectMany(p => p).ToHashSet(), cancellation);
        var visible = (await entities.ByIdsAsync(viewer, found.Keys.ToList(), EntityView.Courier, cancellation)).ToDictionary(v => v.Id);

        return found
            .OrderBy(f => f.Value.Hops).ThenBy(f => f.Key)
            .Select(f =>
            {
                var onPath = RecordPointer.Ordered(paths[f.Key].Select(id => pointers[id]));
                var courier = visible.GetValueOrDefault(f.Key);
                return new CourierLink(courier, courier is null, onPath.Select(p => p.Force).Distinct().Order().ToList(), f.Value.Hops, onPath);
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
