using ErsouIntel.Benchmark.Phases;
using Spectre.Console;
using static ErsouIntel.Benchmark.Invariant;

namespace ErsouIntel.Benchmark;

/// <summary>The replica phase's table (issue 21): each window's figures with the issue's targets beside them.</summary>
internal static class ReplicaReport
{
    // Issue 21: with one standby and 50 link questions a second, >= 90% of their reads on the standby, and the primary's
    // ingest under that load within 10% of ingest with no readers.
    public const double ShareTarget = 0.9;
    public const double IngestRatioTarget = 0.9;

    public static void Print(ReplicaResult r)
    {
        var table = new Table().Border(TableBorder.Rounded)
            .Title("[bold]" + Esc(Inv($"replicas (issue 21): one synchronous standby, windows of {r.WindowSeconds} s")) + "[/]");
        table.AddColumn("window");
        table.AddColumn(new TableColumn("ingest").RightAligned());
        table.AddColumn("batch latency");
        table.AddColumn("questions");
        table.AddColumn("CPU s: service / primary / standby");
        foreach (var w in r.Windows)
        {
            var q = w.Questions;
            table.AddRow(
                Esc(w.Name),
                Inv($"{w.Ingest.PerSecond:N0}/s ({w.Ingest.Incidents:N0})"),
                Esc(w.Ingest.BatchLatency.ToString()),
                q is null ? "none" : Esc(Inv($"{q.SentPerSecond:F1}/s sent ({q.Sent:N0}), {q.Errors} errors; {q.Latency}")),
                Inv($"{w.ServiceCpuSeconds:F1} / {w.PrimaryCpuSeconds:F1} / {w.StandbyCpuSeconds:F1} (of {2 * w.WallSeconds:F0})"));
        }

        AnsiConsole.Write(table);

        var targets = new Table().Border(TableBorder.Rounded).Title("[bold]replicas: the targets[/]");
        targets.AddColumn("figure");
        targets.AddColumn(new TableColumn("measured").RightAligned());
        targets.AddColumn("target");
        var loaded = r.Windows.FirstOrDefault(w => w.Questions is not null)?.Questions;
        targets.AddRow(
            "link questions a second (sent)",
            loaded is null ? "-" : Inv($"{loaded.SentPerSecond:F1}"),
            Verdict(Inv($"{r.QuestionsPerSecond} (the load asked for)"), loaded is null ? null : loaded.SentPerSecond >= 0.95 * r.QuestionsPerSecond && loaded.NotSent == 0));
        targets.AddRow(
            "standby's share of the questions' reads",
            r.StandbyShare?.Share is { } share ? Inv($"{share:P1}") : "-",
            Verdict(Inv($"≥ {ShareTarget:P0}"), r.StandbyShare?.Share is { } s ? s >= ShareTarget : null));
        targets.AddRow(
            "ingest with readers / mean without",
            r.IngestRatio is { } ratio ? Inv($"{ratio:F3}") : "-",
            Verdict(Inv($"≥ {IngestRatioTarget} (within 10%)"), r.IngestRatio is { } x ? x >= IngestRatioTarget : null));
        AnsiConsole.Write(targets);

        if (loaded is not null)
        {
            Line(Inv($"window B's questions: {loaded.Sent:N0} sent over {loaded.Seconds:F1} s ({loaded.NotSent:N0} not sent: {loaded.NotSent} over the outstanding bound), {loaded.Errors:N0} errors ({loaded.Timeouts:N0} timeouts); latency from the scheduled moment {loaded.Latency}"));
            foreach (var k in loaded.Kinds)
            {
                Line(Inv($"  {k.Question}: {k.Asked:N0} asked, {k.Errors:N0} errors; {k.Latency}"));
            }

            foreach (var e in loaded.FirstErrors)
            {
                Line("  error: " + e);
            }
        }

        if (r.StandbyShare is { } sh)
        {
            Line(Inv($"reads: {sh.StandbyCalls:N0} statement calls on the standby, {sh.PrimaryCalls:N0} of the same statements on the primary; top-level statements only: {sh.TopLevelStandbyCalls:N0} / {sh.TopLevelPrimaryCalls:N0}") +
                (sh.TopLevelShare is { } top ? Inv($" ({top:P1} on the standby)") : ""));
            foreach (var statement in sh.Statements.Take(10))
            {
                Line(Inv($"  standby {statement.StandbyCalls,8:N0}  primary {statement.PrimaryCalls,8:N0}  {(statement.TopLevel ? "top" : "nested")}  {statement.Query}"));
            }

            Line(Inv($"access log: {sh.AccessLogEntries:N0} entries written on the primary during window B (questions sent: {loaded?.Sent ?? 0:N0}): ") +
                string.Join(", ", sh.AccessLogByOperation.Select(o => Inv($"{o.Value:N0} {o.Key}"))));
        }

        foreach (var problem in r.CleanupProblems)
        {
            AnsiConsole.MarkupLine("[red]replica clean-up:[/] " + Esc(problem));
        }
    }

    private static void Line(string text) => AnsiConsole.MarkupLine("  " + Esc(text));

    private static string Verdict(string target, bool? met) => met switch
    {
        true => $"{Esc(target)} [green]met[/]",
        false => $"{Esc(target)} [red]missed[/]",
        null => Esc(target),
    };

    private static string Esc(string text) => Markup.Escape(text);
}
