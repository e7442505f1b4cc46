using System.Diagnostics;
using ErsouIntel.Api.Tests.Infrastructure;
using ErsouIntel.Domain;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace ErsouIntel.Api.Tests.Telemetry;

/// <summary>The service with its telemetry collected into memory instead of exported, and a low rate limit.</summary>
public sealed class TelemetryFixture : ServiceFixture
{
    public List<Activity> Spans { get; } = [];

    public List<Metric> Metrics { get; } = [];

    public List<LogRecord> Logs { get; } = [];

    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Telemetry:Collect"] = "true",
        ["RateLimits:RequestsPerWindow"] = "12",
        // Information, so that the service's own log lines are there to be checked for personal data.
        ["Logging:LogLevel:Default"] = "Information",
        ["Logging:LogLevel:Microsoft.AspNetCore"] = "Information",
    };

    protected override void ConfigureTestServices(IServiceCollection services)
    {
        services.ConfigureOpenTelemetryTracerProvider(tracing => tracing.AddInMemoryExporter(Spans));
        services.ConfigureOpenTelemetryMeterProvider(metrics => metrics.AddInMemoryExporter(Metrics));
        services.ConfigureOpenTelemetryLoggerProvider(logging => logging.AddInMemoryExporter(Logs));
    }

    /// <summary>Exports what was collected so far (spans as they end, metrics and logs on demand).</summary>
    public void Flush()
    {
        // Metrics are cumulative: keep only this export's, so nothing is counted twice.
        Metrics.Clear();
        Services.GetRequiredService<TracerProvider>().ForceFlush();
        Services.GetRequiredService<MeterProvider>().ForceFlush();
        Services.GetRequiredService<LoggerProvider>().ForceFlush();
    }
}

/// <summary>
/// Traces, metrics and logs exist for what users do, and none of them carries the
/// personal data that went through the service (numbers in any spelling, names, a summary, a justification).
/// </summary>
public sealed class TelemetryTests(TelemetryFixture service) : IClassFixture<TelemetryFixture>
{
    private const string Number = "07700 900777";
    private const string Courier = "Zebedee Quartermaine";
    private const string Victim = "Agatha Pemberton";
    private const string Justification = "Operation Kingfisher: calls to Agatha Pemberton's landline";
    private static readonly string[] Personal = ["07700900777", "7700900777", "900777", "Zebedee", "Quartermaine", "Pemberton", "Kingfisher", "1987-06-05"];

    [Fact]
    public async Task Spans_metrics_and_logs_exist_and_carry_no_personal_data()
    {
        var region = new Region(service);
        await region.ReportedAsync(Force.Hertfordshire, AnIncident.Courier("HRT/TEL/1", phones: [Number], couriers: [AnIncident.CourierNamed(Courier, "1987-06-05")], summary: $"{Victim} handed over her card."));
        await region.ReportedAsync(Force.Essex, AnIncident.Courier("ESX/TEL/1", phones: ["+44 7700 900777"]));
        var refused = await region.ReportsAsync(Force.Essex, AnIncident.Courier("ESX/TEL/2", phones: ["07700 9007"]));
        Assert.NotEmpty(refused["errors"]!.AsArray());
        var answer = await service.PostAsAsync(TestCaller.Investigator(Force.Essex), ContractOperations.Text(ContractOperations.LinkedCouriers),
            new { phone = Number, hops = 2, purpose = "INVESTIGATION", why = Justification });
        Assert.True(answer.Status == 200 && answer.Errors is null, answer.ToString());

        // Without a token nobody can be named in the access log: the attempt is counted instead.
        Assert.Equal(401, (await service.PostAsAsync(null, "{ me { subject } }")).Status);

        // Past the limit of 12 requests a window for one caller: at least one 429.
        var statuses = new List<int>();
        for (var i = 0; i < 14; i++)
        {
            statuses.Add((await service.PostAsAsync(TestCaller.Investigator(Force.Norfolk), "{ me { subject } }")).Status);
        }

        Assert.Contains(429, statuses);
        service.Flush();

        var spans = Copy(service.Spans);
        Assert.Contains(spans, s => s.Kind == ActivityKind.Server && s.Source.Name == "Microsoft.AspNetCore");
        Assert.Contains(spans, s => s.Source.Name == "GraphQL" && Equals(s.GetTagItem("graphql.operation.name"), "ReportIncident") && Equals(s.GetTagItem("graphql.operation.type"), "mutation"));
        Assert.Contains(spans, s => s.Source.Name == "GraphQL" && Equals(s.GetTagItem("graphql.operation.name"), "LinkedCouriers") && Equals(s.GetTagItem("graphql.operation.type"), "query"));
        Assert.Contains(spans, s => s.Source.Name == "Npgsql");
        Assert.Contains(spans, s => s.Source.Name == "Marten");
        Assert.DoesNotContain(spans, s => s.GetTagItem("graphql.document") is not null);

        var metrics = service.Metrics.Select(m => m.Name).ToHashSet();
        foreach (var name in new[] { "http.server.request.duration", "ersou.incidents.ingested", "ersou.access_log.entries", "ersou.rate_limit.refusals", "ersou.link_graph.dead_letters", "marten.event.append" })
        {
            Assert.True(metrics.Contains(name), $"{name} not among {string.Join(", ", metrics.Order())}");
        }

        Assert.True(Sum(service.Metrics, "ersou.rate_limit.refusals") >= 1);
        Assert.True(Sum(service.Metrics, "ersou.requests.unauthenticated", ("reason", "no_token")) >= 1);
        // The meter is the process's: test classes running beside this one add to the same counters, so at least.
        Assert.True(Sum(service.Metrics, "ersou.incidents.ingested", ("outcome", "CREATED")) >= 2);
        Assert.True(Sum(service.Metrics, "ersou.incidents.ingested", ("outcome", "REFUSED")) >= 1);

        var logs = Copy(service.Logs);
        Assert.NotEmpty(logs);
        Assert.Contains(logs, l => l.TraceId != default);

        // Every string any span, span event or log record carries, checked against what went in.
        var carried = spans.SelectMany(s => s.TagObjects.Select(t => $"{t.Key}={t.Value}")
                .Concat(s.Events.SelectMany(e => e.Tags.Select(t => $"{e.Name}:{t.Key}={t.Value}")))
                .Append(s.DisplayName))
            .Concat(logs.SelectMany(l => (l.Attributes ?? []).Select(a => $"{a.Key}={a.Value}").Append(l.FormattedMessage ?? "").Append(l.Body ?? "").Append(l.Exception?.ToString() ?? "")))
            .ToList();
        Assert.NotEmpty(carried);
        foreach (var secret in Personal)
        {
            Assert.DoesNotContain(carried, c => c.Contains(secret, StringComparison.OrdinalIgnoreCase));
        }
    }

    private static long Sum(IEnumerable<Metric> metrics, string name, params (string Key, string Value)[] tags)
    {
        long total = 0;
        foreach (var metric in metrics.Where(m => m.Name == name))
        {
            foreach (ref readonly var point in metric.GetMetricPoints())
            {
                var pointTags = new Dictionary<string, object?>();
                foreach (var tag in point.Tags)
                {
                    pointTags[tag.Key] = tag.Value;
                }

                if (tags.All(t => Equals(pointTags.GetValueOrDefault(t.Key), t.Value)))
                {
                    total += metric.MetricType.IsSum() ? point.GetSumLong() : point.GetGaugeLastValueLong();
                }
            }
        }

        return total;
    }

    /// <summary>
    /// A copy of what an in-memory exporter holds. Its exporters append from their own threads, and the
    /// service's background work (the daemon, the alert feed) keeps producing spans and logs, so a copy can
    /// meet an append: taken again until it is whole.
    /// </summary>
    private static List<T> Copy<T>(List<T> exported)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return [.. exported];
            }
            catch (Exception e) when (e is ArgumentException or InvalidOperationException && attempt < 20)
            {
                Thread.Sleep(10);
            }
        }
    }
}
