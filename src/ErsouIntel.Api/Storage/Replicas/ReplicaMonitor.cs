using Microsoft.Extensions.Options;
using Npgsql;

namespace ErsouIntel.Api.Storage.Replicas;

/// <summary>
/// Asks every host where it stands, every <see cref="ReplicationOptions.PollInterval"/>: the primary its WAL position
/// and how many synchronous standbys stream, each standby how far it has replayed. From those comes each standby's lag
/// (how old its view is), which decides the read set (<see cref="ReadSource"/>), readiness and the lag metric. Runs only
/// when the connection string names more than one host.
/// </summary>
public sealed partial class ReplicaMonitor(DatabaseHosts hosts, IOptions<ReplicationOptions> options, TimeProvider clock, ILogger<ReplicaMonitor> logger)
    : BackgroundService
{
    private const string PrimarySql =
        "select (pg_current_wal_lsn() - '0/0')::bigint, current_setting('synchronous_standby_names'), " +
        // Without pg_monitor (or pg_read_all_stats) the sync_state column reads null: unknown, not zero.
        "case when pg_has_role(current_user, 'pg_read_all_stats', 'member') then " +
        "(select count(*) from pg_stat_replication where state = 'streaming' and sync_state in ('sync', 'quorum'))::int end";

    private const string StandbySql = "select pg_is_in_recovery(), (pg_last_wal_replay_lsn() - '0/0')::bigint";

    private readonly List<(long At, long Lsn)> primarySamples = [];
    private readonly HashSet<string> reported = [];
    private ReplicationView view = ReplicationView.Unknown;

    /// <summary>The last round's view (all-primary before the first).</summary>
    public ReplicationView View => Volatile.Read(ref view);

    public long MaxLagTicks => (long)(options.Value.MaxReadLag.TotalSeconds * clock.TimestampFrequency);

    /// <summary>A standby that failed a read between two rounds: out of the read set until the next round finds it again.</summary>
    public void Lost(string host)
    {
        var current = View;
        Volatile.Write(ref view, current with { Standbys = [.. current.Standbys.Select(s => s.Host == host ? s with { Reachable = false } : s)] });
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.PollInterval, clock);
        do
        {
            try
            {
                var before = View;
                Volatile.Write(ref view, await RoundAsync(stoppingToken));
                var now = clock.GetTimestamp();
                Telemetry.ErsouMetrics.ReplicationSampled(View, now, clock.TimestampFrequency);
                ReportReadSetChanges(before, View, now);
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                // A round that fails in a way a probe does not expect must not end the monitor: the view it leaves would
                // hold for the rest of the process's life. The next round starts afresh.
                LogRoundFailed(logger, e);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    /// <summary>One round: the primary first (its position then is what a standby must reach), then every host.</summary>
    public async Task<ReplicationView> RoundAsync(CancellationToken cancellation)
    {
        var at = clock.GetTimestamp();
        bool primaryReachable;
        int needed = 0;
        int? streaming = null;
        try
        {
            await using var command = hosts.PrimaryProbe.CreateCommand(PrimarySql);
            await using var reader = await command.ExecuteReaderAsync(cancellation);
            await reader.ReadAsync(cancellation);
            primarySamples.Add((at, reader.GetInt64(0)));
            needed = ReplicationRules.SynchronousNeeded(reader.GetString(1));
            streaming = reader.IsDBNull(2) ? null : reader.GetInt32(2);
            primaryReachable = true;
            Recovered("primary");
        }
        catch (Exception e) when (!cancellation.IsCancellationRequested)
        {
            // As for a standby below: only a refused or dropped connection (or no primary among the hosts) is a lost
            // primary; a probe that ran out of time on a busy one leaves the view as it was.
            primaryReachable = ReplicationRules.OnlyTimedOut(e) && View.PrimaryReachable;
            Failed("primary", e);
        }

        // Samples old enough that no readable standby could still be behind them are of no more use.
        var oldest = at - (2 * MaxLagTicks);
        primarySamples.RemoveAll(s => s.At < oldest);

        var standbys = new List<StandbyView>();
        foreach (var host in hosts.Hosts)
        {
            try
            {
                await using var command = host.Probe.CreateCommand(StandbySql);
                await using var reader = await command.ExecuteReaderAsync(cancellation);
                await reader.ReadAsync(cancellation);
                if (!reader.GetBoolean(0))
                {
                    Recovered(host.Name);
                    continue;
                }

                var now = ReplicationRules.CaughtUpAt(primarySamples, reader.IsDBNull(1) ? long.MinValue : reader.GetInt64(1), CaughtUpBefore(host));
                standbys.Add(new StandbyView(host.Name, true, now));
                Recovered(host.Name);
            }
            catch (Exception e) when (!cancellation.IsCancellationRequested)
            {
                // A host that refuses or drops the connection has gone (a standby stopped, or the primary lost): no reads
                // from it at once. A probe that only ran out of time is a busy standby: it keeps its place, but its view
                // stops advancing, so it leaves the read set once that view is older than MaxReadLag.
                var busy = ReplicationRules.OnlyTimedOut(e) && View.Standbys.Any(s => s.Host == host.Name && s.Reachable);
                standbys.Add(new StandbyView(host.Name, busy, CaughtUpBefore(host)));
                Failed(host.Name, e);
            }
        }

        return new ReplicationView(primaryReachable, needed, streaming, standbys);
    }

    /// <summary>How far the last round saw a standby caught up (null for a host that was not a standby then).</summary>
    private long? CaughtUpBefore(DatabaseHost host) => View.Standbys.FirstOrDefault(s => s.Host == host.Name)?.CaughtUpAt;

    /// <summary>A standby leaving or joining the read set, once each way: where a run's reads went, from the log alone.</summary>
    private void ReportReadSetChanges(ReplicationView before, ReplicationView after, long now)
    {
        foreach (var standby in after.Standbys)
        {
            var was = before.Standbys.Any(s => s.Host == standby.Host && ReplicationRules.Readable(s, now, MaxLagTicks));
            var isNow = ReplicationRules.Readable(standby, now, MaxLagTicks);
            if (was && !isNow)
            {
                var age = standby.CaughtUpAt is { } at ? (double)(now - at) / clock.TimestampFrequency : double.NaN;
                LogLeftReadSet(logger, standby.Host, standby.Reachable ? "its view is older than Replication:MaxReadLag" : "it does not answer", age);
            }
            else if (!was && isNow)
            {
                LogJoinedReadSet(logger, standby.Host);
            }
        }
    }

    private void Failed(string host, Exception e)
    {
        if (reported.Add(host))
        {
            LogHostLost(logger, host, e.Message);
        }
    }

    private void Recovered(string host)
    {
        if (reported.Remove(host))
        {
            LogHostBack(logger, host);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Standby {Host} left the read set: {Why} (view {Age:0.0} s old); the primary takes its reads")]
    private static partial void LogLeftReadSet(ILogger logger, string host, string why, double age);

    [LoggerMessage(Level = LogLevel.Information, Message = "Standby {Host} joined the read set")]
    private static partial void LogJoinedReadSet(ILogger logger, string host);

    [LoggerMessage(Level = LogLevel.Error, Message = "A round of the replica monitor failed; the next one starts afresh")]
    private static partial void LogRoundFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Database host {Host} does not answer the replica monitor: {Reason}")]
    private static partial void LogHostLost(ILogger logger, string host, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Database host {Host} answers the replica monitor again")]
    private static partial void LogHostBack(ILogger logger, string host);
}
