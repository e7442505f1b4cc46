using System.Globalization;
using System.Runtime.InteropServices;
using ErsouIntel.Benchmark.Phases;
using ErsouIntel.LoadClient;
using Spectre.Console;

namespace ErsouIntel.Benchmark;

/// <summary>
/// The benchmark (README, "Measuring it"): from an empty database, the service's ingest
/// through the API and its bulk backfill beside the raw COPY limit, linkedCouriers beside a SQL
/// floor, freshness under load, and memory and size. Run through scripts/benchmark.sh.
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
        var runTag = string.Create(CultureInfo.InvariantCulture, $"b{options.Seed}");
        AnsiConsole.MarkupLine(Markup.Escape(string.Create(CultureInfo.InvariantCulture,
            $"benchmark: {options.Incidents:N0} incidents (seed {options.Seed}): {options.ApiIncidents:N0} through the API, {(options.NoImport ? 0 : options.ImportIncidents):N0} through import; {options.Queries:N0} numbers asked; freshness with {options.FreshnessIncidents:N0} more and {options.Probes} probes; work folder {options.WorkFolder}")));
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
        await using var service = await ServiceProcess.StartAsync(options, db.ServiceConnectionString, cancellation);
        AnsiConsole.MarkupLine(Markup.Escape($"   ready at {service.BaseUrl} (pid {service.Pid}); its log is {Path.Combine(options.WorkFolder, "service.log")}"));
        using var api = new GraphQLClient(service.BaseUrl);
        using var signIn = new SignIn(api.Http);

        // One stream for the whole run: the API's incidents, then the backfill, then the freshness load, all one region (pools sized for N).
        using var incidents = IncidentGenerator.Stream(options.Seed, options.Incidents + options.FreshnessIncidents, runTag, scale: options.Incidents).GetEnumerator();

        if (options.Reuse)
        {
            results.Notes.Add(Inv($"--reuse: the link questions only, on the database {db.Name} a kept run loaded; no ingest, import or freshness figures."));
            await db.ExecuteAsync("analyze", cancellation);
            results.LinkQueries = await LiveProgress.RunAsync(ctx => LinkQueries.RunAsync(api, signIn, db, options.Queries, options.MaxHops, options.Seed, ctx, cancellation));
            results.Footprint = await Footprint.MeasureAsync(db, service.Memory, cancellation);
            return;
        }

        AnsiConsole.MarkupLine("b. ingest through the API, c. its raw COPY floor");
        var apiIncidents = Take(incidents, options.ApiIncidents);
        results.ApiIngest = await LiveProgress.RunAsync(ctx => ApiIngest.RunAsync(
            api, signIn, apiIncidents, options.Batch, options.ClientsPerForce,
            ctx.AddTask(Inv($"reportIncidents: {apiIncidents.Count:N0} incidents from {6 * options.ClientsPerForce} senders"), maxValue: apiIncidents.Count),
            cancellation));
        var afterApi = await RawCopy.MaxSequenceAsync(db, cancellation);
        results.ApiRawCopy = await LiveProgress.RunAsync(ctx => RawCopy.RunAsync(db, 0, afterApi, "API incidents", ctx, cancellation));

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
            results.Import = await LiveProgress.RunAsync(ctx => BulkImport.RunAsync(options, db, file, options.ImportIncidents, bytes, writeSeconds, ctx, cancellation));
            var afterImport = await RawCopy.MaxSequenceAsync(db, cancellation);
            results.ImportRawCopy = await LiveProgress.RunAsync(ctx => RawCopy.RunAsync(db, afterApi, afterImport, "imported incidents", ctx, cancellation));
            File.Delete(file);
        }

        // Planner statistics as an operator would have them after a load; both the API and the SQL floor read with them.
        await db.ExecuteAsync("analyze", cancellation);
        results.Notes.Add("ANALYZE was run after loading, before the link queries.");

        AnsiConsole.MarkupLine("e. linkedCouriers through the API, and the SQL floor");
        results.LinkQueries = await LiveProgress.RunAsync(ctx => LinkQueries.RunAsync(api, signIn, db, options.Queries, options.MaxHops, options.Seed, ctx, cancellation));

        AnsiConsole.MarkupLine("f. freshness under load");
        var load = Take(incidents, options.FreshnessIncidents);
        results.Freshness = await LiveProgress.RunAsync(ctx => Freshness.RunAsync(api, signIn, load, options, runTag, ctx, cancellation));

        AnsiConsole.MarkupLine("g. memory and size");
        results.Footprint = await Footprint.MeasureAsync(db, service.Memory, cancellation);
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

    private static string Inv(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
