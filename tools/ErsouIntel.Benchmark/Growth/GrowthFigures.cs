namespace ErsouIntel.Benchmark.Growth;

/// <summary>How many nodes carry how many incidents: nearest-rank percentiles over nodes, the mean, and nodes at or past each threshold.</summary>
internal sealed record DegreeFigures(
    int P50,
    int P90,
    int P99,
    int P999,
    int Max,
    double Mean,
    long AtLeast2,
    long AtLeast10,
    long AtLeast100,
    long AtLeast1000,
    long AtLeast10000,
    long AtLeast20000);

/// <summary>
/// One kind of node (or all): <c>li_entities</c> rows, the <c>li_links</c> rows pointing at them, the matches
/// (nodes carried by two forces or more: one <c>li_matches</c> row each) and their <c>li_match_incidents</c> rows.
/// </summary>
internal sealed record KindFigures(string Kind, long Entities, long LinkRows, long Matches, long MatchIncidentRows, double MatchShare, DegreeFigures Degree);

/// <summary>A node among the busiest: the hubs whose growth decides a walk's cost.</summary>
internal sealed record TopNode(string Kind, string Key, int Incidents, int Forces);

/// <summary>The graph after the first <see cref="Incidents"/> incidents of a stream.</summary>
internal sealed record GrowthSnapshot(
    long Incidents,
    double Seconds,
    IReadOnlyList<long> IncidentsPerForce,
    long Entities,
    long LinkRows,
    double LinkRowsPerIncident,
    long EntityKeys,
    long Matches,
    long MatchIncidentRows,
    KindFigures All,
    IReadOnlyList<KindFigures> Kinds,
    IReadOnlyList<TopNode> Top);

/// <summary>
/// The rows a benchmark run's import adds after its API share (the first 30,000), for setting beside the import's
/// measured <c>importEverythingCopy</c> tables: nodes, keys, links and matches as differences of two snapshots
/// (matches only grow while nothing is retracted, so the difference is the rows added).
/// </summary>
internal sealed record AfterApiShare(long ApiIncidents, long Incidents, long Entities, long EntityKeys, long LinkRows, long Matches, long MatchIncidentRows);

/// <summary>
/// A stream as a run of <see cref="Size"/> incidents makes it (pools sized for that many): its snapshot at the end,
/// at the benchmark's API share, and (for the largest) at each smaller checkpoint on the way, which is the same
/// region's gangs meeting more incidents rather than a run of that size.
/// </summary>
internal sealed record GrowthRun(int Size, int Scale, double Seconds, double CpuSeconds, GrowthSnapshot Final, AfterApiShare AfterApi, IReadOnlyList<GrowthSnapshot> OnTheWay);

/// <summary>What <c>--simulate-growth</c> writes: the command, the commit, the machine, and one run per size.</summary>
internal sealed record GrowthResults(
    DateTimeOffset StartedAt,
    DateTimeOffset FinishedAt,
    string CommandLine,
    string? GitCommit,
    bool? GitDirty,
    int Cores,
    string? Cpu,
    int Seed,
    string RunTag,
    double WallSeconds,
    long PeakRssBytes,
    IReadOnlyList<GrowthRun> Runs,
    IReadOnlyList<string> Notes);
