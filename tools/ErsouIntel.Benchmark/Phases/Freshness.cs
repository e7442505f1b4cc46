using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using ErsouIntel.Domain;
using ErsouIntel.LoadClient;
using Spectre.Console;

namespace ErsouIntel.Benchmark.Phases;

internal sealed record FreshnessResult(
    int Probes,
    int ProbesUnderLoad,
    Percentiles Links,
    Percentiles Matches,
    int LinkTimeouts,
    int MatchTimeouts,
    int LinksOnFirstPoll,
    int MatchesOnFirstPoll,
    IngestResult? Load,
    string Investigator);

/// <summary>
/// How soon a push shows, while the six force systems keep pushing: every ~250 ms a probe pushes
/// an incident from force A with a brand-new number and an identified courier, and from the
/// acknowledgement polls <c>linkedCouriers(number, 1)</c> until the courier shows (link freshness);
/// then Hertfordshire pushes an incident with the same number, and from that acknowledgement the
/// probe polls <c>matches</c> until the cross-force match on the number is listed (match freshness).
/// Polls go every 10 ms; a wait is bounded at 10 s and then counts as a timeout.
/// </summary>
internal static class Freshness
{
    private static readonly TimeSpan Cadence = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan PollEvery = TimeSpan.FromMilliseconds(10);
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);

    // The investigator is Hertfordshire's, so B is Hertfordshire (the match then involves the investigator's force) and A is any other force.
    private static readonly ForceSpec B = IncidentGenerator.Forces.Single(f => f.Name == "HERTFORDSHIRE");
    private static readonly ForceSpec[] A = IncidentGenerator.Forces.Where(f => f != B).ToArray();

    public static async Task<FreshnessResult> RunAsync(
        GraphQLClient api, Tokens tokens, IReadOnlyList<GeneratedIncident> load, BenchOptions options, string runTag, ProgressContext progress, CancellationToken cancellation,
        int firstProbe = 0)
    {
        // A second run on the same database (daemon mode) numbers its probes after the first's: a probe's number and references must be new.
        CheckProbeValues(firstProbe, options.Probes);
        await tokens.InvestigatorTokenAsync(LinkQueries.Investigator, cancellation);
        var loadTask = progress.AddTask($"load while probing: {load.Count:N0} incidents through the API", maxValue: Math.Max(1, load.Count));
        var probeTask = progress.AddTask($"freshness probes (one per {Cadence.TotalMilliseconds:F0} ms)", maxValue: options.Probes);

        using var stopLoad = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        var ingest = load.Count > 0
            ? ApiIngest.RunAsync(api, tokens, load, options.Batch, options.ClientsPerForce, loadTask, stopLoad.Token)
            : Task.FromResult<IngestResult>(null!);

        var links = new List<double>();
        var matches = new List<double>();
        var (linkTimeouts, matchTimeouts, linksFirst, matchesFirst, underLoad) = (0, 0, 0, 0, 0);
        try
        {
            var cadence = Stopwatch.StartNew();
            for (var i = 0; i < options.Probes; i++)
            {
                var wait = (Cadence * i) - cadence.Elapsed;
                if (wait > TimeSpan.Zero)
                {
                    await Task.Delay(wait, cancellation);
                }

                if (ingest.IsFaulted)
                {
                    // The load failed: its failure is the finding.
                    await ingest;
                }

                if (load.Count > 0 && !ingest.IsCompleted)
                {
                    underLoad++;
                }

                var (link, match) = await ProbeAsync(api, tokens, firstProbe + i, runTag, cancellation);
                // A timeout counts in the percentiles at the bound: leaving it out would flatter them.
                links.Add(link.Ms ?? Bound.TotalMilliseconds);
                matches.Add(match.Ms ?? Bound.TotalMilliseconds);
                linkTimeouts += link.Ms is null ? 1 : 0;
                matchTimeouts += match.Ms is null ? 1 : 0;
                linksFirst += link.Polls == 1 && link.Ms is not null ? 1 : 0;
                matchesFirst += match.Polls == 1 && match.Ms is not null ? 1 : 0;
                probeTask.Increment(1);
            }
        }
        catch
        {
            // Do not leave the load pushing into a run that has failed.
            await stopLoad.CancelAsync();
            await Task.WhenAny(ingest);
            throw;
        }

        probeTask.StopTask();
        var loadResult = await ingest;
        loadTask.StopTask();
        return new FreshnessResult(
            options.Probes, underLoad, Percentiles.Of(links), Percentiles.Of(matches), linkTimeouts, matchTimeouts, linksFirst, matchesFirst, loadResult, LinkQueries.Investigator);
    }

    /// <summary>One probe: milliseconds until the link shows and until the match is listed (null: not within the bound), and the polls it took.</summary>
    private static async Task<((double? Ms, int Polls) Link, (double? Ms, int Polls) Match)> ProbeAsync(GraphQLClient api, Tokens tokens, int index, string runTag, CancellationToken cancellation)
    {
        var national = Number(index);
        var e164 = Normalise.PhoneNumber(national)!;
        var a = A[index % A.Length];

        var first = Incident(a, index, runTag, national, courier: true);
        await PushAsync(api, tokens, a, first, cancellation);
        var link = await PollAsync(async () =>
        {
            var (_, couriers) = await LinkQueries.AskApiAsync(api, tokens, e164, 1, cancellation);
            return couriers is not null && couriers.Any(c => !c.StartsWith("withheld@", StringComparison.Ordinal));
        }, cancellation);

        var second = Incident(B, index, runTag, national, courier: false);
        await PushAsync(api, tokens, B, second, cancellation);
        var match = await PollAsync(async () =>
        {
            var token = await tokens.InvestigatorTokenAsync(LinkQueries.Investigator, cancellation);
            // Newest first: a match made a moment ago is near the top even while the load makes others.
            using var answer = await api.PostAsync(token, Operations.Matches, "Matches", new { first = 20, purpose = LinkQueries.Purpose, why = LinkQueries.Why }, cancellation);
            if (answer.Status != 200 || answer.Errors is not null)
            {
                throw new BenchFailure($"matches answered {answer.Status}: {answer.Errors}");
            }

            return answer.Data.GetProperty("access").GetProperty("matches").GetProperty("edges").EnumerateArray()
                .Select(e => e.GetProperty("node"))
                .Any(n => n.GetProperty("kind").GetString() == "PHONE_NUMBER" && n.GetProperty("key").GetString() == e164);
        }, cancellation);

        return (link, match);
    }

    /// <summary>Pushes one incident through the force system's own <c>reportIncidents</c>; returns at its acknowledgement.</summary>
    private static async Task PushAsync(GraphQLClient api, Tokens tokens, ForceSpec force, IncidentInput input, CancellationToken cancellation)
    {
        var token = await tokens.SystemTokenAsync(force.ClientId, force.Name, cancellation);
        using var answer = await api.PostAsync(token, Operations.ReportIncidents, "ReportIncidents", new { inputs = new[] { input } }, cancellation);
        ApiIngest.Check(force, [input], answer);
    }

    /// <summary>Milliseconds from now until <paramref name="shows"/> is true, asking every 10 ms (null past the bound), and how many times it asked.</summary>
    private static async Task<(double? Ms, int Polls)> PollAsync(Func<Task<bool>> shows, CancellationToken cancellation)
    {
        var clock = Stopwatch.StartNew();
        var polls = 0;
        while (clock.Elapsed < Bound)
        {
            var asked = clock.Elapsed;
            polls++;
            if (await shows())
            {
                return (clock.Elapsed.TotalMilliseconds, polls);
            }

            var wait = PollEvery - (clock.Elapsed - asked);
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait, cancellation);
            }
        }

        return (null, polls);
    }

    /// <summary>A probe's number: 07501 plus six digits, a block the generator never uses (it draws 071-073 and the drama range), so it is new.</summary>
    private static string Number(int index) => string.Create(CultureInfo.InvariantCulture, $"07501{index:D6}");

    private static string Pnc(int index) => string.Create(CultureInfo.InvariantCulture, $"25/{index + 1:D7}P");

    private static IncidentInput Incident(ForceSpec force, int index, string runTag, string number, bool courier) => new(
        string.Create(CultureInfo.InvariantCulture, $"{force.Prefix}/FR/{runTag}/{index:D6}"),
        DateTimeOffset.UtcNow.AddHours(-1).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
        courier ? "COURIER_FRAUD" : "IMPERSONATION_FRAUD",
        "POLICE",
        courier ? ["BANK_CARD", "PIN"] : ["BANK_DETAILS"],
        new LocationInput(force.Towns[0], force.PostcodeDistricts[0]),
        "80-89",
        "Freshness probe of the benchmark.",
        [new PhoneNumberInput(number, "CALLER")],
        // Identified by a PNC ID of its own and no date of birth: probes must not join into one person.
        courier ? [new CourierInput("Probe Courier", null, null, null, Pnc(index))] : null,
        null,
        new GradingInput("RELIABLE", "A", "P", null));

    /// <summary>Fails before anything is pushed if the probes' numbers or PNC IDs would be refused.</summary>
    private static void CheckProbeValues(int firstProbe, int probes)
    {
        foreach (var index in new[] { firstProbe, firstProbe + probes - 1 })
        {
            if (Normalise.PhoneNumber(Number(index)) is null || Normalise.PncId(Pnc(index)) is null)
            {
                throw new BenchFailure($"Probe {index}: {Number(index)} or {Pnc(index)} is not valid for the service.");
            }
        }
    }
}
