using ErsouIntel.Domain.Alerts;
using Npgsql;

namespace ErsouIntel.Api.Alerts;

/// <summary>An alert as the outbox holds it: for whom, what kind, what caused it, and its place in the order.</summary>
public sealed record AlertRecord(long Position, Guid Id, string Recipient, AlertKind Kind, Guid IncidentId, DateTimeOffset At, Guid? WatchId, Guid? MatchId)
{
    public const string Columns = "a.position, a.id, a.recipient, a.kind, a.incident_id, a.at, a.watch_id, a.match_id";

    public static async Task<List<AlertRecord>> ReadAsync(NpgsqlCommand command, CancellationToken cancellation)
    {
        var rows = new List<AlertRecord>();
        await using var reader = await command.ExecuteReaderAsync(cancellation);
        while (await reader.ReadAsync(cancellation))
        {
            rows.Add(new AlertRecord(
                reader.GetInt64(0), reader.GetGuid(1), reader.GetString(2), AlertKinds.Parse(reader.GetString(3)), reader.GetGuid(4),
                reader.GetFieldValue<DateTimeOffset>(5), reader.IsDBNull(6) ? null : reader.GetGuid(6), reader.IsDBNull(7) ? null : reader.GetGuid(7)));
        }

        return rows;
    }
}
