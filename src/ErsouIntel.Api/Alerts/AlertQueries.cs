using ErsouIntel.Api.Access;
using ErsouIntel.Api.GraphQL;
using ErsouIntel.Api.Storage.Replicas;
using GraphQL;
using Npgsql;

namespace ErsouIntel.Api.Alerts;

/// <summary>A person's alerts, newest first: the outbox read by recipient, paged by position behind each alert's id.</summary>
public sealed class AlertQueries(ReadSource db)
{
    public const string RecordType = "Alert";

    public async Task<AlertPage> ListAsync(Viewer viewer, int first, string? after, CancellationToken cancellation)
    {
        // The cursor is the alert's own id: it says nothing of how many alerts others have had (a position would).
        long? before = null;
        if (after is not null)
        {
            await using var find = db.CreateCommand("select position from ersou.alerts where id = $1 and recipient = $2");
            find.Parameters.AddWithValue(Guid.TryParse(after, out var id) ? id : Guid.Empty);
            find.Parameters.AddWithValue(viewer.Subject);
            before = await find.ExecuteScalarAsync(cancellation) as long?
                ?? throw new ExecutionError("after is not a cursor this list gave out.") { Code = ErrorCodes.BadUserInput };
        }

        await using var command = db.CreateCommand(
            $"select {AlertRecord.Columns} from ersou.alerts a where a.recipient = $1 and ($2::bigint is null or a.position < $2) order by a.position desc limit $3");
        command.Parameters.AddWithValue(viewer.Subject);
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)before ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Bigint });
        command.Parameters.AddWithValue(first + 1);
        var rows = await AlertRecord.ReadAsync(command, cancellation);

        await using var count = db.CreateCommand("select count(*) from ersou.alerts where recipient = $1");
        count.Parameters.AddWithValue(viewer.Subject);
        var total = (int)(long)(await count.ExecuteScalarAsync(cancellation))!;

        var page = Connection.From(rows.Select(r => new AlertView(r, viewer)).ToList(), first, v => v.Alert.Id.ToString(), after is not null);
        foreach (var edge in page.Edges)
        {
            viewer.Returned(RecordType, edge.Node.Alert.Id, null);
        }

        return new AlertPage(page, total);
    }
}
