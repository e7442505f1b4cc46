using System.Diagnostics;
using System.Globalization;
using ErsouIntel.Testing;

namespace ErsouIntel.Benchmark;

/// <summary>
/// The service under measurement, started exactly as an operator would start the Release build:
/// Development (which seeds the dev accounts and applies the schema on start), the bench
/// database, rate limits out of the way. Its output goes to a log file in the work folder; its
/// memory is sampled while it runs.
/// </summary>
internal sealed class BenchService : IAsyncDisposable
{
    private readonly ServiceProcess service;
    private readonly StreamWriter log;

    private BenchService(ServiceProcess service, StreamWriter log)
    {
        this.service = service;
        this.log = log;
        Memory = new ProcessMemory(service.Pid);
    }

    public Uri BaseUrl => service.BaseUrl;

    public int Pid => service.Pid;

    public ProcessMemory Memory { get; }

    /// <summary>
    /// The name every instance issues and accepts tokens under (<c>Identity:Issuer</c>), as behind a load balancer,
    /// so a second instance on the same database with the same keys (the alert subscribers' phase) takes the first's tokens.
    /// </summary>
    public const string PublicIssuer = "https://ersou-bench.invalid/";

    /// <summary>
    /// Starts an instance; <paramref name="name"/> names its log (<c>{name}.log</c>) and pid file. Only the
    /// first (<c>service</c>) applies the schema: a second one finds it.
    /// </summary>
    public static async Task<BenchService> StartAsync(BenchOptions options, string connectionString, CancellationToken cancellation, string name = "service", IReadOnlyDictionary<string, string>? settings = null)
    {
        if (!File.Exists(options.ServiceDll))
        {
            throw new BenchFailure($"No Release build of the service at {options.ServiceDll}: build it (scripts/benchmark.sh does unless SKIP_BUILD=1).");
        }

        var environment = Environment(connectionString);
        // The benchmark is one caller per force pushing as fast as it can: the per-caller limit would measure itself.
        environment["RateLimits__RequestsPerWindow"] = "100000000";
        // The subscribers' phase signs in a thousand investigators at once, which the per-address sign-in limit is there to stop.
        environment["RateLimits__SignInsPerWindow"] = "100000000";
        environment["Identity__Issuer"] = PublicIssuer;
        if (name != "service")
        {
            environment["Storage__ApplySchemaOnStartup"] = "false";
        }

        // A phase's own settings (the provable log's runs turn the tree off with Log__Tree=false).
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            environment[key] = value;
        }

        var logPath = Path.Combine(options.WorkFolder, name + ".log");
        var log = new StreamWriter(logPath, append: true) { AutoFlush = true };
        var bench = new BenchService(ServiceProcess.Start(name, options.ServiceDll, environment, Copy(log, null)), log);
        // For scripts/benchmark.sh: if this tool is killed outright, its trap still stops the service.
        await File.WriteAllTextAsync(Path.Combine(options.WorkFolder, name + ".pid"), bench.Pid.ToString(CultureInfo.InvariantCulture), cancellation);
        try
        {
            await bench.service.WaitReadyAsync(TimeSpan.FromSeconds(180), cancellation);
        }
        catch (Exception e) when (e is InvalidOperationException or TimeoutException)
        {
            await bench.DisposeAsync();
            throw new BenchFailure($"{e.Message}{System.Environment.NewLine}(the whole log: {logPath})");
        }
        catch
        {
            await bench.DisposeAsync();
            throw;
        }

        return bench;
    }

    /// <summary>A command of the service's executable (<c>import</c>) on the bench database, its output copied to <paramref name="log"/>.</summary>
    public static Process StartCommand(BenchOptions options, string connectionString, IEnumerable<string> arguments, StreamWriter log, Action<string>? onLine) =>
        ServiceProcess.Launch(ServiceProcess.StartInfo(options.ServiceDll, arguments, Environment(connectionString)), Copy(log, onLine));

    public static string Tail(string path, int lines = 30)
    {
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            using var reader = new StreamReader(stream);
            return string.Join(System.Environment.NewLine, reader.ReadToEnd().Split('\n').TakeLast(lines));
        }
        catch (IOException)
        {
            return "(no log)";
        }
    }

    public async ValueTask DisposeAsync()
    {
        Memory.Dispose();
        await service.DisposeAsync();
        lock (log)
        {
            log.Dispose();
        }
    }

    private static Dictionary<string, string> Environment(string connectionString) => new()
    {
        ["ASPNETCORE_ENVIRONMENT"] = "Development",
        ["ConnectionStrings__Postgres"] = connectionString,
    };

    private static Action<string, bool> Copy(StreamWriter log, Action<string>? onLine) => (line, isError) =>
    {
        lock (log)
        {
            log.WriteLine(isError ? "[stderr] " + line : line);
        }

        onLine?.Invoke(line);
    };
}
