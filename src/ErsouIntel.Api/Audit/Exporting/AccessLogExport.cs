using System.Globalization;
using System.Text.Json;
using ErsouIntel.Api.Audit.Verifying;
using ErsouIntel.Api.Audit.Writing;
using ErsouIntel.Api.Hosting;
using Npgsql;

namespace ErsouIntel.Api.Audit.Exporting;

/// <summary>
/// <c>audit-export --file FILE [--from N] [--to N]</c>: the access log for an auditor, as a file
/// they can check without the service. One JSON object per line: first a header (chain version,
/// the range, the hash the range starts from), then each entry exactly as stored, with its
/// <c>previousHash</c> and <c>hash</c>. Anyone can recompute each hash from the canonical form in
/// docs/security.md; the last line holds the count, the last hash (to compare with a later export)
/// and whether the range verified. Entries hold ids, never records' contents; justifications are in it, so the file is
/// as sensitive as the log itself.
/// </summary>
public static class AccessLogExport
{
    public const string Usage = "audit-export --file FILE [--from SEQUENCE] [--to SEQUENCE] [--operator NAME]   the access log with its chain hashes, for an auditor; NAME: who exports, for the access log";

    public const string Operation = "audit-export";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static async Task<int> RunAsync(IServiceProvider services, string[] args, TextWriter output, TextWriter error, CancellationToken cancellation = default)
    {
        string file;
        long from, to;
        string operatorName;
        try
        {
            var options = CommandOptions.Parse(args, refuseRepeats: true);
            if (options.Names.FirstOrDefault(n => n is not ("file" or "from" or "to" or "operator")) is { } unknown)
            {
                throw new ArgumentException($"Unknown option --{unknown}.");
            }

            file = options.Required("file");
            operatorName = options.GetValueOrDefault("operator") ?? Environment.UserName;
            from = options.TryGetValue("from", out var a) ? long.Parse(a, NumberStyles.None, CultureInfo.InvariantCulture) : 1;
            to = options.TryGetValue("to", out var b) ? long.Parse(b, NumberStyles.None, CultureInfo.InvariantCulture) : long.MaxValue;
            if (from < 1 || to < from)
            {
                throw new ArgumentException("--from is at least 1 and --to at least --from.");
            }
        }
        catch (Exception e) when (e is ArgumentException or FormatException or OverflowException)
        {
            await error.WriteLineAsync($"audit-export: {e.Message}");
            await error.WriteLineAsync(Usage);
            return 2;
        }

        var db = services.GetRequiredService<NpgsqlDataSource>();
        // One snapshot for the whole export, so that later appends cannot tear it.
        await using var connection = await db.OpenConnectionAsync(cancellation);
        await using var transaction = await connection.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, cancellation);
        long head;
        await using (var newest = new NpgsqlCommand($"select coalesce(max(sequence), 0) from {AccessLogSchema.Table}", connection, transaction))
        {
            // The snapshot's first statement: the range logged below is exactly the range this snapshot exports.
            head = (long)(await newest.ExecuteScalarAsync(cancellation))!;
        }

        // Accountable first, as import and retention are: if the log cannot be written, no file is. The entry comes
        // after the snapshot, so the export does not hold its own entry; the next export does.
        await services.GetRequiredService<AccessLogWriter>().AppendAsync([EntryFor(operatorName, from, Math.Min(to, head))], cancellation);

        string startsAfter = AccessLogChain.Genesis;
        if (from > 1)
        {
            await using var before = new NpgsqlCommand($"select hash from {AccessLogSchema.Table} where sequence = $1", connection, transaction);
            before.Parameters.AddWithValue(from - 1);
            startsAfter = await before.ExecuteScalarAsync(cancellation) as string
                ?? throw new InvalidOperationException($"There is no entry {from - 1} to start after.");
        }

        await using var writer = new StreamWriter(file, append: false, new System.Text.UTF8Encoding(false));
        await writer.WriteLineAsync(JsonSerializer.Serialize(new { header = AccessLogChain.Version, from, to = to == long.MaxValue ? (long?)null : to, startsAfterHash = startsAfter, exportedAt = DateTimeOffset.UtcNow }, Json));

        // Checked as it is written: an auditor handed a file of a broken log must be told so.
        var walk = new AccessLogChainWalk(from, startsAfter);
        long count = 0;
        var last = startsAfter;
        await using (var command = new NpgsqlCommand($"select {AccessLogSchema.Columns} from {AccessLogSchema.Table} l where l.sequence between $1 and $2 order by l.sequence", connection, transaction))
        {
            command.Parameters.AddWithValue(from);
            command.Parameters.AddWithValue(to);
            await using var reader = await command.ExecuteReaderAsync(cancellation);
            while (await reader.ReadAsync(cancellation))
            {
                var (entry, hash) = AccessLogSchema.Read(reader);
                await writer.WriteLineAsync(JsonSerializer.Serialize(new { entry, hash }, Json));
                walk.Add(entry, hash);
                count++;
                last = hash;
            }
        }

        var verification = walk.Result;
        await writer.WriteLineAsync(JsonSerializer.Serialize(new { entries = count, lastHash = last, valid = verification.Valid, firstInvalidSequence = verification.FirstInvalidSequence }, Json));
        if (!verification.Valid)
        {
            // The file is still written, whole: it is evidence of what the database holds.
            await error.WriteLineAsync(
                $"audit-export: the log does not verify: sequence {verification.FirstInvalidSequence} is missing, or its hashes do not match its contents. " +
                $"{count} entries were written to {file} as stored; its last line says so too.");
            return 1;
        }

        await output.WriteLineAsync($"audit-export: {count} entries written to {file} and verified; last hash {last}");
        return 0;
    }

    /// <summary>The export as a CONSULTATION of the log by the operator, naming the range exported (the entries are not listed: a range can be millions).</summary>
    public static PendingEntry EntryFor(string operatorName, long from, long to) => new(
        $"operator:{operatorName}",
        null,
        [Incidents.Importing.BulkImport.Role],
        null,
        AccessKind.Consultation,
        Operation,
        null,
        to >= from
            ? $"Access log export: entries {from.ToString(CultureInfo.InvariantCulture)} to {to.ToString(CultureInfo.InvariantCulture)}"
            : $"Access log export: entries from {from.ToString(CultureInfo.InvariantCulture)} (none yet)",
        []);
}
