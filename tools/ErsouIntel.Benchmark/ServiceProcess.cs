using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace ErsouIntel.Benchmark;

/// <summary>
/// The service as a child process, started exactly as an operator would start the Release build:
/// Development (which seeds the dev accounts and applies the schema on start), the bench
/// database, a free loopback port, rate limits out of the way, warnings only in its log. Its
/// output goes to a log file in the work folder; its memory is sampled while it runs.
/// </summary>
internal sealed class ServiceProcess : IAsyncDisposable
{
    private readonly Process process;
    private readonly StreamWriter log;

    private ServiceProcess(Process process, StreamWriter log, Uri baseUrl)
    {
        this.process = process;
        this.log = log;
        BaseUrl = baseUrl;
        Memory = new ProcessMemory(process.Id);
    }

    public Uri BaseUrl { get; }

    public int Pid => process.Id;

    public ProcessMemory Memory { get; }

    public static async Task<ServiceProcess> StartAsync(BenchOptions options, string connectionString, CancellationToken cancellation)
    {
        if (!File.Exists(options.ServiceDll))
        {
            throw new BenchFailure($"No Release build of the service at {options.ServiceDll}: build it (scripts/benchmark.sh does unless SKIP_BUILD=1).");
        }

        var port = FreeLoopbackPort();
        var baseUrl = new Uri(string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{port}/"));
        var start = StartInfo(options, connectionString, []);
        start.Environment["ASPNETCORE_URLS"] = baseUrl.ToString().TrimEnd('/');
        // The benchmark is one caller per force pushing as fast as it can: the per-caller limit would measure itself.
        start.Environment["RateLimits__RequestsPerWindow"] = "100000000";

        var logPath = Path.Combine(options.WorkFolder, "service.log");
        var log = new StreamWriter(logPath, append: true) { AutoFlush = true };
        var process = Launch(start, log, null);
        // For scripts/benchmark.sh: if this tool is killed outright, its trap still stops the service.
        await File.WriteAllTextAsync(Path.Combine(options.WorkFolder, "service.pid"), process.Id.ToString(CultureInfo.InvariantCulture), cancellation);
        var service = new ServiceProcess(process, log, baseUrl);
        try
        {
            await service.WaitReadyAsync(logPath, cancellation);
        }
        catch
        {
            await service.DisposeAsync();
            throw;
        }

        return service;
    }

    /// <summary>How a child of the service's executable is started: the service itself, or one of its commands (<c>import</c>).</summary>
    public static ProcessStartInfo StartInfo(BenchOptions options, string connectionString, IEnumerable<string> arguments)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            // The content root is the project folder, as in scripts/crash-test.sh.
            WorkingDirectory = Path.Combine(options.RepoRoot, "src", "ErsouIntel.Api"),
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
        };
        start.ArgumentList.Add(options.ServiceDll);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Development";
        start.Environment["ConnectionStrings__Postgres"] = connectionString;
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        return start;
    }

    /// <summary>Starts a process with its output copied, line by line, to the log (and to <paramref name="onLine"/> when given).</summary>
    public static Process Launch(ProcessStartInfo start, StreamWriter log, Action<string>? onLine)
    {
        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        void Copy(string? line, string stream)
        {
            if (line is null)
            {
                return;
            }

            lock (log)
            {
                log.WriteLine(stream == "err" ? "[stderr] " + line : line);
            }

            onLine?.Invoke(line);
        }

        process.OutputDataReceived += (_, e) => Copy(e.Data, "out");
        process.ErrorDataReceived += (_, e) => Copy(e.Data, "err");
        if (!process.Start())
        {
            throw new BenchFailure($"Could not start {start.FileName} {string.Join(' ', start.ArgumentList)}.");
        }

        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    /// <summary>Stops a process this tool started: SIGTERM, up to 20 s for a clean exit, then SIGKILL.</summary>
    public static async Task StopAsync(Process process)
    {
        if (process.HasExited)
        {
            return;
        }

        // .NET's Process.Kill is SIGKILL; a clean stop (the service flushes and closes its connections) needs SIGTERM.
        using (var term = Process.Start(new ProcessStartInfo("kill") { ArgumentList = { "-TERM", process.Id.ToString(CultureInfo.InvariantCulture) }, UseShellExecute = false }))
        {
            if (term is not null)
            {
                await term.WaitForExitAsync(CancellationToken.None);
            }
        }

        using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        try
        {
            await process.WaitForExitAsync(grace.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(CancellationToken.None);
        }
    }

    private async Task WaitReadyAsync(string logPath, CancellationToken cancellation)
    {
        using var http = new HttpClient { BaseAddress = BaseUrl, Timeout = TimeSpan.FromSeconds(2) };
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(180))
        {
            if (process.HasExited)
            {
                throw new BenchFailure($"The service exited with {process.ExitCode} while starting; the end of {logPath}:{Environment.NewLine}{Tail(logPath)}");
            }

            try
            {
                using var ready = await http.GetAsync(new Uri("health/ready", UriKind.Relative), cancellation);
                if (ready.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            catch (TaskCanceledException) when (!cancellation.IsCancellationRequested)
            {
                // Listening but slow to answer while it applies the schema.
            }

            await Task.Delay(250, cancellation);
        }

        throw new BenchFailure($"The service did not answer /health/ready with 200 within 180 s; the end of {logPath}:{Environment.NewLine}{Tail(logPath)}");
    }

    public static string Tail(string path, int lines = 30)
    {
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            using var reader = new StreamReader(stream);
            return string.Join(Environment.NewLine, reader.ReadToEnd().Split('\n').TakeLast(lines));
        }
        catch (IOException)
        {
            return "(no log)";
        }
    }

    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        Memory.Dispose();
        await StopAsync(process);
        process.Dispose();
        lock (log)
        {
            log.Dispose();
        }
    }
}
