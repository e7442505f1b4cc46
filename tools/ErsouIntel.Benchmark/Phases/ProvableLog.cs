using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using ErsouIntel.Api.Audit;
using ErsouIntel.Api.Audit.Tree;
using ErsouIntel.Api.Audit.Writing;
using ErsouIntel.Domain;
using ErsouIntel.Domain.Transparency;
using ErsouIntel.LoadClient;
using ErsouIntel.Testing;
using Npgsql;
using NpgsqlTypes;
using Spectre.Console;
using static ErsouIntel.Benchmark.Invariant;

namespace ErsouIntel.Benchmark.Phases;

/// <summary>One API ingest of the provable log's runs: on a fresh database, with the tree on or off.</summary>
internal sealed record LogIngestRun(int Round, bool Tree, IngestResult Ingest);

/// <summary>
/// From a sampled response to the first signed checkpoint covering what it wrote (at most: the newest entry of the
/// log just after the response, so entries other senders wrote meanwhile count too). Covered before the response
/// arrived counts as 0.
/// </summary>
internal sealed record CheckpointLag(int Samples, int CoveredBeforeResponse, int NeverCovered, Percentiles Lag);

/// <summary>The synthetic fill: entries written with binary COPY under the append lock, their tree nodes beside them.</summary>
internal sealed record LogFill(
    long EntriesBefore, long Entries, long TreeSize, long Nodes, int Transactions, double Seconds, double PerSecond, bool StoppedByTime,
    long AccessLogBytes, long TreeBytes, int RootsCompared, int RootsDiffer, int CheckpointsSigned, double SignedWithinSeconds);

/// <summary>One kind of proof asked through the API and its SQL alone; every answer checked with <see cref="MerkleVerifier"/>.</summary>
internal sealed record ProofFigures(string Question, int Asked, Percentiles Api, Percentiles Floor, int Verified, int Failed, int LeavesChecked, int LeavesDiffer, double MeanPathLength)
{
    public double P95Ratio => Api.P95 / Math.Max(Floor.P95, 1e-6);
}

/// <summary>Every figure of the provable log's benchmark (issue 19).</summary>
internal sealed class ProvableLogResult
{
    public List<LogIngestRun> Ingest { get; } = [];

    public double? TreeOnPerSecond => Mean(true);

    public double? TreeOffPerSecond => Mean(false);

    /// <summary>Mean rate with the tree on over mean rate with it off.</summary>
    public double? OnOffRatio => TreeOnPerSecond is { } on && TreeOffPerSecond is { } off && off > 0 ? on / off : null;

    public CheckpointLag? Lag { get; set; }

    public LogFill? Fill { get; set; }

    public int SignedSizes { get; set; }

    public long LatestSigned { get; set; }

    public ProofFigures? Inclusion { get; set; }

    public ProofFigures? Consistency { get; set; }

    private double? Mean(bool tree) => Ingest.Where(r => r.Tree == tree).Select(r => r.Ingest.PerSecond).DefaultIfEmpty(double.NaN).Average() is var m && double.IsNaN(m) ? null : m;
}

/// <summary>
/// The provable log's benchmark (issue 19, "Targets"), a mode of its own (<c>--log-entries N</c>):
/// <list type="number">
/// <item>API ingest of the same incidents with the tree on and off, each on a fresh database and a fresh service
/// (<c>Log__Tree=false</c> for off), alternating over <c>--log-rounds</c> rounds; with the tree on, the checkpoint
/// lag of every fifth response (both runs pay for the sampling's one read, so the comparison stays fair).</item>
/// <item>A fresh database filled with N synthetic entries, a chunk per transaction under the log's own append lock
/// (so the running service's appends and catch-up see a log that grew as if written), the rows and the tree's nodes
/// with binary COPY, the entries hash-chained on from the head and the nodes computed with <see cref="MerkleAppend"/>
/// from their real leaf hashes; the service's own signer signs each size as it lands (the key never leaves it).</item>
/// <item><c>accessLogInclusionProof</c> and <c>accessLogConsistencyProof</c> through the API as
/// <c>region.auditor</c> at random signed sizes, each beside its one node-reading statement on a plain connection;
/// every answer verified against the checkpoint's root, and every tenth inclusion proof's leaf recomputed from its row.</item>
/// </list>
/// </summary>
internal static class ProvableLog
{
    private const int SampleEvery = 5;
    private const int FillChunk = 100_000;
    private const int WarmUp = 20;
    private const string Auditor = "region.auditor";

    private const string CopyLog =
        "copy ersou.access_log (sequence, at, subject, force, roles, client_id, kind, operation, purpose, justification, records, previous_hash, hash) from stdin (format binary)";

    private const string CopyTree = $"copy {AccessLogTree.Table} (level, index, hash) from stdin (format binary)";

    public static async Task RunAsync(BenchOptions options, BenchResults results, CancellationToken cancellation)
    {
        var result = new ProvableLogResult();
        results.ProvableLog = result;
        var runTag = string.Create(CultureInfo.InvariantCulture, $"b{options.Seed}");
        var incidents = IncidentGenerator.Stream(options.Seed, options.Incidents, runTag, scale: options.Incidents).ToList();

        var lags = new List<(CheckpointLag Counts, List<double> Lags)>();
        for (var round = 1; round <= options.LogRounds; round++)
        {
            // Alternate which goes first, so a machine that slows down (or speeds up) over the run favours neither.
            foreach (var tree in round % 2 == 1 ? new[] { false, true } : [true, false])
            {
                AnsiConsole.MarkupLine(Markup.Escape(Inv($"log {round}/{options.LogRounds}: API ingest of {incidents.Count:N0} incidents with the tree {(tree ? "on" : "off")}, fresh database (load {Load()})")));
                var (ingest, lag) = await IngestAsync(options, incidents, tree, cancellation);
                result.Ingest.Add(new LogIngestRun(round, tree, ingest));
                if (lag is { } measured)
                {
                    lags.Add(measured);
                }
            }
        }

        if (lags.Count > 0)
        {
            result.Lag = new CheckpointLag(
                lags.Sum(l => l.Counts.Samples), lags.Sum(l => l.Counts.CoveredBeforeResponse), lags.Sum(l => l.Counts.NeverCovered), Percentiles.Of([.. lags.SelectMany(l => l.Lags)]));
        }

        AnsiConsole.MarkupLine(Markup.Escape(Inv($"log: filling a fresh database with {options.LogEntries:N0} entries (at most {options.LogFillMinutes} minutes; load {Load()})")));
        var db = await BenchDatabase.CreateAsync(options.AdminConnectionString, options.Database, cancellation);
        try
        {
            await using var service = await BenchService.StartAsync(options, db.ServiceConnectionString, cancellation);
            result.Fill = await LiveProgress.RunAsync(ctx => FillAsync(db, options, ctx.AddTask(Inv($"log fill: {options.LogEntries:N0} entries"), maxValue: options.LogEntries), cancellation));
            await db.ExecuteAsync($"analyze {AccessLogSchema.Table}; analyze {AccessLogTree.Table}", cancellation);
            results.Notes.Add("provable log: ANALYZE of ersou.access_log and ersou.access_log_tree after the fill, before the proofs.");

            using var api = new GraphQLClient(service.BaseUrl);
            var token = (await new SignIn(api.Http).AuthorizationCodeAsync(Tokens.ToolsClientId, Tokens.ToolsRedirectUri, Auditor, Tokens.DevPassword, "openid audit:read", cancellation))["access_token"]!.GetValue<string>();
            // The sizes the service signed as the fill landed, and after: not the handful signed over the seeded log before it.
            var signed = new SortedDictionary<long, byte[]>((await SignedAsync(db, cancellation)).Where(s => s.Key > result.Fill.EntriesBefore).ToDictionary());
            if (signed.Count == 0)
            {
                throw new BenchFailure("The service signed no checkpoint over the filled log.");
            }

            result.SignedSizes = signed.Count;
            result.LatestSigned = signed.Keys.Max();
            AnsiConsole.MarkupLine(Markup.Escape(Inv($"log: {signed.Count:N0} signed sizes up to {result.LatestSigned:N0}; {options.Queries:N0} proofs of each kind as {Auditor} (load {Load()})")));
            result.Inclusion = await LiveProgress.RunAsync(ctx => InclusionAsync(api, token, db, signed, options, ctx.AddTask(Inv($"accessLogInclusionProof x {options.Queries:N0}"), maxValue: options.Queries), cancellation));
            result.Consistency = signed.Count < 2
                ? null
                : await LiveProgress.RunAsync(ctx => ConsistencyAsync(api, token, db, signed, options, ctx.AddTask(Inv($"accessLogConsistencyProof x {options.Queries:N0}"), maxValue: options.Queries), cancellation));
        }
        finally
        {
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

    private static string Load() => File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "?";

    private static async Task<(IngestResult Ingest, (CheckpointLag Counts, List<double> Lags)? Lag)> IngestAsync(BenchOptions options, List<GeneratedIncident> incidents, bool tree, CancellationToken cancellation)
    {
        var db = await BenchDatabase.CreateAsync(options.AdminConnectionString, options.Database, cancellation);
        try
        {
            var settings = tree ? null : new Dictionary<string, string> { ["Log__Tree"] = "false" };
            await using var service = await BenchService.StartAsync(options, db.ServiceConnectionString, cancellation, settings: settings);
            using var api = new GraphQLClient(service.BaseUrl);
            using var tokens = new Tokens(api.Http);
            var samples = new ConcurrentBag<(DateTimeOffset At, long Sequence)>();
            var answered = 0;
            async Task Sample(CancellationToken token)
            {
                if (Interlocked.Increment(ref answered) % SampleEvery != 0)
                {
                    return;
                }

                var at = DateTimeOffset.UtcNow;
                samples.Add((at, await db.ScalarAsync<long>($"select coalesce(max(sequence), 0) from {AccessLogSchema.Table}", token)));
            }

            var ingest = await LiveProgress.RunAsync(ctx => ApiIngest.RunAsync(
                api, tokens, incidents, options.Batch, options.ClientsPerForce,
                ctx.AddTask(Inv($"reportIncidents, tree {(tree ? "on" : "off")}: {incidents.Count:N0} incidents"), maxValue: incidents.Count),
                cancellation, Sample));
            return (ingest, tree ? await LagAsync(db, [.. samples], cancellation) : null);
        }
        finally
        {
            await db.DropAsync();
        }
    }

    /// <summary>Waits (at most 30 s) for a checkpoint covering the whole log, then finds the first one covering each sample.</summary>
    private static async Task<(CheckpointLag Counts, List<double> Lags)> LagAsync(BenchDatabase db, IReadOnlyList<(DateTimeOffset At, long Sequence)> samples, CancellationToken cancellation)
    {
        var head = samples.Count == 0 ? 0 : samples.Max(s => s.Sequence);
        var wait = Stopwatch.StartNew();
        while (wait.Elapsed < TimeSpan.FromSeconds(30)
            && await db.ScalarAsync<long>($"select coalesce(max(tree_size), 0) from ersou.access_log_signatures where kind = 'log'", cancellation) < head)
        {
            await Task.Delay(100, cancellation);
        }

        await using var command = db.DataSource.CreateCommand(
            "select (select min(s.at) from ersou.access_log_signatures s where s.kind = 'log' and s.tree_size >= w.sequence) from unnest($1::bigint[]) with ordinality as w(sequence, n) order by w.n");
        command.Parameters.Add(new NpgsqlParameter<long[]> { TypedValue = [.. samples.Select(s => s.Sequence)] });
        var before = 0;
        var never = 0;
        var lags = new List<double>(samples.Count);
        var index = 0;
        await using var reader = await command.ExecuteReaderAsync(cancellation);
        while (await reader.ReadAsync(cancellation))
        {
            var sample = samples[index++];
            if (reader.IsDBNull(0))
            {
                never++;
                continue;
            }

            var lag = (reader.GetFieldValue<DateTimeOffset>(0) - sample.At).TotalMilliseconds;
            if (lag <= 0)
            {
                before++;
            }

            lags.Add(Math.Max(0, lag));
        }

        return (new CheckpointLag(samples.Count, before, never, Percentiles.Of(lags)), lags);
    }

    /// <summary>
    /// Appends <c>--log-entries</c> entries in chunks, each one transaction under the append lock, as an append would be:
    /// the head and the tree's right edge read, the rows and then the nodes they complete written with binary COPY,
    /// the new root computed here (to compare with what the service signs). Streams: one chunk in memory at a time.
    /// </summary>
    private static async Task<LogFill> FillAsync(BenchDatabase db, BenchOptions options, ProgressTask progress, CancellationToken cancellation)
    {
        var target = (long)options.LogEntries;
        var budget = TimeSpan.FromMinutes(options.LogFillMinutes);
        var roots = new Dictionary<long, byte[]>();
        var baseAt = new DateTimeOffset(DateTime.UtcNow.Ticks / TimeSpan.TicksPerSecond * TimeSpan.TicksPerSecond, TimeSpan.Zero);
        string[] roles = ["auditor"];
        var kind = AccessLogChain.KindName(AccessKind.Consultation);
        var purpose = AccessLogChain.PurposeName(Purpose.Investigation);
        long filled = 0, nodesWritten = 0, before = -1;
        var transactions = 0;
        var clock = Stopwatch.StartNew();
        while (filled < target && clock.Elapsed < budget)
        {
            var count = (int)Math.Min(FillChunk, target - filled);
            await using var connection = await db.DataSource.OpenConnectionAsync(cancellation);
            await using var transaction = await connection.BeginTransactionAsync(cancellation);
            await using (var take = new NpgsqlCommand("select pg_advisory_xact_lock($1)", connection, transaction))
            {
                take.Parameters.Add(new NpgsqlParameter<long> { TypedValue = AccessLogWriter.AppendLock });
                await take.ExecuteNonQueryAsync(cancellation);
            }

            long head, treeSize;
            string previous;
            await using (var last = new NpgsqlCommand(
                $"select h.sequence, h.hash, {AccessLogTree.SizeSql} from (select 1) one left join (select sequence, hash from ersou.access_log order by sequence desc limit 1) h on true",
                connection, transaction))
            await using (var reader = await last.ExecuteReaderAsync(cancellation))
            {
                await reader.ReadAsync(cancellation);
                head = reader.IsDBNull(0) ? 0 : reader.GetInt64(0);
                previous = reader.IsDBNull(1) ? AccessLogChain.Genesis : reader.GetString(1);
                treeSize = reader.GetInt64(2);
            }

            if (treeSize != head)
            {
                // The service's signer brings the tree up to the log first; the fill extends a tree that covers it all.
                await transaction.RollbackAsync(cancellation);
                await Task.Delay(250, cancellation);
                continue;
            }

            if (before < 0)
            {
                before = head;
            }

            var frontier = await AccessLogTree.NodesAsync(connection, transaction, MerkleAppend.NodesNeeded(head), cancellation);
            var leaves = new List<byte[]>(count);
            await using (var copy = await connection.BeginBinaryImportAsync(CopyLog, cancellation))
            {
                for (var i = 0; i < count; i++)
                {
                    var sequence = head + 1 + i;
                    var at = baseAt.AddTicks(sequence * 10);
                    var id = Id(sequence);
                    var records = new List<LoggedRecord> { new("Incident", id, null) };
                    var stored = new StoredEntry(sequence, AccessLogChain.Time(at), Auditor, null, roles, Tokens.ToolsClientId, kind, "AccessLog", purpose, "bench fill",
                        [new StoredRecord("Incident", id, null)], previous);
                    var canonical = AccessLogChain.CanonicalBytes(stored);
                    var hash = AccessLogChain.HashOf(canonical);
                    leaves.Add(MerkleHash.LeafHash(canonical));

                    await copy.StartRowAsync(cancellation);
                    await copy.WriteAsync(sequence, NpgsqlDbType.Bigint, cancellation);
                    await copy.WriteAsync(at.UtcDateTime, NpgsqlDbType.TimestampTz, cancellation);
                    await copy.WriteAsync(stored.Subject, NpgsqlDbType.Text, cancellation);
                    await copy.WriteNullAsync(cancellation);
                    await copy.WriteAsync(roles, NpgsqlDbType.Array | NpgsqlDbType.Text, cancellation);
                    await copy.WriteAsync(stored.ClientId!, NpgsqlDbType.Text, cancellation);
                    await copy.WriteAsync(kind, NpgsqlDbType.Text, cancellation);
                    await copy.WriteAsync(stored.Operation!, NpgsqlDbType.Text, cancellation);
                    await copy.WriteAsync(purpose, NpgsqlDbType.Text, cancellation);
                    await copy.WriteAsync(stored.Justification!, NpgsqlDbType.Text, cancellation);
                    await copy.WriteAsync(AccessLogSchema.RecordsJson(records), NpgsqlDbType.Jsonb, cancellation);
                    await copy.WriteAsync(previous, NpgsqlDbType.Text, cancellation);
                    await copy.WriteAsync(hash, NpgsqlDbType.Text, cancellation);
                    previous = hash;
                }

                await copy.CompleteAsync(cancellation);
            }

            var nodes = MerkleAppend.NodesCompletedBy(head, leaves, id => frontier[id]);
            await using (var copy = await connection.BeginBinaryImportAsync(CopyTree, cancellation))
            {
                foreach (var node in nodes)
                {
                    await copy.StartRowAsync(cancellation);
                    await copy.WriteAsync((short)node.Id.Level, NpgsqlDbType.Smallint, cancellation);
                    await copy.WriteAsync(node.Id.Index, NpgsqlDbType.Bigint, cancellation);
                    await copy.WriteAsync(node.Hash.ToArray(), NpgsqlDbType.Bytea, cancellation);
                }

                await copy.CompleteAsync(cancellation);
            }

            var size = head + count;
            var known = new Dictionary<NodeId, byte[]>(frontier);
            var wanted = MerkleProofs.NodesForRoot(size).ToHashSet();
            foreach (var node in nodes.Where(n => wanted.Contains(n.Id)))
            {
                known[node.Id] = node.Hash.ToArray();
            }

            roots[size] = MerkleProofs.Root(size, id => known[id]);
            await transaction.CommitAsync(cancellation);
            transactions++;
            filled += count;
            nodesWritten += nodes.Count;
            progress.Increment(count);
        }

        var seconds = clock.Elapsed.TotalSeconds;
        progress.StopTask();

        // The service signs what landed; wait (at most 60 s) for the last size, then compare every root it signed with ours.
        var lastSize = roots.Keys.DefaultIfEmpty(0).Max();
        var signing = Stopwatch.StartNew();
        while (signing.Elapsed < TimeSpan.FromSeconds(60) && await db.ScalarAsync<long>("select coalesce(max(tree_size), 0) from ersou.access_log_signatures where kind = 'log'", cancellation) < lastSize)
        {
            await Task.Delay(50, cancellation);
        }

        var signedWithin = signing.Elapsed.TotalSeconds;
        var signed = await SignedAsync(db, cancellation);
        var compared = 0;
        var differ = 0;
        foreach (var (size, root) in roots)
        {
            if (signed.TryGetValue(size, out var theirs))
            {
                compared++;
                differ += theirs.AsSpan().SequenceEqual(root) ? 0 : 1;
            }
        }

        return new LogFill(
            Math.Max(before, 0), filled, await db.ScalarAsync<long>($"select {AccessLogTree.SizeSql}", cancellation), nodesWritten, transactions, seconds, filled / Math.Max(seconds, 1e-6),
            filled < target, await db.ScalarAsync<long>($"select pg_total_relation_size('{AccessLogSchema.Table}')", cancellation),
            await db.ScalarAsync<long>($"select pg_total_relation_size('{AccessLogTree.Table}')", cancellation), compared, differ, signed.Count, signedWithin);
    }

    /// <summary>A record id per entry, as a Guid's text: the same length as the ids the service logs.</summary>
    private static string Id(long sequence)
    {
        Span<byte> bytes = stackalloc byte[16];
        BitConverter.TryWriteBytes(bytes, sequence);
        return new Guid(bytes).ToString("D");
    }

    /// <summary>Every size the log signed (a checkpoint row with the log's signature), with its root.</summary>
    private static async Task<SortedDictionary<long, byte[]>> SignedAsync(BenchDatabase db, CancellationToken cancellation)
    {
        var signed = new SortedDictionary<long, byte[]>();
        await using var command = db.DataSource.CreateCommand(
            "select c.tree_size, c.root from ersou.access_log_checkpoints c where exists (select 1 from ersou.access_log_signatures s where s.tree_size = c.tree_size and s.kind = 'log')");
        await using var reader = await command.ExecuteReaderAsync(cancellation);
        while (await reader.ReadAsync(cancellation))
        {
            signed[reader.GetInt64(0)] = reader.GetFieldValue<byte[]>(1);
        }

        return signed;
    }

    private static async Task<ProofFigures> InclusionAsync(GraphQLClient api, string token, BenchDatabase db, SortedDictionary<long, byte[]> signed, BenchOptions options, ProgressTask progress, CancellationToken cancellation)
    {
        var sizes = signed.Keys.ToArray();
        var random = new Random(options.Seed);
        var questions = Enumerable.Range(0, WarmUp + options.Queries).Select(_ =>
        {
            var size = sizes[random.Next(sizes.Length)];
            return (Sequence: random.NextInt64(1, size + 1), Size: size);
        }).ToList();

        var tally = new ProofTally();
        int leavesChecked = 0, leavesDiffer = 0;
        await using var floor = await db.DataSource.OpenConnectionAsync(cancellation);
        for (var q = 0; q < questions.Count; q++)
        {
            var (sequence, size) = questions[q];
            using var answer = await api.PostAsync(token, Operations.AccessLogInclusionProof, "AccessLogInclusionProof", new { sequence, treeSize = size }, cancellation);
            var proof = Proof(answer, "accessLogInclusionProof");
            var leaf = Convert.FromBase64String(proof.GetProperty("leafHash").GetString()!);
            var path = Path(proof);
            var ok = MerkleVerifier.VerifyInclusion(leaf, sequence - 1, size, path, signed[size]);

            var floorMs = await FloorAsync(floor, [new NodeId(0, sequence - 1), .. MerkleProofs.NodesForInclusion(sequence - 1, size)], Inv($"entry {sequence} at size {size}"), cancellation);
            if (q < WarmUp)
            {
                continue;
            }

            tally.Add(answer.Milliseconds, floorMs, path.Count, ok);

            // Every tenth: the leaf served is the hash of the row as stored, recomputed here.
            if (q % 10 == 0)
            {
                leavesChecked++;
                leavesDiffer += (await LeafOfRowAsync(floor, sequence, cancellation)).AsSpan().SequenceEqual(leaf) ? 0 : 1;
            }

            progress.Increment(1);
        }

        return tally.Figures(Inv($"accessLogInclusionProof at {sizes[^1]:N0}"), leavesChecked, leavesDiffer);
    }

    private static async Task<ProofFigures> ConsistencyAsync(GraphQLClient api, string token, BenchDatabase db, SortedDictionary<long, byte[]> signed, BenchOptions options, ProgressTask progress, CancellationToken cancellation)
    {
        var sizes = signed.Keys.ToArray();
        var random = new Random(options.Seed + 1);
        var questions = Enumerable.Range(0, WarmUp + options.Queries).Select(_ =>
        {
            var a = random.Next(sizes.Length - 1);
            var b = random.Next(a + 1, sizes.Length);
            return (From: sizes[a], To: sizes[b]);
        }).ToList();

        var tally = new ProofTally();
        await using var floor = await db.DataSource.OpenConnectionAsync(cancellation);
        for (var q = 0; q < questions.Count; q++)
        {
            var (from, to) = questions[q];
            using var answer = await api.PostAsync(token, Operations.AccessLogConsistencyProof, "AccessLogConsistencyProof", new { fromSize = from, toSize = to }, cancellation);
            var path = Path(Proof(answer, "accessLogConsistencyProof"));
            var ok = MerkleVerifier.VerifyConsistency(from, to, path, signed[from], signed[to]);

            var floorMs = await FloorAsync(floor, MerkleProofs.NodesForConsistency(from, to), Inv($"the proof from {from} to {to}"), cancellation);
            if (q < WarmUp)
            {
                continue;
            }

            tally.Add(answer.Milliseconds, floorMs, path.Count, ok);

            progress.Increment(1);
        }

        return tally.Figures(Inv($"accessLogConsistencyProof up to {sizes[^1]:N0}"), 0, 0);
    }

    /// <summary>The floor: the one statement the service reads a proof's nodes with, timed on a plain connection.</summary>
    private static async Task<double> FloorAsync(NpgsqlConnection floor, IReadOnlyCollection<NodeId> ids, string what, CancellationToken cancellation)
    {
        var clock = Stopwatch.StartNew();
        var nodes = await AccessLogTree.NodesAsync(floor, null, ids, cancellation);
        var elapsed = clock.Elapsed.TotalMilliseconds;
        if (nodes.Count != ids.Distinct().Count())
        {
            throw new BenchFailure($"the tree lacks nodes for {what}");
        }

        return elapsed;
    }

    /// <summary>What one kind of proof measured, past the warm-up: API and floor times, path lengths, verified or not.</summary>
    private sealed class ProofTally
    {
        private readonly List<double> api = [];
        private readonly List<double> floor = [];
        private long pathLengths;
        private int verified;
        private int failed;

        public void Add(double apiMs, double floorMs, int pathLength, bool ok)
        {
            api.Add(apiMs);
            floor.Add(floorMs);
            pathLengths += pathLength;
            if (ok)
            {
                verified++;
            }
            else
            {
                failed++;
            }
        }

        public ProofFigures Figures(string question, int leavesChecked, int leavesDiffer) =>
            new(question, api.Count, Percentiles.Of(api), Percentiles.Of(floor), verified, failed, leavesChecked, leavesDiffer, pathLengths / (double)Math.Max(1, api.Count));
    }

    private static async Task<byte[]> LeafOfRowAsync(NpgsqlConnection connection, long sequence, CancellationToken cancellation)
    {
        await using var command = new NpgsqlCommand($"select {AccessLogSchema.Columns} from {AccessLogSchema.Table} l where l.sequence = $1", connection);
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = sequence });
        await using var reader = await command.ExecuteReaderAsync(cancellation);
        return await reader.ReadAsync(cancellation) ? AccessLogTree.LeafHash(AccessLogSchema.Read(reader).Entry) : [];
    }

    private static JsonElement Proof(GraphQLAnswer answer, string field) =>
        answer.Status == 200 && answer.Errors is null && answer.Data.ValueKind == JsonValueKind.Object && answer.Data.TryGetProperty(field, out var proof) && proof.ValueKind == JsonValueKind.Object
            ? proof
            : throw new BenchFailure($"{field} answered {answer.Status}: {answer.Errors ?? GraphQLClient.Trim(answer.Body.RootElement.GetRawText())}");

    private static List<byte[]> Path(JsonElement proof) => [.. proof.GetProperty("path").EnumerateArray().Select(p => Convert.FromBase64String(p.GetString()!))];
}
