using System.Globalization;
using ErsouIntel.Api.Hosting;

namespace ErsouIntel.Benchmark;

/// <summary>What one benchmark run does, from its command line; every option is checked before anything starts.</summary>
internal sealed record BenchOptions(
    int Incidents,
    int Seed,
    int ApiIncidents,
    int Batch,
    int ClientsPerForce,
    int Queries,
    int MaxHops,
    IReadOnlyList<int> LinkedHops,
    int FreshnessIncidents,
    int Probes,
    int Subscribers,
    string SubscriberTransport,
    int SubscriberIncidents,
    int SubscriberProbes,
    int WatchersPerProbe,
    int SubscriberSteps,
    bool NoSubscribers,
    bool NoDaemon,
    bool NoQuestions,
    bool NoFloors,
    string Out,
    string AdminConnectionString,
    string Database,
    string RepoRoot,
    string WorkFolder,
    bool Keep,
    bool NoImport,
    bool Reuse,
    int LogEntries,
    int LogFillMinutes,
    int LogRounds,
    bool Replica,
    int ReplicaSeconds,
    int ReplicaRate,
    IReadOnlyList<string> CommandLine)
{
    public const string Usage =
        """
        usage: ErsouIntel.Benchmark [options]        (normally through scripts/benchmark.sh)
          --incidents N              incidents in all (default 100000)
          --seed S                   generator seed (default 42)
          --api-incidents N          of those, pushed through the GraphQL API (default min(N, 30000)); the rest go through import
          --batch B                  reportIncidents batch size, 1 to 500 (default 100)
          --clients-per-force C      concurrent senders per force, 1 to 16 (default 1)
          --queries Q                random starts for the link questions (default 1000): couriersLinkedTo, network
                                     and linkedCouriers from each, paths from each that has a courier 2+ hops
                                     away, and as many search texts
          --max-hops H               couriersLinkedTo first pages at 1 to H hops, 1 to 3 (default 3)
          --linked-hops LIST         linkedCouriers at these hops, comma-separated, 1 to 3 (default 2)
          --freshness-incidents F    incidents pushed while freshness is probed (default min(N/10, 20000))
          --probes P                 freshness probes (default 100)
          --subscribers S            alert subscribers, each a user of its own, on a second instance (default 1000)
          --subscriber-transport T   sse (graphql-sse at /graphql/stream) or ws (graphql-transport-ws at /graphql) (default sse)
          --subscriber-incidents F   incidents pushed while the subscribers listen (default as --freshness-incidents)
          --subscriber-probes P      probes pushed while they listen, one per 250 ms (default 100)
          --watchers-per-probe W     subscribers watching each probe's number (default 10, at most S)
          --subscriber-steps K       steps of connecting subscribers, for the memory slope (default 4)
          --no-subscribers           skip the alert subscribers' phase (the report says so)
          --no-questions             skip the link questions (an ingest-only run: API, import, freshness, floors)
          --no-floors                skip the import's two COPY floors, which hold two more copies of its rows
                                     while they run (a run at the largest size the disk holds)
          --no-daemon                skip the daemon mode's phases (LinkGraph__Apply=Daemon): its API ingest on a
                                     second database and its freshness run; the report says so
          --out FILE                 the JSON results (default bench-results/bench-<N>-<yyyyMMdd-HHmmss>.json)
          --connection-string CS     admin connection to the PostgreSQL cluster (default: env ERSOU_BENCH_ADMIN)
          --database NAME            the bench database, dropped and made afresh (default ersou_bench)
          --work DIR                 logs and the import file (default: a new folder under the system temp folder)
          --keep                     keep the bench database at the end
          --no-import                skip the bulk backfill (the API phase takes all N incidents)
          --reuse                    ask the link questions on the database a kept run (--keep) loaded: no loading,
                                     no freshness phase, the database is kept; for looking into the link queries
          --log-entries N            the provable log's benchmark (issue 19) alone, nothing else: API ingest of
                                     --incidents with the tree on and off (each on a fresh database, --log-rounds
                                     times each) with the checkpoint lag, then the log filled with N synthetic
                                     entries (binary COPY, under the append lock) and --queries inclusion and
                                     consistency proofs timed through the API beside their SQL
          --log-fill-minutes M       stop filling after M minutes and measure at the size reached (default 10)
          --log-rounds R             ingest runs with the tree on and with it off, alternating (default 2)
          --replica                  the replica phase (issue 21): a synchronous standby of the bench cluster, the
                                     service on both hosts, windows of API ingest without readers, with an open-loop
                                     load of link questions, and without again; the standby's share of the questions'
                                     reads; the standby removed afterwards. After loading, before the footprint; with
                                     --reuse instead of the link questions
          --replica-seconds T        each replica window's length (default 60)
          --replica-rate Q           link questions a second in the replica phase's loaded window (default 50)
          --simulate-growth N        no database, no service: the link graph a run of each size up to N would leave
                                     (100k, 1M, 2M, 5M, 10M, N), counted from the generator's incidents on the CPU
                                     (nodes, link rows, degrees, matches); takes --seed and --out (default
                                     bench-results/growth-<N>-<time>.json); docs/scaling.md
        """;

    public static BenchOptions Parse(string[] args)
    {
        var values = CommandOptions.Parse(args, flags: ["keep", "no-import", "reuse", "no-subscribers", "no-daemon", "no-questions", "no-floors", "replica"]);

        var known = new[] { "incidents", "seed", "api-incidents", "batch", "clients-per-force", "queries", "max-hops", "linked-hops", "freshness-incidents", "probes", "subscribers", "subscriber-transport", "subscriber-incidents", "subscriber-probes", "watchers-per-probe", "subscriber-steps", "out", "connection-string", "database", "work", "log-entries", "log-fill-minutes", "log-rounds", "replica-seconds", "replica-rate" };
        foreach (var name in values.Names.Where(k => !known.Contains(k)))
        {
            throw new ArgumentException($"Unknown option --{name}.");
        }

        var noImport = values.Has("no-import");
        var incidents = Int(values, "incidents", 100_000, 60, 50_000_000);
        var apiIncidents = Int(values, "api-incidents", noImport ? incidents : Math.Min(incidents, 30_000), 6, incidents);
        if (noImport && apiIncidents != incidents)
        {
            throw new ArgumentException("--no-import sends every incident through the API: leave --api-incidents out (or equal to --incidents).");
        }

        var database = values.GetValueOrDefault("database") ?? "ersou_bench";
        // 56, not 63: the daemon's ingest runs on a database of its own named <database>_daemon.
        if (database.Length > 56 || !database.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '_') || !char.IsAsciiLetterLower(database[0]))
        {
            throw new ArgumentException("--database takes a lower-case name of letters, digits and '_' (at most 56), starting with a letter.");
        }

        var admin = values.GetValueOrDefault("connection-string") ?? Environment.GetEnvironmentVariable("ERSOU_BENCH_ADMIN");
        if (string.IsNullOrWhiteSpace(admin))
        {
            throw new ArgumentException("No admin connection: pass --connection-string or set ERSOU_BENCH_ADMIN (scripts/benchmark.sh does).");
        }

        // The repository the run measures: the nearest folder up from here holding ErsouIntel.sln.
        var freshness = Int(values, "freshness-incidents", Math.Min(incidents / 10, 20_000), 0, 10_000_000);
        var subscribers = Int(values, "subscribers", 1000, 1, 20_000);
        var transport = values.GetValueOrDefault("subscriber-transport") ?? "sse";
        if (transport is not ("sse" or "ws"))
        {
            throw new ArgumentException($"--subscriber-transport is sse or ws, not '{transport}'.");
        }

        var subscriberProbes = Int(values, "subscriber-probes", 100, 1, 100_000);
        var watchers = Int(values, "watchers-per-probe", Math.Min(10, subscribers), 1, subscribers);
        // Each subscriber's user watches its share of the probes' numbers: the contract allows 500 live watches each.
        if ((long)subscriberProbes * watchers > 500L * subscribers)
        {
            throw new ArgumentException("--subscriber-probes x --watchers-per-probe would give a subscriber more than 500 watches: fewer probes or watchers, or more subscribers.");
        }

        var root = RepositoryRoot.Find() ?? throw new ArgumentException("Run from inside the ErsouIntel repository (no ErsouIntel.sln found above here).");
        var stamp = DateTime.Now.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture);
        var work = values.GetValueOrDefault("work") ?? Path.Combine(Path.GetTempPath(), $"ersou-bench-{stamp}");
        return new BenchOptions(
            incidents,
            Int(values, "seed", 42, 0, int.MaxValue),
            apiIncidents,
            Int(values, "batch", 100, 1, 500),
            Int(values, "clients-per-force", 1, 1, 16),
            Int(values, "queries", 1000, 1, 1_000_000),
            Int(values, "max-hops", 3, 1, 3),
            Hops(values.GetValueOrDefault("linked-hops") ?? "2"),
            freshness,
            Int(values, "probes", 100, 1, 100_000),
            subscribers,
            transport,
            Int(values, "subscriber-incidents", freshness, 0, 10_000_000),
            subscriberProbes,
            watchers,
            Int(values, "subscriber-steps", 4, 1, 20),
            values.Has("no-subscribers"),
            values.Has("no-daemon"),
            values.Has("no-questions"),
            values.Has("no-floors"),
            values.GetValueOrDefault("out") ?? Path.Combine(root, "bench-results", values.GetValueOrDefault("log-entries") is not null
                ? string.Create(CultureInfo.InvariantCulture, $"bench-log-{values.GetValueOrDefault("log-entries")}-{stamp}.json")
                : string.Create(CultureInfo.InvariantCulture, $"bench-{incidents}-{stamp}.json")),
            admin,
            database,
            root,
            Path.GetFullPath(work),
            values.Has("keep") || values.Has("reuse"),
            noImport,
            values.Has("reuse"),
            Int(values, "log-entries", 0, 0, 100_000_000),
            Int(values, "log-fill-minutes", 10, 1, 240),
            Int(values, "log-rounds", 2, 1, 10),
            values.Has("replica"),
            Int(values, "replica-seconds", 60, 5, 3600),
            Int(values, "replica-rate", 50, 1, 1000),
            args);
    }

    public int ImportIncidents => Incidents - ApiIncidents;

    public string ServiceDll => Path.Combine(RepoRoot, "src", "ErsouIntel.Api", "bin", "Release", "net10.0", "ErsouIntel.Api.dll");

    private static int[] Hops(string text)
    {
        var hops = text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(h => int.TryParse(h, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n is >= 1 and <= 3 ? n : 0)
            .Distinct().Order().ToArray();
        return hops.Length > 0 && hops[0] > 0
            ? hops
            : throw new ArgumentException($"--linked-hops takes hop counts from 1 to 3 separated by commas, not '{text}'.");
    }

    private static int Int(CommandOptions values, string name, int fallback, int min, int max)
    {
        if (!values.TryGetValue(name, out var text))
        {
            return fallback;
        }

        if (!int.TryParse(text.Replace("_", "", StringComparison.Ordinal), NumberStyles.None, CultureInfo.InvariantCulture, out var value))
        {
            throw new ArgumentException($"--{name} takes a whole number, not '{text}'.");
        }

        return value >= min && value <= max
            ? value
            : throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"--{name} must be between {min} and {max}, not {value}."));
    }
}
