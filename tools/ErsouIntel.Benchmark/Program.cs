using System.Globalization;
using System.Runtime.InteropServices;
using ErsouIntel.Benchmark.Phases;
using ErsouIntel.Benchmark.Profiling;
using ErsouIntel.LoadClient;
using Spectre.Console;
using static ErsouIntel.Benchmark.Invariant;

namespace ErsouIntel.Benchmark;

/// <summary>
/// The benchmark (README, "Measuring it"): from an empty database, the service's ingest through
/// the API (link graph inline, and again in daemon mode on a second database) and its bulk backfill
/// beside the raw COPY limit (and the import beside a COPY of every row it writes), the link questions
/// (couriersLinkedTo, network, paths, search, linkedCouriers) each beside a SQL floor, freshness under
/// load in both modes, live alert subscribers on a second instance, and memory and size. Run through
/// scripts/benchmark.sh.
/// </summary>
public static class Program
{
    public static async Task<int> Main(string[] args)
    {
        if (args.Any(a => a is "help" or "--help" or "-h"))
        {
            Console.WriteLine(BenchOptions.Usage);
            return 0;
        }

        if (Growth.GrowthSimulation.Requested(args))
        {
            return await Growth.GrowthSimulation.RunAsync(args);
        }

        BenchOptions options;
        try
        {
            options = BenchOptions.Parse(args);
        }
        catch (ArgumentException e)
        {
            await Console.Error.WriteLineAsync(e.Message);
            await Console.Error.WriteLineAsync(BenchOptions.Usage);
            return 2;
        }

        // Ctrl+C and SIGTERM (scripts/benchmark.sh's trap) stop the run cleanly: the service is stopped and the database dropped.
        using var cancel = new CancellationTokenSource();
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
        void Stop(PosixSignalContext context)
        {
            context.Cancel = true;
            cancel.Cancel();
        }

        Directory.CreateDirectory(options.WorkFolder);
        var results = new BenchResults { StartedAt = DateTimeOffset.UtcNow, Settings = BenchSettings.From(options) };
        var status = 0;
        try
        {
            await RunAsync(options, results, cancel.Token);
        }
        catch (BenchFailure e)
        {
            results.Failure = e.Message;
            status = 1;
        }
        catch (OperationCanceledException) when (cancel.IsCancellationRequested)
        {
            results.Failure = "cancelled";
            status = 130;
        }
        catch (Exception e) when (e is Npgsql.NpgsqlException or HttpRequestException or IOException or InvalidOperationException or System.Text.Json.JsonException or KeyNotFoundException)
        {
            results.Failure = $"{e.GetType().Name}: {e.Message}";
            status = 1;
        }

        results.FinishedAt = DateTimeOffset.UtcNow;
        AnsiConsole.WriteLine();
        Report.Print(results);
        await Report.WriteJsonAsync(options.Out, results);
        AnsiConsole.MarkupLine($"logs: [bold]{Markup.Escape(options.WorkFolder)}[/]");
        return status;
    }

    private static async Task RunAsync(BenchOptions options, BenchResults results, CancellationToken cancellation)
    {
        if (options.LogEntries > 0)
        {
            // The provable log's benchmark (issue 19) is a mode of its own: its databases are made and dropped phase by phase.
            AnsiConsole.MarkupLine(Markup.Escape(string.Create(CultureInfo.InvariantCulture,
                $"benchmark: the provable log: API ingest of {options.Incidents:N0} incidents with the tree on and off ({options.LogRounds} rounds), then {options.LogEntries:N0} entries filled (at most {options.LogFillMinutes} minutes) and {options.Queries:N0} proofs of each kind; work folder {options.WorkFolder}")));
            results.Machine = await MachineFacts.CollectAsync(options.AdminConnectionString, options.RepoRoot, options.CommandLine, cancellation);
            await ProvableLog.RunAsync(options, results, cancellation);
            return;
        }

        var runTag = string.Create(CultureInfo.InvariantCulture, $"b{options.Seed}");
        AnsiConsole.MarkupLine(Markup.Escape(string.Create(CultureInfo.InvariantCulture,
            $"benchmark: {options.Incidents:N0} incidents (seed {options.Seed}): {options.ApiIncidents:N0} through the API, {(options.NoImport ? 0 : options.ImportIncidents):N0} through import; {options.Queries:N0} link starts; freshness with {options.FreshnessIncidents:N0} more and {options.Probes} probes{(options.NoDaemon ? "; no daemon mode" : ", in daemon mode too (its own API ingest and freshness)")}; {(options.NoSubscribers ? "no alert subscribers" : $"{options.Subscribers:N0} alert subscribers with {options.SubscriberIncidents:N0} more and {options.SubscriberProbes} probes")}; work folder {options.WorkFolder}")));
        results.Machine = await MachineFacts.CollectAsync(options.AdminConnectionString, options.RepoRoot, options.CommandLine, cancellation);

        var db = options.Reuse
            ? BenchDatabase.Existing(options.AdminConnectionString, options.Database)
            : await BenchDatabase.CreateAsync(options.AdminConnectionString, options.Database, cancellation);
        try
        {
            await RunOnDatabaseAsync(options, results, db, runTag, cancellation);
        }
        finally
        {
            // Deadlocks are retried inside the service and never reach a caller, but they cost time: the count goes
            // beside the figures. PostgreSQL's own counter, since Marten logs one deadlock once per command of the batch.
            try
            {
                var deadlocks = await db.ScalarAsync<long>("select deadlocks from pg_stat_database where datname = current_database()", CancellationToken.None);
                results.Notes.Add(Inv($"PostgreSQL counted {deadlocks:N0} deadlocks in the bench database (pg_stat_database), retried by the service."));
            }
            catch (Npgsql.NpgsqlException e)
            {
                results.Notes.Add($"could not read the deadlock count: {e.Message}");
            }

            if (options.Keep)
            {
                AnsiConsole.MarkupLine($"kept database [bold]{db.Name}[/]");
                await db.DisposeAsync();
            }
            else
            {
                await db.DropAsync();
            }
        }
    }

    private static async Task RunOnDatabaseAsync(BenchOptions options, BenchResults results, BenchDatabase db, string runTag, CancellationToken cancellation)
    {
        AnsiConsole.MarkupLine("a. starting the service (Development, sign-in and access log on) ...");
        await using var session = await ServiceSession.StartAsync(options, db, cancellation);
        AnsiConsole.MarkupLine(Markup.Escape($"   ready at {session.Service.BaseUrl} (pid {session.Service.Pid}); its log is {Path.Combine(options.WorkFolder, "service.log")}"));

        // One stream for the whole run: the API's incidents, then the backfill, then the freshness loads (inline, then
        // daemon mode) and the subscribers' load, all one region (pools sized for N).
        var subscriberLoad = options.NoSubscribers ? 0 : options.SubscriberIncidents;
        var freshnessLoads = options.NoDaemon ? options.FreshnessIncidents : 2 * options.FreshnessIncidents;
        using var incidents = IncidentGenerator.Stream(options.Seed, options.Incidents + freshnessLoads + subscriberLoad, runTag, scale: options.Incidents).GetEnumerator();

        if (options.Reuse)
        {
            results.Notes.Add(Inv($"--reuse: the link questions only, on the database {db.Name} a kept run loaded; no ingest, import or freshness figures."));
            await db.ExecuteAsync("analyze", cancellation);
            if (options.Replica)
            {
                results.Notes.Add(Inv($"--reuse --replica: the replica phase instead of the link questions; its incidents stay in {db.Name}."));
                await ReplicaAsync(session, db, options, results, cancellation);
            }
            else
            {
                await LinkQuestionsAsync(session.Api, session.Tokens, db, options, results, cancellation);
            }

            results.Footprint = await Footprint.MeasureAsync(db, session.Service.Memory, session.EarlierPeakRssBytes, cancellation);
            return;
        }

        AnsiConsole.MarkupLine("b. ingest through the API, c. its raw COPY floor");
        var apiIncidents = Take(incidents, options.ApiIncidents);
        await using (var profile = await PhaseProfile.StartAsync(db.DataSource, "API ingest", session.Service.Pid, cancellation))
        {
            results.ApiIngest = await LiveProgress.RunAsync(ctx => ApiIngest.RunAsync(
                session.Api, session.Tokens, apiIncidents, options.Batch, options.ClientsPerForce,
                ctx.AddTask(Inv($"reportIncidents: {apiIncidents.Count:N0} incidents from {6 * options.ClientsPerForce} senders"), maxValue: apiIncidents.Count),
                cancellation));
            results.Profiles.Add(await profile.StopAsync(cancellation));
        }

        var afterApi = await RawCopy.MaxSequenceAsync(db, cancellation);
        results.ApiRawCopy = await LiveProgress.RunAsync(ctx => RawCopy.RunAsync(db, 0, afterApi, "API incidents", ctx, cancellation));

        if (options.NoDaemon)
        {
            results.DaemonSkipped = "skipped (--no-daemon)";
        }
        else
        {
            AnsiConsole.MarkupLine(Markup.Escape(Inv($"b2. the same ingest in daemon mode ({DaemonIngest.Setting}=Daemon) on a second fresh database {db.Name}_daemon, c2. its raw COPY floor")));
            await PhaseAsync(results, "API ingest (daemon)", async () =>
                results.ApiIngestDaemon = await DaemonIngest.RunAsync(options, apiIncidents, results.Profiles, cancellation));
        }

        if (options.NoImport || options.ImportIncidents == 0)
        {
            results.ImportSkipped = options.NoImport ? "skipped (--no-import)" : "skipped (every incident went through the API)";
        }
        else
        {
            AnsiConsole.MarkupLine("d. bulk backfill through the service's import command, and its raw COPY floor");
            var file = Path.Combine(options.WorkFolder, "backfill.ndjson");
            var (bytes, writeSeconds) = await LiveProgress.RunAsync(ctx => BulkImport.WriteFileAsync(
                incidents, options.ImportIncidents, file, ctx.AddTask(Inv($"writing {options.ImportIncidents:N0} incidents to {Path.GetFileName(file)}"), maxValue: options.ImportIncidents), cancellation));
            // Which rows are there before it, so that its complete floor copies only those it adds.
            await EverythingCopy.RecordBeforeAsync(db, cancellation);
            await using (var profile = await PhaseProfile.StartAsync(db.DataSource, "import", session.Service.Pid, cancellation))
            {
                results.Import = await LiveProgress.RunAsync(ctx => BulkImport.RunAsync(options, db, file, options.ImportIncidents, bytes, writeSeconds, ctx, cancellation));
                results.Profiles.Add(await profile.StopAsync(cancellation));
            }

            File.Delete(file);
            if (!options.NoFloors)
            {
                var afterImport = await RawCopy.MaxSequenceAsync(db, cancellation);
                results.ImportRawCopy = await LiveProgress.RunAsync(ctx => RawCopy.RunAsync(db, afterApi, afterImport, "imported incidents", ctx, cancellation));
                await PhaseAsync(results, "import vs COPY of everything it writes", async () =>
                    results.ImportEverythingCopy = await LiveProgress.RunAsync(ctx => EverythingCopy.RunAsync(db, afterApi, afterImport, ctx, cancellation)));
            }
        }

        // Planner statistics as an operator would have them after a load; both the API and the SQL floor read with them.
        await db.ExecuteAsync("analyze", cancellation);
        results.Notes.Add("ANALYZE was run after loading, before the link queries.");

        if (options.NoQuestions)
        {
            results.Notes.Add("--no-questions: no link questions were asked in this run.");
        }
        else
        {
            await LinkQuestionsAsync(session.Api, session.Tokens, db, options, results, cancellation);
        }

        AnsiConsole.MarkupLine("f. freshness under load");
        var load = Take(incidents, options.FreshnessIncidents);
        await using (var profile = await PhaseProfile.StartAsync(db.DataSource, "freshness (API ingest under probes)", session.Service.Pid, cancellation))
        {
            results.Freshness = await LiveProgress.RunAsync(ctx => Freshness.RunAsync(session.Api, session.Tokens, load, options, runTag, ctx, cancellation));
            results.Profiles.Add(await profile.StopAsync(cancellation));
        }

        if (!options.NoDaemon)
        {
            AnsiConsole.MarkupLine(Markup.Escape($"f2. freshness under load in daemon mode: the service restarted with {DaemonIngest.Setting}=Daemon on the same database"));
            var daemonLoad = Take(incidents, options.FreshnessIncidents);
            await PhaseAsync(results, "freshness (daemon)", async () =>
            {
                await session.RestartAsync(
                    options, db, new Dictionary<string, string> { [DaemonIngest.Setting] = "Daemon" }, cancellation,
                    whileStopped: () => DaemonIngest.StartAtHeadAsync(db, cancellation));
                await using (var profile = await PhaseProfile.StartAsync(db.DataSource, "freshness (daemon)", session.Service.Pid, cancellation))
                {
                    // Probes numbered after the inline run's: their numbers and references must be new to the database.
                    results.FreshnessDaemon = await LiveProgress.RunAsync(ctx => Freshness.RunAsync(session.Api, session.Tokens, daemonLoad, options, runTag, ctx, cancellation, firstProbe: options.Probes));
                    results.Profiles.Add(await profile.StopAsync(cancellation));
                }

                // The inline mode writes from where the graph stands: the daemon must have applied every event first.
                if (await DaemonIngest.WaitForHeadAsync(db, cancellation) is null)
                {
                    throw new BenchFailure("the daemon had not applied every event 10 minutes after the load; the link graph is behind its events.");
                }
            });

            // The alert subscribers and the footprint measure the default mode, as before.
            await session.RestartAsync(options, db, null, cancellation);
        }

        if (options.NoSubscribers)
        {
            results.AlertSubscribersSkipped = "skipped (--no-subscribers)";
        }
        else
        {
            AnsiConsole.MarkupLine(Markup.Escape(Inv($"g. alert subscribers: {options.Subscribers:N0} over {options.SubscriberTransport} on a second instance, pushes to the first")));
            var subscriberIncidents = Take(incidents, subscriberLoad);
            results.AlertSubscribers = await LiveProgress.RunAsync(ctx => AlertSubscribers.RunAsync(session.Api, session.Tokens, db, subscriberIncidents, options, runTag, ctx, cancellation));
        }

        if (options.Replica)
        {
            await ReplicaAsync(session, db, options, results, cancellation);
        }

        AnsiConsole.MarkupLine("h. memory and size");
        results.Footprint = await Footprint.MeasureAsync(db, session.Service.Memory, session.EarlierPeakRssBytes, cancellation);
    }

    /// <summary>
    /// e. The link questions, each beside its floor: couriersLinkedTo first pages from random starts and
    /// from the biggest hubs, network, paths between pairs its pages named, search, and linkedCouriers as
    /// before. A phase the service cannot answer (a field not built yet) is noted and the next one runs.
    /// </summary>
    private static async Task LinkQuestionsAsync(GraphQLClient api, Tokens tokens, BenchDatabase db, BenchOptions options, BenchResults results, CancellationToken cancellation)
    {
        AnsiConsole.MarkupLine("e. link questions through the API, each beside its floor");
        var starts = await LinkStartPicks.PickAsync(db, options.Queries, options.Seed, cancellation);
        AnsiConsole.MarkupLine(Markup.Escape(Inv($"   starts: {LinkStartPicks.Describe(starts)}; hubs: {string.Join(", ", starts.Hubs.Select(h => Inv($"{h} ({h.Links:N0} link rows)")))}")));

        Dictionary<int, PageAnswer[]>? pages = null;
        await PhaseAsync(results, "couriersLinkedTo", async () =>
        {
            var (result, answers) = await LiveProgress.RunAsync(ctx => CouriersLinkedToQueries.RunAsync(api, tokens, db, starts, options.MaxHops, ctx, cancellation));
            results.CouriersLinkedTo = result;
            pages = answers;
        });

        await PhaseAsync(results, "network", async () =>
            results.Network = await LiveProgress.RunAsync(ctx => NetworkQueries.RunAsync(api, tokens, db, starts.Random, ctx, cancellation)));

        // Pairs from the deepest pages asked: a start and a courier 2 or 3 hops from it.
        if (pages is not null && pages.Count >= 2)
        {
            var pairs = PathQueries.Pairs(starts.Random, pages[pages.Keys.Max()], options.Queries);
            await PhaseAsync(results, "paths", async () =>
                results.Paths = await LiveProgress.RunAsync(ctx => PathQueries.RunAsync(api, tokens, db, pairs, ctx, cancellation)));
        }
        else
        {
            results.Notes.Add("paths: not asked (its pairs come from couriersLinkedTo pages at 2 or more hops).");
        }

        await PhaseAsync(results, "search", async () =>
        {
            var texts = await SearchQueries.PickAsync(db, options.Queries, options.Seed, cancellation);
            results.Search = await LiveProgress.RunAsync(ctx => SearchQueries.RunAsync(api, tokens, db, texts, ctx, cancellation));
        });

        await PhaseAsync(results, "linkedCouriers", async () =>
            results.LinkQueries = await LiveProgress.RunAsync(ctx => LinkQueries.RunAsync(api, tokens, db, options.Queries, options.LinkedHops, options.Seed, ctx, cancellation)));
    }

    /// <summary>r. The replica phase (issue 21): its own file; a failure ends the run after the standby is taken down.</summary>
    private static async Task ReplicaAsync(ServiceSession session, BenchDatabase db, BenchOptions options, BenchResults results, CancellationToken cancellation)
    {
        AnsiConsole.MarkupLine(Markup.Escape(Inv($"r. replicas: a synchronous standby, API ingest for {options.ReplicaSeconds} s without readers, with {options.ReplicaRate} link questions a second, and without again")));
        await ReplicaReads.RunAsync(session, db, options, results, cancellation);
    }

    /// <summary>One link phase: a failure of the service's answers or of a floor's statement is noted, and the run goes on to the next phase.</summary>
    private static async Task PhaseAsync(BenchResults results, string name, Func<Task> phase)
    {
        try
        {
            await phase();
        }
        catch (Exception e) when (e is BenchFailure or Npgsql.PostgresException)
        {
            // A floor's statement the database refuses (say, a column a newer service adds) stops that phase alone.
            results.Notes.Add($"{name}: phase stopped: {e.Message}");
            AnsiConsole.MarkupLine($"[yellow]{Markup.Escape(name)}: phase stopped:[/] {Markup.Escape(e.Message)}");
        }
    }

    private static List<GeneratedIncident> Take(IEnumerator<GeneratedIncident> source, int count)
    {
        var taken = new List<GeneratedIncident>(count);
        while (taken.Count < count && source.MoveNext())
        {
            taken.Add(source.Current);
        }

        return taken;
    }
}
