using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;

namespace ErsouIntel.Api.Health;

/// <summary>
/// Events the link-graph projection set aside: the service still answers (degraded, not
/// unhealthy, so instances stay in rotation) while an operator looks at <c>ersou.li_dead_letters</c>.
/// </summary>
public sealed class DeadLetterHealthCheck(NpgsqlDataSource db) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        await using var command = db.CreateCommand("select count(*) from ersou.li_dead_letters");
        var count = (long)(await command.ExecuteScalarAsync(cancellationToken))!;
        Telemetry.ErsouMetrics.DeadLettersCounted(count);
        return count == 0
            ? HealthCheckResult.Healthy("No event set aside.")
            : HealthCheckResult.Degraded($"{count} event(s) set aside by the link-graph projection.", data: new Dictionary<string, object> { ["deadLetters"] = count });
    }
}
