using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using ErsouIntel.LoadClient;
using Spectre.Console;

namespace ErsouIntel.Benchmark.Phases;

/// <summary>What one ingest through the API did.</summary>
internal sealed record IngestResult(int Incidents, int Senders, int Batch, int Requests, double Seconds, double PerSecond, Percentiles BatchLatency);

/// <summary>
/// Ingest through the real GraphQL API: each force's system (or several per force) pushes that
/// force's incidents in <c>reportIncidents</c> batches, with its own client-credentials token, all
/// six forces at once, as in production. No retries: on a fresh database every input must come
/// back CREATED, so any rejection or error stops the run and is shown.
/// </summary>
internal static class ApiIngest
{
    public static async Task<IngestResult> RunAsync(
        GraphQLClient api, Tokens tokens, IReadOnlyList<GeneratedIncident> incidents, int batchSize, int sendersPerForce, ProgressTask? progress, CancellationToken cancellation,
        Func<CancellationToken, Task>? answered = null)
    {
        // Tokens first, outside the clock: sign-in is measured by being on, not by the ingest rate.
        foreach (var force in IncidentGenerator.Forces)
        {
            await tokens.SystemTokenAsync(force.ClientId, force.Name, cancellation);
        }

        var queues = IncidentGenerator.Forces.ToDictionary(
            f => f,
            f => new ConcurrentQueue<List<IncidentInput>>(incidents.Where(i => i.Force == f).Select(i => i.Input).Chunk(batchSize).Select(c => c.ToList())));
        var latencies = new ConcurrentBag<double>();
        var requests = 0;
        var clock = Stopwatch.StartNew();
        await RunSendersAsync(sendersPerForce, async (force, stop) =>
        {
            var queue = queues[force];
            while (queue.TryDequeue(out var batch))
            {
                var token = await tokens.SystemTokenAsync(force.ClientId, force.Name, stop);
                using var answer = await api.PostAsync(token, Operations.ReportIncidents, "ReportIncidents", new { inputs = batch }, stop);
                Interlocked.Increment(ref requests);
                latencies.Add(answer.Milliseconds);
                Check(force, batch, answer);
                if (answered is not null)
                {
                    // Inside the clock, so a run that samples pays for it: the provable log's runs sample alike with the tree on and off.
                    await answered(stop);
                }

                progress?.Increment(batch.Count);
            }
        }, cancellation);

        var seconds = clock.Elapsed.TotalSeconds;
        return new IngestResult(
            incidents.Count,
            queues.Count * sendersPerForce,
            batchSize,
            requests,
            seconds,
            incidents.Count / Math.Max(seconds, 1e-6),
            Percentiles.Of(latencies.ToArray()));
    }

    /// <summary>One payload per input, each with an outcome and no errors; anything else is a failure of the run.</summary>
    /// <summary>
    /// <paramref name="sendersPerForce"/> senders for each force at once. One failure ends the phase: the others stop
    /// instead of adding load to a run that already failed, and the failure itself is thrown, not their cancellation.
    /// </summary>
    internal static async Task RunSendersAsync(int sendersPerForce, Func<ForceSpec, CancellationToken, Task> send, CancellationToken cancellation)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        var senders = IncidentGenerator.Forces.SelectMany(force => Enumerable.Range(0, sendersPerForce).Select(async _ =>
        {
            try
            {
                await send(force, stop.Token);
            }
            catch (Exception) when (!stop.IsCancellationRequested)
            {
                await stop.CancelAsync();
                throw;
            }
        })).ToList();

        try
        {
            await Task.WhenAll(senders);
        }
        catch (OperationCanceledException) when (!cancellation.IsCancellationRequested)
        {
            throw senders.Select(s => s.Exception?.InnerException).FirstOrDefault(e => e is not null and not OperationCanceledException) ?? new BenchFailure("Ingest stopped.");
        }
    }

    public static void Check(ForceSpec force, IReadOnlyList<IncidentInput> batch, GraphQLAnswer answer)
    {
        if (answer.Status != 200 || answer.Data.ValueKind != JsonValueKind.Object
            || !answer.Data.TryGetProperty("reportIncidents", out var payloads) || payloads.ValueKind != JsonValueKind.Array)
        {
            throw new BenchFailure($"{force.ClientId}: reportIncidents answered {answer.Status}: {answer.Errors ?? GraphQLClient.Trim(answer.Body.RootElement.GetRawText())}");
        }

        if (payloads.GetArrayLength() != batch.Count)
        {
            throw new BenchFailure($"{force.ClientId}: {payloads.GetArrayLength()} payloads for {batch.Count} inputs.");
        }

        var index = 0;
        foreach (var payload in payloads.EnumerateArray())
        {
            var input = batch[index++];
            var hasErrors = payload.TryGetProperty("errors", out var errors) && errors.ValueKind == JsonValueKind.Array && errors.GetArrayLength() > 0;
            var outcome = payload.TryGetProperty("outcome", out var o) && o.ValueKind == JsonValueKind.String ? o.GetString() : null;
            if (hasErrors || outcome is null)
            {
                throw new BenchFailure($"{force.ClientId}: {input.ForceReference} was refused ({outcome ?? "no outcome"}): {GraphQLClient.Trim(payload.GetRawText())}");
            }
        }
    }
}
