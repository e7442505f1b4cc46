using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;

namespace ErsouIntel.Api.Health;

/// <summary><c>/health/live</c>: the process answers. <c>/health/ready</c>: and PostgreSQL answers too.</summary>
public static class HealthEndpoints
{
    private const string ReadyTag = "ready";

    public static IServiceCollection AddHealth(this IServiceCollection services)
    {
        services.AddHealthChecks()
            .AddNpgSql(sp => sp.GetRequiredService<NpgsqlDataSource>(), name: "postgresql", tags: [ReadyTag], timeout: TimeSpan.FromSeconds(3))
            .AddCheck<DeadLetterHealthCheck>("link-graph", failureStatus: HealthStatus.Degraded, tags: [ReadyTag], timeout: TimeSpan.FromSeconds(3))
            .AddCheck<ReplicationHealthCheck>("replication", tags: [ReadyTag]);
        return services;
    }

    /// <summary>The overall status and each check's, as JSON; no exception text, which may name hosts and SQL.</summary>
    private static Task WriteAsync(HttpContext http, HealthReport report)
    {
        http.Response.ContentType = "application/json; charset=utf-8";
        var body = new
        {
            status = report.Status.ToString(),
            checks = report.Entries.ToDictionary(e => e.Key, e => new { status = e.Value.Status.ToString(), description = e.Value.Exception is null ? e.Value.Description : null }),
        };
        return http.Response.WriteAsync(System.Text.Json.JsonSerializer.Serialize(body));
    }

    public static IEndpointRouteBuilder MapHealth(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false });
        endpoints.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = check => check.Tags.Contains(ReadyTag), ResponseWriter = WriteAsync });
        return endpoints;
    }
}
