using System.Collections.Concurrent;
using ErsouIntel.Api.Storage;
using ErsouIntel.Domain;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace ErsouIntel.Api.Tests.Storage;

/// <summary>
/// The session logger of the service's own store (<see cref="EventStore.AddEventStore"/>, no database reached): the
/// failures the writers retry are one line at Information, with no exception; any other failure is Marten's own
/// error entry, with its exception, once per command as before; successes are Marten's Debug entries.
/// </summary>
public sealed class ConflictAwareMartenLoggerTests : IAsyncLifetime
{
    private const string MartenCategory = "Marten.IDocumentStore";
    private static readonly string OurCategory = typeof(ConflictAwareMartenLogger).FullName!;

    private readonly CapturingLoggerProvider captured = new();
    private readonly ServiceProvider services;
    private readonly IDocumentStore store;

    public ConflictAwareMartenLoggerTests()
    {
        var collection = new ServiceCollection();
        collection.AddLogging(logging => logging.SetMinimumLevel(LogLevel.Debug).AddProvider(captured));
        // Port 1: nothing listens there, and nothing here opens a connection.
        collection.AddEventStore("Host=127.0.0.1;Port=1;Database=none;Username=none", applySchemaOnStartup: false);
        services = collection.BuildServiceProvider();
        store = services.GetRequiredService<IDocumentStore>();
        captured.Clear();
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => services.DisposeAsync().AsTask();

    private static NpgsqlBatch Batch(int commands)
    {
        var batch = new NpgsqlBatch();
        for (var n = 0; n < commands; n++)
        {
            batch.BatchCommands.Add(new NpgsqlBatchCommand($"select ersou.mt_append_event_{n}()"));
        }

        return batch;
    }

    private static PostgresException Postgres(string sqlState, string message, string? table = null) =>
        new(message, "ERROR", "ERROR", sqlState, tableName: table);

    /// <summary>As Marten reports a failed unit of work: the batch, then the same exception again for the whole of it.</summary>
    private void FailSaveChanges(Exception failure, int commands = 3)
    {
        using var session = store.LightweightSession(Force.Essex.TenantId());
        using var batch = Batch(commands);
        session.Logger.OnBeforeExecute(batch);
        session.Logger.LogFailure(batch, failure);
        session.Logger.LogFailure(new NpgsqlCommand(), failure);
    }

    [Fact]
    public void The_store_logs_through_the_conflict_aware_logger_around_Martens_own()
    {
        var logger = Assert.IsType<ConflictAwareMartenLogger>(services.GetRequiredService<StoreOptions>().Logger());

        Assert.Equal("DefaultMartenLogger", logger.Inner.GetType().Name);
    }

    [Fact]
    public void A_deadlock_is_one_line_at_information_with_no_exception()
    {
        FailSaveChanges(Postgres(PostgresErrorCodes.DeadlockDetected, "deadlock detected"));

        var entry = Assert.Single(captured.Entries);
        Assert.Equal(OurCategory, entry.Category);
        Assert.Equal(LogLevel.Information, entry.Level);
        Assert.Null(entry.Exception);
        Assert.Contains("40P01 deadlock detected", entry.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', entry.Message);
    }

    [Fact]
    public void A_serialisation_failure_and_a_stream_collision_are_retried_lines_too()
    {
        FailSaveChanges(Postgres(PostgresErrorCodes.SerializationFailure, "could not serialize access due to concurrent update"));
        // Marten may hand over the PostgreSQL error inside one of its own.
        FailSaveChanges(new InvalidOperationException("wrapped", Postgres(PostgresErrorCodes.UniqueViolation, "duplicate key value violates unique constraint \"pkey_mt_streams_id\"", "mt_streams")));
        FailSaveChanges(Postgres(PostgresErrorCodes.UniqueViolation, "duplicate key value violates unique constraint \"pk_mt_events_stream_and_version\"", "mt_events"));

        Assert.Equal(3, captured.Entries.Count);
        Assert.All(captured.Entries, e =>
        {
            Assert.Equal(OurCategory, e.Category);
            Assert.Equal(LogLevel.Information, e.Level);
            Assert.Null(e.Exception);
        });
        Assert.Contains("40001 ", captured.Entries.First().Message, StringComparison.Ordinal);
        Assert.Contains("23505 ", captured.Entries.Last().Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Any_other_failure_is_Martens_error_with_the_exception_once_per_command()
    {
        var failure = Postgres(PostgresErrorCodes.UndefinedTable, "relation \"ersou.mt_events\" does not exist");

        FailSaveChanges(failure, commands: 3);

        // Marten's default: one entry per command of the batch, and one for the unit of work.
        Assert.Equal(4, captured.Entries.Count);
        Assert.All(captured.Entries, e =>
        {
            Assert.Equal(MartenCategory, e.Category);
            Assert.Equal(LogLevel.Error, e.Level);
            Assert.Same(failure, e.Exception);
        });
    }

    [Fact]
    public void A_unique_violation_outside_the_event_tables_stays_an_error()
    {
        // E.g. two openings of one case reference: the read model's unique index, answered as a user error, not retried.
        var failure = Postgres(PostgresErrorCodes.UniqueViolation, "duplicate key value violates unique constraint \"li_cases_reference\"", "li_cases");

        FailSaveChanges(failure, commands: 1);

        Assert.Equal(2, captured.Entries.Count);
        Assert.All(captured.Entries, e =>
        {
            Assert.Equal(LogLevel.Error, e.Level);
            Assert.Same(failure, e.Exception);
        });
    }

    [Fact]
    public void Successes_are_Martens_debug_entries_as_before()
    {
        using var session = store.LightweightSession(Force.Essex.TenantId());
        using var batch = Batch(2);
        session.Logger.OnBeforeExecute(batch);
        session.Logger.LogSuccess(batch);

        Assert.Equal(2, captured.Entries.Count);
        Assert.All(captured.Entries, e =>
        {
            Assert.Equal(MartenCategory, e.Category);
            Assert.Equal(LogLevel.Debug, e.Level);
            Assert.Null(e.Exception);
        });
    }

    private sealed record Entry(string Category, LogLevel Level, string Message, Exception? Exception);

    private sealed class CapturingLoggerProvider : ILoggerProvider
    {
        private readonly ConcurrentQueue<Entry> entries = new();

        /// <summary>What was logged by Marten and by the logger under test (the store's set-up logs nothing else that matters here).</summary>
        public IReadOnlyCollection<Entry> Entries =>
            [.. entries.Where(e => e.Category == MartenCategory || e.Category == OurCategory)];

        public void Clear() => entries.Clear();

        public ILogger CreateLogger(string categoryName) => new Capturing(categoryName, entries);

        public void Dispose()
        {
        }

        private sealed class Capturing(string category, ConcurrentQueue<Entry> entries) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                entries.Enqueue(new Entry(category, logLevel, formatter(state, exception), exception));
        }
    }
}
