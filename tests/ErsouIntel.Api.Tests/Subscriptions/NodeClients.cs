using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using ErsouIntel.Api.Hosting;

namespace ErsouIntel.Api.Tests.Subscriptions;

/// <summary>
/// The third-party npm clients in <c>tests/clients/</c>, run with <c>node</c>. Their packages are
/// installed from the lock file (<c>npm ci</c>) when <c>node_modules</c> is missing or older than the
/// lock, once per test run. Without node or npm every test using them fails saying so: none is skipped.
/// </summary>
public static class NodeClients
{
    private static readonly Lazy<Task<string>> Installed = new(InstallAsync);

    /// <summary>Runs <paramref name="script"/> with <paramref name="options"/> and returns the JSON lines it printed.</summary>
    public static async Task<List<JsonNode>> RunAsync(string script, object options, TimeSpan? within = null)
    {
        var folder = await Installed.Value;
        var (exit, output, errors) = await ExecAsync("node", [script, JsonSerializer.Serialize(options)], folder, within ?? TimeSpan.FromSeconds(40));
        Assert.True(exit == 0, $"node {script} exited {exit}: {errors}{output}");
        return output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => JsonNode.Parse(line)!).ToList();
    }

    private static async Task<string> InstallAsync()
    {
        var root = RepositoryRoot.Find() ?? throw new InvalidOperationException("The tests run outside the checkout: tests/clients/ cannot be found.");
        var folder = Path.Combine(root, "tests", "clients");
        var installed = Path.Combine(folder, "node_modules", ".package-lock.json");
        if (!File.Exists(installed) || File.GetLastWriteTimeUtc(installed) < File.GetLastWriteTimeUtc(Path.Combine(folder, "package-lock.json")))
        {
            var (exit, output, errors) = await ExecAsync("npm", ["ci", "--no-audit", "--no-fund", "--loglevel=error"], folder, TimeSpan.FromMinutes(5));
            if (exit != 0)
            {
                throw new InvalidOperationException($"'npm ci' in tests/clients failed (exit {exit}): {errors}{output}");
            }
        }

        return folder;
    }

    private static async Task<(int Exit, string Output, string Errors)> ExecAsync(string file, string[] args, string folder, TimeSpan within)
    {
        var start = new ProcessStartInfo(file)
        {
            WorkingDirectory = folder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        Process process;
        try
        {
            process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {file}.");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException($"The third-party client tests need '{file}' (Node.js 20 or later) on the PATH: {e.Message}", e);
        }

        using (process)
        {
            var output = process.StandardOutput.ReadToEndAsync();
            var errors = process.StandardError.ReadToEndAsync();
            using var timeout = new CancellationTokenSource(within);
            try
            {
                await process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                throw new TimeoutException($"{file} {string.Join(' ', args)} ran longer than {within}: {await errors}{await output}");
            }

            return (process.ExitCode, await output, await errors);
        }
    }
}
