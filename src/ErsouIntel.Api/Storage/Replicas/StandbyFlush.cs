using Npgsql;

namespace ErsouIntel.Api.Storage.Replicas;

/// <summary>
/// Whether every standby streaming from the primary has flushed the primary's WAL as it stands now. The access log signs
/// a checkpoint only then, so a promoted standby holds every entry a signed checkpoint covers and witnesses never see two
/// trees for one size: synchronous replication alone does not promise it, since a commit whose wait for the standby is
/// cancelled is kept on the primary with a warning.
/// </summary>
public static class StandbyFlush
{
    // pg_basebackup's own WAL sender shows as 'backup': it is not a standby that could be promoted.
    private const string FlushedSql =
        "select count(*) filter (where flush_lsn >= $1), count(*) from pg_stat_replication where state <> 'backup'";

    /// <returns>
    /// True when every standby streaming now has flushed, or none streams: a standby made later is copied from this primary,
    /// and while a synchronous standby is required and away, nothing commits to sign. False when the time ran out.
    /// </returns>
    public static async Task<bool> WaitAsync(NpgsqlDataSource primary, TimeSpan timeout, CancellationToken cancellation)
    {
        await using var connection = await primary.OpenConnectionAsync(cancellation);
        object position;
        await using (var now = new NpgsqlCommand("select pg_current_wal_lsn()", connection))
        {
            position = (await now.ExecuteScalarAsync(cancellation))!;
        }

        await using var flushed = new NpgsqlCommand(FlushedSql, connection);
        flushed.Parameters.Add(new NpgsqlParameter { Value = position, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.PgLsn });
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            await using (var reader = await flushed.ExecuteReaderAsync(cancellation))
            {
                await reader.ReadAsync(cancellation);
                var (done, all) = (reader.GetInt64(0), reader.GetInt64(1));
                if (done == all)
                {
                    return true;
                }
            }

            if (DateTime.UtcNow >= deadline)
            {
                return false;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(20), cancellation);
        }
    }
}
