using System.Text;
using JasperFx.Events;
using Marten;
using Marten.Events.Projections;
using Npgsql;

namespace ErsouIntel.Api.Links;

/// <summary>
/// The link graph with a database per force (docs/operations.md, "A database per force"): the async
/// daemon runs one shard per force database, and each batch's statements, the same ones
/// <see cref="LinkGraphProjection"/> maps its events to, are executed on the region database in a transaction of
/// their own instead of the force database's. The daemon keeps its progress in the force database, so a batch
/// can be applied to the region twice after a crash: every statement is idempotent (an incident's stored
/// version, a case's version and the primary keys guard it).
/// </summary>
public sealed class RegionLinkGraph(NpgsqlDataSource region) : IProjection
{
    private const int Attempts = 5;
    // As the shared daemon's subscription: a case reference opened twice is set aside, not a shard held back.
    private readonly LinkGraphProjection mapping = new(setAsideDuplicates: true);

    public async Task ApplyAsync(IDocumentOperations operations, IReadOnlyList<IEvent> events, CancellationToken cancellation)
    {
        var statements = mapping.Statements(events);
        if (statements.Count == 0)
        {
            return;
        }

        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await using var connection = await region.OpenConnectionAsync(cancellation);
                await using var transaction = await connection.BeginTransactionAsync(cancellation);
                await using (var batch = new NpgsqlBatch(connection, transaction))
                {
                    foreach (var (sql, values) in statements)
                    {
                        var command = new NpgsqlBatchCommand(Positional(sql));
                        foreach (var value in values)
                        {
                            command.Parameters.Add(new NpgsqlParameter { Value = value });
                        }

                        batch.BatchCommands.Add(command);
                    }

                    await batch.ExecuteNonQueryAsync(cancellation);
                }

                await transaction.CommitAsync(cancellation);
                return;
            }
            catch (PostgresException e) when (e.SqlState is PostgresErrorCodes.DeadlockDetected or PostgresErrorCodes.SerializationFailure && attempt < Attempts)
            {
                // Six force shards write the region at once; li_apply_incidents takes its locks in one order, but a
                // case row and an incident's entities can still cross. The batch is idempotent: run it again.
                await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(10, 50) * attempt), cancellation);
            }
        }
    }

    /// <summary>Marten's <c>?</c> placeholders as PostgreSQL's <c>$n</c> (the mapping's SQL has no other question mark).</summary>
    private static string Positional(string sql)
    {
        var text = new StringBuilder(sql.Length + 8);
        var n = 0;
        foreach (var c in sql)
        {
            if (c == '?')
            {
                text.Append('$').Append(++n);
            }
            else
            {
                text.Append(c);
            }
        }

        return text.ToString();
    }
}
