using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using ErsouIntel.Api.Hosting;
using ErsouIntel.LoadClient;
using static ErsouIntel.Benchmark.Invariant;

namespace ErsouIntel.Benchmark.Growth;

/// <summary>
/// <c>--simulate-growth N</c> (docs/scaling.md): the link graph a benchmark run of each size would leave, counted
/// on the CPU with no database, so the capacity model's slope can be checked at sizes this machine cannot load.
/// Each size is streamed exactly as a run of that size streams it (<c>IncidentGenerator.Stream(seed, n, "b&lt;seed&gt;",
/// scale: n)</c>: the same incidents in the same order, pools sized for n), so its figures set beside a database
/// run of that size; the largest is also counted at each smaller checkpoint on its way.
/// </summary>
internal static class GrowthSimulation
{
    public const string Option = "--simulate-growth";

    /// <summary>The benchmark's API share (BenchOptions: min(N, 30,000)): what a run's import adds comes after it.</summary>
    private const int ApiShare = 30_000;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    private static readonly int[] Checkpoints = [100_000, 1_000_000, 2_000_000, 5_000_000, 10_000_000];

    public static bool Requested(string[] args) => args.Contains(Option);

    public static async Task<int> RunAsync(string[] args)
    {
        int largest, seed;
        string output;
        try
        {
            var values = CommandOptions.Parse(args, flags: []);
            foreach (var name in values.Names.Where(n => n is not ("simulate-growth" or "seed" or "out")))
            {
                throw new ArgumentException($"--{name} does not go with {Option} (it takes --seed and --out).");
            }

            largest = Whole(values, "simulate-growth", null, 1_000, 50_000_000);
            seed = Whole(values, "seed", 42, 0, int.MaxValue);
            var root = RepositoryRoot.Find() ?? throw new ArgumentException("Run from inside the ErsouIntel repository (no ErsouIntel.sln found above here).");
            output = values.GetValueOrDefault("out") ?? Path.Combine(root, "bench-results", Inv($"growth-{largest}-{DateTime.Now:yyyyMMdd-HHmmss}.json"));
        }
        catch (ArgumentException e)
        {
            await Console.Error.WriteLineAsync(e.Message);
            await Console.Error.WriteLineAsync(BenchOptions.Usage);
            return 2;
        }

        var started = DateTimeOffset.UtcNow;
        var wall = Stopwatch.StartNew();
        var runTag = Inv($"b{seed}");
        var sizes = Checkpoints.Where(c => c < largest).Append(largest).ToArray();
        Console.WriteLine(Inv($"growth simulation: runs of {string.Join(", ", sizes.Select(s => s.ToString("N0", CultureInfo.InvariantCulture)))} incidents (seed {seed}), no database"));
        var runs = new List<GrowthRun>();
        foreach (var size in sizes)
        {
            runs.Add(Run(seed, runTag, size, size == largest ? sizes.Where(s => s < size).ToArray() : []));

            // One run's dictionaries are garbage once it is counted: give them back before the next, larger one.
            GC.Collect();
        }

        var repo = RepositoryRoot.Find()!;
        var commit = await MachineFacts.GitAsync(repo, "rev-parse HEAD");
        var status = await MachineFacts.GitAsync(repo, "status --porcelain --untracked-files=no");
        var results = new GrowthResults(
            started,
            DateTimeOffset.UtcNow,
            "ErsouIntel.Benchmark " + string.Join(' ', args),
            commit?.Trim(),
            status is null ? null : status.Trim().Length > 0,
            Environment.ProcessorCount,
            MachineFacts.CpuModel(),
            seed,
            runTag,
            wall.Elapsed.TotalSeconds,
            PeakRssBytes(),
            runs,
            [
                "Counted from the generator's incidents with the service's own normalisation (Normalise, PersonKeys) and the link graph's rules (li_doc_links, MatchRule): no database, no service.",
                "Degrees count incidents per node (li_match_incidents counts the same); link rows count li_links rows (a number twice on one incident is two rows).",
                "Matches are nodes carried by two forces or more; the benchmark's own cases (a probe's case) are not generated, so case matches are not counted.",
            ]);

        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(output))!);
        await using (var file = File.Create(output))
        {
            await JsonSerializer.SerializeAsync(file, results, Json);
        }

        Console.WriteLine(Inv($"done in {wall.Elapsed.TotalSeconds:F0} s, peak RSS {PeakRssBytes() / 1048576.0:F0} MB; results: {output}"));
        return 0;
    }

    private static GrowthRun Run(int seed, string runTag, int size, int[] onTheWay)
    {
        var tally = new RegionTally();
        var clock = Stopwatch.StartNew();
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        GrowthSnapshot? atApi = null;
        var snapshots = new List<GrowthSnapshot>();
        foreach (var incident in IncidentGenerator.Stream(seed, size, runTag, scale: size))
        {
            tally.Add(incident);
            if (tally.Incidents == Math.Min(ApiShare, size))
            {
                atApi = tally.Snapshot(clock.Elapsed.TotalSeconds);
            }

            if (onTheWay.Contains((int)tally.Incidents))
            {
                snapshots.Add(Print(size, tally.Snapshot(clock.Elapsed.TotalSeconds)));
            }
        }

        var final = Print(size, tally.Snapshot(clock.Elapsed.TotalSeconds));
        var used = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds;
        var api = atApi!;
        return new GrowthRun(
            size,
            size,
            clock.Elapsed.TotalSeconds,
            used,
            final,
            new AfterApiShare(
                api.Incidents,
                final.Incidents - api.Incidents,
                final.Entities - api.Entities,
                final.EntityKeys - api.EntityKeys,
                final.LinkRows - api.LinkRows,
                final.Matches - api.Matches,
                final.MatchIncidentRows - api.MatchIncidentRows),
            snapshots);
    }

    private static GrowthSnapshot Print(int size, GrowthSnapshot s)
    {
        var phone = s.Kinds.Single(k => k.Kind == RegionTally.Phone);
        Console.WriteLine(Inv(
            $"  run {size:N0} at {s.Incidents:N0}: {s.Seconds:F1} s; {s.Entities:N0} entities, {s.LinkRows:N0} link rows ({s.LinkRowsPerIncident:F3}/incident), {s.Matches:N0} matches ({s.MatchIncidentRows:N0} match rows); degree p50 {s.All.Degree.P50} / p99 {s.All.Degree.P99} / max {s.All.Degree.Max}; >=100: {s.All.Degree.AtLeast100:N0}, >=1000: {s.All.Degree.AtLeast1000:N0}; phones {phone.Entities:N0}; RSS {PeakRssBytes() / 1048576.0:F0} MB"));
        return s;
    }

    private static long PeakRssBytes()
    {
        var line = File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
        var kb = line?.Split(' ', StringSplitOptions.RemoveEmptyEntries).ElementAtOrDefault(1);
        return long.TryParse(kb, NumberStyles.None, CultureInfo.InvariantCulture, out var value) ? value * 1024 : 0;
    }

    private static int Whole(CommandOptions values, string name, int? fallback, int min, int max)
    {
        if (!values.TryGetValue(name, out var text))
        {
            return fallback ?? throw new ArgumentException($"--{name} needs a value.");
        }

        return int.TryParse(text.Replace("_", "", StringComparison.Ordinal), NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max
            ? value
            : throw new ArgumentException(Inv($"--{name} takes a whole number from {min} to {max}, not '{text}'."));
    }
}
