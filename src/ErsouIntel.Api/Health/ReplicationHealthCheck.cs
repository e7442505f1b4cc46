using System.Globalization;
using ErsouIntel.Api.Storage.Replicas;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace ErsouIntel.Api.Health;

/// <summary>
/// Replication, from the replica monitor's last round. Unhealthy when nothing can be answered (a commit would wait for
/// synchronous standbys that do not stream); degraded, and still in rotation, when a standby lags or is lost and its
/// reads went to the primary. Counts and lags only: no host names on a public endpoint.
/// </summary>
public sealed class ReplicationHealthCheck(DatabaseHosts hosts, ReplicaMonitor monitor, TimeProvider clock) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (!hosts.Replicated)
        {
            return Task.FromResult(HealthCheckResult.Healthy("One database server: no standbys."));
        }

        var view = monitor.View;
        var now = clock.GetTimestamp();
        var lags = view.Standbys.Where(s => s.Reachable && s.CaughtUpAt is not null)
            .Select(s => (double)(now - s.CaughtUpAt!.Value) / clock.TimestampFrequency).ToList();
        var readable = view.Standbys.Count(s => ReplicationRules.Readable(s, now, monitor.MaxLagTicks));
        var data = new Dictionary<string, object>
        {
            ["standbysReadable"] = readable,
            ["maxLagSeconds"] = lags.Count == 0 ? -1 : Math.Round(lags.Max(), 3),
        };
        var lag = lags.Count == 0 ? "none caught up" : string.Create(CultureInfo.InvariantCulture, $"largest lag {lags.Max():0.0} s");
        return Task.FromResult(
            ReplicationRules.WhyNoWrites(view) is { } why ? HealthCheckResult.Unhealthy($"No writes can be taken: {why}.", data: data)
            : readable == 0 ? HealthCheckResult.Degraded($"No standby serves reads ({lag}): the primary takes them.", data: data)
            : readable < view.Standbys.Count(s => s.Reachable) ? HealthCheckResult.Degraded($"{readable} standby(s) serve reads, others lag ({lag}).", data: data)
            : HealthCheckResult.Healthy($"{readable} standby(s) serve reads ({lag}).", data: data));
    }
}
