using System.Diagnostics;
using System.Globalization;
using ErsouIntel.Benchmark.Subscribers;
using ErsouIntel.Domain;
using ErsouIntel.LoadClient;
using ErsouIntel.Testing;
using Spectre.Console;
using static ErsouIntel.Benchmark.Invariant;

namespace ErsouIntel.Benchmark.Phases;

/// <summary>The service's resident memory with this many subscribers connected.</summary>
internal sealed record MemoryStep(int Connected, long RssBytes);

internal sealed record AlertSubscribersResult(
    string Transport,
    int Subscribers,
    int Probes,
    int ProbesUnderLoad,
    int WatchersPerProbe,
    Percentiles Latency,
    int ProbeDeliveriesExpected,
    int ProbeDeliveriesMissing,
    long AlertsExpected,
    long AlertsDelivered,
    long Lost,
    long Duplicated,
    long Unexpected,
    int Reconnects,
    int ErrorResults,
    IReadOnlyList<string> FirstEnds,
    IReadOnlyList<MemoryStep> Memory,
    double BytesPerSubscriber,
    IngestResult? Load,
    double RaiserCatchUpSeconds,
    double DeliveriesDrainSeconds);

/// <summary>
/// Issue 18's load: <c>--subscribers</c> investigators (each a user made by <c>admin add-user</c>, signed in
/// through the login page) hold <c>Subscription.alerts</c> open on a second instance of the service on the
/// same database, while the force systems push to the first (ApiIngest's load in the background, as in
/// freshness) and a probe is pushed every ~250 ms. Each probe carries a number of its own (a block the
/// generator never uses) that was pushed beforehand by the same force and that <c>--watchers-per-probe</c>
/// subscribers watch, so the push raises a NEW_LINK alert for each. Latency: the probe's acknowledgement on
/// the first instance to the alert's arrival on the other, one <see cref="Stopwatch"/> clock, matched by the
/// probe's force reference. Lost and duplicated: every subscriber's deliveries against what the outbox
/// (<c>ersou.alerts</c>) holds for its user from the phase (the load's NEW_MATCH alerts included). Memory:
/// the second instance's VmRSS as subscribers connect in steps, before the load; its slope per subscriber.
/// </summary>
internal static class AlertSubscribers
{
    private static readonly TimeSpan Cadence = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(3);
    private static readonly TimeSpan DrainQuiet = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan DrainBound = TimeSpan.FromSeconds(180);
    private const int SignInsAtOnce = 4;
    private const int ConnectsAtOnce = 16;

    public static async Task<AlertSubscribersResult> RunAsync(
        GraphQLClient api, Tokens tokens, BenchDatabase db, IReadOnlyList<GeneratedIncident> load, BenchOptions options, string runTag, ProgressContext progress, CancellationToken cancellation)
    {
        CheckProbeValues(options.SubscriberProbes);
        var n = options.Subscribers;
        var users = Enumerable.Range(0, n).Select(i => (Username: Inv($"bench.subscriber.{i:D5}"), Force: IncidentGenerator.Forces[i % IncidentGenerator.Forces.Count].Name)).ToList();

        // The second instance starts while the users are made and the probes' numbers pushed: it has a while to warm up.
        var startB = BenchService.StartAsync(options, db.ServiceConnectionString, cancellation, "service-b");
        await using var b = await WithInstanceAsync(startB, async () =>
        {
            var made = progress.AddTask(Inv($"admin add-user: {n:N0} investigators"), maxValue: n);
            await BenchUsers.CreateAsync(db.ServiceConnectionString, users, () => made.Increment(1), cancellation);
            made.StopTask();
            await PushBeforehandAsync(api, tokens, options.SubscriberProbes, runTag, cancellation);
        });

        using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = int.MaxValue, PooledConnectionLifetime = Timeout.InfiniteTimeSpan, ConnectTimeout = TimeSpan.FromSeconds(10) };
        using var sse = new HttpClient(handler) { BaseAddress = b.BaseUrl, Timeout = Timeout.InfiniteTimeSpan };
        using var apiB = new GraphQLClient(b.BaseUrl);
        var subscribers = users.Select(u => new Subscriber(u.Username, options.SubscriberTransport, sse, b.BaseUrl)).ToList();

        var signedIn = progress.AddTask(Inv($"signing in {n:N0} investigators on the second instance"), maxValue: n);
        await Parallel.ForEachAsync(subscribers, new ParallelOptions { MaxDegreeOfParallelism = SignInsAtOnce, CancellationToken = cancellation }, async (s, token) =>
        {
            var json = await new SignIn(apiB.Http).AuthorizationCodeAsync(Tokens.ToolsClientId, Tokens.ToolsRedirectUri, s.Username, Tokens.DevPassword, "openid intel:read", token);
            s.Token = json["access_token"]!.GetValue<string>();
            signedIn.Increment(1);
        });
        signedIn.StopTask();

        await WatchAsync(apiB, subscribers, options, progress, cancellation);

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        var listening = new List<Task>();
        try
        {
            var memory = await ConnectInStepsAsync(subscribers, b.Memory, options.SubscriberSteps, listening, progress, stop.Token);
            var baseline = await db.ScalarAsync<long>("select coalesce(max(position), 0) from ersou.alerts", cancellation);

            var (acks, underLoad, loadResult) = await ProbeUnderLoadAsync(api, tokens, load, options, runTag, progress, cancellation);
            var (expected, raiserSeconds, drainSeconds) = await DrainAsync(db, subscribers, baseline, progress, cancellation);
            await stop.CancelAsync();
            await Task.WhenAll(listening);
            return Tally(subscribers, expected, acks, options, underLoad, memory, loadResult, raiserSeconds, drainSeconds);
        }
        finally
        {
            await stop.CancelAsync();
            await Task.WhenAll(listening.Select(t => t.ContinueWith(_ => { }, TaskScheduler.Default)));
        }
    }

    private static async Task<BenchService> WithInstanceAsync(Task<BenchService> starting, Func<Task> meanwhile)
    {
        try
        {
            await meanwhile();
        }
        catch
        {
            // Stop the instance whether or not it came up: the run has failed.
            await Task.WhenAny(starting);
            if (starting.IsCompletedSuccessfully)
            {
                await starting.Result.DisposeAsync();
            }

            throw;
        }

        return await starting;
    }

    /// <summary>Each probe's number pushed once by the force that will push the probe, so the number is known (watchable) and the probe's push is not a new match.</summary>
    private static async Task PushBeforehandAsync(GraphQLClient api, Tokens tokens, int probes, string runTag, CancellationToken cancellation)
    {
        foreach (var group in Enumerable.Range(0, probes).GroupBy(ForceOf))
        {
            foreach (var chunk in group.Chunk(100))
            {
                var inputs = chunk.Select(i => Incident(group.Key, Reference(group.Key, "AW", runTag, i), Number(i))).ToList();
                var token = await tokens.SystemTokenAsync(group.Key.ClientId, group.Key.Name, cancellation);
                using var answer = await api.PostAsync(token, Operations.ReportIncidents, "ReportIncidents", new { inputs }, cancellation);
                ApiIngest.Check(group.Key, inputs, answer);
            }
        }
    }

    /// <summary>Probe i's number is watched by subscribers i·W to i·W+W−1 (round the list), through the contract's <c>watch</c>.</summary>
    private static async Task WatchAsync(GraphQLClient apiB, List<Subscriber> subscribers, BenchOptions options, ProgressContext progress, CancellationToken cancellation)
    {
        var w = options.WatchersPerProbe;
        var placing = progress.AddTask(Inv($"watch: {options.SubscriberProbes * w:N0} watches on the probes' numbers"), maxValue: options.SubscriberProbes * w);
        var pairs = Enumerable.Range(0, options.SubscriberProbes).SelectMany(i => Enumerable.Range(0, w).Select(k => (Probe: i, Who: subscribers[((i * w) + k) % subscribers.Count])));
        await Parallel.ForEachAsync(pairs, new ParallelOptions { MaxDegreeOfParallelism = SignInsAtOnce, CancellationToken = cancellation }, async (pair, token) =>
        {
            var input = new { entity = new { kind = "PHONE_NUMBER", key = Number(pair.Probe) }, purpose = LinkQueries.Purpose, justification = LinkQueries.Why };
            using var answer = await apiB.PostAsync(pair.Who.Token, Operations.Watch, "Watch", new { input }, token);
            var payload = answer.Status == 200 && answer.Errors is null ? answer.Data.GetProperty("watch") : default;
            if (payload.ValueKind != System.Text.Json.JsonValueKind.Object || payload.GetProperty("errors").GetArrayLength() > 0)
            {
                throw new BenchFailure($"watch by {pair.Who.Username} on {Number(pair.Probe)} answered {answer.Status}: {answer.Errors ?? GraphQLClient.Trim(answer.Body.RootElement.GetRawText())}");
            }

            placing.Increment(1);
        });
        placing.StopTask();
    }

    /// <summary>
    /// Opens the subscriptions in <paramref name="steps"/> equal steps with nothing else running, reading the
    /// instance's VmRSS before the first and after each (settled, the mean of three reads).
    /// </summary>
    private static async Task<List<MemoryStep>> ConnectInStepsAsync(
        List<Subscriber> subscribers, ProcessMemory memory, int steps, List<Task> listening, ProgressContext progress, CancellationToken stop)
    {
        var connecting = progress.AddTask(Inv($"subscribing: {subscribers.Count:N0} streams in {steps} steps"), maxValue: subscribers.Count);
        var points = new List<MemoryStep> { new(0, await SettledRssAsync(memory, stop)) };
        var done = 0;
        for (var step = 1; step <= steps; step++)
        {
            var upTo = (int)((long)subscribers.Count * step / steps);
            await Parallel.ForEachAsync(subscribers.Skip(done).Take(upTo - done), new ParallelOptions { MaxDegreeOfParallelism = ConnectsAtOnce, CancellationToken = stop }, async (s, token) =>
            {
                await s.OpenAsync(token);
                connecting.Increment(1);
            });
            listening.AddRange(subscribers.Skip(done).Take(upTo - done).Select(s => Task.Run(() => s.ListenAsync(stop), CancellationToken.None)));
            done = upTo;
            points.Add(new MemoryStep(done, await SettledRssAsync(memory, stop)));
        }

        connecting.StopTask();
        return points;
    }

    private static async Task<long> SettledRssAsync(ProcessMemory memory, CancellationToken cancellation)
    {
        await Task.Delay(Settle, cancellation);
        long sum = 0;
        for (var i = 0; i < 3; i++)
        {
            sum += memory.RssBytes();
            await Task.Delay(TimeSpan.FromMilliseconds(500), cancellation);
        }

        return sum / 3;
    }

    /// <summary>The load in the background and a probe every 250 ms, each through the first instance; each probe's acknowledgement time by its force reference.</summary>
    private static async Task<(Dictionary<string, long> Acks, int UnderLoad, IngestResult? Load)> ProbeUnderLoadAsync(
        GraphQLClient api, Tokens tokens, IReadOnlyList<GeneratedIncident> load, BenchOptions options, string runTag, ProgressContext progress, CancellationToken cancellation)
    {
        var loadTask = progress.AddTask(Inv($"load while subscribed: {load.Count:N0} incidents through the first instance"), maxValue: Math.Max(1, load.Count));
        var probeTask = progress.AddTask($"alert probes (one per {Cadence.TotalMilliseconds:F0} ms)", maxValue: options.SubscriberProbes);
        using var stopLoad = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        var ingest = load.Count > 0
            ? ApiIngest.RunAsync(api, tokens, load, options.Batch, options.ClientsPerForce, loadTask, stopLoad.Token)
            : Task.FromResult<IngestResult>(null!);
        var acks = new Dictionary<string, long>(StringComparer.Ordinal);
        var underLoad = 0;
        try
        {
            var cadence = Stopwatch.StartNew();
            for (var i = 0; i < options.SubscriberProbes; i++)
            {
                var wait = (Cadence * i) - cadence.Elapsed;
                if (wait > TimeSpan.Zero)
                {
                    await Task.Delay(wait, cancellation);
                }

                if (ingest.IsFaulted)
                {
                    await ingest;
                }

                underLoad += load.Count > 0 && !ingest.IsCompleted ? 1 : 0;
                var force = ForceOf(i);
                var reference = Reference(force, "AP", runTag, i);
                var token = await tokens.SystemTokenAsync(force.ClientId, force.Name, cancellation);
                List<IncidentInput> inputs = [Incident(force, reference, Number(i))];
                using var answer = await api.PostAsync(token, Operations.ReportIncidents, "ReportIncidents", new { inputs }, cancellation);
                acks[reference] = Stopwatch.GetTimestamp();
                ApiIngest.Check(force, inputs, answer);
                probeTask.Increment(1);
            }
        }
        catch
        {
            await stopLoad.CancelAsync();
            await Task.WhenAny(ingest);
            throw;
        }

        probeTask.StopTask();
        var result = await ingest;
        loadTask.StopTask();
        return (acks, underLoad, result);
    }

    /// <summary>
    /// Waits until the raiser has read every event stored (at most 180 s), then until every subscriber holds every
    /// alert the outbox has for its user since <paramref name="baseline"/>, or nothing new has arrived for 15 s (at
    /// most 180 s): what is missing then is lost. Returns the outbox's alerts by recipient, and the seconds each wait took
    /// (where a late alert spent its time: being raised, or being delivered).
    /// </summary>
    private static async Task<(Dictionary<string, HashSet<string>> Expected, double RaiserSeconds, double DrainSeconds)> DrainAsync(BenchDatabase db, List<Subscriber> subscribers, long baseline, ProgressContext progress, CancellationToken cancellation)
    {
        var draining = progress.AddTask("waiting for the raiser and the deliveries", maxValue: 1);
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < DrainBound)
        {
            // The raiser is the daemon's subscription named Alerts (its progression row Alerts:All); with none, nothing to wait for.
            var behind = await db.ScalarAsync<long>(
                "select coalesce((select max(seq_id) from ersou.mt_events) - (select max(last_seq_id) from ersou.mt_event_progression where name like 'Alerts%'), 0)", cancellation);
            if (behind <= 0)
            {
                break;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(250), cancellation);
        }

        var raiserSeconds = clock.Elapsed.TotalSeconds;
        clock.Restart();
        var names = subscribers.Select(s => s.Username).ToArray();
        var expected = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        var lastProgress = Stopwatch.StartNew();
        var lastMissing = long.MaxValue;
        while (clock.Elapsed < DrainBound)
        {
            expected = await ExpectedAsync(db, names, baseline, cancellation);
            var missing = subscribers.Sum(s => (long)expected.GetValueOrDefault(s.Username, []).Except(s.ReceivedSoFar.Select(r => r.Id)).Count());
            if (missing == 0)
            {
                break;
            }

            if (missing < lastMissing)
            {
                (lastMissing, lastProgress) = (missing, Stopwatch.StartNew());
            }
            else if (lastProgress.Elapsed > DrainQuiet)
            {
                break;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(500), cancellation);
        }

        draining.Increment(1);
        draining.StopTask();
        return (expected, raiserSeconds, clock.Elapsed.TotalSeconds);
    }

    private static async Task<Dictionary<string, HashSet<string>>> ExpectedAsync(BenchDatabase db, string[] recipients, long baseline, CancellationToken cancellation)
    {
        var expected = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        await using var command = db.DataSource.CreateCommand("select recipient, id::text from ersou.alerts where position > $1 and recipient = any($2)");
        command.Parameters.AddWithValue(baseline);
        command.Parameters.AddWithValue(recipients);
        await using var reader = await command.ExecuteReaderAsync(cancellation);
        while (await reader.ReadAsync(cancellation))
        {
            var recipient = reader.GetString(0);
            (expected.TryGetValue(recipient, out var ids) ? ids : expected[recipient] = new HashSet<string>(StringComparer.Ordinal)).Add(reader.GetString(1));
        }

        return expected;
    }

    private static AlertSubscribersResult Tally(
        List<Subscriber> subscribers, Dictionary<string, HashSet<string>> expected, Dictionary<string, long> acks, BenchOptions options, int underLoad, List<MemoryStep> memory, IngestResult? load, double raiserSeconds, double drainSeconds)
    {
        long total = 0, delivered = 0, lost = 0, duplicated = 0, unexpected = 0;
        var latencies = new List<double>();
        var probePairs = 0;
        foreach (var s in subscribers)
        {
            var mine = expected.GetValueOrDefault(s.Username, []);
            var received = s.ReceivedSoFar;
            var ids = received.Select(r => r.Id).ToHashSet(StringComparer.Ordinal);
            total += mine.Count;
            delivered += received.Count;
            duplicated += received.Count - ids.Count;
            lost += mine.Count(id => !ids.Contains(id));
            unexpected += ids.Count(id => !mine.Contains(id));
            foreach (var probe in received.Where(r => r.Kind == "NEW_LINK" && r.ForceReference is not null && acks.ContainsKey(r.ForceReference)).DistinctBy(r => r.ForceReference))
            {
                latencies.Add(Stopwatch.GetElapsedTime(acks[probe.ForceReference!], probe.At).TotalMilliseconds);
                probePairs++;
            }
        }

        var expectedPairs = options.SubscriberProbes * options.WatchersPerProbe;
        var ends = subscribers.SelectMany(s => s.Ends).ToList();
        return new AlertSubscribersResult(
            options.SubscriberTransport,
            subscribers.Count,
            options.SubscriberProbes,
            underLoad,
            options.WatchersPerProbe,
            Percentiles.Of(latencies),
            expectedPairs,
            expectedPairs - probePairs,
            total,
            delivered,
            lost,
            duplicated,
            unexpected,
            ends.Count,
            subscribers.Sum(s => s.Errors.Count),
            ends.Concat(subscribers.SelectMany(s => s.Errors)).Distinct().Take(5).ToList(),
            memory,
            Slope(memory),
            load,
            raiserSeconds,
            drainSeconds);
    }

    /// <summary>
    /// Least-squares bytes per subscriber through the steps' (connected, RSS) points, from the first step on when there
    /// are two or more: the first subscribers also pay once for the stream's code being compiled and its pools filled.
    /// </summary>
    private static double Slope(List<MemoryStep> all)
    {
        var points = all.Count > 2 ? all.Skip(1).ToList() : all;
        var meanX = points.Average(p => (double)p.Connected);
        var meanY = points.Average(p => (double)p.RssBytes);
        var sxx = points.Sum(p => (p.Connected - meanX) * (p.Connected - meanX));
        return sxx == 0 ? 0 : points.Sum(p => (p.Connected - meanX) * (p.RssBytes - meanY)) / sxx;
    }

    private static ForceSpec ForceOf(int probe) => IncidentGenerator.Forces[probe % IncidentGenerator.Forces.Count];

    /// <summary>A probe's number: 07502 plus six digits, a block neither the generator (071-073 and the drama range) nor freshness (07501) uses.</summary>
    private static string Number(int index) => string.Create(CultureInfo.InvariantCulture, $"07502{index:D6}");

    private static string Reference(ForceSpec force, string kind, string runTag, int index) =>
        string.Create(CultureInfo.InvariantCulture, $"{force.Prefix}/{kind}/{runTag}/{index:D6}");

    private static IncidentInput Incident(ForceSpec force, string reference, string number) => new(
        reference,
        DateTimeOffset.UtcNow.AddHours(-1).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
        "IMPERSONATION_FRAUD",
        "POLICE",
        ["BANK_DETAILS"],
        new LocationInput(force.Towns[0], force.PostcodeDistricts[0]),
        "80-89",
        "Alert probe of the benchmark.",
        [new PhoneNumberInput(number, "CALLER")],
        null,
        null,
        new GradingInput("RELIABLE", "A", "P", null));

    private static void CheckProbeValues(int probes)
    {
        foreach (var index in new[] { 0, probes - 1 })
        {
            if (Normalise.PhoneNumber(Number(index)) is null)
            {
                throw new BenchFailure($"Alert probe {index}: {Number(index)} is not a number the service takes.");
            }
        }
    }
}
