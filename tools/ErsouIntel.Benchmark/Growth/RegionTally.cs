using System.Globalization;
using ErsouIntel.Domain;
using ErsouIntel.LoadClient;

namespace ErsouIntel.Benchmark.Growth;

/// <summary>
/// The link graph's shape, counted from the generator's incidents without a database: which nodes each
/// incident carries (as <c>ersou.li_doc_links</c> and <c>li_link_incidents</c> make them), how many
/// <c>li_links</c> rows it writes, and for every node the number of incidents carrying it and which forces
/// they belong to. Ten million incidents make about nine million nodes, so a node is counted as a number
/// (a phone as its national digits) or a short key, never as an object graph.
/// </summary>
internal sealed class RegionTally
{
    public const string Phone = "PHONE";
    public const string Vehicle = "VEHICLE";
    public const string Courier = "COURIER";
    public const string Suspect = "SUSPECT";

    /// <summary>Incidents carrying the node (each once, as <c>li_match_incidents</c> counts them) and the forces among them as bits.</summary>
    private struct NodeCount
    {
        public int Incidents;
        public byte Forces;
    }

    // Phones are most of the nodes: keyed by their national number as a long (8 bytes, no string).
    private readonly Dictionary<long, NodeCount> phones = new();
    private readonly Dictionary<string, NodeCount> vehicles = new(StringComparer.Ordinal);
    private readonly Dictionary<string, NodeCount> courierKeys = new(StringComparer.Ordinal);
    private readonly Dictionary<string, NodeCount> suspectKeys = new(StringComparer.Ordinal);
    private readonly Dictionary<ForceSpec, int> forceIndex = IncidentGenerator.Forces.Select((f, i) => (f, i)).ToDictionary(x => x.f, x => x.i);
    private readonly long[] linkRows = new long[4];
    private readonly long[] incidentsPerForce = new long[IncidentGenerator.Forces.Count];
    private readonly List<long> incidentPhones = new(4);
    private readonly List<(Dictionary<string, NodeCount> Nodes, string Key)> incidentKeys = new(8);
    private long courierSightingNodes;
    private long suspectSightingNodes;
    private int phoneChecks;

    public long Incidents { get; private set; }

    public void Add(GeneratedIncident incident)
    {
        var force = forceIndex[incident.Force];
        var bit = (byte)(1 << force);
        var input = incident.Input;
        incidentsPerForce[force]++;
        Incidents++;
        incidentPhones.Clear();
        incidentKeys.Clear();

        foreach (var phone in input.PhoneNumbers ?? [])
        {
            // One li_links row per number on the incident (its ordinal is part of the key), one node per distinct number.
            linkRows[0]++;
            var national = NationalNumber(phone.Number);
            if (!incidentPhones.Contains(national))
            {
                incidentPhones.Add(national);
            }
        }

        foreach (var courier in input.Couriers ?? [])
        {
            if (courier.VehicleRegistration is { } registration)
            {
                linkRows[1]++;
                AddKey(vehicles, Normalise.VehicleRegistration(registration) ?? throw new InvalidOperationException($"registration '{registration}' would be refused"));
            }

            var keys = PersonKeys.For(Normalise.PncId(courier.PncId), courier.Name, Date(courier.DateOfBirth));
            if (keys.Count == 0)
            {
                // A sighting without keys is a node of its own ("sighting|<incident>|<ordinal>"): one incident, one force, joins nothing.
                linkRows[2]++;
                courierSightingNodes++;
            }

            foreach (var key in keys)
            {
                linkRows[2]++;
                AddKey(courierKeys, key);
            }
        }

        foreach (var suspect in input.Suspects ?? [])
        {
            var keys = PersonKeys.For(Normalise.PncId(suspect.PncId), suspect.Name, Date(suspect.DateOfBirth));
            if (keys.Count == 0)
            {
                linkRows[3]++;
                suspectSightingNodes++;
            }

            foreach (var key in keys)
            {
                linkRows[3]++;
                AddKey(suspectKeys, key);
            }
        }

        foreach (var national in incidentPhones)
        {
            ref var count = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(phones, national, out _);
            count.Incidents++;
            count.Forces |= bit;
        }

        foreach (var (nodes, key) in incidentKeys)
        {
            ref var count = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(nodes, key, out _);
            count.Incidents++;
            count.Forces |= bit;
        }

        void AddKey(Dictionary<string, NodeCount> nodes, string key)
        {
            // Two sightings on one incident naming the same node are two rows but one incident of that node.
            if (!incidentKeys.Contains((nodes, key)))
            {
                incidentKeys.Add((nodes, key));
            }
        }
    }

    /// <summary>The graph as it stands: per kind and in all.</summary>
    public GrowthSnapshot Snapshot(double seconds)
    {
        var kinds = new[]
        {
            Kind(Phone, phones.Values, 0, linkRows[0]),
            Kind(Vehicle, vehicles.Values, 0, linkRows[1]),
            Kind(Courier, courierKeys.Values, courierSightingNodes, linkRows[2]),
            Kind(Suspect, suspectKeys.Values, suspectSightingNodes, linkRows[3]),
        };
        var all = Kind("ALL", phones.Values.Concat(vehicles.Values).Concat(courierKeys.Values).Concat(suspectKeys.Values), courierSightingNodes + suspectSightingNodes, linkRows.Sum());
        var top = phones.Select(p => (Kind: Phone, Key: "+44" + p.Key.ToString(CultureInfo.InvariantCulture), p.Value))
            .Concat(vehicles.Select(v => (Kind: Vehicle, v.Key, v.Value)))
            .Concat(courierKeys.Select(c => (Kind: Courier, c.Key, c.Value)))
            .Concat(suspectKeys.Select(s => (Kind: Suspect, s.Key, s.Value)))
            .Where(n => n.Value.Incidents >= 20) // sorting nine million phones for ten would cost seconds a snapshot
            .OrderByDescending(n => n.Value.Incidents).Take(10)
            .Select(n => new TopNode(n.Kind, n.Key, n.Value.Incidents, ForceCount(n.Value.Forces)))
            .ToList();
        return new GrowthSnapshot(
            Incidents,
            seconds,
            [.. incidentsPerForce],
            all.Entities,
            all.LinkRows,
            (double)all.LinkRows / Math.Max(1, Incidents),
            courierKeys.Count + suspectKeys.Count,
            all.Matches,
            all.MatchIncidentRows,
            all,
            kinds,
            top);
    }

    private static KindFigures Kind(string kind, IEnumerable<NodeCount> nodes, long sightingNodes, long rows)
    {
        // Degrees as a histogram (degree -> nodes): percentiles and thresholds without sorting millions of values.
        var histogram = new Dictionary<int, long>();
        long entities = sightingNodes, matches = 0, matchRows = 0;
        if (sightingNodes > 0)
        {
            histogram[1] = sightingNodes;
        }

        foreach (var node in nodes)
        {
            entities++;
            histogram[node.Incidents] = histogram.GetValueOrDefault(node.Incidents) + 1;
            if (ForceCount(node.Forces) >= 2)
            {
                // MatchRule.ForcesNeeded: a node carried by incidents of two forces or more is a match holding all of them.
                matches++;
                matchRows += node.Incidents;
            }
        }

        var degrees = histogram.OrderBy(h => h.Key).ToArray();
        long AtLeast(int threshold) => degrees.Where(d => d.Key >= threshold).Sum(d => d.Value);
        int Percentile(double p)
        {
            if (entities == 0)
            {
                return 0;
            }

            // Nearest rank, as Percentiles does for latencies.
            var rank = (long)Math.Ceiling(p / 100.0 * entities);
            long seen = 0;
            foreach (var (degree, count) in degrees)
            {
                seen += count;
                if (seen >= rank)
                {
                    return degree;
                }
            }

            return degrees[^1].Key;
        }

        return new KindFigures(
            kind,
            entities,
            rows,
            matches,
            matchRows,
            entities == 0 ? 0 : (double)matches / entities,
            new DegreeFigures(
                Percentile(50), Percentile(90), Percentile(99), Percentile(99.9), degrees.Length == 0 ? 0 : degrees[^1].Key,
                entities == 0 ? 0 : degrees.Sum(d => (double)d.Key * d.Value) / entities,
                AtLeast(2), AtLeast(10), AtLeast(100), AtLeast(1_000), AtLeast(10_000), AtLeast(20_000)));
    }

    private static int ForceCount(byte forces) => System.Numerics.BitOperations.PopCount(forces);

    private static DateOnly? Date(string? text) =>
        text is null ? null : DateOnly.ParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture);

    /// <summary>
    /// The number's national significant digits, as the service's E.164 form (+44 and these) names it. The generator
    /// spells a UK number four ways (07..., "07... ...", "+44 7...", "447..."); the digits after the 0 or the 44 are the
    /// number. libphonenumber for 13 million numbers would be most of the run, so the first thousand are checked
    /// against the service's own <see cref="Normalise.PhoneNumber"/> and a difference stops the run.
    /// </summary>
    private long NationalNumber(string spelled)
    {
        long digits = 0;
        var count = 0;
        foreach (var c in spelled)
        {
            if (char.IsAsciiDigit(c))
            {
                digits = digits * 10 + (c - '0');
                count++;
            }
        }

        // 11 digits from 07..., 12 from 447...: drop the leading 0 or 44.
        var national = count is 11 or 12 ? digits % 10_000_000_000 : throw new InvalidOperationException($"unexpected number '{spelled}'");
        if (phoneChecks < 1000)
        {
            phoneChecks++;
            var e164 = Normalise.PhoneNumber(spelled);
            if (e164 != "+44" + national.ToString(CultureInfo.InvariantCulture))
            {
                throw new InvalidOperationException($"'{spelled}' is {e164 ?? "refused"} for the service, {national} here");
            }
        }

        return national;
    }
}
