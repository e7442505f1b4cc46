using System.Diagnostics;
using System.Runtime.InteropServices;
using Npgsql;

namespace ErsouIntel.Benchmark;

/// <summary>What the figures were measured on: they mean little without it.</summary>
internal sealed record MachineFacts(
    int Cores,
    long MemoryBytes,
    string? Cpu,
    string Os,
    string Dotnet,
    string PostgreSql,
    IReadOnlyDictionary<string, string> PostgreSqlSettings,
    string? GitCommit,
    bool? GitDirty,
    string CommandLine)
{
    private static readonly string[] Settings = ["shared_buffers", "work_mem", "maintenance_work_mem", "max_wal_size", "synchronous_commit", "fsync", "full_page_writes", "max_connections"];

    public static async Task<MachineFacts> CollectAsync(string adminConnectionString, string repoRoot, IReadOnlyList<string> args, CancellationToken cancellation)
    {
        string version;
        var settings = new Dictionary<string, string>(StringComparer.Ordinal);
        await using (var connection = new NpgsqlConnection(adminConnectionString))
        {
            await connection.OpenAsync(cancellation);
            await using (var command = new NpgsqlCommand("select version()", connection))
            {
                version = (string)(await command.ExecuteScalarAsync(cancellation))!;
            }

            await using var show = new NpgsqlCommand("select name, setting || coalesce(' ' || unit, '') from pg_settings where name = any(@names)", connection);
            show.Parameters.AddWithValue("names", Settings);
            await using var reader = await show.ExecuteReaderAsync(cancellation);
            while (await reader.ReadAsync(cancellation))
            {
                settings[reader.GetString(0)] = reader.GetString(1);
            }
        }

        var commit = await GitAsync(repoRoot, "rev-parse HEAD");
        var status = await GitAsync(repoRoot, "status --porcelain --untracked-files=no");
        return new MachineFacts(
            Environment.ProcessorCount,
            MemTotal(),
            CpuModel(),
            RuntimeInformation.OSDescription,
            RuntimeInformation.FrameworkDescription,
            version,
            settings,
            commit?.Trim(),
            status is null ? null : status.Trim().Length > 0,
            "ErsouIntel.Benchmark " + string.Join(' ', args));
    }

    private static long MemTotal()
    {
        var line = File.Exists("/proc/meminfo") ? File.ReadLines("/proc/meminfo").FirstOrDefault(l => l.StartsWith("MemTotal:", StringComparison.Ordinal)) : null;
        var kb = line?.Split(' ', StringSplitOptions.RemoveEmptyEntries).ElementAtOrDefault(1);
        return long.TryParse(kb, out var value) ? value * 1024 : 0;
    }

    internal static string? CpuModel() =>
        File.Exists("/proc/cpuinfo")
            ? File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim()
            : null;

    internal static async Task<string?> GitAsync(string repoRoot, string arguments)
    {
        try
        {
            using var git = Process.Start(new ProcessStartInfo("git", arguments) { WorkingDirectory = repoRoot, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false });
            if (git is null)
            {
                return null;
            }

            var output = await git.StandardOutput.ReadToEndAsync();
            using var bound = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await git.WaitForExitAsync(bound.Token);
            return git.ExitCode == 0 ? output : null;
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or OperationCanceledException)
        {
            return null;
        }
    }
}
