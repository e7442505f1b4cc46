using System.Diagnostics;
using ErsouIntel.Api.Links;
using ErsouIntel.Benchmark.Profiling;
using ErsouIntel.LoadClient;
using Spectre.Console;
using static ErsouIntel.Benchmark.Invariant;

namespace ErsouIntel.Benchmark.Phases;

/// <summary>
/// The API ingest with the link graph applied by the daemon: the figures beside the inline ones, and how long
/// after the last acknowledgement the graph held every incident pushed (null: not within the bound).
/// </summary>
internal sealed record DaemonIngestResult(IngestResult Ingest, RawCopyResult RawCopy, double? CatchUpSeconds, long LinkedIncidents)
{
    public double? Ratio => RawCopy is { PerSecond: > 0 } raw ? Ingest.PerSecond / raw.PerSecond : null;
}

/// <summary>
/// The same push as "ingest through the API", with <c>LinkGraph__Apply=Daemon</c>: a second service on a second
/// fresh database (<c>&lt;bench db&gt;_daemon</c>), so neither mode's rows slow the other's, fed the very same
/// incidents by the same senders in the same batches. Its own events-only raw COPY floor is taken on that
/// database, since the floor is what this database's tables cost. The daemon acknowledges before the graph
/// is written, so the rate alone would flatter it: the catch-up (ack of the last batch until
/// <c>ersou.li_incidents</c> holds every incident pushed) is measured too, and the profile runs until then.
/// </summary>
internal static class DaemonIngest
{
    public const string Setting = "LinkGraph__Apply";

    // Generous: at 30,000 incidents the daemon needs seconds; a graph still behind after this is a finding, not a hang.
    private static readonly TimeSpan CatchUpBound = TimeSpan.FromMinutes(10);
    private static readonly TimeSpan PollEvery = TimeSpan.FromMilliseconds(50);

    public static async Task<DaemonIngestResult> RunAsync(BenchOptions options, IReadOnlyList<GeneratedIncident> incidents, List<PhaseProfileResult> profiles, CancellationToken cancellation)
    {
        var db = await BenchDatabase.CreateAsync(options.AdminConnectionString, options.Database + "_daemon", cancellation);
        try
        {
            // A name of its own (its log and pid file beside the main service's); it must apply the schema to its empty database.
            var settings = new Dictionary<string, string> { [Setting] = "Daemon", ["Storage__ApplySchemaOnStartup"] = "true" };
            await using var service = await BenchService.StartAsync(options, db.ServiceConnectionString, cancellation, "service-daemon", settings);
            AnsiConsole.MarkupLine(Markup.Escape($"   daemon-mode service ready at {service.BaseUrl} (pid {service.Pid}) on {db.Name}; its log is {Path.Combine(options.WorkFolder, "service-daemon.log")}"));
            using var api = new GraphQLClient(service.BaseUrl);
            using var tokens = new Tokens(api.Http);

            IngestResult ingest;
            double? catchUp;
            long linked;
            await using (var profile = await PhaseProfile.StartAsync(db.DataSource, "API ingest (daemon), until the graph caught up", service.Pid, cancellation))
            {
                ingest = await LiveProgress.RunAsync(ctx => ApiIngest.RunAsync(
                    api, tokens, incidents, options.Batch, options.ClientsPerForce,
                    ctx.AddTask(Inv($"reportIncidents, daemon mode: {incidents.Count:N0} incidents from {6 * options.ClientsPerForce} senders"), maxValue: incidents.Count),
                    cancellation));
                (catchUp, linked) = await CatchUpAsync(db, incidents.Count, cancellation);
                profiles.Add(await profile.StopAsync(cancellation));
            }

            var upTo = await RawCopy.MaxSequenceAsync(db, cancellation);
            var raw = await LiveProgress.RunAsync(ctx => RawCopy.RunAsync(db, 0, upTo, "API incidents (daemon)", ctx, cancellation));
            return new DaemonIngestResult(ingest, raw, catchUp, linked);
        }
        finally
        {
            // The service is stopped by now (its using ended); its database goes whatever happened.
            await db.DropAsync();
        }
    }

    /// <summary>
    /// Before an inline database is served in daemon mode: the daemon's position set to the newest event. Inline
    /// wrote the graph in each event's own transaction, so it holds every event stored; without a position the
    /// daemon would replay the whole store (idempotent, but the freshness probes would wait behind it).
    /// </summary>
    public static Task StartAtHeadAsync(BenchDatabase db, CancellationToken cancellation) =>
        db.ExecuteAsync(
            $"""
            insert into ersou.mt_event_progression (name, last_seq_id)
            select '{LinkGraphProjection.Shard}', coalesce(max(seq_id), 0) from ersou.mt_events
            on conflict (name) do update set last_seq_id = excluded.last_seq_id, last_updated = now()
            """,
            cancellation);

    /// <summary>Seconds until the daemon's position reaches the newest event (null: not within the bound).</summary>
    public static async Task<double?> WaitForHeadAsync(BenchDatabase db, CancellationToken cancellation)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < CatchUpBound)
        {
            if (await db.ScalarAsync<bool>(
                $"select coalesce((select last_seq_id from ersou.mt_event_progression where name = '{LinkGraphProjection.Shard}'), -1) >= (select coalesce(max(seq_id), 0) from ersou.mt_events)",
                cancellation))
            {
                return clock.Elapsed.TotalSeconds;
            }

            await Task.Delay(PollEvery, cancellation);
        }

        return null;
    }

    /// <summary>Seconds from now (the last acknowledgement) until the graph holds <paramref name="pushed"/> incidents, and how many it held at the end.</summary>
    private static async Task<(double? Seconds, long Linked)> CatchUpAsync(BenchDatabase db, int pushed, CancellationToken cancellation)
    {
        var clock = Stopwatch.StartNew();
        long linked = 0;
        while (clock.Elapsed < CatchUpBound)
        {
            linked = await db.ScalarAsync<long>("select count(*) from ersou.li_incidents", cancellation);
            if (linked >= pushed)
            {
                return (clock.Elapsed.TotalSeconds, linked);
            }

            await Task.Delay(PollEvery, cancellation);
        }

        return (null, linked);
    }
}
