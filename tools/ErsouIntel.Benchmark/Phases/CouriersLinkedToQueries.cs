using System.Globalization;
using System.Text;
using System.Text.Json;
using Spectre.Console;
using static ErsouIntel.Benchmark.Invariant;

namespace ErsouIntel.Benchmark.Phases;

/// <summary>First pages at one hop count, through the API and from the exact floor, and how their answers compare.</summary>
/// <param name="PastBound">Answers whose walk passed the service's bound (the floor says so): counted, not compared.</param>
/// <param name="PastBoundClaimedComplete">Of those, answers the API still called complete: a finding.</param>
internal sealed record PageFigures(int Hops, Percentiles Api, Percentiles Floor, double P95Ratio, double MeanTotal, int Agree, int Differ, int PastBound, int PastBoundClaimedComplete, int ApiTimeouts, int FloorTimeouts);

/// <summary>One hub, asked again and again at 2 hops.</summary>
internal sealed record HubFigures(string Start, long Links, Percentiles Api, Percentiles Floor, long TotalCount, bool Complete, string Answer);

/// <summary>The biggest hub's first page beside a number seen once, both at 2 hops, in the same run.</summary>
internal sealed record HubRatio(string Hub, double HubP50, string Once, int OnceSamples, double OnceP50, double Ratio);

internal sealed record CouriersLinkedToResult(
    int Starts,
    string Mix,
    IReadOnlyDictionary<string, long> Stored,
    IReadOnlyList<PageFigures> Hops,
    Percentiles HubsApi,
    Percentiles HubsFloor,
    IReadOnlyList<HubFigures> Hubs,
    HubRatio? Ratio,
    IReadOnlyList<string> Mismatches);

/// <summary>One first page as compared: its text (totalCount, complete, then each edge), and the couriers it names, for picking path pairs.</summary>
internal sealed record PageAnswer(double Ms, string? Text, long Total, bool Complete, IReadOnlyList<(string Courier, int Hops)> Couriers);

/// <summary>
/// <c>couriersLinkedTo</c> first pages (<c>first: 50</c>) at 1 to maxHops hops for the random starts,
/// and at 2 hops for the five biggest hubs on their own, through the API as the investigator (token,
/// purpose, justification, so every answer is logged); then each question as one statement on a plain
/// connection (<see cref="CouriersLinkedToFloorSql"/>), and every answer compared edge by edge: the same
/// couriers (or withheld links) in the same order with the same hops, lastSeen and pointers, the same
/// totalCount and complete.
/// </summary>
internal static class CouriersLinkedToQueries
{
    public const int First = 50;
    private const int WarmUp = 10;
    private const int HubRepeats = 10;

    // The floor's hub statements walk up to the bound each time: fewer repeats keep a 1M run's hub phase short.
    private const int HubFloorRepeats = 3;
    private const int WalkCap = 20_000;

    public static async Task<(CouriersLinkedToResult Result, Dictionary<int, PageAnswer[]> Answers)> RunAsync(
        GraphQLClient api, Tokens tokens, BenchDatabase db, LinkStartSet starts, int maxHops, ProgressContext progress, CancellationToken cancellation)
    {
        var token = await tokens.InvestigatorTokenAsync(LinkQueries.Investigator, cancellation);
        var (subject, force) = await LinkQueries.MeAsync(api, token, cancellation);
        var random = starts.Random;

        // Not measured: JIT, pools and plan caches, which a running service has already paid for.
        foreach (var start in random.Take(WarmUp))
        {
            for (var hops = 1; hops <= maxHops; hops++)
            {
                await AskApiAsync(api, tokens, start, hops, cancellation);
            }
        }

        var apiAnswers = new Dictionary<int, PageAnswer[]>();
        var floorAnswers = new Dictionary<int, PageAnswer[]>();
        var apiTask = progress.AddTask(Inv($"couriersLinkedTo first pages through the API: {random.Count:N0} starts x {maxHops} hops"), maxValue: random.Count * maxHops);
        for (var hops = 1; hops <= maxHops; hops++)
        {
            apiAnswers[hops] = new PageAnswer[random.Count];
            for (var i = 0; i < random.Count; i++)
            {
                apiAnswers[hops][i] = await AskApiAsync(api, tokens, random[i], hops, cancellation);
                apiTask.Increment(1);
            }
        }

        apiTask.StopTask();

        var floorTask = progress.AddTask("the same pages as SQL (the exact floor)", maxValue: random.Count * maxHops);
        await using (var floor = await FloorConnection.OpenAsync(db, cancellation))
        {
            foreach (var start in random.Take(WarmUp))
            {
                for (var hops = 1; hops <= maxHops; hops++)
                {
                    await AskFloorAsync(floor, start, hops, force, subject, cancellation);
                }
            }

            for (var hops = 1; hops <= maxHops; hops++)
            {
                floorAnswers[hops] = new PageAnswer[random.Count];
                for (var i = 0; i < random.Count; i++)
                {
                    floorAnswers[hops][i] = await AskFloorAsync(floor, random[i], hops, force, subject, cancellation);
                    floorTask.Increment(1);
                }
            }
        }

        floorTask.StopTask();

        var mismatches = new List<string>();
        var figures = new List<PageFigures>();
        for (var hops = 1; hops <= maxHops; hops++)
        {
            var (agree, differ, past, pastComplete, timeouts, floorTimeouts) = (0, 0, 0, 0, 0, 0);
            for (var i = 0; i < random.Count; i++)
            {
                switch (Compare(apiAnswers[hops][i], floorAnswers[hops][i]))
                {
                    case Outcome.Agree: agree++; break;
                    case Outcome.ApiTimeout: timeouts++; break;
                    case Outcome.FloorTimeout: floorTimeouts++; break;
                    case Outcome.PastBound: past++; break;
                    case Outcome.PastBoundClaimedComplete:
                        past++;
                        pastComplete++;
                        Note(mismatches, random[i], hops, apiAnswers[hops][i], floorAnswers[hops][i], "the walk passed the bound but the API said complete");
                        break;
                    default:
                        differ++;
                        Note(mismatches, random[i], hops, apiAnswers[hops][i], floorAnswers[hops][i], null);
                        break;
                }
            }

            var apiMs = Percentiles.Of(apiAnswers[hops].Select(a => a.Ms).ToArray());
            var floorMs = Percentiles.Of(floorAnswers[hops].Select(a => a.Ms).ToArray());
            var meanTotal = floorAnswers[hops].Where(a => a.Text is not null).Select(a => (double)a.Total).DefaultIfEmpty(0).Average();
            figures.Add(new PageFigures(hops, apiMs, floorMs, apiMs.P95 / Math.Max(floorMs.P95, 1e-6), meanTotal, agree, differ, past, pastComplete, timeouts, floorTimeouts));
        }

        // The hubs on their own, at 2 hops, asked again and again: their p95 is the issue's figure.
        var hubFigures = new List<HubFigures>();
        var hubTask = progress.AddTask(Inv($"the {starts.Hubs.Count} biggest hubs at 2 hops, {HubRepeats} times each, and {HubFloorRepeats} times as SQL"), maxValue: starts.Hubs.Count * (HubRepeats + HubFloorRepeats));
        var (allHubApi, allHubFloor) = (new List<double>(), new List<double>());
        await using (var floor = await FloorConnection.OpenAsync(db, cancellation))
        {
            foreach (var hub in starts.Hubs)
            {
                var (apiMs, floorMs) = (new List<double>(), new List<double>());
                PageAnswer? firstApi = null, firstFloor = null;
                for (var r = 0; r < HubRepeats; r++)
                {
                    var a = await AskApiAsync(api, tokens, hub, 2, cancellation);
                    firstApi ??= a;
                    apiMs.Add(a.Ms);
                    hubTask.Increment(1);
                }

                for (var r = 0; r < HubFloorRepeats; r++)
                {
                    var f = await AskFloorAsync(floor, hub, 2, force, subject, cancellation);
                    firstFloor ??= f;
                    floorMs.Add(f.Ms);
                    hubTask.Increment(1);
                }

                var outcome = Compare(firstApi!, firstFloor!);
                if (outcome is Outcome.Differ or Outcome.PastBoundClaimedComplete)
                {
                    Note(mismatches, hub, 2, firstApi!, firstFloor!, "hub");
                }

                allHubApi.AddRange(apiMs);
                allHubFloor.AddRange(floorMs);
                hubFigures.Add(new HubFigures(hub.ToString(), hub.Links, Percentiles.Of(apiMs), Percentiles.Of(floorMs), firstApi!.Total, firstApi.Complete, OutcomeText(outcome)));
            }
        }

        hubTask.StopTask();

        var ratio = await RatioAsync(db, starts, apiAnswers.GetValueOrDefault(2), hubFigures, cancellation);
        var result = new CouriersLinkedToResult(
            random.Count, LinkStartPicks.Describe(starts), starts.Stored, figures,
            Percentiles.Of(allHubApi), Percentiles.Of(allHubFloor), hubFigures, ratio, mismatches);
        return (result, apiAnswers);
    }

    /// <summary>The biggest hub's first page (its p50 over its repeats) beside the numbers seen once (one link row) among the random starts, at 2 hops.</summary>
    private static async Task<HubRatio?> RatioAsync(BenchDatabase db, LinkStartSet starts, PageAnswer[]? twoHops, List<HubFigures> hubs, CancellationToken cancellation)
    {
        if (twoHops is null || hubs.Count == 0)
        {
            return null;
        }

        var phones = starts.Random.Select((s, i) => (s, i)).Where(x => x.s.Kind == StartKind.Phone).ToList();
        var links = await LinkStartPicks.PhoneLinksAsync(db, phones.Select(p => p.s.Key), cancellation);
        var fewest = phones.Select(p => links.GetValueOrDefault(p.s.Key, long.MaxValue)).DefaultIfEmpty(long.MaxValue).Min();
        var once = phones.Where(p => links.GetValueOrDefault(p.s.Key, long.MaxValue) == fewest).ToList();
        if (once.Count == 0)
        {
            return null;
        }

        var onceP50 = Percentiles.Of(once.Select(p => twoHops[p.i].Ms).ToArray()).P50;
        var hub = hubs[0];
        var label = fewest == 1 ? "numbers seen once" : Inv($"numbers on {fewest} link rows (none seen once)");
        return new HubRatio(Inv($"{hub.Start} ({hub.Links:N0} link rows)"), hub.Api.P50, label, once.Count, onceP50, hub.Api.P50 / Math.Max(onceP50, 1e-6));
    }

    private enum Outcome
    {
        Agree,
        Differ,
        PastBound,
        PastBoundClaimedComplete,
        ApiTimeout,
        FloorTimeout,
    }

    private static Outcome Compare(PageAnswer api, PageAnswer floor)
    {
        if (api.Text is null)
        {
            return Outcome.ApiTimeout;
        }

        if (floor.Text is null)
        {
            return Outcome.FloorTimeout;
        }

        if (!floor.Complete)
        {
            return api.Complete ? Outcome.PastBoundClaimedComplete : Outcome.PastBound;
        }

        return string.Equals(api.Text, floor.Text, StringComparison.Ordinal) ? Outcome.Agree : Outcome.Differ;
    }

    private static string OutcomeText(Outcome outcome) => outcome switch
    {
        Outcome.Agree => "agrees with the floor",
        Outcome.PastBound => "past the bound (complete: false; not compared)",
        Outcome.PastBoundClaimedComplete => "past the bound, but the API said complete",
        Outcome.ApiTimeout => "API timed out",
        Outcome.FloorTimeout => "floor timed out",
        _ => "differs from the floor",
    };

    private static void Note(List<string> mismatches, BenchStart start, int hops, PageAnswer api, PageAnswer floor, string? why)
    {
        if (mismatches.Count >= 20)
        {
            return;
        }

        var a = api.Text!.Split('\n');
        var f = floor.Text!.Split('\n');
        var at = Enumerable.Range(0, Math.Min(a.Length, f.Length)).FirstOrDefault(k => a[k] != f[k], Math.Min(a.Length, f.Length));
        mismatches.Add(Inv($"couriersLinkedTo({start}, {hops} hops){(why is null ? "" : " " + why)}: first difference at line {at}: API [{(at < a.Length ? a[at] : "end")}] floor [{(at < f.Length ? f[at] : "end")}]"));
    }

    /// <summary>One first page through the API; null text when the service gave up at its execution timeout.</summary>
    public static async Task<PageAnswer> AskApiAsync(GraphQLClient api, Tokens tokens, BenchStart start, int hops, CancellationToken cancellation)
    {
        var token = await tokens.InvestigatorTokenAsync(LinkQueries.Investigator, cancellation);
        using var answer = await api.PostAsync(token, Operations.CouriersLinkedTo, "CouriersLinkedTo",
            new { entity = start.EntityRef, hops, first = First, purpose = LinkQueries.Purpose, why = LinkQueries.Why }, cancellation);
        if (LinkQueries.IsTimeout(answer))
        {
            return new PageAnswer(answer.Milliseconds, null, 0, false, []);
        }

        if (answer.Status != 200 || answer.Errors is not null || answer.Data.ValueKind != JsonValueKind.Object)
        {
            throw new BenchFailure($"couriersLinkedTo({start}, {hops}) answered {answer.Status}: {answer.Errors ?? GraphQLClient.Trim(answer.Body.RootElement.GetRawText())}");
        }

        var connection = answer.Data.GetProperty("access").GetProperty("couriersLinkedTo");
        var total = connection.GetProperty("totalCount").GetInt64();
        var complete = connection.GetProperty("complete").GetBoolean();
        var text = new StringBuilder(Head(total, complete));
        var couriers = new List<(string, int)>();
        foreach (var edge in connection.GetProperty("edges").EnumerateArray())
        {
            var node = edge.GetProperty("node");
            var courier = node.GetProperty("courier") is { ValueKind: JsonValueKind.Object } c ? c.GetProperty("id").GetString() : null;
            var lastSeen = node.GetProperty("lastSeen") is { ValueKind: JsonValueKind.String } t
                ? DateTimeOffset.Parse(t.GetString()!, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind)
                : (DateTimeOffset?)null;
            var pointers = string.Join(';', node.GetProperty("pointers").EnumerateArray().Select(p =>
                $"{p.GetProperty("force").GetString()}/{p.GetProperty("forceReference").GetString()}/{p.GetProperty("handling").GetString()}"));
            var edgeHops = node.GetProperty("hops").GetInt32();
            text.Append('\n').Append(Line(node.GetProperty("withheld").GetBoolean() ? null : courier, edgeHops, lastSeen, pointers));
            if (courier is not null)
            {
                couriers.Add((courier, edgeHops));
            }
        }

        return new PageAnswer(answer.Milliseconds, text.ToString(), total, complete, couriers);
    }

    /// <summary>The same page as one statement on the floor's connection; null text when it passed the floor's timeout.</summary>
    private static async Task<PageAnswer> AskFloorAsync(FloorConnection floor, BenchStart start, int hops, string force, string subject, CancellationToken cancellation)
    {
        var command = await floor.CommandAsync(CouriersLinkedToFloorSql.Page(start.Kind, hops),
            [("start", start.Key), ("force", force), ("subject", subject), ("shared", true), ("cap", WalkCap), ("rows", 2 * WalkCap), ("first", First)],
            cancellation);
        var (total, past) = (0L, false);
        var lines = new List<string>();
        var (ms, done) = await FloorConnection.TimedAsync(command, reader =>
        {
            if (reader.GetInt64(0) == 0)
            {
                (total, past) = (reader.GetInt64(5), reader.GetBoolean(6));
                return;
            }

            lines.Add(Line(
                reader.IsDBNull(1) ? null : reader.GetString(1),
                reader.GetInt32(2),
                reader.IsDBNull(3) ? null : reader.GetFieldValue<DateTimeOffset>(3),
                reader.IsDBNull(4) ? "" : reader.GetString(4)));
        }, cancellation);
        return done
            ? new PageAnswer(ms, string.Join('\n', lines.Prepend(Head(total, !past))), total, !past, [])
            : new PageAnswer(ms, null, 0, false, []);
    }

    private static string Head(long total, bool complete) => Inv($"totalCount {total}, complete {complete}");

    // lastSeen to the millisecond: what JSON carries of it.
    private static string Line(string? courier, int hops, DateTimeOffset? lastSeen, string pointers) =>
        Inv($"{courier ?? "withheld"} @{hops} last {(lastSeen is { } t ? t.ToUniversalTime().ToString("yyyy-MM-ddTHH:mm:ss.fff", CultureInfo.InvariantCulture) : "-")} [{pointers}]");
}
