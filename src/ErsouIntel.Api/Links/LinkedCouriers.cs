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
        var level = await FirstHopAsync(e164, cancellation);
        var visited = new HashSet<Guid>(level);
        var parents = new Dictionary<Guid, List<Guid>>();
        var found = new Dictionary<Guid, (int Hops, HashSet<Guid> Carriers)>();

        for (var hop = 1; hop <= maxHops && level.Count > 0; hop++)
        {
            await using (var couriers = db.CreateCommand("select entity_id, incident_id from ersou.li_links where kind = 'COURIER' and incident_id = any(@level)"))
            {
                couriers.Parameters.AddWithValue("level", level.ToArray());
                await using var reader = await couriers.ExecuteReaderAsync(cancellation);
                while (await reader.ReadAsync(cancellation))
                {
                    var courier = reader.GetGuid(0);
                    if (!found.TryGetValue(courier, out var entry))
                    {
                        found[courier] = entry = (hop, []);
                    }

                    if (entry.Hops == hop)
                    {
                        entry.Carriers.Add(reader.GetGuid(1));
                    }
                }
            }

            if (hop == maxHops || visited.Count >= cap)
            {
                break;
            }

            var next = new HashSet<Guid>();
            await using (var step = db.CreateCommand(
                """
                select distinct l2.incident_id, l1.incident_id
                  from ersou.li_links l1 join ersou.li_links l2 on l2.entity_id = l1.entity_id
                 where l1.incident_id = any(@level) and not (l2.incident_id = any(@visited))
                 limit @cap
                """))
            {
                step.Parameters.AddWithValue("level", level.ToArray());
                step.Parameters.AddWithValue("visited", visited.ToArray());
                step.Parameters.AddWithValue("cap", cap - visited.Count);
                await using var reader = await step.ExecuteReaderAsync(cancellation);
                while (await reader.ReadAsync(cancellation))
                {
                    var child = reader.GetGuid(0);
                    next.Add(child);
                    if (!parents.TryGetValue(child, out var list))
                    {
                        parents[child] = list = [];
                    }

                    list.Add(reader.GetGuid(1));
                }
            }

            visited.UnionWith(next);
            level = next.ToList();
        }

        if (found.Count == 0)
        {
            return [];
        }

        var paths = found.ToDictionary(f => f.Key, f => OnShortestPaths(f.Value.Carriers, parents));
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

    private async Task<List<Guid>> FirstHopAsync(string e164, CancellationToken cancellation)
    {
        await using var command = db.CreateCommand(
            "select distinct l.incident_id from ersou.li_links l join ersou.li_entities e on e.id = l.entity_id where e.kind = 'PHONE' and e.key = @e164");
        command.Parameters.AddWithValue("e164", e164);
        var ids = new List<Guid>();
        await using var reader = await command.ExecuteReaderAsync(cancellation);
        while (await reader.ReadAsync(cancellation))
        {
            ids.Add(reader.GetGuid(0));
        }

        return ids;
    }

    /// <summary>The carriers and every incident on a shortest path from them back to the number.</summary>
    private static HashSet<Guid> OnShortestPaths(IEnumerable<Guid> carriers, Dictionary<Guid, List<Guid>> parents)
    {
        var all = new HashSet<Guid>();
        var frontier = new List<Guid>(carriers);
        while (frontier.Count > 0)
        {
            var previous = new List<Guid>();
            foreach (var incident in frontier)
            {
                if (all.Add(incident) && parents.TryGetValue(incident, out var up))
                {
                    previous.AddRange(up);
                }
            }

            frontier = previous;
        }

        return all;
    }
}
