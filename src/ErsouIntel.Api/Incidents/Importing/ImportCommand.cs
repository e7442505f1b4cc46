using System.Diagnostics;
using System.Globalization;
using System.Threading.Channels;
using ErsouIntel.Api.Hosting;
using ErsouIntel.Api.Links;
using Marten;
using Npgsql;
using Spectre.Console;

namespace ErsouIntel.Api.Incidents.Importing;

/// <summary>
/// <c>import --file FILE</c> on the service's executable: a historical load of incidents
/// (<see cref="BulkImport"/>), read in batches, with live progress (rate and time left) on a
/// terminal and a progress line every few seconds otherwise. Refused lines are listed by line
/// number with a code and reason (never their content) and do not stop the rest.
/// </summary>
public static class ImportCommand
{
    public const string Usage = """
        import --file FILE [--operator NAME] [--batch 20000]
            FILE: one JSON object per line, {"force":"ESSEX","input":{...ReportIncidentInput...}} (docs/performance.md)
            NAME: who is loading, for the access log (default: the account running the command)
        """;

    public static async Task<int> RunAsync(IServiceProvider services, string[] args, TextWriter output, TextWriter error, CancellationToken cancellation = default)
    {
        string file;
        string operatorName;
        int batch;
        try
        {
            var options = CommandOptions.Parse(args);
            file = options.Required("file");
            operatorName = options.GetValueOrDefault("operator") ?? Environment.UserName;
            batch = options.TryGetValue("batch", out var b) ? int.Parse(b, NumberStyles.None, CultureInfo.InvariantCulture) : 20_000;
            if (batch is < 1 or > 200_000)
            {
                throw new ArgumentException("--batch is 1 to 200000.");
            }

            if (!File.Exists(file))
            {
                throw new ArgumentException($"No file at {file}.");
            }
        }
        catch (Exception e) when (e is ArgumentException or FormatException or OverflowException)
        {
            await error.WriteLineAsync($"import: {e.Message}");
            await error.WriteLineAsync(Usage);
            return 2;
        }

        if (services.GetRequiredService<Storage.ForceDatabases>().PerForce)
        {
            // The bulk path writes the link graph itself next to the events; with a database per force they are two databases.
            await error.WriteLineAsync(
                "import: not available with EventStore:Topology=DatabasePerForce (docs/operations.md, \"A database per force\"): " +
                "load with the shared topology and move each force's rows to its database, or push through reportIncidents.");
            return 2;
        }

        await using var scope = services.CreateAsyncScope();
        var import = ActivatorUtilities.CreateInstance<BulkImport>(scope.ServiceProvider);
        var configuration = scope.ServiceProvider.GetRequiredService<IConfiguration>();
        if (configuration.GetValue<bool?>("Storage:ApplySchemaOnStartup") ?? scope.ServiceProvider.GetRequiredService<IHostEnvironment>().IsDevelopment())
        {
            // Where the service would create its schema on start (Development), so does the import; elsewhere db-apply has.
            await scope.ServiceProvider.GetRequiredService<IDocumentStore>().Storage.ApplyAllConfiguredChangesToDatabaseAsync();
        }

        await using var linker = await LoadLinker.OpenAsync(scope.ServiceProvider.GetRequiredService<NpgsqlDataSource>(), cancellation);
        if (linker is null)
        {
            await error.WriteLineAsync("import: another import is loading into this database; one load at a time. Wait for it to end, then run this again.");
            return 2;
        }

        var caughtUp = await LinkUnlinkedAsync(scope.ServiceProvider, cancellation);
        if (caughtUp > 0)
        {
            await output.WriteLineAsync($"import: linked {caughtUp} incidents an earlier import stored but had not linked");
        }

        var total = File.ReadLines(file).LongCount(line => line.Length > 0);
        var clock = Stopwatch.StartNew();
        long done = 0, created = 0, throughApi = 0, refused = 0, linked = 0, matched = 0;
        var timeProvider = scope.ServiceProvider.GetRequiredService<TimeProvider>();

        // Two stages at once: this task reads, validates and stores a batch (events and log entries) while the
        // linker links the batch before it; at most one batch waits between them.
        async Task StoreAndLinkAsync(Action progressed)
        {
            var batches = Channel.CreateBounded<IReadOnlyList<(Guid Id, object Payload)>>(1);
            var linking = Task.Run(
                async () =>
                {
                    try
                    {
                        await foreach (var toLink in batches.Reader.ReadAllAsync(cancellation))
                        {
                            await linker.LinkAsync(toLink, cancellation);
                            Interlocked.Add(ref linked, toLink.Count);
                            progressed();
                        }
                    }
                    catch (Exception e)
                    {
                        // The reader stops the writer: a batch waiting to be handed over fails instead of waiting for ever.
                        batches.Writer.TryComplete(e);
                        throw;
                    }
                },
                cancellation);

            var pending = new List<ImportLine>(batch);
            try
            {
                long number = 0;
                foreach (var text in File.ReadLines(file))
                {
                    number++;
                    if (text.Length == 0)
                    {
                        continue;
                    }

                    pending.Add(ImportLines.Read(number, text));
                    if (pending.Count == batch)
                    {
                        await FlushAsync();
                    }
                }

                await FlushAsync();
                batches.Writer.TryComplete();
            }
            catch (Exception e) when (batches.Writer.TryComplete(e))
            {
                // The linker sees the failure and stops; the failure is the one raised here.
                await Task.WhenAny(linking);
                throw;
            }

            await linking;

            async Task FlushAsync()
            {
                if (pending.Count == 0)
                {
                    return;
                }

                var result = await import.ImportAsync(pending, operatorName, cancellation);
                created += result.Created;
                throughApi += result.ThroughApiPath;
                refused += result.Refused.Count;
                foreach (var line in result.Refused)
                {
                    await output.WriteLineAsync(line.Number > 0
                        ? $"import: line {line.Number}: {line.Code} {line.Message}"
                        : $"import: {line.Force}: {line.Code} {line.Message}");
                }

                done += pending.Count;
                pending.Clear();
                progressed();
                await batches.Writer.WriteAsync(result.ToLink, cancellation);
            }
        }

        async Task MatchAsync(Action<long, long> progressed)
        {
            matched = await linker.MatchAsync(
                timeProvider.GetUtcNow(),
                progressed,
                retried => output.WriteLine($"import: {retried}"),
                cancellation);
        }

        try
        {
            if (!Console.IsOutputRedirected && ReferenceEquals(output, Console.Out))
            {
                await AnsiConsole.Progress()
                    .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn(), new ElapsedTimeColumn())
                    .StartAsync(async context =>
                    {
                        var storing = context.AddTask("storing", maxValue: Math.Max(total, 1));
                        var linking = context.AddTask("linking", maxValue: Math.Max(total, 1));
                        await StoreAndLinkAsync(() =>
                        {
                            storing.Value = done;
                            storing.Description = string.Create(CultureInfo.InvariantCulture, $"storing {done:N0}/{total:N0} at {done / clock.Elapsed.TotalSeconds:N0}/s");
                            linking.Value = Interlocked.Read(ref linked) + (done - created);
                            linking.Description = string.Create(CultureInfo.InvariantCulture, $"linking {Interlocked.Read(ref linked):N0}");
                        });
                        storing.Value = storing.MaxValue;
                        linking.Value = linking.MaxValue;
                        var matching = context.AddTask("matching", maxValue: 1);
                        await MatchAsync((n, of) =>
                        {
                            matching.MaxValue = Math.Max(of, 1);
                            matching.Value = n;
                            matching.Description = string.Create(CultureInfo.InvariantCulture, $"matching {n:N0}/{of:N0} entities that can match");
                        });
                        matching.Value = matching.MaxValue;
                    });
            }
            else
            {
                var lastReport = TimeSpan.Zero;
                var gate = new Lock();
                await StoreAndLinkAsync(() =>
                {
                    lock (gate)
                    {
                        if (clock.Elapsed - lastReport < TimeSpan.FromSeconds(5) && done < total)
                        {
                            return;
                        }

                        lastReport = clock.Elapsed;
                        var rate = done / clock.Elapsed.TotalSeconds;
                        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                            $"import: {done}/{total} lines stored, {Interlocked.Read(ref linked)} linked, {rate:F0}/s, about {(total - done) / Math.Max(rate, 1):F0} s left"));
                    }
                });
                var matchStarted = clock.Elapsed;
                await MatchAsync((n, of) => output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"import: matching: {n}/{of} entities this load linked that can match (two forces, or an open case) worked out in {(clock.Elapsed - matchStarted).TotalSeconds:F1} s")));
            }
        }
        catch (Exception e) when (cancellation.IsCancellationRequested && e is not OperationCanceledException)
        {
            // Cut in the middle of a COPY, Npgsql and Marten report whatever they were disposing; it is a cancellation.
            throw new OperationCanceledException("The import was cancelled; run it again to finish it.", e, cancellation);
        }

        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"import: {created + throughApi} incidents imported ({created} new in bulk, {throughApi} already stored, decided by the live path; {linked} linked and their {matched} matching entities worked out at the end), {refused} refused in {clock.Elapsed.TotalSeconds:F1} s"));
        return refused == 0 ? 0 : 1;
    }

    /// <summary>
    /// Incidents stored but missing from the link graph (a load stopped between writing events and
    /// linking them: at most the batch being linked and the one waiting for it) are linked and matched
    /// by the projection itself, the live path, a force and a chunk of streams at a time.
    /// </summary>
    private static async Task<int> LinkUnlinkedAsync(IServiceProvider services, CancellationToken cancellation)
    {
        var db = services.GetRequiredService<NpgsqlDataSource>();
        var store = services.GetRequiredService<IDocumentStore>();
        var unlinked = new List<(Guid Id, string Tenant)>();
        await using (var command = db.CreateCommand(
            "select s.id, s.tenant_id from ersou.mt_streams s where s.type = 'incident' and not exists (select 1 from ersou.li_incidents i where i.id = s.id)"))
        await using (var reader = await command.ExecuteReaderAsync(cancellation))
        {
            while (await reader.ReadAsync(cancellation))
            {
                unlinked.Add((reader.GetGuid(0), reader.GetString(1)));
            }
        }

        var projection = new LinkGraphProjection();
        foreach (var tenant in unlinked.GroupBy(u => u.Tenant))
        {
            foreach (var chunk in tenant.Select(u => u.Id).Chunk(5_000))
            {
                await using var session = store.LightweightSession(tenant.Key);
                var events = await session.Events.QueryAllRawEvents()
                    .Where(e => e.StreamId.IsOneOf(chunk))
                    .OrderBy(e => e.Sequence)
                    .ToListAsync(cancellation);
                await projection.ApplyAsync(session, events, cancellation);
                await session.SaveChangesAsync(cancellation);
            }
        }

        return unlinked.Count;
    }
}
