using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using ErsouIntel.LoadClient;
using ErsouIntel.Testing;
using Spectre.Console;

namespace ErsouIntel.Benchmark.Phases;

/// <summary>What the service's import command did with the backfill file.</summary>
internal sealed record ImportResult(
    int Incidents, long FileBytes, double WriteFileSeconds, int Imported, int Refused, double Seconds, double PerSecond, double? ReportedSeconds, long PeakRssBytes, string Summary);

/// <summary>
/// The bulk backfill: historical incidents written to an NDJSON file (one line per incident,
/// <c>{"force":"ESSEX","input":{...ReportIncidentInput...}}</c>), then the service's own
/// <c>import --file</c> command, run as a separate process, as an operator would. Its contract:
/// it validates each line as the API does, writes with Marten's bulk event insert, brings the link
/// graph up to date, and ends with <c>import: &lt;n&gt; incidents imported, &lt;r&gt; refused in &lt;s&gt; s</c>
/// (refusals first, one per line: <c>import: line &lt;k&gt;: &lt;code&gt; &lt;message&gt;</c>).
/// The figure is the process's wall clock, start to exit.
/// </summary>
internal static partial class BulkImport
{
    /// <summary>Writes the next <paramref name="count"/> incidents of the stream as NDJSON.</summary>
    public static async Task<(long Bytes, double Seconds)> WriteFileAsync(IEnumerator<GeneratedIncident> source, int count, string path, ProgressTask task, CancellationToken cancellation)
    {
        var clock = Stopwatch.StartNew();
        await using (var file = new StreamWriter(path))
        {
            for (var i = 0; i < count; i++)
            {
                if (!source.MoveNext())
                {
                    throw new InvalidOperationException("The generator ran out of incidents.");
                }

                var line = JsonSerializer.Serialize(new { force = source.Current.Force.Name, input = source.Current.Input }, GraphQLClient.Json);
                await file.WriteLineAsync(line.AsMemory(), cancellation);
                if (i % 1000 == 999)
                {
                    task.Increment(1000);
                }
            }
        }

        task.Value = task.MaxValue;
        task.StopTask();
        return (new FileInfo(path).Length, clock.Elapsed.TotalSeconds);
    }

    public static async Task<ImportResult> RunAsync(
        BenchOptions options, BenchDatabase db, string path, int count, long fileBytes, double writeSeconds, ProgressContext progress, CancellationToken cancellation)
    {
        var task = progress.AddTask($"import: {count:N0} incidents (the service's import command)", maxValue: count);
        var refusals = new ConcurrentQueue<string>();
        string? summary = null;
        void OnLine(string line)
        {
            if (RefusalLine().IsMatch(line))
            {
                refusals.Enqueue(line);
            }
            else if (SummaryLine().IsMatch(line))
            {
                summary = line;
            }
            else if (ProgressLine().Match(line) is { Success: true } p && long.TryParse(p.Groups[1].Value.Replace(",", "", StringComparison.Ordinal), CultureInfo.InvariantCulture, out var done) && done <= count)
            {
                // The command's progress lines are its own; the first number on one is taken as incidents done when it fits.
                task.Value = done;
            }
        }

        var logPath = Path.Combine(options.WorkFolder, "import.log");
        await using var log = new StreamWriter(logPath) { AutoFlush = true };
        var clock = Stopwatch.StartNew();
        using var process = BenchService.StartCommand(options, db.ServiceConnectionString, ["import", "--file", path], log, OnLine);
        await File.WriteAllTextAsync(Path.Combine(options.WorkFolder, "import.pid"), process.Id.ToString(CultureInfo.InvariantCulture), cancellation);
        using var memory = new ProcessMemory(process.Id);
        long peak = 0;

        // Bounded: ten minutes plus a generous 50 incidents a second.
        using var bound = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        bound.CancelAfter(TimeSpan.FromSeconds(600 + (count / 50)));
        try
        {
            while (!process.HasExited)
            {
                peak = Math.Max(peak, memory.HighWaterMarkBytes());
                await Task.WhenAny(process.WaitForExitAsync(bound.Token), Task.Delay(500, bound.Token));
                bound.Token.ThrowIfCancellationRequested();
            }
        }
        catch (OperationCanceledException)
        {
            await ServiceProcess.StopAsync(process);
            throw cancellation.IsCancellationRequested ? new OperationCanceledException(cancellation) : new BenchFailure($"import did not finish within {600 + (count / 50)} s; see {logPath}.");
        }

        await process.WaitForExitAsync(CancellationToken.None);
        var seconds = clock.Elapsed.TotalSeconds;
        peak = Math.Max(peak, memory.MaxRssBytes);
        task.StopTask();

        if (process.ExitCode != 0)
        {
            throw new BenchFailure($"import exited with {process.ExitCode} after {seconds:F1} s (does the service have the import command yet? run with --no-import to skip this phase). The end of {logPath}:{Environment.NewLine}{BenchService.Tail(logPath, 15)}");
        }

        if (summary is null || SummaryLine().Match(summary) is not { Success: true } m)
        {
            throw new BenchFailure($"import exited 0 but printed no 'import: <n> incidents imported, <r> refused in <s> s' line; see {logPath}.");
        }

        var imported = int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
        var refused = int.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture);
        if (refused > 0 || !refusals.IsEmpty)
        {
            throw new BenchFailure($"import refused {refused} generated incidents (all are valid for the API):{Environment.NewLine}{string.Join(Environment.NewLine, refusals.Take(10))}");
        }

        if (imported != count)
        {
            throw new BenchFailure($"import reports {imported} imported of {count} lines.");
        }

        task.Value = task.MaxValue;
        return new ImportResult(
            count, fileBytes, writeSeconds, imported, refused, seconds, count / Math.Max(seconds, 1e-6),
            double.TryParse(m.Groups[3].Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var reported) ? reported : null,
            peak,
            summary);
    }

    [GeneratedRegex(@"^import: line \d+: ")]
    private static partial Regex RefusalLine();

    // Tolerant of a parenthesis after "imported" (the command says how many were new, already stored, ...).
    [GeneratedRegex(@"^import: (\d+) incidents imported\b.*, (\d+) refused in ([0-9.]+) s\s*$")]
    private static partial Regex SummaryLine();

    [GeneratedRegex(@"^import:\D*?([0-9][0-9,]*)")]
    private static partial Regex ProgressLine();
}
