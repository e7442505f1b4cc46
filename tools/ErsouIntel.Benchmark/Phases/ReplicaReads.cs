using System.Globalization;
using ErsouIntel.Benchmark.Profiling;
using ErsouIntel.LoadClient;
using Npgsql;
using Spectre.Console;
using static ErsouIntel.Benchmark.Invariant;

namespace ErsouIntel.Benchmark.Phases;

/// <summary>One window of the replica phase: the ingest, the question load (window B only), and the CPU of each side.</summary>
internal sealed record ReplicaWindow(
    string Name, double WallSeconds, IngestResult Ingest, QuestionLoadResult? Questions,
    double ServiceCpuSeconds, double PrimaryCpuSeconds, double StandbyCpuSeconds);

/// <summary>The replica phase's figures (issue 21), filled in as it goes so a failure still reports what ran.</summary>
internal sealed class ReplicaResult
{
    public required double WindowSeconds { get; init; }

    public required double QuestionsPerSecond { get; init; }

    public required string RunTag { get; init; }

    public int? StandbyPort { get; set; }

    public List<ReplicaWindow> Windows { get; } = [];

    public StandbyShareResult? StandbyShare { get; set; }

    /// <summary>Anything the clean-up could not do (empty when the standby is gone and commits no longer wait for it).</summary>
    public List<string> CleanupProblems { get; } = [];

    /// <summary>Ingest with readers over the mean of the windows without (A before and after B).</summary>
    public double? IngestRatio
    {
        get
        {
            var quiet = Windows.Where(w => w.Questions is null).ToList();
            var loaded = Windows.FirstOrDefault(w => w.Questions is not null);
            return quiet.Count > 0 && loaded is not null && quiet.Average(w => w.Ingest.PerSecond) is > 0 and var mean
                ? loaded.Ingest.PerSecond / mean
                : null;
        }
    }
}

/// <summary>
/// Issue 21's replica benchmark: a synchronous standby of the bench cluster (<see cref="BenchStandby"/>), the service
/// restarted on both hosts (multi-host connection string, primary first), then three windows of the same length: A, API
/// ingest alone; B, the same ingest with an open-loop load of link questions (<see cref="QuestionLoad"/>), the standby's
/// share of their reads measured over it (<see cref="StandbyShare"/>); A again, so drift between the quiet windows
/// shows. Whatever happens, the service is stopped, the primary's commits stop waiting for the standby, and the standby
/// is stopped and deleted; the service then runs on the primary alone again.
/// </summary>
internal static class ReplicaReads
{
    private static readonly TimeSpan WarmUp = TimeSpan.FromSeconds(3);

    public static async Task RunAsync(ServiceSession session, BenchDatabase db, BenchOptions options, BenchResults results, CancellationToken cancellation)
    {
        // A local cluster's standby is made with pg_ctl and runuser, as the tests' are.
        if (OperatingSystem.IsWindows())
        {
            throw new BenchFailure("--replica makes a local standby with pg_ctl: Linux only.");
        }

        var starts = await LinkStartPicks.PickAsync(db, options.Queries, options.Seed, cancellation);
        // Incidents new to any database: the generator's region at the run's scale, under a tag of this run's own.
        var tag = "r" + DateTime.UtcNow.ToString("yyMMddHHmmss", CultureInfo.InvariantCulture);
        var result = new ReplicaResult { WindowSeconds = options.ReplicaSeconds, QuestionsPerSecond = options.ReplicaRate, RunTag = tag };
        results.Replicas = result;

        await using var log = new StreamWriter(Path.Combine(options.WorkFolder, "standby.log"), append: true) { AutoFlush = true };
        AnsiConsole.MarkupLine("   making a synchronous standby of the bench cluster (pg_basebackup of the whole cluster) ...");
        var standby = await BenchStandby.StartAsync(options, log, cancellation);
        result.StandbyPort = standby.Port;
        var completed = false;
        try
        {
            var admin = new NpgsqlConnectionStringBuilder(db.ServiceConnectionString);
            var bothHosts = new NpgsqlConnectionStringBuilder(db.ServiceConnectionString) { Host = Inv($"{admin.Host}:{admin.Port},127.0.0.1:{standby.Port}") }.ConnectionString;
            await session.RestartAsync(options, db, null, cancellation, connectionString: bothHosts);
            AnsiConsole.MarkupLine(Markup.Escape(Inv($"   standby at 127.0.0.1:{standby.Port} (synchronous); the service on both hosts")));

            using var feed = new IncidentFeed(IncidentGenerator.Stream(options.Seed, int.MaxValue, tag, scale: options.Incidents), options.Batch);
            // Not measured: the new instance's JIT, pools and plans, and the monitor's first rounds putting the standby in the read set.
            await TimedIngest.RunAsync(session.Api, session.Tokens, feed, WarmUp, options.ClientsPerForce, cancellation);
            await QuestionLoad.RunAsync(session.Api, session.Tokens, starts, Math.Min(options.ReplicaRate, 20), WarmUp, cancellation);

            var window = TimeSpan.FromSeconds(options.ReplicaSeconds);
            foreach (var (name, readers) in new[] { ("A", false), ("B", true), ("A again", false) })
            {
                AnsiConsole.MarkupLine(Markup.Escape(Inv($"   window {name}: {options.ReplicaSeconds} s of API ingest") + (readers ? Inv($" with {options.ReplicaRate} link questions a second") : ", no readers")));
                result.Windows.Add(await WindowAsync(name, readers, window, session, db, standby, feed, starts, options, result, results.Profiles, cancellation));
            }

            completed = true;
        }
        finally
        {
            // The service first, so no write of it is left waiting on the standby; then the standby (BenchStandby.StopAsync).
            await session.StopAsync();
            result.CleanupProblems.AddRange(await standby.StopAsync());
        }

        if (completed)
        {
            // What follows (the footprint) runs on the primary alone, as before.
            await session.RestartAsync(options, db, null, cancellation);
        }
    }

    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    private static async Task<ReplicaWindow> WindowAsync(
        string name, bool readers, TimeSpan window, ServiceSession session, BenchDatabase db, BenchStandby standby, IncidentFeed feed, LinkStartSet starts,
        BenchOptions options, ReplicaResult result, List<PhaseProfileResult> profiles, CancellationToken cancellation)
    {
        var standbyPostmaster = standby.Postmaster();
        var standbyDb = standby.ConnectionString(db.Name);
        await using var profile = await PhaseProfile.StartAsync(db.DataSource, "replica window " + name, session.Service.Pid, cancellation);
        var logHead = 0L;
        if (readers)
        {
            // Both servers' statements from zero, at (nearly) the same moment: the profile reset the primary's just now.
            await StandbyShare.ResetAsync(db.ConnectionString, cancellation);
            await StandbyShare.ResetAsync(standbyDb, cancellation);
            logHead = await StandbyShare.LogHeadAsync(db, cancellation);
        }

        var standbyCpu = PhaseProfile.PostgresCpuSeconds(standbyPostmaster);
        var ingest = TimedIngest.RunAsync(session.Api, session.Tokens, feed, window, options.ClientsPerForce, cancellation);
        var questions = readers ? QuestionLoad.RunAsync(session.Api, session.Tokens, starts, options.ReplicaRate, window, cancellation) : null;
        var ingested = await ingest;
        var asked = questions is null ? null : await questions;
        standbyCpu = PhaseProfile.PostgresCpuSeconds(standbyPostmaster) - standbyCpu;
        var figures = await profile.StopAsync(cancellation);
        profiles.Add(figures);
        if (readers)
        {
            result.StandbyShare = await StandbyShare.MeasureAsync(standbyDb, db, logHead, cancellation);
        }

        return new ReplicaWindow(name, figures.WallSeconds, ingested, asked, figures.ServiceCpuSeconds, figures.PostgresCpuSeconds, standbyCpu);
    }
}
