using System.Globalization;
using ErsouIntel.Api.Storage;
using Marten;
using Npgsql;

namespace ErsouIntel.Api.Links;

/// <summary>
/// <c>rebuild-link-graph [--timeout 01:00:00]</c>: empties every table the link graph owns (cases,
/// their members and incidents too: the same projection writes them from case events), forgets
/// the daemon's position and replays every event through the daemon (<see cref="LinkGraphSubscription"/>),
/// then stops. Run it with <c>LinkGraph:Apply=Daemon</c> and the service's instances stopped: it is
/// not coordinated with a daemon running elsewhere, nor with inline pushes.
/// </summary>
public static class LinkGraphRebuild
{
    public static async Task<int> RunAsync(IServiceProvider services, string[] args, TextWriter output, TextWriter error)
    {
        if (services.GetRequiredService<LinkGraphApplyOptions>().Apply != LinkGraphApply.Daemon)
        {
            await error.WriteLineAsync("rebuild-link-graph replays the events through the async daemon: run it with LinkGraph__Apply=Daemon (and the service's instances stopped).");
            return 2;
        }

        if (services.GetRequiredService<ForceDatabases>().PerForce)
        {
            // With a database per force the daemon's positions are in six force databases, not the region's (docs/operations.md).
            await error.WriteLineAsync("rebuild-link-graph: not available with EventStore:Topology=DatabasePerForce (docs/operations.md, \"A database per force\").");
            return 2;
        }

        var timeout = TimeSpan.FromHours(1);
        if (args is ["--timeout", var given] && !TimeSpan.TryParse(given, CultureInfo.InvariantCulture, out timeout))
        {
            await error.WriteLineAsync($"--timeout takes a time span (01:00:00), not '{given}'.");
            return 2;
        }
        else if (args.Length > 0 && args is not ["--timeout", _])
        {
            await error.WriteLineAsync("usage: rebuild-link-graph [--timeout 01:00:00]");
            return 2;
        }

        var db = services.GetRequiredService<NpgsqlDataSource>();
        await ResetAsync(db, CancellationToken.None);
        await using (var events = db.CreateCommand("select exists (select 1 from ersou.mt_events)"))
        {
            if (!(bool)(await events.ExecuteScalarAsync())!)
            {
                await output.WriteLineAsync("No events: the link graph is empty.");
                return 0;
            }
        }

        var daemon = await services.GetRequiredService<IDocumentStore>().BuildProjectionDaemonAsync();
        try
        {
            await daemon.StartAllAsync();
            await daemon.WaitForNonStaleData(timeout);
        }
        catch (TimeoutException)
        {
            await error.WriteLineAsync($"The replay did not finish within {timeout}; run the command again with a longer --timeout (it starts from the beginning).");
            return 1;
        }
        finally
        {
            await daemon.StopAllAsync();
        }

        await using var count = db.CreateCommand("select count(*) from ersou.li_incidents");
        await output.WriteLineAsync($"Rebuilt the link graph: {(long)(await count.ExecuteScalarAsync())!} incidents.");
        return 0;
    }

    /// <summary>Empties the link graph and forgets the daemon's position, in one transaction: the daemon then replays every event.</summary>
    public static async Task ResetAsync(NpgsqlDataSource db, CancellationToken cancellation)
    {
        await using var connection = await db.OpenConnectionAsync(cancellation);
        await using var transaction = await connection.BeginTransactionAsync(cancellation);
        var tables = string.Join(", ", LinkGraphProjection.Tables().Select(t => t.Identifier.QualifiedName));
        await using (var truncate = new NpgsqlCommand($"truncate {tables}", connection, transaction))
        {
            await truncate.ExecuteNonQueryAsync(cancellation);
        }

        await using (var forget = new NpgsqlCommand($"delete from {EventStore.Schema}.mt_event_progression where name = $1", connection, transaction))
        {
            forget.Parameters.AddWithValue(LinkGraphProjection.Shard);
            await forget.ExecuteNonQueryAsync(cancellation);
        }

        await transaction.CommitAsync(cancellation);
    }
}
