using System.Text.Json;
using ErsouIntel.Api.Storage;
using ErsouIntel.Domain;
using Npgsql;
using Weasel.Postgresql;
using Weasel.Postgresql.Tables;

namespace ErsouIntel.Api.Audit;

/// <summary>
/// <c>ersou.access_log</c>: one row per entry, numbered by us without gaps, hash-chained, created
/// and migrated by Marten with its own objects. The service's database role may only insert and
/// select here (deploy/sql/access-log-role.sql); see docs/security.md.
/// </summary>
public static class AccessLogSchema
{
    public const string Table = "ersou.access_log";

    /// <summary>The columns in the order <see cref="Read"/> reads them.</summary>
    public const string Columns =
        "l.sequence, l.at, l.subject, l.force, l.roles, l.client_id, l.kind, l.operation, l.purpose, l.justification, l.records::text, l.previous_hash, l.hash";

    public static IEnumerable<Weasel.Core.ISchemaObject> Objects()
    {
        var log = new Table(EventStore.Table("access_log"));
        log.AddColumn<long>("sequence").AsPrimaryKey();
        log.AddColumn("at", "timestamptz").NotNull();
        log.AddColumn<string>("subject").NotNull();
        log.AddColumn<string>("force").AllowNulls();
        log.AddColumn("roles", "text[]").NotNull();
        log.AddColumn<string>("client_id").AllowNulls();
        log.AddColumn<string>("kind").NotNull();
        log.AddColumn<string>("operation").AllowNulls();
        log.AddColumn<string>("purpose").AllowNulls();
        log.AddColumn<string>("justification").AllowNulls();
        log.AddColumn("records", "jsonb").NotNull();
        log.AddColumn<string>("previous_hash").NotNull();
        log.AddColumn<string>("hash").NotNull();
        log.Indexes.Add(new IndexDefinition("access_log_subject") { Columns = ["subject", "sequence"] });
        log.Indexes.Add(new IndexDefinition("access_log_force") { Columns = ["force", "sequence"] });
        log.Indexes.Add(new IndexDefinition("access_log_kind") { Columns = ["kind", "sequence"] });
        log.Indexes.Add(new IndexDefinition("access_log_at") { Columns = ["at"] });
        // Record id and record force lookups: records @> '[{"id": ...}]' and '[{"force": ...}]'.
        var records = new IndexDefinition("access_log_records") { Columns = ["records"] };
        records.ToGinWithJsonbPathOps();
        log.Indexes.Add(records);
        // A second entry chained to the same predecessor would be a fork: refused by the database too.
        log.Indexes.Add(new IndexDefinition("access_log_previous_hash") { Columns = ["previous_hash"], IsUnique = true });
        yield return log;
    }

    /// <summary>Reads a row selected with <see cref="Columns"/>, as stored: strings the verifier hashes whatever they hold.</summary>
    public static (StoredEntry Entry, string Hash) Read(NpgsqlDataReader reader)
    {
        var records = new List<StoredRecord>();
        using (var json = JsonDocument.Parse(reader.GetString(10)))
        {
            foreach (var record in json.RootElement.EnumerateArray())
            {
                records.Add(new StoredRecord(
                    record.GetProperty("type").GetString() ?? "",
                    record.GetProperty("id").GetString() ?? "",
                    record.TryGetProperty("force", out var force) && force.ValueKind == JsonValueKind.String ? force.GetString() : null));
            }
        }

        var entry = new StoredEntry(
            reader.GetInt64(0),
            AccessLogChain.Time(reader.GetFieldValue<DateTimeOffset>(1)),
            reader.GetString(2),
            NullableString(reader, 3),
            reader.GetFieldValue<string[]>(4),
            NullableString(reader, 5),
            reader.GetString(6),
            NullableString(reader, 7),
            NullableString(reader, 8),
            NullableString(reader, 9),
            records,
            reader.GetString(11));
        return (entry, reader.GetString(12));
    }

    /// <summary>A row read with <see cref="Read"/> as the contract shows it.</summary>
    public static AccessLogEntry ToEntry(StoredEntry stored, string hash) => new(
        stored.Sequence,
        AccessLogChain.ParseTime(stored.At),
        stored.Subject,
        Forces.TryParse(stored.Force, out var force) ? force : null,
        stored.Roles,
        stored.ClientId,
        AccessLogChain.ParseKind(stored.Kind),
        stored.Operation,
        stored.Purpose is { } purpose ? AccessLogChain.ParsePurpose(purpose) : null,
        stored.Justification,
        stored.Records.Select(r => new LoggedRecord(r.Type, r.Id, Forces.TryParse(r.Force, out var f) ? f : null)).ToList(),
        stored.PreviousHash,
        hash);

    /// <summary>The <c>records</c> column: an array of {type, id, force}, ids only.</summary>
    public static string RecordsJson(IEnumerable<LoggedRecord> records) =>
        JsonSerializer.Serialize(records.Select(r => new JsonRecord(r.Type, r.Id, r.Force?.TenantId())), JsonOptions);

    private static string? NullableString(NpgsqlDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web);

    private sealed record JsonRecord(string Type, string Id, string? Force);
}
