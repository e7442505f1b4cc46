using System.Diagnostics;
using System.Globalization;
using Npgsql;

namespace ErsouIntel.Benchmark.Profiling;

/// <summary>Where one phase's time went, on both sides of the connection.</summary>
internal sealed record PhaseProfileResult(
    string Phase,
    double WallSeconds,
    double ServiceCpuSeconds,
    double PostgresCpuSeconds,
    double ChildCpuSeconds,
    double ToolCpuSeconds,
    long Commits,
    long Deadlocks,
    long WalBytes,
    long WalSyncs,
    double WalSyncMs,
    double WalWriteMs,
    int ActivitySamples,
    IReadOnlyList<WaitShare> Waits,
    IReadOnlyList<StatementCost> Statements,
    string? Missing);

/// <summary>Share of the sampled active backends in one wait (CPU: running, no wait).</summary>
internal sealed record WaitShare(string Wait, int Samples, double Share);

/// <summary>One normalised statement from pg_stat_statements (track = all: also those inside PL/pgSQL functions).</summary>
internal sealed record StatementCost(string Query, long Calls, double TotalMs, double MeanMs, long Rows, bool TopLevel);

/// <summary>
/// A profile of one phase, taken without stopping it: CPU seconds of the service, of PostgreSQL
/// (the bench cluster's processes alive, plus what its postmaster reaped of those that ended) and of the tool's
/// reaped children (the import process); pg_stat_database and pg_stat_wal deltas (commits,
/// deadlocks, WAL flushes and their time); pg_stat_activity sampled every 50 ms for what the bench
/// database's active backends wait on; and the costliest statements (pg_stat_statements, reset at
/// the start). The local cluster preloads pg_stat_statements (LocalPostgres); where it is not
/// loaded the profile says so and carries the rest.
/// </summary>
internal sealed class PhaseProfile : IAsyncDisposable
{
    private static readonly double Tick = 100.0; // USER_HZ on Linux
    private readonly NpgsqlDataSource db;
    private readonly string phase;
    private readonly int? servicePid;
    private readonly int postmaster;
    private readonly Stopwatch clock = Stopwatch.StartNew();
    private readonly CancellationTokenSource stopSampling = new();
    private readonly Dictionary<string, int> waits = new(StringComparer.Ordinal);
    private readonly Task sampler;
    private readonly bool statements;
    private readonly double serviceCpu0, postgresCpu0, childCpu0, toolCpu0;
    private readonly long commits0, deadlocks0, walBytes0, walSyncs0;
    private readonly double walSyncMs0, walWriteMs0;
    private int samples;

    private PhaseProfile(NpgsqlDataSource db, string phase, int? servicePid, int postmaster, bool statements, (long Commits, long Deadlocks) database, (long Bytes, long Syncs, double SyncMs, double WriteMs) wal)
    {
        this.db = db;
        this.postmaster = postmaster;
        this.phase = phase;
        this.servicePid = servicePid;
        this.statements = statements;
        serviceCpu0 = servicePid is { } pid ? CpuSeconds(pid, children: false) : 0;
        postgresCpu0 = PostgresCpuSeconds(postmaster);
        (childCpu0, toolCpu0) = (CpuSeconds(Environment.ProcessId, children: true), CpuSeconds(Environment.ProcessId, children: false));
        (commits0, deadlocks0) = database;
        (walBytes0, walSyncs0, walSyncMs0, walWriteMs0) = wal;
        sampler = SampleAsync(stopSampling.Token);
    }

    public static async Task<PhaseProfile> StartAsync(NpgsqlDataSource db, string phase, int? servicePid, CancellationToken cancellation)
    {
        var statements = await TryResetStatementsAsync(db, cancellation);
        return new PhaseProfile(db, phase, servicePid, await PostmasterAsync(db, cancellation), statements, await DatabaseAsync(db, cancellation), await WalAsync(db, cancellation));
    }

    public async Task<PhaseProfileResult> StopAsync(CancellationToken cancellation)
    {
        var wall = clock.Elapsed.TotalSeconds;
        var serviceCpu = servicePid is { } pid ? CpuSeconds(pid, children: false) - serviceCpu0 : 0;
        var postgresCpu = PostgresCpuSeconds(postmaster) - postgresCpu0;
        var childCpu = CpuSeconds(Environment.ProcessId, children: true) - childCpu0;
        var toolCpu = CpuSeconds(Environment.ProcessId, children: false) - toolCpu0;
        await stopSampling.CancelAsync();
        await sampler;
        var (commits, deadlocks) = await DatabaseAsync(db, cancellation);
        var (walBytes, walSyncs, walSyncMs, walWriteMs) = await WalAsync(db, cancellation);
        var top = statements ? await TopStatementsAsync(db, cancellation) : [];
        var waitShares = waits.OrderByDescending(w => w.Value).Take(10)
            .Select(w => new WaitShare(w.Key, w.Value, samples == 0 ? 0 : (double)w.Value / samples)).ToList();
        return new PhaseProfileResult(
            phase, wall, serviceCpu, postgresCpu, childCpu, toolCpu,
            commits - commits0, deadlocks - deadlocks0, walBytes - walBytes0, walSyncs - walSyncs0, walSyncMs - walSyncMs0, walWriteMs - walWriteMs0,
            samples, waitShares, top,
            statements ? null : "pg_stat_statements is not loaded in this cluster (stop it with `dotnet run --project src/ErsouIntel.Api -- local-postgres stop`; the next start preloads it)");
    }

    public async ValueTask DisposeAsync()
    {
        if (!stopSampling.IsCancellationRequested)
        {
            await stopSampling.CancelAsync();
        }

        try
        {
            await sampler;
        }
        catch (OperationCanceledException)
        {
        }

        stopSampling.Dispose();
    }

    /// <summary>Every 50 ms: what each active backend of the bench database (not this sampler) is doing.</summary>
    private async Task SampleAsync(CancellationToken stop)
    {
        try
        {
            await using var connection = await db.OpenConnectionAsync(stop);
            await using var command = new NpgsqlCommand(
                "select coalesce(wait_event_type || ':' || wait_event, 'CPU') from pg_stat_activity " +
                "where datname = current_database() and state = 'active' and pid <> pg_backend_pid() and backend_type = 'client backend'", connection);
            while (!stop.IsCancellationRequested)
            {
                await using (var reader = await command.ExecuteReaderAsync(stop))
                {
                    while (await reader.ReadAsync(stop))
                    {
                        var wait = reader.GetString(0);
                        waits[wait] = waits.GetValueOrDefault(wait) + 1;
                        samples++;
                    }
                }

                await Task.Delay(50, stop);
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
    }

    private static async Task<bool> TryResetStatementsAsync(NpgsqlDataSource db, CancellationToken cancellation)
    {
        try
        {
            await using var command = db.CreateCommand(
                "create extension if not exists pg_stat_statements; set pg_stat_statements.track = 'all'; select pg_stat_statements_reset()");
            await command.ExecuteNonQueryAsync(cancellation);
            return true;
        }
        catch (PostgresException e) when (e.SqlState is "55000" or "58P01" or "42704")
        {
            // 55000: not in shared_preload_libraries; 58P01/42704: the extension is not installed.
            return false;
        }
    }

    private static async Task<(long Commits, long Deadlocks)> DatabaseAsync(NpgsqlDataSource db, CancellationToken cancellation)
    {
        await using var command = db.CreateCommand("select xact_commit, deadlocks from pg_stat_database where datname = current_database()");
        await using var reader = await command.ExecuteReaderAsync(cancellation);
        await reader.ReadAsync(cancellation);
        return (reader.GetInt64(0), reader.GetInt64(1));
    }

    private static async Task<(long Bytes, long Syncs, double SyncMs, double WriteMs)> WalAsync(NpgsqlDataSource db, CancellationToken cancellation)
    {
        await using var command = db.CreateCommand("select wal_bytes::bigint, wal_sync, wal_sync_time, wal_write_time from pg_stat_wal");
        await using var reader = await command.ExecuteReaderAsync(cancellation);
        await reader.ReadAsync(cancellation);
        return (reader.GetInt64(0), reader.GetInt64(1), reader.GetDouble(2), reader.GetDouble(3));
    }

    private static async Task<List<StatementCost>> TopStatementsAsync(NpgsqlDataSource db, CancellationToken cancellation)
    {
        await using var command = db.CreateCommand(
            "select regexp_replace(query, '\\s+', ' ', 'g'), calls, total_exec_time + total_plan_time, (total_exec_time + total_plan_time) / greatest(calls, 1), rows, toplevel " +
            "from pg_stat_statements where dbid = (select oid from pg_database where datname = current_database()) " +
            "order by total_exec_time + total_plan_time desc limit 15");
        await using var reader = await command.ExecuteReaderAsync(cancellation);
        var top = new List<StatementCost>();
        while (await reader.ReadAsync(cancellation))
        {
            var text = reader.GetString(0);
            top.Add(new StatementCost(text.Length > 160 ? text[..160] + "…" : text, reader.GetInt64(1), reader.GetDouble(2), reader.GetDouble(3), reader.GetInt64(4), reader.GetBoolean(5)));
        }

        return top;
    }

    /// <summary>utime + stime of a process (or, with <paramref name="children"/>, of its reaped children) from /proc.</summary>
    private static double CpuSeconds(int pid, bool children)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            // After "pid (comm) ": state is field 3, utime 14, stime 15, cutime 16, cstime 17 (1-based).
            var (a, b) = children ? (13, 14) : (11, 12);
            return (long.Parse(fields[a], CultureInfo.InvariantCulture) + long.Parse(fields[b], CultureInfo.InvariantCulture)) / Tick;
        }
        catch (IOException)
        {
            return 0;
        }
    }

    /// <summary>
    /// The bench cluster's postmaster and every child of it alive, plus what the postmaster reaped of children that
    /// ended. The postmaster is the checkpointer's parent, asked of the cluster itself: another cluster on the machine
    /// (the tests') is not counted. The replica phase counts its standby's the same way, from the standby's postmaster.
    /// </summary>
    internal static double PostgresCpuSeconds(int postmaster)
    {
        double total = CpuSeconds(postmaster, children: false) + CpuSeconds(postmaster, children: true);
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out var pid) || pid == postmaster)
            {
                continue;
            }

            try
            {
                var stat = File.ReadAllText(Path.Combine(dir, "stat"));
                if (int.Parse(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[1], CultureInfo.InvariantCulture) == postmaster)
                {
                    total += CpuSeconds(pid, children: false);
                }
            }
            catch (IOException)
            {
                // Ended while we looked.
            }
        }

        return total;
    }

    private static async Task<int> PostmasterAsync(NpgsqlDataSource db, CancellationToken cancellation)
    {
        await using var command = db.CreateCommand("select pid from pg_stat_activity where backend_type = 'checkpointer'");
        var checkpointer = Convert.ToInt32(await command.ExecuteScalarAsync(cancellation), CultureInfo.InvariantCulture);
        var stat = await File.ReadAllTextAsync($"/proc/{checkpointer}/stat", cancellation);
        return int.Parse(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[1], CultureInfo.InvariantCulture);
    }
}
