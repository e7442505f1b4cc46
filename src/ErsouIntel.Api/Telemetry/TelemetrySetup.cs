using OpenTelemetry;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace ErsouIntel.Api.Telemetry;

/// <summary>
/// OpenTelemetry for traces (HTTP, GraphQL operations, Marten, Npgsql), metrics (ASP.NET Core,
/// runtime, the service's meter, Marten's) and logs (with trace ids). Exported over OTLP only
/// when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set, and not collected at all otherwise unless
/// <c>Telemetry:Collect</c> is true (the telemetry test's in-memory exporters). The meters exist
/// either way, so dotnet-counters can always read them. What may never reach a span or a log line: GraphQL documents and
/// variables, SQL parameter values, request bodies, query strings (docs/operations.md).
/// </summary>
public static class TelemetrySetup
{
    public const string ServiceName = "ersou-intel";

    public static WebApplicationBuilder AddErsouTelemetry(this WebApplicationBuilder builder)
    {
        // Nothing is collected when nothing would be exported: spans cost CPU on every request.
        var export = !string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]);
        if (!export && !builder.Configuration.GetValue<bool>("Telemetry:Collect"))
        {
            return builder;
        }

        var otel = builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(
                serviceName: builder.Configuration["OTEL_SERVICE_NAME"] ?? ServiceName,
                serviceVersion: typeof(TelemetrySetup).Assembly.GetName().Version?.ToString(),
                serviceInstanceId: Environment.MachineName + ":" + Environment.ProcessId))
            .WithTracing(tracing => tracing
                .AddAspNetCoreInstrumentation(options =>
                {
                    // Health probes every few seconds are noise, not traffic.
                    options.Filter = http => !http.Request.Path.StartsWithSegments("/health", StringComparison.Ordinal);
                    // The query string of a GET request may carry a document or variables: the path only.
                    options.EnrichWithHttpRequest = (activity, request) => activity.SetTag("url.query", null);
                })
                .AddSource(global::GraphQL.Telemetry.GraphQLTelemetryProvider.SourceName)
                .AddSource("Marten")
                .AddSource("Npgsql"))
            .WithMetrics(metrics => metrics
                .AddAspNetCoreInstrumentation()
                .AddRuntimeInstrumentation()
                .AddMeter(ErsouMetrics.MeterName, "Marten", "Npgsql"))
            .WithLogging(logging => { }, options =>
            {
                options.IncludeFormattedMessage = true;
                options.IncludeScopes = false;
            });

        if (export)
        {
            otel.UseOtlpExporter();
        }

        return builder;
    }
}
