using System.Globalization;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace ErsouIntel.Benchmark;

/// <summary>Live progress for the long phases: description, bar, percentage, items per second, elapsed and time left.</summary>
internal static class LiveProgress
{
    public static Progress Create() =>
        AnsiConsole.Progress()
            .AutoClear(false)
            .HideCompleted(false)
            .Columns(
                new TaskDescriptionColumn { Alignment = Justify.Left },
                new ProgressBarColumn(),
                new PercentageColumn(),
                new RateColumn(),
                new ElapsedTimeColumn(),
                new RemainingTimeColumn());

    /// <summary>Runs <paramref name="work"/> under a live display and returns its result.</summary>
    public static Task<T> RunAsync<T>(Func<ProgressContext, Task<T>> work) => Create().StartAsync(work);

    /// <summary>Items per second, from Spectre's own speed estimate over the recent increments.</summary>
    private sealed class RateColumn : ProgressColumn
    {
        protected override bool NoWrap => true;

        public override IRenderable Render(RenderOptions options, ProgressTask task, TimeSpan deltaTime)
        {
            var speed = task.IsFinished && task.ElapsedTime is { TotalSeconds: > 0 } elapsed
                ? task.Value / elapsed.TotalSeconds
                : task.Speed ?? 0;
            return new Text(string.Create(CultureInfo.InvariantCulture, $"{speed,9:N0}/s"), new Style(Color.Aqua));
        }
    }
}
