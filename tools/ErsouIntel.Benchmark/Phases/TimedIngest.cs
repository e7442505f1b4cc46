using System.Collections.Concurrent;
using System.Diagnostics;
using ErsouIntel.LoadClient;

namespace ErsouIntel.Benchmark.Phases;

/// <summary>
/// ApiIngest's senders for a fixed time rather than a fixed list: each force's system (or several per force) pushes its
/// force's incidents in <c>reportIncidents</c> batches, one after another, until the window closes; the batches still in
/// flight then finish and count. The rate is the incidents acknowledged over the time until the last acknowledgement.
/// </summary>
internal static class TimedIngest
{
    public static async Task<IngestResult> RunAsync(
        GraphQLClient api, Tokens tokens, IncidentFeed feed, TimeSpan window, int sendersPerForce, CancellationToken cancellation)
    {
        // Tokens outside the clock, as ApiIngest.
        foreach (var force in IncidentGenerator.Forces)
        {
            await tokens.SystemTokenAsync(force.ClientId, force.Name, cancellation);
        }

        var latencies = new ConcurrentBag<double>();
        var (requests, incidents) = (0, 0);
        var clock = Stopwatch.StartNew();
        await ApiIngest.RunSendersAsync(sendersPerForce, async (force, stop) =>
        {
            while (clock.Elapsed < window && feed.Next(force) is { Count: > 0 } batch)
            {
                var token = await tokens.SystemTokenAsync(force.ClientId, force.Name, stop);
                using var answer = await api.PostAsync(token, Operations.ReportIncidents, "ReportIncidents", new { inputs = batch }, stop);
                ApiIngest.Check(force, batch, answer);
                latencies.Add(answer.Milliseconds);
                Interlocked.Increment(ref requests);
                Interlocked.Add(ref incidents, batch.Count);
            }
        }, cancellation);

        var seconds = clock.Elapsed.TotalSeconds;
        return new IngestResult(incidents, IncidentGenerator.Forces.Count * sendersPerForce, feed.BatchSize, requests, seconds, incidents / Math.Max(seconds, 1e-6), Percentiles.Of(latencies.ToArray()));
    }
}
