using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Npgsql;

namespace ErsouIntel.LoadClient;

/// <summary>
/// The access-log chain recomputed from the canonical form in docs/security.md ("The chain and its
/// canonical form"), written from that page and not from the service's code, so that a drift
/// between the two shows here as a failed check.
/// </summary>
public static class ChainRecomputation
{
    private static readonly string Genesis = new('0', 64);

    public sealed record Result(bool Valid, long EntriesChecked, long? FirstInvalidSequence);

    public static async Task<Result> VerifyAsync(NpgsqlDataSource db, CancellationToken cancellation)
    {
        await using var command = db.CreateCommand(
            "select sequence, at, subject, force, roles, client_id, kind, operation, purpose, justification, records::text, previous_hash, hash from ersou.access_log order by sequence");
        await using var reader = await command.ExecuteReaderAsync(cancellation);
        long expected = 1;
        long entries = 0;
        long? firstInvalid = null;
        var previous = Genesis;
        while (await reader.ReadAsync(cancellation))
        {
            entries++;
            var sequence = reader.GetInt64(0);
            var previousHash = reader.GetString(11);
            var hash = reader.GetString(12);
            var valid = sequence == expected
                && previousHash == previous
                && Canonical(reader, sequence, previousHash) is var canonical
                && Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonical))) == hash;
            if (!valid && firstInvalid is null)
            {
                firstInvalid = Math.Min(expected, sequence);
            }

            expected = sequence + 1;
            previous = hash;
        }

        return new Result(firstInvalid is null, entries, firstInvalid);
    }

    private static string Canonical(NpgsqlDataReader row, long sequence, string previousHash)
    {
        var lines = new StringBuilder();
        void Line(string text) => lines.Append(text).Append('\n');
        static string Value(string? v) => v is null ? "-" : string.Create(CultureInfo.InvariantCulture, $"{Encoding.UTF8.GetByteCount(v)}:{v}");
        string? Text(int ordinal) => row.IsDBNull(ordinal) ? null : row.GetString(ordinal);

        Line("ersou-access-log-v1");
        Line(string.Create(CultureInfo.InvariantCulture, $"sequence={sequence}"));
        Line("at=" + Value(row.GetFieldValue<DateTimeOffset>(1).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture)));
        Line("subject=" + Value(Text(2)));
        Line("force=" + Value(Text(3)));
        var roles = row.GetFieldValue<string[]>(4);
        Line(string.Create(CultureInfo.InvariantCulture, $"roles={roles.Length}"));
        foreach (var role in roles)
        {
            Line("role=" + Value(role));
        }

        Line("client_id=" + Value(Text(5)));
        Line("kind=" + Value(Text(6)));
        Line("operation=" + Value(Text(7)));
        Line("purpose=" + Value(Text(8)));
        Line("justification=" + Value(Text(9)));
        using var records = JsonDocument.Parse(row.GetString(10));
        Line(string.Create(CultureInfo.InvariantCulture, $"records={records.RootElement.GetArrayLength()}"));
        foreach (var record in records.RootElement.EnumerateArray())
        {
            Line("record.type=" + Value(Member(record, "type")));
            Line("record.id=" + Value(Member(record, "id")));
            Line("record.force=" + Value(Member(record, "force")));
        }

        Line("previous_hash=" + Value(previousHash));
        return lines.ToString();
    }

    private static string? Member(JsonElement record, string name) =>
        record.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null ? value.ToString() : null;
}
