using System.Text.Json;
using Spectre.Console;
using static ErsouIntel.Benchmark.Invariant;

namespace ErsouIntel.Benchmark.Phases;

/// <summary>
/// One link question's figures: through the API and from its floor (timing-only: the floor's statement
/// does the core work of the question, its answer is not compared), and what the answers were.
/// </summary>
/// <param name="Bounded">Answers the service refused as past the walk bound (QUERY_TOO_COMPLEX): their latency counts.</param>
internal sealed record TimedFigures(string Question, int Asked, Percentiles Api, Percentiles Floor, double P95Ratio, int ApiTimeouts, int FloorTimeouts, int Bounded, string Answers);

/// <summary>A question asked of the API and of a floor statement, for many inputs, one at a time; the API first, then the floor.</summary>
internal static class TimedQuestions
{
    private const int WarmUp = 10;

    /// <summary>How the API answered one question: its time, and its data (default when it timed out or was refused as past the bound).</summary>
    internal readonly record struct ApiOutcome(double Ms, JsonElement Data, bool TimedOut, bool Bounded);

    public static async Task<(TimedFigures Figures, List<JsonElement?> Answers)> RunAsync<T>(
        string question,
        IReadOnlyList<T> inputs,
        Func<T, Task<ApiOutcome>> askApi,
        Func<FloorConnection, T, Task<(double Ms, bool Done)>> askFloor,
        Func<IReadOnlyList<JsonElement?>, string> describe,
        BenchDatabase db,
        ProgressContext progress,
        CancellationToken cancellation)
    {
        foreach (var input in inputs.Take(WarmUp))
        {
            await askApi(input);
        }

        var task = progress.AddTask(Inv($"{question}: {inputs.Count:N0} through the API, then the floor"), maxValue: 2 * inputs.Count);
        var apiMs = new List<double>(inputs.Count);
        var answers = new List<JsonElement?>(inputs.Count);
        var (timeouts, bounded) = (0, 0);
        foreach (var input in inputs)
        {
            var outcome = await askApi(input);
            apiMs.Add(outcome.Ms);
            timeouts += outcome.TimedOut ? 1 : 0;
            bounded += outcome.Bounded ? 1 : 0;
            answers.Add(outcome.TimedOut || outcome.Bounded ? null : outcome.Data);
            task.Increment(1);
        }

        var floorMs = new List<double>(inputs.Count);
        var floorTimeouts = 0;
        await using (var floor = await FloorConnection.OpenAsync(db, cancellation))
        {
            foreach (var input in inputs.Take(WarmUp))
            {
                await askFloor(floor, input);
            }

            foreach (var input in inputs)
            {
                var (ms, done) = await askFloor(floor, input);
                floorMs.Add(ms);
                floorTimeouts += done ? 0 : 1;
                task.Increment(1);
            }
        }

        task.StopTask();
        var api = Percentiles.Of(apiMs);
        var sql = Percentiles.Of(floorMs);
        return (new TimedFigures(question, inputs.Count, api, sql, api.P95 / Math.Max(sql.P95, 1e-6), timeouts, floorTimeouts, bounded, describe(answers)), answers);
    }

    /// <summary>
    /// One question through the API as the investigator: timeouts and refusals past the walk bound are
    /// counted; any other error ends the phase (its message goes in the run's notes).
    /// </summary>
    public static async Task<ApiOutcome> AskAsync(GraphQLClient api, Tokens tokens, string operation, string name, object variables, string field, CancellationToken cancellation)
    {
        var token = await tokens.InvestigatorTokenAsync(LinkQueries.Investigator, cancellation);
        using var answer = await api.PostAsync(token, operation, name, variables, cancellation);
        if (LinkQueries.IsTimeout(answer))
        {
            return new ApiOutcome(answer.Milliseconds, default, true, false);
        }

        if (LinkQueries.HasCode(answer, "QUERY_TOO_COMPLEX"))
        {
            return new ApiOutcome(answer.Milliseconds, default, false, true);
        }

        if (answer.Status != 200 || answer.Errors is not null || answer.Data.ValueKind != JsonValueKind.Object)
        {
            throw new BenchFailure($"{name} answered {answer.Status}: {answer.Errors ?? GraphQLClient.Trim(answer.Body.RootElement.GetRawText())}");
        }

        // Cloned: the answer's document goes with it.
        return new ApiOutcome(answer.Milliseconds, answer.Data.GetProperty("access").GetProperty(field).Clone(), false, false);
    }
}
