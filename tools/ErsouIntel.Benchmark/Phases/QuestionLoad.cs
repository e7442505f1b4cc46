using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;

namespace ErsouIntel.Benchmark.Phases;

/// <summary>One kind of question in the load: how many were asked, answered, failed, and their latency.</summary>
internal sealed record QuestionKindFigures(string Question, int Asked, int Errors, int Timeouts, Percentiles Latency);

/// <summary>
/// The open-loop read load of one window. <paramref name="SentPerSecond"/> is what was actually sent (the tool's own
/// schedule may slip on a busy machine); <paramref name="NotSent"/> are questions skipped because too many were already
/// outstanding. Latency runs from each question's scheduled moment to its whole answer, so a service that falls behind
/// shows it rather than slowing the load down.
/// </summary>
internal sealed record QuestionLoadResult(
    double TargetPerSecond, double Seconds, int Sent, double SentPerSecond, int NotSent, int Errors, int Timeouts,
    Percentiles Latency, IReadOnlyList<QuestionKindFigures> Kinds, IReadOnlyList<string> FirstErrors);

/// <summary>
/// Link questions at a fixed rate whatever the answers take (open loop), as investigators asking independently would:
/// in turn couriersLinkedTo (first page, 2 hops), network (1 hop, 200 nodes), linkedCouriers (2 hops) and a phone
/// number's profile, from the run's starts (LinkStartPicks: the numbers among them for the two number questions).
/// Every question is the investigator's, with purpose and justification, so each answer writes an access-log entry.
/// </summary>
internal static class QuestionLoad
{
    public static readonly string[] Kinds = ["couriersLinkedTo", "network", "linkedCouriers", "phoneNumber"];

    // Beyond this many unanswered questions the tool stops adding more (they are counted as not sent): a bound on what
    // a service that has stopped answering can pile up in the tool.
    private const int MaxOutstanding = 1_000;

    public static async Task<QuestionLoadResult> RunAsync(
        GraphQLClient api, Tokens tokens, LinkStartSet starts, double perSecond, TimeSpan window, CancellationToken cancellation)
    {
        var all = starts.Random;
        var phones = all.Where(s => s.Kind == StartKind.Phone).ToList();
        if (phones.Count == 0)
        {
            throw new BenchFailure("No phone numbers among the starts: nothing to ask linkedCouriers or a profile about.");
        }

        var latencies = Kinds.ToDictionary(k => k, _ => new ConcurrentBag<double>(), StringComparer.Ordinal);
        var errors = Kinds.ToDictionary(k => k, _ => 0, StringComparer.Ordinal);
        var timeouts = Kinds.ToDictionary(k => k, _ => 0, StringComparer.Ordinal);
        var firstErrors = new ConcurrentQueue<string>();
        var outstanding = 0;
        var (sent, notSent) = (0, 0);
        var asked = new List<Task>();
        var clock = Stopwatch.StartNew();
        for (var i = 0; ; i++)
        {
            var due = TimeSpan.FromSeconds(i / perSecond);
            if (due >= window)
            {
                break;
            }

            var wait = due - clock.Elapsed;
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait, cancellation);
            }

            if (Volatile.Read(ref outstanding) >= MaxOutstanding)
            {
                notSent++;
                continue;
            }

            var kind = Kinds[i % Kinds.Length];
            var n = i / Kinds.Length;
            var start = kind is "couriersLinkedTo" or "network" ? all[n % all.Count] : phones[n % phones.Count];
            Interlocked.Increment(ref outstanding);
            sent++;
            asked.Add(AskAsync(kind, start, due));
        }

        var sendSeconds = clock.Elapsed.TotalSeconds;
        await Task.WhenAll(asked);
        var kinds = Kinds.Select(k => new QuestionKindFigures(k, latencies[k].Count + errors[k], errors[k], timeouts[k], Percentiles.Of(latencies[k].ToArray()))).ToList();
        return new QuestionLoadResult(
            perSecond, sendSeconds, sent, sent / Math.Max(sendSeconds, 1e-6), notSent, errors.Values.Sum(), timeouts.Values.Sum(),
            Percentiles.Of(latencies.Values.SelectMany(l => l).ToArray()), kinds, firstErrors.Take(10).ToList());

        async Task AskAsync(string kind, BenchStart start, TimeSpan due)
        {
            // Off the scheduling loop at once: the loop must not wait for a token or a connection.
            await Task.Yield();
            try
            {
                var token = await tokens.InvestigatorTokenAsync(LinkQueries.Investigator, cancellation);
                var (operation, name, variables) = Question(kind, start);
                using var answer = await api.PostAsync(token, operation, name, variables, cancellation);
                var ms = (clock.Elapsed - due).TotalMilliseconds;
                if (LinkQueries.IsTimeout(answer))
                {
                    Failed(kind, $"{kind}({start}): timed out ({answer.Status})", timedOut: true);
                }
                else if (answer.Status != 200 || answer.Errors is not null || answer.Data.ValueKind != JsonValueKind.Object)
                {
                    Failed(kind, $"{kind}({start}) answered {answer.Status}: {answer.Errors ?? GraphQLClient.Trim(answer.Body.RootElement.GetRawText())}", timedOut: false);
                }
                else
                {
                    latencies[kind].Add(ms);
                }
            }
            catch (Exception e) when (e is HttpRequestException or BenchFailure or TaskCanceledException && !cancellation.IsCancellationRequested)
            {
                Failed(kind, $"{kind}({start}): {e.GetType().Name}: {e.Message}", timedOut: e is TaskCanceledException);
            }
            finally
            {
                Interlocked.Decrement(ref outstanding);
            }
        }

        void Failed(string kind, string message, bool timedOut)
        {
            lock (errors)
            {
                errors[kind]++;
                timeouts[kind] += timedOut ? 1 : 0;
            }

            if (firstErrors.Count < 10)
            {
                firstErrors.Enqueue(message);
            }
        }
    }

    /// <summary>The contract's operation for one kind of question, and its variables.</summary>
    private static (string Operation, string Name, object Variables) Question(string kind, BenchStart start) => kind switch
    {
        "couriersLinkedTo" => (Operations.CouriersLinkedTo, "CouriersLinkedTo",
            new { entity = start.EntityRef, hops = 2, first = CouriersLinkedToQueries.First, purpose = LinkQueries.Purpose, why = LinkQueries.Why }),
        "network" => (Operations.LinkChart, "LinkChart",
            new { around = new[] { start.EntityRef }, hops = 1, maxNodes = NetworkQueries.MaxNodes, purpose = LinkQueries.Purpose, why = LinkQueries.Why }),
        "linkedCouriers" => (Operations.LinkedCouriers, "LinkedCouriers",
            new { phone = start.Key, hops = 2, purpose = LinkQueries.Purpose, why = LinkQueries.Why }),
        _ => (Operations.PhoneNumberProfile, "PhoneNumberProfile",
            new { phone = start.Key, purpose = LinkQueries.Purpose, why = LinkQueries.Why }),
    };
}
