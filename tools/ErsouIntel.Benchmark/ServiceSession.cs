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
    /// same database with <paramref name="settings"/> (none: the defaults).
    /// </summary>
    public async Task RestartAsync(BenchOptions options, BenchDatabase db, IReadOnlyDictionary<string, string>? settings, CancellationToken cancellation, Func<Task>? whileStopped = null)
    {
        EarlierPeakRssBytes = Math.Max(EarlierPeakRssBytes, Service.Memory.HighWaterMarkBytes());
        await StopAsync();
        if (whileStopped is not null)
        {
            await whileStopped();
        }

        Service = await BenchService.StartAsync(options, db.ServiceConnectionString, cancellation, settings: settings);
        Api = new GraphQLClient(Service.BaseUrl);
        Tokens = new Tokens(Api.Http);
        stopped = false;
        AnsiConsole.MarkupLine(Markup.Escape($"   restarted at {Service.BaseUrl} (pid {Service.Pid}){(settings is { Count: > 0 } ? " with " + string.Join(", ", settings.Select(s => $"{s.Key}={s.Value}")) : " with the defaults")}"));
    }

    public ValueTask DisposeAsync() => StopAsync();

    private async ValueTask StopAsync()
    {
        // A restart that failed to start its instance has stopped this one already.
        if (stopped)
        {
            return;
        }

        stopped = true;
        Tokens.Dispose();
        Api.Dispose();
        await Service.DisposeAsync();
    }
}
