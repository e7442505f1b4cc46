using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using ErsouIntel.Api.Tests.Infrastructure;
using Xunit.Abstractions;

namespace ErsouIntel.Api.Tests.GraphQL;

/// <summary>
/// The statements one answer sends to PostgreSQL, counted as Npgsql's command activities (every
/// command and batch sent, Marten's included) inside the request's trace.
/// </summary>
internal static class Statements
{
    /// <summary>Sends one request in a trace of its own and counts the commands sent to PostgreSQL within it.</summary>
    public static async Task<(int Statements, JsonNode Data)> CountAsync(ServiceFixture service, TestCaller caller, ITestOutputHelper output, string query, object variables)
    {
        var trace = ActivityTraceId.CreateRandom();
        var commands = new List<string>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name is "Npgsql" or "Microsoft.AspNetCore",
            Sample = (ref ActivityCreationOptions<ActivityContext> options) =>
                options.Parent.TraceId == trace ? ActivitySamplingResult.AllDataAndRecorded : ActivitySamplingResult.None,
            ActivityStopped = activity =>
            {
                if (activity.Source.Name == "Npgsql" && activity.TraceId == trace && activity.Kind == ActivityKind.Client)
                {
                    lock (commands)
                    {
                        var text = string.Join(' ', $"{activity.GetTagItem("db.query.text") ?? activity.GetTagItem("db.statement") ?? activity.DisplayName}".Split((char[])[' ', '\n', '\r'], StringSplitOptions.RemoveEmptyEntries));
                        commands.Add(text[..Math.Min(90, text.Length)]);
                    }
                }
            },
        };
        ActivitySource.AddActivityListener(listener);

        using var request = new HttpRequestMessage(HttpMethod.Post, "/graphql")
        {
            Content = new StringContent(JsonSerializer.Serialize(new { query, variables }), Encoding.UTF8, "application/json"),
        };
        request.Headers.Accept.Add(MediaTypeWithQualityHeaderValue.Parse("application/graphql-response+json"));
        request.Headers.Add(TestCaller.Header, caller.Encode());
        request.Headers.Add("traceparent", $"00-{trace}-{ActivitySpanId.CreateRandom()}-01");
        var answer = await service.SendAsync(request);
        Assert.True(answer.Status == 200 && answer.Errors is null, answer.ToString());

        lock (commands)
        {
            output.WriteLine($"{commands.Count} statements: {string.Join(" | ", commands.GroupBy(c => c).Select(g => $"{g.Count()} x {g.Key}"))}");
            return (commands.Count, answer.Data!);
        }
    }
}
