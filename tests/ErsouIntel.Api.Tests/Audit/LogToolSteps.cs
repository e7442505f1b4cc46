using System.Text.Json.Nodes;
using ErsouIntel.Api.Audit;
using ErsouIntel.Api.Tests.Infrastructure;
using ErsouIntel.Domain;

namespace ErsouIntel.Api.Tests.Audit;

/// <summary>The steps of the log's tools: "the log signs a checkpoint covering every entry", "an operator runs a command".</summary>
public static class LogToolSteps
{
    public const string CheckpointQuery = "query { accessLogCheckpoint { origin treeSize rootHash note verifierKeys cosignedBy } }";

    /// <summary>A few reads that each write entries: something for a checkpoint to cover.</summary>
    public static async Task SomeEntriesAsync(this ServiceFixture service)
    {
        var region = new Region(service);
        var phone = Cases.CaseSteps.NewPhoneNumber();
        await region.ReportedAsync(Force.Suffolk, AnIncident.Courier(Cases.CaseSteps.Unique("SFK-LOG"), phones: [phone]));
        await region.ReadsAsync(TestCaller.Investigator(Force.Norfolk), ContractOperations.LinkedCouriers, new { phone, hops = 1 });
    }

    /// <summary>
    /// Polls <c>accessLogCheckpoint</c> (not itself logged) until a checkpoint covers every entry written so far: the
    /// service signs one at least once a second while entries arrive.
    /// </summary>
    public static async Task<JsonNode> CheckpointCoveringTheLogAsync(this ServiceFixture service)
    {
        var head = await service.HeadAsync();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var answer = await service.PostAsAsync(AccessLogSteps.RegionAuditor(), CheckpointQuery);
            Assert.True(answer.Status == 200 && answer.Errors is null, answer.ToString());
            if (answer.Data!["accessLogCheckpoint"] is { } checkpoint && checkpoint["treeSize"]!.GetValue<long>() >= head)
            {
                return checkpoint;
            }

            Assert.True(DateTime.UtcNow < deadline, $"No checkpoint covered the log's {head} entries within 30 s: {answer}");
            await Task.Delay(100);
        }
    }

    public static async Task<JsonNode?> LatestCheckpointAsync(this ServiceFixture service)
    {
        var answer = await service.PostAsAsync(AccessLogSteps.RegionAuditor(), CheckpointQuery);
        Assert.True(answer.Status == 200 && answer.Errors is null, answer.ToString());
        return answer.Data!["accessLogCheckpoint"];
    }

    /// <summary>Runs <c>log ...</c> or <c>witness ...</c> as an operator would, with its two output streams kept apart.</summary>
    public static async Task<(int Exit, string Output, string Error)> RunAsync(string command, string[] args, string? stdin = null, Func<string, string?>? environment = null)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exit = command switch
        {
            "log" => await LogCommands.LogAsync(args, output, error),
            "witness" when args is ["run", .. var rest] =>
                await Api.Audit.Witnesses.WitnessRun.RunAsync(rest, new StringReader(stdin ?? ""), output, error, environment ?? (_ => null)),
            "witness" => await LogCommands.WitnessAsync(args, new StringReader(stdin ?? ""), output, error, CancellationToken.None),
            _ => throw new ArgumentException(command),
        };
        return (exit, output.ToString(), error.ToString());
    }
}
