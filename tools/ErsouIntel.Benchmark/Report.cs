using System.Text.Json;
using System.Text.Json.Serialization;
using ErsouIntel.Benchmark.Phases;
using ErsouIntel.Benchmark.Profiling;
using Spectre.Console;
using static ErsouIntel.Benchmark.Invariant;

namespace ErsouIntel.Benchmark;

/// <summary>Every figure of one run, filled in phase by phase; written as JSON even when a phase failed.</summary>
internal sealed class BenchResults
{
    public required DateTimeOffset StartedAt { get; init; }

    public DateTimeOffset? FinishedAt { get; set; }

    public required BenchSettings Settings { get; init; }

    public MachineFacts? Machine { get; set; }

    public IngestResult? ApiIngest { get; set; }

    public RawCopyResult? ApiRawCopy { get; set; }

    public double? ApiIngestRatio => ApiIngest is { } api && ApiRawCopy is { PerSecond: > 0 } raw ? api.PerSecond / raw.PerSecond : null;

    /// <summary>The same API ingest with <c>LinkGraph:Apply=Daemon</c> on a database of its own, beside its own raw COPY floor, with the graph's catch-up.</summary>
    public DaemonIngestResult? ApiIngestDaemon { get; set; }

    public double? ApiIngestDaemonRatio => ApiIngestDaemon?.Ratio;

    /// <summary>Why the daemon mode's phases did not run (<c>--no-daemon</c>).</summary>
    public string? DaemonSkipped { get; set; }

    public ImportResult? Import { get; set; }

    public RawCopyResult? ImportRawCopy { get; set; }

    public double? ImportRatio => Import is { } import && ImportRawCopy is { PerSecond: > 0 } raw ? import.PerSecond / raw.PerSecond : null;

    /// <summary>Every row the import left behind (events, link graph, access log), written again with binary COPY.</summary>
    public EverythingCopyResult? ImportEverythingCopy { get; set; }

    public double? ImportEverythingRatio => Import is { } import && ImportEverythingCopy is { PerSecond: > 0 } all ? import.PerSecond / all.PerSecond : null;

    public string? ImportSkipped { get; set; }

    public LinkQueryResult? LinkQueries { get; set; }

    public CouriersLinkedToResult? CouriersLinkedTo { get; set; }

    public List<TimedFigures>? Network { get; set; }

    public TimedFigures? Paths { get; set; }

    public TimedFigures? Search { get; set; }

    public FreshnessResult? Freshness { get; set; }

    /// <summary>Freshness again after the service restarted with <c>LinkGraph:Apply=Daemon</c> on the same database.</summary>
    public FreshnessResult? FreshnessDaemon { get; set; }

    public AlertSubscribersResult? AlertSubscribers { get; set; }

    public string? AlertSubscribersSkipped { get; set; }

    public FootprintResult? Footprint { get; set; }

    public ProvableLogResult? ProvableLog { get; set; }

    /// <summary>Issue 21: a synchronous standby, ingest with and without link questions, the standby's share of their reads.</summary>
    public ReplicaResult? Replicas { get; set; }

    public List<PhaseProfileResult> Profiles { get; } = [];

    public List<string> Notes { get; } = [];

    public string? Failure { get; set; }
}

/// <summary>The options as run, for the JSON file.</summary>
internal sealed record BenchSettings(
    int Incidents, int Seed, int ApiIncidents, int ImportIncidents, int Batch, int ClientsPerForce, int Queries, int MaxHops, IReadOnlyList<int> LinkedHops, int FreshnessIncidents, int Probes,
    int? Subscribers, string SubscriberTransport, int SubscriberIncidents, int SubscriberProbes, int WatchersPerProbe, string Database, bool Reuse, bool Daemon)
{
    public static BenchSettings From(BenchOptions o) =>
        new(o.Incidents, o.Seed, o.ApiIncidents, o.NoImport ? 0 : o.ImportIncidents, o.Batch, o.ClientsPerForce, o.Queries, o.MaxHops, o.LinkedHops, o.FreshnessIncidents, o.Probes,
            o.NoSubscribers ? null : o.Subscribers, o.SubscriberTransport, o.SubscriberIncidents, o.SubscriberProbes, o.WatchersPerProbe, o.Database, o.Reuse, !o.NoDaemon);
}

/// <summary>The run's figures beside their floors and targets, as a table on the console and as a JSON file.</summary>
internal static class Report
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    // The issue's targets. Issue 20: API ingest within 0.15 of its events-only COPY inline, 0.25 with the daemon
    // (no graph in the request); the import within 0.5 of a COPY of every row it writes.
    private const double IngestRatioTarget = 0.15;
    private const double DaemonIngestRatioTarget = 0.25;
    private const double ImportEverythingRatioTarget = 0.5;
    private const double TwoHopP95TargetMs = 200;
    private const double FreshnessP95TargetMs = 1_000;
    private const long RssTargetBytes = 400L * 1024 * 1024;

    // Issue 18's: an alert on the other instance p95 ≤ 1 s from the push's acknowledgement with ingest at ≥ 1,000/s; per subscriber ≤ 50 KB.
    private const double AlertP95TargetMs = 1_000;
    private const double AlertIngestTarget = 1_000;
    private const double BytesPerSubscriberTarget = 50 * 1024;

    // Issue 16's targets for the link questions (1M incidents): first page p95 by hops, each within 2x of its floor.
    private static readonly double[] PageP95TargetMs = [15, 20, 60];
    private const double PageFloorMultipleTarget = 2;
    private const double HubsP95TargetMs = 100;
    private const double NetworkP95TargetMs = 50;
    private const double PathsP95TargetMs = 100;
    private const double SearchP95TargetMs = 15;

    // Issue 19's: proofs p95 ≤ 10 ms at 10M entries; a checkpoint covers an entry within 1 s of its response (p95); ingest with the tree within 5% of without.
    private const double ProofP95TargetMs = 10;
    private const double CheckpointLagP95TargetMs = 1_000;
    private const double TreeIngestRatioTarget = 0.95;

    public static void Print(BenchResults r)
    {
        // Redirected output (a log, CI) gets Spectre's default 80 columns: too narrow for the table.
        if (Console.IsOutputRedirected && AnsiConsole.Profile.Width < 150)
        {
            AnsiConsole.Profile.Width = 150;
        }

        var table = new Table().Border(TableBorder.Rounded).Title("[bold]ErsouIntel benchmark[/]");
        table.AddColumn("phase");
        table.AddColumn("figure");
        table.AddColumn("floor");
        table.AddColumn(new TableColumn("ratio").RightAligned());
        table.AddColumn("target");
        var details = new List<string>();

        if (r.ApiIngest is { } api)
        {
            var ratio = r.ApiIngestRatio;
            table.AddRow(
                "API ingest",
                Inv($"{api.PerSecond:N0} incidents/s"),
                r.ApiRawCopy is { } raw ? Inv($"COPY {raw.PerSecond:N0}/s") : "-",
                ratio is { } x ? Inv($"{x:F3}") : "-",
                Verdict(Inv($"≥ {IngestRatioTarget} of COPY"), ratio >= IngestRatioTarget));
            details.Add(Inv($"API ingest: {api.Incidents:N0} incidents in {api.Seconds:F1} s by {api.Senders} senders, {api.Requests:N0} batches of {api.Batch}; batch latency {api.BatchLatency}"));
            if (r.ApiRawCopy is { } copy)
            {
                details.Add(Inv($"raw COPY of the same rows: {copy.Streams:N0} streams + {copy.Events:N0} events ({Types(copy)}) in {copy.Seconds:F2} s"));
            }
        }

        if (r.ApiIngestDaemon is { } daemon)
        {
            var ratio = daemon.Ratio;
            table.AddRow(
                "API ingest (daemon)",
                Inv($"{daemon.Ingest.PerSecond:N0} incidents/s"),
                Inv($"COPY {daemon.RawCopy.PerSecond:N0}/s"),
                ratio is { } x ? Inv($"{x:F3}") : "-",
                Verdict(Inv($"≥ {DaemonIngestRatioTarget} of COPY"), ratio >= DaemonIngestRatioTarget));
            details.Add(Inv($"API ingest (daemon, LinkGraph__Apply=Daemon, a database of its own): {daemon.Ingest.Incidents:N0} incidents in {daemon.Ingest.Seconds:F1} s by {daemon.Ingest.Senders} senders; batch latency {daemon.Ingest.BatchLatency}; ") +
                (daemon.CatchUpSeconds is { } catchUp
                    ? Inv($"the link graph held every incident {catchUp:F1} s after the last acknowledgement (ingest + catch-up: {daemon.Ingest.Incidents / Math.Max(daemon.Ingest.Seconds + catchUp, 1e-6):N0}/s)")
                    : Inv($"the link graph held {daemon.LinkedIncidents:N0} of {daemon.Ingest.Incidents:N0} incidents when the wait ended (10 min)")) +
                Inv($"; its raw COPY: {daemon.RawCopy.Streams:N0} streams + {daemon.RawCopy.Events:N0} events in {daemon.RawCopy.Seconds:F2} s"));
        }
        else if (r.DaemonSkipped is { } skippedDaemon)
        {
            table.AddRow("API ingest (daemon)", Esc(skippedDaemon), "-", "-", Inv($"≥ {DaemonIngestRatioTarget} of COPY"));
        }

        if (r.Import is { } import)
        {
            var ratio = r.ImportRatio;
            table.AddRow(
                "bulk backfill (import)",
                Inv($"{import.PerSecond:N0} incidents/s"),
                r.ImportRawCopy is { } raw ? Inv($"events-only COPY {raw.PerSecond:N0}/s") : "-",
                ratio is { } x ? Inv($"{x:F3}") : "-",
                "(the target is against everything it writes, below)");
            details.Add(Inv($"import: {import.Imported:N0} incidents in {import.Seconds:F1} s wall ({import.ReportedSeconds:F1} s by its own count), peak RSS {Mb(import.PeakRssBytes)}; file {Mb(import.FileBytes)} written in {import.WriteFileSeconds:F1} s"));
            if (r.ImportRawCopy is { } copy)
            {
                details.Add(Inv($"raw COPY of the imported rows: {copy.Streams:N0} streams + {copy.Events:N0} events ({Types(copy)}) in {copy.Seconds:F2} s"));
            }

            if (r.ImportEverythingCopy is { } all)
            {
                var allRatio = r.ImportEverythingRatio;
                table.AddRow(
                    "import vs COPY of everything it writes",
                    Inv($"{import.PerSecond:N0} incidents/s"),
                    Inv($"COPY {all.PerSecond:N0}/s"),
                    allRatio is { } y ? Inv($"{y:F3}") : "-",
                    Verdict(Inv($"≥ {ImportEverythingRatioTarget}"), allRatio >= ImportEverythingRatioTarget));
                details.Add(Inv($"COPY of every row the import wrote: {all.Tables.Sum(t => t.Rows):N0} rows, {Mb(all.Tables.Sum(t => t.Bytes))} on disk (tables and indexes), in {all.Seconds:F2} s for {all.Incidents:N0} incidents; ") +
                    string.Join(", ", all.Tables.Select(t => Inv($"{t.Table} {t.Rows:N0} rows {Mb(t.Bytes)} {t.Seconds:F2} s"))));
            }
        }
        else if (r.ImportSkipped is { } why)
        {
            table.AddRow("bulk backfill (import)", Esc(why), "-", "-", Inv($"≥ {ImportEverythingRatioTarget} of a COPY of everything it writes"));
        }

        if (r.CouriersLinkedTo is { } pages)
        {
            foreach (var hop in pages.Hops)
            {
                var goal = PageP95TargetMs[hop.Hops - 1];
                table.AddRow(
                    Inv($"couriersLinkedTo first 50, {hop.Hops} hop{(hop.Hops == 1 ? "" : "s")}"),
                    Esc(hop.Api.ToString()),
                    Esc("SQL " + hop.Floor),
                    Inv($"{hop.P95Ratio:F1}x"),
                    Verdict(Inv($"p95 ≤ {goal} ms, ≤ {PageFloorMultipleTarget}x SQL"), hop.Api.P95 <= goal && hop.P95Ratio <= PageFloorMultipleTarget));
            }

            table.AddRow(
                Inv($"couriersLinkedTo, {pages.Hubs.Count} biggest hubs, 2 hops"),
                Esc(pages.HubsApi.ToString()),
                Esc("SQL " + pages.HubsFloor),
                Inv($"{pages.HubsApi.P95 / Math.Max(pages.HubsFloor.P95, 1e-6):F1}x"),
                Verdict(Inv($"p95 ≤ {HubsP95TargetMs} ms"), pages.Hubs.Count > 0 && pages.HubsApi.P95 <= HubsP95TargetMs));
            if (pages.Ratio is { } hubRatio)
            {
                table.AddRow(
                    "biggest hub / number seen once",
                    Inv($"p50 {hubRatio.HubP50:F1} / {hubRatio.OnceP50:F1} ms"),
                    "",
                    Inv($"{hubRatio.Ratio:F1}x"),
                    "about the same time");
                details.Add(Inv($"hub ratio: {hubRatio.Hub}, first page at 2 hops, beside {hubRatio.OnceSamples} {hubRatio.Once} among the random starts"));
            }

            var compared = pages.Hops.Sum(h => h.Agree + h.Differ);
            var differ = pages.Hops.Sum(h => h.Differ) + pages.Hops.Sum(h => h.PastBoundClaimedComplete);
            table.AddRow(
                "couriersLinkedTo pages, API vs SQL",
                Inv($"{pages.Hops.Sum(h => h.Agree):N0} of {compared:N0} complete agree"),
                Inv($"{pages.Hops.Sum(h => h.PastBound):N0} past the bound"),
                "",
                Verdict(differ == 0 ? "every complete answer agrees" : Inv($"{differ} differ"), differ == 0));
            details.Add(Inv($"couriersLinkedTo: {pages.Starts:N0} random starts ({pages.Mix}) as {LinkQueries.Investigator}; totalCount on average ") +
                string.Join(", ", pages.Hops.Select(h => Inv($"{h.MeanTotal:F1} at {h.Hops}"))) +
                "; per hop agree/differ/past the bound (not compared)/API timeouts/floor timeouts: " +
                string.Join(", ", pages.Hops.Select(h => Inv($"{h.Hops}: {h.Agree}/{h.Differ}/{h.PastBound}/{h.ApiTimeouts}/{h.FloorTimeouts}"))));
            foreach (var hub in pages.Hubs)
            {
                details.Add(Inv($"hub {hub.Start} ({hub.Links:N0} link rows): API {hub.Api}, SQL {hub.Floor}; totalCount {hub.TotalCount:N0}, complete {hub.Complete}; {hub.Answer}"));
            }
        }

        foreach (var chart in r.Network ?? [])
        {
            var twoHops = chart.Question.EndsWith("2 hops", StringComparison.Ordinal);
            TimedRow(table, details, chart, twoHops ? Verdict(Inv($"p95 ≤ {NetworkP95TargetMs} ms"), chart.Api.P95 <= NetworkP95TargetMs) : "");
        }

        if (r.Paths is { } paths)
        {
            TimedRow(table, details, paths, Verdict(Inv($"p95 ≤ {PathsP95TargetMs} ms"), paths.Api.P95 <= PathsP95TargetMs));
        }

        if (r.Search is { } search)
        {
            TimedRow(table, details, search, Verdict(Inv($"p95 ≤ {SearchP95TargetMs} ms"), search.Api.P95 <= SearchP95TargetMs));
        }

        if (r.LinkQueries is { } links)
        {
            foreach (var hop in links.Hops)
            {
                var target = hop.Hops == 2
                    ? Verdict(Inv($"p95 ≤ {TwoHopP95TargetMs} ms"), hop.Api.P95 <= TwoHopP95TargetMs)
                    : "";
                table.AddRow(
                    Inv($"linkedCouriers, {hop.Hops} hop{(hop.Hops == 1 ? "" : "s")}"),
                    Esc(hop.Api.ToString()),
                    Esc("SQL " + hop.Sql),
                    Inv($"{hop.P95Ratio:F1}x"),
                    target);
            }

            var timeouts = links.Hops.Sum(h => h.ApiTimeouts);
            if (timeouts > 0)
            {
                details.Add(Inv($"linkedCouriers: {timeouts} questions hit the service's execution timeout (") + string.Join(", ", links.Hops.Select(h => Inv($"{h.ApiTimeouts} at {h.Hops}"))) + "); their latency counts, their answers are not compared");
            }

            var floorTimeouts = links.Hops.Sum(h => h.SqlTimeouts);
            if (floorTimeouts > 0)
            {
                details.Add(Inv($"linkedCouriers: {floorTimeouts} SQL floor questions passed its 30 s statement timeout (") + string.Join(", ", links.Hops.Select(h => Inv($"{h.SqlTimeouts} at {h.Hops}"))) + "); their latency counts as the time to the timeout, their answers are not compared");
            }

            var differ = links.Hops.Sum(h => h.Differ);
            var pastCaps = links.Hops.Sum(h => h.DifferPastCaps);
            table.AddRow(
                "linkedCouriers answers, API vs SQL",
                Inv($"{links.Hops.Sum(h => h.Agree):N0} of {links.Hops.Sum(h => h.Agree + h.Differ):N0} agree"),
                "",
                "",
                Verdict(differ == 0 ? "all agree" : Inv($"{differ} differ, {pastCaps} past caps"), differ == 0));
            details.Add(Inv($"linkedCouriers: {links.Numbers:N0} random numbers of {links.PhoneEntities:N0} stored, asked by {links.Investigator}; couriers per answer (SQL) on average ") +
                string.Join(", ", links.Hops.Select(h => Inv($"{h.MeanCouriers:F1} at {h.Hops}"))) + "; ratio = API p95 / SQL p95");
        }

        foreach (var (mode, fresh) in new[] { ("", r.Freshness), (" (daemon)", r.FreshnessDaemon) })
        {
            if (fresh is null)
            {
                continue;
            }

            table.AddRow(
                "freshness: links" + mode,
                Esc(fresh.Links.ToString()),
                "",
                "",
                Verdict(Inv($"p95 ≤ {FreshnessP95TargetMs / 1000:F0} s"), fresh.Links.P95 <= FreshnessP95TargetMs && fresh.LinkTimeouts == 0));
            table.AddRow(
                "freshness: matches" + mode,
                Esc(fresh.Matches.ToString()),
                "",
                "",
                Verdict(Inv($"p95 ≤ {FreshnessP95TargetMs / 1000:F0} s"), fresh.Matches.P95 <= FreshnessP95TargetMs && fresh.MatchTimeouts == 0));
            details.Add(Inv($"freshness{mode}: {fresh.Probes} probes, {fresh.ProbesUnderLoad} while the load ran") +
                (fresh.Load is { } l ? Inv($" ({l.Incidents:N0} incidents at {l.PerSecond:N0}/s)") : "") +
                Inv($"; shown on the first poll: links {fresh.LinksOnFirstPoll}, matches {fresh.MatchesOnFirstPoll}; timeouts (10 s, counted at 10 s): links {fresh.LinkTimeouts}, matches {fresh.MatchTimeouts}"));
        }

        if (r.Freshness is not null && r.FreshnessDaemon is null && r.DaemonSkipped is { } noDaemon)
        {
            table.AddRow("freshness (daemon)", Esc(noDaemon), "", "", Inv($"p95 ≤ {FreshnessP95TargetMs / 1000:F0} s"));
        }

        if (r.AlertSubscribers is { } subs)
        {
            var ingest = subs.Load?.PerSecond ?? 0;
            table.AddRow(
                "alerts: ack → other instance",
                Esc(subs.Latency.ToString()),
                "",
                "",
                Verdict(Inv($"p95 ≤ {AlertP95TargetMs / 1000:F0} s, ingest ≥ {AlertIngestTarget:N0}/s"), subs.Latency.Count > 0 && subs.Latency.P95 <= AlertP95TargetMs && ingest >= AlertIngestTarget && subs.ProbeDeliveriesMissing == 0));
            table.AddRow(
                Inv($"alerts: {subs.Subscribers:N0} subscribers, lost / duplicated"),
                Inv($"{subs.Lost:N0} / {subs.Duplicated:N0} of {subs.AlertsExpected:N0}"),
                "",
                "",
                Verdict("0 / 0", subs.AlertsExpected > 0 && subs.Lost == 0 && subs.Duplicated == 0 && subs.Unexpected == 0));
            table.AddRow(
                "alerts: service memory per subscriber",
                Inv($"{subs.BytesPerSubscriber / 1024:N1} KB"),
                "",
                "",
                Verdict(Inv($"≤ {BytesPerSubscriberTarget / 1024:N0} KB"), subs.BytesPerSubscriber <= BytesPerSubscriberTarget));
            details.Add(Inv($"alert subscribers: {subs.Subscribers:N0} investigators over {subs.Transport} on a second instance, pushes to the first; {subs.Probes} probes ({subs.ProbesUnderLoad} while the load ran), each number watched by {subs.WatchersPerProbe}") +
                (subs.Load is { } l ? Inv($"; load {l.Incidents:N0} incidents at {l.PerSecond:N0}/s") : "; no load") +
                Inv($"; probe deliveries {subs.ProbeDeliveriesExpected - subs.ProbeDeliveriesMissing:N0} of {subs.ProbeDeliveriesExpected:N0} (latency counts those received)"));
            details.Add(Inv($"alert subscribers: {subs.AlertsDelivered:N0} deliveries for {subs.AlertsExpected:N0} alerts in ersou.alerts for them; lost {subs.Lost:N0}, duplicated {subs.Duplicated:N0}, not in the outbox {subs.Unexpected:N0}; streams the server ended or would not reopen (each retried with after, backing off): {subs.Reconnects:N0}; results with errors {subs.ErrorResults:N0}; after the last push the raiser caught up in {subs.RaiserCatchUpSeconds:F1} s, the deliveries in {subs.DeliveriesDrainSeconds:F1} s more") +
                (subs.FirstEnds.Count > 0 ? "; ends/errors: " + string.Join(" | ", subs.FirstEnds) : ""));
            details.Add("alert subscribers: second instance VmRSS by subscribers connected (idle, before the load): " + string.Join(", ", subs.Memory.Select(m => Inv($"{m.Connected:N0}: {Mb(m.RssBytes)}"))) + (subs.Memory.Count > 2 ? "; slope by least squares from the first step on" : "; slope by least squares"));
        }
        else if (r.AlertSubscribersSkipped is { } skipped)
        {
            table.AddRow("alert subscribers", Esc(skipped), "", "", Inv($"p95 ≤ {AlertP95TargetMs / 1000:F0} s; 0 lost; ≤ {BytesPerSubscriberTarget / 1024:N0} KB each"));
        }

        if (r.Footprint is { } size)
        {
            table.AddRow(
                "service peak RSS",
                Inv($"{Mb(size.ServicePeakRssBytes)}"),
                "",
                "",
                Verdict(Inv($"≤ {Mb(RssTargetBytes)}"), size.ServicePeakRssBytes <= RssTargetBytes));
            table.AddRow(
                "database per 1M incidents",
                Gb((long)size.DatabaseBytesPerMillionIncidents),
                "",
                "",
                "");
            details.Add(Inv($"memory: VmHWM {Mb(size.ServicePeakRssBytes)}, largest of {size.RssSamples} one-second VmRSS samples {Mb(size.ServiceMaxRssSampleBytes)}"));
            details.Add(Inv($"database: {Gb(size.DatabaseBytes)} for {size.Incidents:N0} incidents; mt_events {Gb(size.EventsTableBytes)}, link graph (li_*) {Gb(size.LinkGraphBytes)}, access_log {Gb(size.AccessLogBytes)}") +
                Inv($" (the access log grows with the questions asked, not the incidents: without it, {Gb((long)((size.DatabaseBytes - size.AccessLogBytes) * 1_000_000.0 / Math.Max(1, size.Incidents)))} per 1M incidents)"));
        }

        if (r.ProvableLog is { } log)
        {
            ProvableLogRows(table, details, log);
        }

        AnsiConsole.Write(table);
        if (r.Replicas is { } replicas)
        {
            ReplicaReport.Print(replicas);
        }

        foreach (var line in details.Concat(r.Notes))
        {
            AnsiConsole.MarkupLine("  " + Esc(line));
        }

        foreach (var profile in r.Profiles)
        {
            PrintProfile(profile);
        }

        if (r.CouriersLinkedTo is { Mismatches.Count: > 0 } pageMismatches)
        {
            AnsiConsole.MarkupLine("[yellow]couriersLinkedTo pages that differ between the API and the SQL floor (first 20):[/]");
            foreach (var mismatch in pageMismatches.Mismatches)
            {
                AnsiConsole.MarkupLine("  " + Esc(mismatch));
            }
        }

        if (r.LinkQueries is { Mismatches.Count: > 0 } withMismatches)
        {
            AnsiConsole.MarkupLine("[yellow]Answers that differ between the API and the SQL floor (first 20):[/]");
            foreach (var mismatch in withMismatches.Mismatches)
            {
                AnsiConsole.MarkupLine("  " + Esc(mismatch));
            }
        }

        if (r.Failure is { } failure)
        {
            AnsiConsole.MarkupLine("[red bold]FAILED:[/] " + Esc(failure));
        }
    }

    public static async Task WriteJsonAsync(string path, BenchResults results)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        await using var file = File.Create(path);
        await JsonSerializer.SerializeAsync(file, results, Json);
        AnsiConsole.MarkupLine($"results: [bold]{Esc(path)}[/]");
    }

    /// <summary>A question with a timing-only floor: its row, and a line on its answers and anything not answered.</summary>
    private static void TimedRow(Table table, List<string> details, TimedFigures figures, string target)
    {
        table.AddRow(Esc(figures.Question), Esc(figures.Api.ToString()), Esc("SQL " + figures.Floor + " (timing)"), Inv($"{figures.P95Ratio:F1}x"), target);
        details.Add(Inv($"{figures.Question}: {figures.Asked:N0} asked; {figures.Answers}") +
            (figures.Bounded > 0 ? Inv($"; {figures.Bounded} refused past the walk bound (QUERY_TOO_COMPLEX)") : "") +
            (figures.ApiTimeouts > 0 ? Inv($"; {figures.ApiTimeouts} API timeouts") : "") +
            (figures.FloorTimeouts > 0 ? Inv($"; {figures.FloorTimeouts} floor statements passed {FloorConnection.TimeoutSeconds} s") : ""));
    }

    /// <summary>Issue 19: ingest with the tree on and off, the checkpoint lag, the fill, and the two proofs beside their SQL.</summary>
    private static void ProvableLogRows(Table table, List<string> details, ProvableLogResult log)
    {
        if (log.TreeOnPerSecond is { } on && log.TreeOffPerSecond is { } off)
        {
            table.AddRow(
                "log: API ingest, tree on / off",
                Inv($"{on:N0} / {off:N0} incidents/s"),
                "",
                Inv($"{log.OnOffRatio:F3}"),
                Verdict(Inv($"on ≥ {TreeIngestRatioTarget} x off"), log.OnOffRatio >= TreeIngestRatioTarget));
            details.Add("log ingest runs (in order; each a fresh database and service): " +
                string.Join(", ", log.Ingest.Select(i => Inv($"{i.Round}{(i.Tree ? " on" : " off")} {i.Ingest.PerSecond:N0}/s ({i.Ingest.Incidents:N0} in {i.Ingest.Seconds:F1} s, batch p95 {i.Ingest.BatchLatency.P95:F0} ms)"))));
        }

        if (log.Lag is { } lag)
        {
            table.AddRow(
                "log: response → covering checkpoint",
                Esc(lag.Lag.ToString()),
                "",
                "",
                Verdict(Inv($"p95 ≤ {CheckpointLagP95TargetMs / 1000:F0} s"), lag.Lag.Count > 0 && lag.NeverCovered == 0 && lag.Lag.P95 <= CheckpointLagP95TargetMs));
            details.Add(Inv($"checkpoint lag: {lag.Samples:N0} responses sampled (every fifth, tree-on runs); covered before the response arrived (counted as 0): {lag.CoveredBeforeResponse:N0}; never covered: {lag.NeverCovered:N0}; an upper bound: the entries counted are the log's newest just after the response"));
        }

        if (log.Fill is { } fill)
        {
            table.AddRow(
                "log: synthetic fill (binary COPY)",
                Inv($"{fill.Entries:N0} entries in {fill.Seconds:F0} s"),
                "",
                "",
                fill.StoppedByTime ? "stopped by --log-fill-minutes" : "");
            details.Add(Inv($"log fill: {fill.Entries:N0} entries after {fill.EntriesBefore:N0} already there ({fill.PerSecond:N0}/s, {fill.Transactions} transactions under the append lock), {fill.Nodes:N0} tree nodes; tree size {fill.TreeSize:N0}; access_log {Gb(fill.AccessLogBytes)}, access_log_tree {Gb(fill.TreeBytes)}; the service signed {fill.CheckpointsSigned} checkpoints, the last {fill.SignedWithinSeconds:F1} s after the fill; roots the fill computed vs the service's: {fill.RootsCompared - fill.RootsDiffer} of {fill.RootsCompared} equal"));
        }

        foreach (var proof in new[] { log.Inclusion, log.Consistency })
        {
            if (proof is null)
            {
                continue;
            }

            table.AddRow(
                Esc(proof.Question),
                Esc(proof.Api.ToString()),
                Esc("SQL " + proof.Floor),
                Inv($"{proof.P95Ratio:F1}x"),
                Verdict(Inv($"p95 ≤ {ProofP95TargetMs} ms, all verify"), proof.Api.P95 <= ProofP95TargetMs && proof.Failed == 0 && proof.LeavesDiffer == 0));
            details.Add(Inv($"{proof.Question}: {proof.Asked:N0} asked at random among the {log.SignedSizes:N0} sizes signed over the filled log (after 20 not counted); verified with MerkleVerifier against the signed roots: {proof.Verified:N0}, failed {proof.Failed}; {proof.MeanPathLength:F1} hashes a proof on average") +
                (proof.LeavesChecked > 0 ? Inv($"; leaves recomputed from their rows: {proof.LeavesChecked - proof.LeavesDiffer} of {proof.LeavesChecked} equal") : "") +
                "; SQL = the one statement reading the proof's nodes, on a plain connection (the API also checks the size is signed)");
        }
    }

    private static string Verdict(string target, bool? met) => met switch
    {
        true => $"{Esc(target)} [green]met[/]",
        false => $"{Esc(target)} [red]missed[/]",
        null => Esc(target),
    };

    private static string Types(RawCopyResult copy) => string.Join(", ", copy.EventTypes.Select(t => Inv($"{t.Value:N0} {t.Key}")));

    private static string Mb(long bytes) => Inv($"{bytes / 1024.0 / 1024.0:N0} MB");

    private static string Gb(long bytes) => bytes >= 1L << 30 ? Inv($"{bytes / 1024.0 / 1024.0 / 1024.0:F2} GB") : Mb(bytes);

    private static string Esc(string text) => Markup.Escape(text);

    /// <summary>A phase's profile: CPU on each side, WAL flushes, what active backends waited on, the costliest statements.</summary>
    private static void PrintProfile(PhaseProfileResult p)
    {
        AnsiConsole.MarkupLine(Esc(Inv($"profile of {p.Phase}: {p.WallSeconds:F1} s wall; CPU s: service {p.ServiceCpuSeconds:F1}, PostgreSQL {p.PostgresCpuSeconds:F1}, import process {p.ChildCpuSeconds:F1}, load generator {p.ToolCpuSeconds:F1} (of {2 * p.WallSeconds:F0} on 2 cores)")));
        AnsiConsole.MarkupLine(Esc(Inv($"  {p.Commits:N0} commits, {p.Deadlocks:N0} deadlocks; WAL {p.WalBytes / 1e6:N0} MB, {p.WalSyncs:N0} flushes taking {p.WalSyncMs / 1000:F1} s, writes {p.WalWriteMs / 1000:F1} s")));
        if (p.ActivitySamples > 0)
        {
            AnsiConsole.MarkupLine(Esc("  active backends (" + Inv($"{p.ActivitySamples:N0} samples") + "): " + string.Join(", ", p.Waits.Select(w => Inv($"{w.Wait} {w.Share:P0}")))));
        }

        foreach (var s in p.Statements.Take(10))
        {
            AnsiConsole.MarkupLine(Esc(Inv($"  {s.TotalMs / 1000,8:F1} s {s.Calls,9:N0} calls {s.MeanMs,9:F2} ms {(s.TopLevel ? "top" : "nested")}  {s.Query}")));
        }

        if (p.Missing is { } missing)
        {
            AnsiConsole.MarkupLine(Esc("  " + missing));
        }
    }

}
