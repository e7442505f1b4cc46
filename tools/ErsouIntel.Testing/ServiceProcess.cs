using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace ErsouIntel.Testing;

/// <summary>
/// The service as a process of its own, started the way an operator starts it
/// (<c>dotnet ErsouIntel.Api.dll</c> from the project folder) on a free loopback port. The end of
/// its output is kept in memory for a failure message, and each line can be copied elsewhere
/// (a log file) as it comes. Disposing stops it as an operator would (SIGTERM, then SIGKILL);
/// <see cref="KillAsync"/> is SIGKILL at once.
/// </summary>
public sealed class ServiceProcess : IAsyncDisposable
{
    private readonly Process process;
    private readonly StringBuilder output;

    private ServiceProcess(string name, Process process, Uri baseUrl, StringBuilder output)
    {
        Name = name;
        this.process = process;
        BaseUrl = baseUrl;
        this.output = output;
    }

    public string Name { get; }

    public Uri BaseUrl { get; }

    public int Pid => process.Id;

    public bool HasExited => process.HasExited;

    public string Output
    {
        get
        {
            lock (output)
            {
                return output.ToString();
            }
        }
    }

    /// <summary>
    /// Starts the service and waits until it answers <c>/health/ready</c>; when it does not, it is
    /// stopped and the failure says why with its output.
    /// </summary>
    public static async Task<ServiceProcess> StartAsync(
        string name, string apiDll, IReadOnlyDictionary<string, string> environment, TimeSpan readyWithin, Action<string, bool>? onLine = null, CancellationToken cancellation = default)
    {
        var service = Start(name, apiDll, environment, onLine);
        try
        {
            await service.WaitReadyAsync(readyWithin, cancellation);
        }
        catch
        {
            await service.DisposeAsync();
            throw;
        }

        return service;
    }

    /// <summary>Starts the service without waiting for it, for a caller with something to do first (noting its pid).</summary>
    public static ServiceProcess Start(string name, string apiDll, IReadOnlyDictionary<string, string> environment, Action<string, bool>? onLine = null)
    {
        var baseUrl = new Uri(string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{FreeLoopbackPort()}/"));
        var start = StartInfo(apiDll, [], environment);
        start.Environment["ASPNETCORE_URLS"] = baseUrl.ToString().TrimEnd('/');
        var output = new StringBuilder();
        var process = Launch(start, (line, isError) =>
        {
            Keep(output, line);
            onLine?.Invoke(line, isError);
        });
        return new ServiceProcess(name, process, baseUrl, output);
    }

    /// <summary>
    /// How a child of the service's executable is started, the service itself or one of its
    /// commands (<c>import</c>): warnings only in its log, then <paramref name="environment"/>.
    /// </summary>
    public static ProcessStartInfo StartInfo(string apiDll, IEnumerable<string> arguments, IReadOnlyDictionary<string, string> environment)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            // The content root is the project folder (bin/<configuration>/<framework> up), as for the run command.
            WorkingDirectory = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(apiDll)!, "..", "..", "..")),
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
        };
        start.ArgumentList.Add(apiDll);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["Logging__LogLevel__Default"] = "Warning";
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        return start;
    }

    /// <summary>Starts a process with nothing on its standard input and each line it writes handed to <paramref name="onLine"/> (true for standard error).</summary>
    public static Process Launch(ProcessStartInfo start, Action<string, bool> onLine)
    {
        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                onLine(e.Data, false);
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                onLine(e.Data, true);
            }
        };
        if (!process.Start())
        {
            throw new InvalidOperationException($"Could not start {start.FileName} {string.Join(' ', start.ArgumentList)}.");
        }

        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    public async Task WaitReadyAsync(TimeSpan within, CancellationToken cancellation = default)
    {
        using var http = new HttpClient { BaseAddress = BaseUrl, Timeout = TimeSpan.FromSeconds(5) };
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < within)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"Instance {Name} exited with {process.ExitCode} while starting:{Environment.NewLine}{Output}");
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

        throw new TimeoutException($"Instance {Name} was not ready within {within}:{Environment.NewLine}{Output}");
    }

    /// <summary>SIGKILL: no shutdown hooks, no goodbye to the database; the kernel closes its connections.</summary>
    public async Task KillAsync()
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
        }

        using var bounded = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await process.WaitForExitAsync(bounded.Token);
    }

    /// <summary>Stops a process: SIGTERM, up to 20 s for a clean exit, then SIGKILL.</summary>
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

    public async ValueTask DisposeAsync()
    {
        try
        {
            await StopAsync(process);
        }
        finally
        {
            process.Dispose();
        }
    }

    private static void Keep(StringBuilder output, string line)
    {
        lock (output)
        {
            // The last 64 KB are enough to say why it failed.
            if (output.Length > 64 * 1024)
            {
                output.Remove(0, output.Length - (32 * 1024));
            }

            output.AppendLine(line);
        }
    }

    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
