namespace ErsouIntel.Benchmark.Phases;

internal sealed record FootprintResult(
    long ServicePeakRssBytes,
    long ServiceMaxRssSampleBytes,
    int RssSamples,
    long Incidents,
    long DatabaseBytes,
    double DatabaseBytesPerMillionIncidents,
    long EventsTableBytes,
    long LinkGraphBytes,
    long AccessLogBytes);

/// <summary>
/// Memory and size at the end of the run: the service's peak resident memory (the kernel's VmHWM,
/// and the largest of the one-second VmRSS samples), and the bench database's size once the raw
/// COPY tables are gone, per million incidents stored, with the event table, the link graph's
/// tables and the access log on their own.
/// </summary>
internal static class Footprint
{
    public static async Task<FootprintResult> MeasureAsync(BenchDatabase db, ProcessMemory service, long earlierPeakBytes, CancellationToken cancellation)
    {
        // Read while the service still runs: VmHWM goes with the process. The run restarts the service for daemon
        // mode's freshness; the instances it stopped count with their own peaks.
        var peak = Math.Max(service.HighWaterMarkBytes(), earlierPeakBytes);
        var maxSample = service.MaxRssBytes;
        await Phases.RawCopy.DropAsync(db, cancellation);
        await EverythingCopy.DropAsync(db, cancellation);

        // Every incident is one stream: the API's, the import's, the freshness load's and the probes'.
        var incidents = await db.ScalarAsync<long>("select count(*) from ersou.mt_streams", cancellation);
        var database = await db.ScalarAsync<long>("select pg_database_size(current_database())", cancellation);
        var events = await db.ScalarAsync<long>("select pg_total_relation_size('ersou.mt_events')", cancellation);
        var links = await db.ScalarAsync<long>(
            "select coalesce(sum(pg_total_relation_size(c.oid)), 0)::bigint from pg_class c join pg_namespace n on n.oid = c.relnamespace where n.nspname = 'ersou' and c.relkind = 'r' and c.relname like 'li\\_%'",
            cancellation);
        var accessLog = await db.ScalarAsync<long>("select coalesce(pg_total_relation_size(to_regclass('ersou.access_log')), 0)::bigint", cancellation);
        return new FootprintResult(
            peak, maxSample, service.Samples, incidents, database, incidents == 0 ? 0 : database * 1_000_000.0 / incidents, events, links, accessLog);
    }
}
