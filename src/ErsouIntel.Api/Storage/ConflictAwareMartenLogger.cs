using Marten;
using Marten.Services;
using Npgsql;

namespace ErsouIntel.Api.Storage;

/// <summary>
/// Marten's own logger, except for the failures its callers retry: a deadlock (40P01), a serialisation failure
/// (40001) or a unique violation on Marten's event tables (23505 on <c>mt_streams</c> or <c>mt_events</c>: a stream id
/// taken or a version moved on by a concurrent push). Marten logs any failure at error level with its stack trace, once
/// for every command of the failed batch and once more for the batch; these are logged once, at Information, in one
/// line (SqlState and PostgreSQL's message). Every other failure, success and schema change goes to Marten's logger as
/// before. A write that still fails on its last attempt is logged with its exception where it surfaces (GraphQL's
/// unhandled exception handler, the daemon's own log).
/// </summary>
internal sealed partial class ConflictAwareMartenLogger(IMartenLogger inner, ILogger<ConflictAwareMartenLogger> logger) : IMartenLogger
{
    public IMartenLogger Inner => inner;

    public IMartenSessionLogger StartSession(IQuerySession session) => new SessionLogger(inner.StartSession(session), logger);

    public void SchemaChange(string sql) => inner.SchemaChange(sql);

    /// <summary>
    /// Wraps the logger Marten gives its store (<c>AddMarten</c> makes its default one, on <c>ILogger&lt;IDocumentStore&gt;</c>,
    /// when building the store) once the store is built: set before, through <c>StoreOptions.Logger</c>, it would stop Marten
    /// from making its own, and the event store's tombstone writer takes its logger from that default one.
    /// </summary>
    public static void WrapStoreLogger(IServiceCollection services)
    {
        for (var i = services.Count - 1; i >= 0; i--)
        {
            var descriptor = services[i];
            if (descriptor.ServiceType != typeof(IDocumentStore) || descriptor.IsKeyedService || descriptor.ImplementationFactory is not { } build)
            {
                continue;
            }

            services[i] = ServiceDescriptor.Singleton(typeof(IDocumentStore), provider =>
            {
                var store = build(provider);
                var options = provider.GetRequiredService<StoreOptions>();
                options.Logger(new ConflictAwareMartenLogger(options.Logger(), provider.GetRequiredService<ILogger<ConflictAwareMartenLogger>>()));
                return store;
            });
            return;
        }

        throw new InvalidOperationException("AddMarten registered no IDocumentStore factory to wrap the logger of.");
    }

    /// <summary>The PostgreSQL error behind a failure that the service's writers retry, or null.</summary>
    internal static PostgresException? RetriedConflict(Exception? failure)
    {
        for (var current = failure; current is not null; current = current.InnerException)
        {
            if (current is PostgresException postgres)
            {
                return postgres.SqlState switch
                {
                    PostgresErrorCodes.DeadlockDetected or PostgresErrorCodes.SerializationFailure => postgres,
                    PostgresErrorCodes.UniqueViolation when postgres.TableName is "mt_streams" or "mt_events" => postgres,
                    _ => null,
                };
            }
        }

        return null;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Marten write met a concurrent writer (retried): {SqlState} {Reason}")]
    private static partial void LogRetriedConflict(ILogger logger, string sqlState, string reason);

    private sealed class SessionLogger(IMartenSessionLogger inner, ILogger logger) : IMartenSessionLogger
    {
        // Marten reports a failed batch twice (the batch, then the unit of work with the same exception): one line.
        private Exception? lastConflict;

        public void LogSuccess(NpgsqlCommand command) => inner.LogSuccess(command);

        public void LogSuccess(NpgsqlBatch batch) => inner.LogSuccess(batch);

        public void LogFailure(NpgsqlCommand command, Exception ex)
        {
            if (!Retried(ex))
            {
                inner.LogFailure(command, ex);
            }
        }

        public void LogFailure(NpgsqlBatch batch, Exception ex)
        {
            if (!Retried(ex))
            {
                inner.LogFailure(batch, ex);
            }
        }

        public void LogFailure(Exception ex, string message)
        {
            if (!Retried(ex))
            {
                inner.LogFailure(ex, message);
            }
        }

        public void RecordSavedChanges(IDocumentSession session, IChangeSet commit) => inner.RecordSavedChanges(session, commit);

        public void OnBeforeExecute(NpgsqlCommand command) => inner.OnBeforeExecute(command);

        public void OnBeforeExecute(NpgsqlBatch batch) => inner.OnBeforeExecute(batch);

        private bool Retried(Exception ex)
        {
            if (RetriedConflict(ex) is not { } conflict)
            {
                return false;
            }

            if (!ReferenceEquals(ex, lastConflict))
            {
                lastConflict = ex;
                LogRetriedConflict(logger, conflict.SqlState, conflict.MessageText);
            }

            return true;
        }
    }
}
