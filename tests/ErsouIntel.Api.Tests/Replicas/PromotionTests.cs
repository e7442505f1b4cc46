using System.Diagnostics;
using System.Globalization;
using ErsouIntel.Api.Tests.Infrastructure;
using ErsouIntel.Domain;
using Xunit.Abstractions;

namespace ErsouIntel.Api.Tests.Replicas;

/// <summary>
/// The primary lost under load and its synchronous standby promoted: the service follows without a restart, force
/// systems pushing and resending lose nothing acknowledged and store nothing twice, and the access log's chain, tree
/// and signed checkpoints verify on the new primary, the last checkpoint signed before the loss among them.
/// </summary>
public sealed class PromotionTests(ReplicatedService service, ITestOutputHelper output) : IClassFixture<ReplicatedService>
{
    private readonly ReplicaSteps steps = new(service);

    [Fact]
    public async Task Promotion_under_load_loses_nothing_acknowledged_stores_nothing_twice_and_the_log_still_verifies()
    {
        await steps.Region.ReportedAsync(Force.Suffolk, AnIncident.Courier("SK/PROMOTE/SEED", phones: ["07700 900777"]));
        await steps.ReplicationBecomesAsync("Healthy");
        var clock = Stopwatch.StartNew();
        using var stop = new CancellationTokenSource();
        var pushers = new[] { (Force.Suffolk, "SK/PROMOTE"), (Force.Norfolk, "NK/PROMOTE") }
            .Select(p => new ReplicaSteps.Pusher(service, p.Item1, p.Item2)).ToList();
        var pushing = pushers.Select(p => p.RunAsync(clock, stop.Token)).ToList();

        await Task.Delay(2000);
        var signedBefore = await LatestCheckpointAsync();
        var crashedAt = clock.Elapsed;
        service.Servers.CrashPrimary();
        await Task.Delay(1000);
        service.Servers.Promote(0);
        var promotedAt = clock.Elapsed;

        // Pushing goes on until every pusher has had some acknowledged after the promotion (or 60 s).
        while (pushers.Any(p => !p.Acknowledged.Any(a => a.At > promotedAt)) && clock.Elapsed < promotedAt + TimeSpan.FromSeconds(60))
        {
            await Task.Delay(100);
        }

        await Task.Delay(1000);
        stop.Cancel();
        await Task.WhenAll(pushing);

        var resumed = pushers.SelectMany(p => p.Acknowledged).Where(a => a.At > promotedAt).Min(a => a.At) - promotedAt;
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"crash at {crashedAt.TotalSeconds:0.0} s, promotion at {promotedAt.TotalSeconds:0.0} s; first write acknowledged {resumed.TotalSeconds:0.00} s after the promotion; " +
            $"{pushers.Sum(p => p.Acknowledged.Count)} acknowledged, {pushers.Sum(p => p.Refusals.Count)} refusals resent"));
        foreach (var refusal in pushers.SelectMany(p => p.Refusals))
        {
            output.WriteLine(refusal);
        }

        Assert.True(pushers.All(p => p.Acknowledged.Any(a => a.At < crashedAt)), "nothing was pushed before the crash");

        var newPrimary = service.Servers.StandbyAdmins[0];
        var stored = await steps.StoredReferencesAsync(newPrimary);
        Assert.All(pushers.SelectMany(p => p.Acknowledged), a => Assert.True(stored.ContainsKey(a.Reference), $"{a.Reference} was acknowledged and lost"));
        Assert.All(stored, s => Assert.Equal(1, s.Value));
        var reported = await service.RowsOnAsync(newPrimary, "select count(*) from ersou.mt_events where type = 'incident_reported'");
        Assert.Equal(stored.Count.ToString(CultureInfo.InvariantCulture), reported[0]);

        // The checkpoint witnesses saw before the loss is one of the new primary's, with the same root; all verifies.
        Assert.NotNull(signedBefore);
        var kept = await service.RowsOnAsync(newPrimary, $"select encode(root, 'base64') from ersou.access_log_checkpoints where tree_size = {signedBefore.Value.Size}");
        Assert.Equal([signedBefore.Value.Root], kept);
        var verified = await service.PostAsAsync(TestCaller.Auditor(), ContractOperations.Text("VerifyAccessLog"));
        Assert.True(verified.Status == 200 && verified.Errors is null, verified.ToString());
        Assert.True(verified.Data!["verifyAccessLog"]!["valid"]!.GetValue<bool>(), verified.ToString());
    }

    private async Task<(long Size, string Root)?> LatestCheckpointAsync()
    {
        var answer = await service.PostAsAsync(TestCaller.Auditor(), ContractOperations.Text("AccessLogCheckpoint"));
        Assert.True(answer.Status == 200 && answer.Errors is null, answer.ToString());
        var checkpoint = answer.Data!["accessLogCheckpoint"];
        return checkpoint is null ? null : (checkpoint["treeSize"]!.GetValue<long>(), checkpoint["rootHash"]!.GetValue<string>());
    }
}
