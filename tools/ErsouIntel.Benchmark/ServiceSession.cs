using Spectre.Console;

namespace ErsouIntel.Benchmark;

/// <summary>
/// The main service with its GraphQL client and tokens, which the run restarts in another link graph mode
/// (freshness in daemon mode) on the same database. The peak memory of the instances it stopped is kept, so
/// the footprint's peak still covers the whole run.
/// </summary>
internal sealed class ServiceSession : IAsyncDisposable
{
    private bool stopped;

    private ServiceSession(BenchService service)
    {
        Service = service;
        Api = new GraphQLClient(service.BaseUrl);
        Tokens = new Tokens(Api.Http);
    }

    public BenchService Service { get; private set; }

    public GraphQLClient Api { get; private set; }

    public Tokens Tokens { get; private set; }

    /// <summary>VmHWM of the instances stopped so far (VmHWM goes with the process).</summary>
    public long EarlierPeakRssBytes { get; private set; }

    public static async Task<ServiceSession> StartAsync(BenchOptions options, BenchDatabase db, CancellationToken cancellation) =>
        new(await BenchService.StartAsync(options, db.ServiceConnectionString, cancellation));

    /// <summary>
    /// Stops the instance, runs <paramref name="whileStopped"/> (if any) while nothing writes, and starts another on the
    /// same database with <paramref name="settings"/> (none: the defaults), on <paramref name="connectionString"/> when
    /// given (the replica phase's primary and standby), else the bench database's own.
    /// </summary>
    public async Task RestartAsync(BenchOptions options, BenchDatabase db, IReadOnlyDictionary<string, string>? settings, CancellationToken cancellation, Func<Task>? whileStopped = null, string? connectionString = null)
    {
        await StopAsync();
        if (whileStopped is not null)
        {
            await whileStopped();
        }

        Service = await BenchService.StartAsync(options, connectionString ?? db.ServiceConnectionString, cancellation, settings: settings);
        Api = new GraphQLClient(Service.BaseUrl);
        Tokens = new Tokens(Api.Http);
        stopped = false;
        AnsiConsole.MarkupLine(Markup.Escape($"   restarted at {Service.BaseUrl} (pid {Service.Pid}){(settings is { Count: > 0 } ? " with " + string.Join(", ", settings.Select(s => $"{s.Key}={s.Value}")) : " with the defaults")}{(connectionString is null ? "" : " on " + new Npgsql.NpgsqlConnectionStringBuilder(connectionString).Host)}"));
    }

    public ValueTask DisposeAsync() => StopAsync();

    /// <summary>Stops the instance (once); the replica phase stops it before taking its standby down.</summary>
    public async ValueTask StopAsync()
    {
        // A restart that failed to start its instance has stopped this one already.
        if (stopped)
        {
            return;
        }

        stopped = true;
        // VmHWM goes with the process: kept here, since a phase may stop the instance itself (the replica phase).
        EarlierPeakRssBytes = Math.Max(EarlierPeakRssBytes, Service.Memory.HighWaterMarkBytes());
        Tokens.Dispose();
        Api.Dispose();
        await Service.DisposeAsync();
    }
}
