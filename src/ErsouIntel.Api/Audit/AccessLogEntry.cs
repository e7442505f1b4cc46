using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using ErsouIntel.Api.Access;
using ErsouIntel.Domain;

namespace ErsouIntel.Api.Audit;

/// <summary>A record named by an access-log entry: its type, its id and its owning force. Never its contents.</summary>
public sealed record LoggedRecord(string Type, string Id, Force? Force);

/// <summary>An entry as a request asks for it, before the log gives it a sequence and a place in the chain.</summary>
public sealed record PendingEntry(
    string Subject,
    Force? Force,
    IReadOnlyList<string> Roles,
    string? ClientId,
    AccessKind Kind,
    string? Operation,
    Purpose? Purpose,
    string? Justification,
    IReadOnlyList<LoggedRecord> Records);

/// <summary>One row of <c>ersou.access_log</c> (the contract's <c>AccessLogEntry</c>).</summary>
public sealed record AccessLogEntry(
    long Sequence,
    DateTimeOffset At,
    string Subject,
    Force? Force,
    IReadOnlyList<string> Roles,
    string? ClientId,
    AccessKind Kind,
    string? Operation,
    Purpose? Purpose,
    string? Justification,
    IReadOnlyList<LoggedRecord> Records,
    string PreviousHash,
    string Hash);

/// <summary>
/// The hash chain of the access log. Each entry's hash is the lower-case hex SHA-256 of its
/// canonical form, which covers every column and the previous entry's hash. The canonical form is
/// written out in docs/security.md ("How an auditor verifies the log") so that an auditor can
/// recompute it with any tool; change it only together with that page and a new version line.
/// </summary>
public static class AccessLogChain
{
    /// <summary>The <c>previous_hash</c> of the first entry.</summary>
    public static readonly string Genesis = new('0', 64);

    public const string Version = "ersou-access-log-v1";

    /// <summary>The hash of an entry given as the strings stored in its row: what the verifier recomputes, whatever a row holds.</summary>
    public static string Hash(StoredEntry entry) => HashOf(CanonicalBytes(entry));

    /// <summary>The chain's hash of canonical bytes already encoded (the writer encodes them once for the chain and the tree).</summary>
    public static string HashOf(byte[] canonical) => Convert.ToHexStringLower(SHA256.HashData(canonical));

    /// <summary>The canonical form in UTF-8: what the chain hashes, and the Merkle tree's leaf.</summary>
    public static byte[] CanonicalBytes(StoredEntry entry) => Encoding.UTF8.GetBytes(Canonical(entry));

    /// <summary>
    /// One line per field, in a fixed order: <c>name=value</c>. A string value is its length in
    /// UTF-8 bytes, a colon and the string itself (so a value may hold anything, new lines
    /// included, and never be taken for the next field); a missing value is a single <c>-</c>.
    /// Lists give their count, then one line per item.
    /// </summary>
    public static string Canonical(StoredEntry entry)
    {
        var text = new StringBuilder();
        text.Append(Version).Append('\n');
        Number(text, "sequence", entry.Sequence);
        Text(text, "at", entry.At);
        Text(text, "subject", entry.Subject);
        Text(text, "force", entry.Force);
        Number(text, "roles", entry.Roles.Count);
        foreach (var role in entry.Roles)
        {
            Text(text, "role", role);
        }

        Text(text, "client_id", entry.ClientId);
        Text(text, "kind", entry.Kind);
        Text(text, "operation", entry.Operation);
        Text(text, "purpose", entry.Purpose);
        Text(text, "justification", entry.Justification);
        Number(text, "records", entry.Records.Count);
        foreach (var record in entry.Records)
        {
            Text(text, "record.type", record.Type);
            Text(text, "record.id", record.Id);
            Text(text, "record.force", record.Force);
        }

        Text(text, "previous_hash", entry.PreviousHash);
        return text.ToString();
    }

    /// <summary>The time as it enters the canonical form: UTC, always six fraction digits (PostgreSQL keeps microseconds).</summary>
    public static string Time(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture);

    public static DateTimeOffset ParseTime(string at) =>
        DateTimeOffset.ParseExact(at, "yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);

    public static string KindName(AccessKind kind) => kind switch
    {
        AccessKind.Collection => "COLLECTION",
        AccessKind.Alteration => "ALTERATION",
        AccessKind.Consultation => "CONSULTATION",
        AccessKind.Disclosure => "DISCLOSURE",
        AccessKind.Combination => "COMBINATION",
        AccessKind.Erasure => "ERASURE",
        AccessKind.Refused => "REFUSED",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };

    public static AccessKind ParseKind(string name) => Enum.GetValues<AccessKind>().Single(k => KindName(k) == name);

    public static string PurposeName(Purpose purpose) => purpose switch
    {
        Purpose.Investigation => "INVESTIGATION",
        Purpose.IntelligenceDevelopment => "INTELLIGENCE_DEVELOPMENT",
        Purpose.Safeguarding => "SAFEGUARDING",
        Purpose.Prosecution => "PROSECUTION",
        _ => throw new ArgumentOutOfRangeException(nameof(purpose), purpose, null),
    };

    public static Purpose ParsePurpose(string name) => Enum.GetValues<Purpose>().Single(p => PurposeName(p) == name);

    /// <summary>An entry as the strings its row holds.</summary>
    public static StoredEntry Stored(AccessLogEntry entry) => new(
        entry.Sequence,
        Time(entry.At),
        entry.Subject,
        entry.Force?.TenantId(),
        entry.Roles,
        entry.ClientId,
        KindName(entry.Kind),
        entry.Operation,
        entry.Purpose is { } purpose ? PurposeName(purpose) : null,
        entry.Justification,
        entry.Records.Select(r => new StoredRecord(r.Type, r.Id, r.Force?.TenantId())).ToList(),
        entry.PreviousHash);

    private static void Number(StringBuilder text, string name, long value) =>
        text.Append(name).Append('=').Append(value.ToString(CultureInfo.InvariantCulture)).Append('\n');

    private static void Text(StringBuilder text, string name, string? value)
    {
        text.Append(name).Append('=');
        if (value is null)
        {
            text.Append('-');
        }
        else
        {
            text.Append(Encoding.UTF8.GetByteCount(value).ToString(CultureInfo.InvariantCulture)).Append(':').Append(value);
        }

        text.Append('\n');
    }
}

/// <summary>An entry exactly as its row stores it (every value a string), the input of the canonical form.</summary>
public sealed record StoredEntry(
    long Sequence,
    string At,
    string Subject,
    string? Force,
    IReadOnlyList<string> Roles,
    string? ClientId,
    string Kind,
    string? Operation,
    string? Purpose,
    string? Justification,
    IReadOnlyList<StoredRecord> Records,
    string PreviousHash);

public sealed record StoredRecord(string Type, string Id, string? Force);
