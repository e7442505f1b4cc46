using System.Globalization;

namespace ErsouIntel.Benchmark.Phases;

/// <summary>One place a link question starts from: how the API is asked (an EntityRef) and how the floor resolves it.</summary>
/// <param name="Key">As stored: the E.164 number, the registration, the courier's node id, or the PNC ID without its "pnc:" prefix.</param>
internal sealed record BenchStart(StartKind Kind, string Key, long Links = 0)
{
    public string ApiKind => Kind switch
    {
        StartKind.Phone => "PHONE_NUMBER",
        StartKind.Vehicle => "VEHICLE",
        _ => "COURIER",
    };

    public object EntityRef => new { kind = ApiKind, key = Key };

    public override string ToString() => $"{ApiKind} {Key}";
}

/// <summary>The starts of one run: random ones of every kind, and the biggest hubs on their own.</summary>
internal sealed record LinkStartSet(IReadOnlyList<BenchStart> Random, IReadOnlyList<BenchStart> Hubs, IReadOnlyDictionary<string, int> Mix, IReadOnlyDictionary<string, long> Stored);

/// <summary>
/// Draws the starts with the run's seed from what is stored, so the same database and seed ask the same
/// questions: half phone numbers, a quarter vehicles, a quarter couriers (alternately by a node id, which
/// the service takes as the person's id, and by PNC ID); hubs fall in as often as they are drawn. The five
/// entities on the most link rows are the hubs, asked on their own.
/// </summary>
internal static class LinkStartPicks
{
    public const int HubCount = 5;

    public static async Task<LinkStartSet> PickAsync(BenchDatabase db, int count, int seed, CancellationToken cancellation)
    {
        var phones = await ListAsync(db, "select key from ersou.li_entities where kind = 'PHONE' order by key", cancellation);
        var vehicles = await ListAsync(db, "select key from ersou.li_entities where kind = 'VEHICLE' order by key", cancellation);
        var courierIds = await ListAsync(db, "select id::text from ersou.li_entities where kind = 'COURIER' order by id", cancellation);
        var pncs = await ListAsync(db, "select substr(key, 5) from ersou.li_entity_keys where kind = 'COURIER' and key like 'pnc:%' order by key", cancellation);
        if (phones.Count == 0)
        {
            throw new BenchFailure("No phone numbers are stored: nothing to start link questions from.");
        }

        var random = new Random(seed);
        var pools = new Dictionary<StartKind, (List<string> Keys, int Taken)>
        {
            [StartKind.Phone] = (phones, 0),
            [StartKind.Vehicle] = (vehicles, 0),
            [StartKind.CourierId] = (courierIds, 0),
            [StartKind.CourierPnc] = (pncs, 0),
        };
        var starts = new List<BenchStart>(count);
        for (var i = 0; starts.Count < count && i < 4 * count; i++)
        {
            // 0, 1: a number; 2: a vehicle; 3: a courier, by id and by PNC ID in turn.
            var kind = (i % 4) switch
            {
                0 or 1 => StartKind.Phone,
                2 => StartKind.Vehicle,
                _ => i / 4 % 2 == 0 ? StartKind.CourierId : StartKind.CourierPnc,
            };
            var (keys, taken) = pools[kind];
            if (taken >= keys.Count)
            {
                // A kind used up (a small database): numbers stand in.
                (kind, (keys, taken)) = (StartKind.Phone, pools[StartKind.Phone]);
                if (taken >= keys.Count)
                {
                    break;
                }
            }

            // A partial Fisher-Yates shuffle per kind: a uniform sample without repeats.
            var j = random.Next(taken, keys.Count);
            (keys[taken], keys[j]) = (keys[j], keys[taken]);
            starts.Add(new BenchStart(kind, keys[taken]));
            pools[kind] = (keys, taken + 1);
        }

        var mix = starts.GroupBy(s => s.Kind.ToString()).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        var stored = new Dictionary<string, long>(StringComparer.Ordinal)
        {
            ["phones"] = phones.Count,
            ["vehicles"] = vehicles.Count,
            ["courierNodes"] = courierIds.Count,
            ["pncIds"] = pncs.Count,
        };
        return new LinkStartSet(starts, await HubsAsync(db, cancellation), mix, stored);
    }

    /// <summary>
    /// The entities (numbers, vehicles, couriers) on the most link rows; a courier by its PNC ID when its
    /// node is one, else by its node id. One pass over the link table's entity index.
    /// </summary>
    private static async Task<List<BenchStart>> HubsAsync(BenchDatabase db, CancellationToken cancellation)
    {
        await using var command = db.DataSource.CreateCommand(
            """
            select e.kind, e.id::text, e.key, t.links,
                   (select substr(k.key, 5) from ersou.li_entity_keys k where k.entity_id = e.id and k.key like 'pnc:%' limit 1)
              from (select entity_id, count(*) as links from ersou.li_links group by entity_id order by count(*) desc, entity_id limit 50) t
              join ersou.li_entities e on e.id = t.entity_id
             where e.kind in ('PHONE', 'VEHICLE', 'COURIER')
             order by t.links desc, e.id
             limit @hubs
            """);
        command.Parameters.AddWithValue("hubs", HubCount);
        await using var reader = await command.ExecuteReaderAsync(cancellation);
        var hubs = new List<BenchStart>();
        while (await reader.ReadAsync(cancellation))
        {
            var links = reader.GetInt64(3);
            hubs.Add(reader.GetString(0) switch
            {
                "PHONE" => new BenchStart(StartKind.Phone, reader.GetString(2), links),
                "VEHICLE" => new BenchStart(StartKind.Vehicle, reader.GetString(2), links),
                _ => reader.IsDBNull(4) ? new BenchStart(StartKind.CourierId, reader.GetString(1), links) : new BenchStart(StartKind.CourierPnc, reader.GetString(4), links),
            });
        }

        return hubs;
    }

    /// <summary>How many link rows each of these phone numbers has (for "a number seen once").</summary>
    public static async Task<Dictionary<string, long>> PhoneLinksAsync(BenchDatabase db, IEnumerable<string> numbers, CancellationToken cancellation)
    {
        await using var command = db.DataSource.CreateCommand(
            "select e.key, (select count(*) from ersou.li_links l where l.entity_id = e.id) from ersou.li_entities e where e.kind = 'PHONE' and e.key = any(@keys)");
        command.Parameters.AddWithValue("keys", numbers.Distinct().ToArray());
        await using var reader = await command.ExecuteReaderAsync(cancellation);
        var found = new Dictionary<string, long>(StringComparer.Ordinal);
        while (await reader.ReadAsync(cancellation))
        {
            found[reader.GetString(0)] = reader.GetInt64(1);
        }

        return found;
    }

    public static async Task<List<string>> ListAsync(BenchDatabase db, string sql, CancellationToken cancellation)
    {
        var all = new List<string>();
        await using var command = db.DataSource.CreateCommand(sql);
        await using var reader = await command.ExecuteReaderAsync(cancellation);
        while (await reader.ReadAsync(cancellation))
        {
            all.Add(reader.GetString(0));
        }

        return all;
    }

    public static string Describe(LinkStartSet set) =>
        string.Join(", ", set.Mix.OrderBy(m => m.Key, StringComparer.Ordinal).Select(m => string.Create(CultureInfo.InvariantCulture, $"{m.Value:N0} {m.Key}")));
}
