using System.Text.Json;
using ErsouIntel.Api.GraphQL;
using ErsouIntel.Domain;
using Npgsql;
using NpgsqlTypes;

namespace ErsouIntel.Api.Audit.Reading;

/// <summary>The contract's <c>AccessLogFilter</c>. <c>from</c> and <c>to</c> both include their moment.</summary>
public sealed record AccessLogFilter(string? Subject, Force? Force, AccessKind? Kind, DateTimeOffset? From, DateTimeOffset? To, string? RecordId);

/// <summary>
/// <c>accessLog</c>: newest entry first, keyset paging over the sequence, all of it in SQL. A
/// region-wide auditor sees every entry; a force auditor only entries made by a caller of that
/// force or naming a record of that force, shown whole (their hash covers every record named).
/// </summary>
public sealed class AccessLogQueries(NpgsqlDataSource db)
{
    public async Task<Connection<AccessLogEntry>> ListAsync(Force? auditorForce, AccessLogFilter? filter, int first, long? afterSequence, CancellationToken cancellation)
    {
        var sql = $"select {AccessLogSchema.Columns} from {AccessLogSchema.Table} l where true";
        await using var command = db.CreateCommand();
        if (auditorForce is { } narrowed)
        {
            sql += " and " + MadeByOrAbout(command, "auditorForce", narrowed);
        }

        if (filter?.Subject is { } subject)
        {
            sql += " and l.subject = @subject";
            command.Parameters.AddWithValue("subject", subject);
        }

        if (filter?.Force is { } force)
        {
            sql += " and " + MadeByOrAbout(command, "filterForce", force);
        }

        if (filter?.Kind is { } kind)
        {
            sql += " and l.kind = @kind";
            command.Parameters.AddWithValue("kind", AccessLogChain.KindName(kind));
        }

        if (filter?.From is { } from)
        {
            sql += " and l.at >= @from";
            command.Parameters.AddWithValue("from", from);
        }

        if (filter?.To is { } to)
        {
            sql += " and l.at <= @to";
            command.Parameters.AddWithValue("to", to);
        }

        if (filter?.RecordId is { } recordId)
        {
            // Ids are stored as the service writes them: a uuid in its lower-case 36-character form.
            var id = Guid.TryParse(recordId, out var guid) ? guid.ToString("D") : recordId;
            sql += " and l.records @> @recordId";
            command.Parameters.Add(new NpgsqlParameter("recordId", NpgsqlDbType.Jsonb) { Value = JsonSerializer.Serialize(new[] { new { id } }) });
        }

        return await Keyset.BySequence("l.sequence", afterSequence).PageAsync(command, sql, first, ReadAsync, r => Paging.Cursor(r.Sequence), cancellation);
    }

    private static async Task<List<AccessLogEntry>> ReadAsync(NpgsqlCommand command, CancellationToken cancellation)
    {
        var rows = new List<AccessLogEntry>();
        await using var reader = await command.ExecuteReaderAsync(cancellation);
        while (await reader.ReadAsync(cancellation))
        {
            var (stored, hash) = AccessLogSchema.Read(reader);
            rows.Add(AccessLogSchema.ToEntry(stored, hash));
        }

        return rows;
    }

    /// <summary>Entries made by a caller of the force, or naming one of its records.</summary>
    private static string MadeByOrAbout(NpgsqlCommand command, string parameter, Force force)
    {
        command.Parameters.AddWithValue(parameter, force.TenantId());
        command.Parameters.Add(new NpgsqlParameter(parameter + "Records", NpgsqlDbType.Jsonb) { Value = JsonSerializer.Serialize(new[] { new { force = force.TenantId() } }) });
        return $"(l.force = @{parameter} or l.records @> @{parameter}Records)";
    }
}
