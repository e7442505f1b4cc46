using System.Diagnostics.Metrics;
using ErsouIntel.Domain;

namespace ErsouIntel.Api.Telemetry;

/// <summary>
/// The service's own instruments, on meter <c>ErsouIntel</c>. Tags are counts' dimensions only
/// (force, outcome, kind, policy): never a record's content, a subject or a justification.
/// ASP.NET Core's own meters give requests, errors (status codes) and latency.
/// </summary>
public static class ErsouMetrics
{
    public const string MeterName = "ErsouIntel";

    public static readonly Meter Meter = new(MeterName);

    private static readonly Counter<long> Ingested = Meter.CreateCounter<long>(
        "ersou.incidents.ingested", unit: "{incident}", description: "Incidents taken from force systems and imports, by force and outcome (CREATED, AMENDED, UNCHANGED, REFUSED).");

    private static readonly Counter<long> LogEntries = Meter.CreateCounter<long>(
        "ersou.access_log.entries", unit: "{entry}", description: "Access-log entries written, by kind.");

    private static readonly Counter<long> Refusals = Meter.CreateCounter<long>(
        "ersou.rate_limit.refusals", unit: "{request}", description: "Requests refused with 429 by a rate limit, by policy.");

    private static readonly Counter<long> Unauthenticated = Meter.CreateCounter<long>(
        "ersou.requests.unauthenticated", unit: "{request}",
        description: "GraphQL requests refused for want of a valid token (no_token, invalid_token, no_subject): counted here, not in the access log, which names only known callers.");

    private static readonly Counter<long> Reads = Meter.CreateCounter<long>(
        "ersou.reads.routed", unit: "{operation}", description: "GraphQL reads by where they were served (standby, primary), when the connection string names standbys.");

    private static long deadLetters;

    private static IReadOnlyList<Measurement<double>> replicationLag = [];

    private static IReadOnlyDictionary<string, long> projectionLag = new Dictionary<string, long>();

    static ErsouMetrics()
    {
        Meter.CreateObservableGauge("ersou.link_graph.dead_letters", () => Interlocked.Read(ref deadLetters), unit: "{event}",
            description: "Events the link-graph projection set aside, as the last readiness check counted them.");
        Meter.CreateObservableGauge("ersou.projection.lag",
            () => Volatile.Read(ref projectionLag).Select(p => new Measurement<long>(p.Value, new KeyValuePair<string, object?>("projection", p.Key))),
            unit: "{event}", description: "Events stored but not yet applied by an async projection shard (LinkGraph:All with LinkGraph:Apply=Daemon), as last sampled.");
        Meter.CreateObservableGauge("ersou.replication.lag", () => Volatile.Read(ref replicationLag), unit: "s",
            description: "How old each standby's view of the primary is (the replica monitor's last round); a standby never seen to catch up reads as -1.");
    }

    /// <summary>The lag of each async projection shard, by shard name (ProjectionLag samples it).</summary>
    public static void ProjectionLagSampled(IReadOnlyDictionary<string, long> lag) => Volatile.Write(ref projectionLag, lag);

    /// <summary>Each standby's lag in seconds, from the replica monitor's round.</summary>
    public static void ReplicationSampled(Storage.Replicas.ReplicationView view, long now, long frequency) =>
        Volatile.Write(ref replicationLag, [.. view.Standbys.Select(s => new Measurement<double>(
            s.CaughtUpAt is { } at ? (double)(now - at) / frequency : -1, new KeyValuePair<string, object?>("host", s.Host)))]);

    public static void ReadRouted(string target) =>
        Reads.Add(1, new KeyValuePair<string, object?>("target", target));

    public static void DeadLettersCounted(long count) => Interlocked.Exchange(ref deadLetters, count);

    public static void IncidentIngested(Force force, string outcome, long count = 1) =>
        Ingested.Add(count, new KeyValuePair<string, object?>("force", force.TenantId()), new KeyValuePair<string, object?>("outcome", outcome));

    public static void AccessLogEntryWritten(string kind) =>
        LogEntries.Add(1, new KeyValuePair<string, object?>("kind", kind));

    public static void UnauthenticatedRequest(string reason) =>
        Unauthenticated.Add(1, new KeyValuePair<string, object?>("reason", reason));

    public static void RateLimitRefused(string policy) =>
        Refusals.Add(1, new KeyValuePair<string, object?>("policy", policy));
}
