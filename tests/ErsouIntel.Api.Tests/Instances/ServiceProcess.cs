using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using ErsouIntel.Api.Hosting;

namespace ErsouIntel.Api.Tests.Instances;

/// <summary>
/// The service as a process of its own, started the way an operator starts it
/// (<c>dotnet ErsouIntel.Api.dll</c> from the project folder) on a free loopback port. Its output
/// is kept in memory for a failure message. Disposing stops it; <see cref="Kill"/> is SIGKILL.
/// </summary>
public sealed class ServiceProcess : IAsyncDisposable
{
    private readonly Process process;
    private readonly StringBuilder output = new();

    private ServiceProcess(string name, Process process, Uri baseUrl)
    {
        Name = name;
        this.process = process;
        BaseUrl = baseUrl;
    }

    public string Name { get; }

    public Uri BaseUrl { get; }

    public bool HasExited => process.HasExited;

    /// <summary>
    /// The API's build beside this test assembly's configuration: the test project references the
    /// API project, so building the tests builds it into <c>src/ErsouIntel.Api/bin/&lt;config&gt;/net10.0</c>.
    /// </summary>
    public static string ApiDll()
    {
        var root = RepositoryRoot.Find() ?? throw new InvalidOperationException("The repository root (ErsouIntel.sln) was not found above " + AppContext.BaseDirectory);
        var framework = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var configuration = framework.Parent?.Name ?? "Debug";
        var dll = Path.Combine(root, "src", "ErsouIntel.Api", "bin", configuration, framework.Name, "ErsouIntel.Api.dll");
        return File.Exists(dll) && File.Exists(Path.ChangeExtension(dll, ".runtimeconfig.json"))
            ? dll
            : throw new InvalidOperationException($"No build of the service at {dll}: build the test project (dotnet test does).");
    }

    public static async Task<ServiceProcess> StartAsync(string name, IDictionary<string, string> environment, TimeSpan readyWithin)
    {
        var dll = ApiDll();
        var port = FreeLoopbackPort();
        var baseUrl = new Uri(string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{port}/"));
        var start = new ProcessStartInfo("dotnet")
        {
            // The content root is the project folder, as for the run command.
            WorkingDirectory = Path.Combine(RepositoryRoot.Find()!, "src", "ErsouIntel.Api"),
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
        };
        start.ArgumentList.Add(dll);
        start.Environment["ASPNETCORE_URLS"] = baseUrl.ToString().TrimEnd('/');
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        var service = new ServiceProcess(name, process, baseUrl);
        process.OutputDataReceived += (_, e) => service.Keep(e.Data);
        process.ErrorDataReceived += (_, e) => service.Keep(e.Data);
        process.Start();
        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await service.WaitReadyAsync(readyWithin);
        }
        catch
        {
            await service.DisposeAsync();
            throw;
        }

        return service;
    }

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

    private void Keep(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (output)
        {
            // The last 64 KB are enough to say why it failed.
            if (output.Length > 64 * 1024)
            {
                output.Remove(0, output.Length - 32 * 1024);
            }

            output.AppendLine(line);
        }
    }

    private async Task WaitReadyAsync(TimeSpan within)
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
                using var ready = await http.GetAsync(new Uri("health/ready", UriKind.Relative));
                if (ready.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                // Not listening yet, or slow to answer while it starts.
            }

            await Task.Delay(250);
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

    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await KillAsync();
        }
        finally
        {
            process.Dispose();
        }
    }
}
