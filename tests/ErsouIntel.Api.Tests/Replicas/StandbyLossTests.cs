using System.Diagnostics;
using ErsouIntel.Api.Tests.Infrastructure;
using ErsouIntel.Domain;

namespace ErsouIntel.Api.Tests.Replicas;

/// <summary>The service on a primary with two synchronous standbys, a commit waiting for either (FIRST 1 of '*').</summary>
public sealed class TwoStandbysService : ReplicatedService
{
    protected override int Standbys => 2;
}

/// <summary>
/// A standby stopped under load: reads move to the other standby or the primary, writes go on (the other standby
/// acknowledges them), nothing acknowledged is lost or stored twice. With no synchronous standby left, every request is
/// refused at once (503, Retry-After) instead of waiting on a commit PostgreSQL holds.
/// </summary>
public sealed class StandbyLossTests(TwoStandbysService service) : IClassFixture<TwoStandbysService>
{
    private static readonly TestCaller Investigator = TestCaller.Investigator(Force.Norfolk);

    private readonly ReplicaSteps steps = new(service);

    [Fact]
    public async Task A_standby_stopped_under_load_costs_no_acknowledged_write_and_reads_go_on()
    {
        await steps.Region.ReportedAsync(Force.Suffolk, AnIncident.Courier("SK/LOSS/SEED", phones: ["07700 900777"]));
        await steps.ReplicationBecomesAsync("Healthy");
        var clock = Stopwatch.StartNew();
        using var stop = new CancellationTokenSource();
        var pusher = new ReplicaSteps.Pusher(service, Force.Suffolk, "SK/LOSS");
        var pushing = pusher.RunAsync(clock, stop.Token);
        var reads = new List<(TimeSpan At, int Status, bool Errors, bool RetryAfter)>();
        var reading = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                var answer = await steps.Region.AsksAsync(Investigator, ContractOperations.PhoneNumberProfile, new { phone = "+447700900777" });
                lock (reads)
                {
                    reads.Add((clock.Elapsed, answer.Status, answer.Errors is not null, answer.Headers.RetryAfter is not null));
                }
            }
        });

        await Task.Delay(1500);
        var stoppedAt = clock.Elapsed;
        service.Servers.StopStandby(0);
        await Task.Delay(3000);
        var restartedAt = clock.Elapsed;
        service.Servers.StartStandby(0);
        await Task.Delay(1500);
        stop.Cancel();
        await Task.WhenAll(pushing, reading);

        // Writes went on while standby 0 was down: the other standby acknowledged them.
        Assert.Contains(pusher.Acknowledged, a => a.At > stoppedAt + TimeSpan.FromSeconds(1) && a.At < restartedAt);
        // Reads went on too; the only failures are the reads the stop cut off, each a retryable 503.
        Assert.Contains(reads, r => r.At > stoppedAt + TimeSpan.FromSeconds(1) && r.At < restartedAt && r.Status == 200 && !r.Errors);
        Assert.All(reads.Where(r => r.Status != 200 || r.Errors), r => Assert.True(r.Status == 503 && r.RetryAfter, $"{r.Status} at {r.At}"));
        Assert.True(reads.Count(r => r.Status != 200) <= 3, $"{reads.Count(r => r.Status != 200)} reads failed");

        // Nothing acknowledged lost, nothing stored twice: on the primary and on the standby that was stopped.
        await steps.ReplicationBecomesAsync("Healthy");
        foreach (var server in new[] { service.Servers.PrimaryAdmin, service.Servers.StandbyAdmins[0] })
        {
            var stored = await steps.StoredReferencesAsync(server);
            Assert.All(pusher.Acknowledged, a => Assert.True(stored.ContainsKey(a.Reference), $"{a.Reference} lost"));
            Assert.All(stored, s => Assert.Equal(1, s.Value));
        }
    }

    [Fact]
    public async Task With_no_synchronous_standby_left_every_request_is_refused_at_once_and_served_again_when_one_returns()
    {
        await steps.ReplicationBecomesAsync("Healthy");
        service.Servers.StopStandby(0);
        service.Servers.StopStandby(1);
        try
        {
            await steps.ReplicationBecomesAsync("Unhealthy");
            var clock = Stopwatch.StartNew();
            var push = await service.PostAsAsync(TestCaller.ForceSystem(Force.Suffolk), ContractOperations.Text(ContractOperations.ReportIncident),
                new { input = AnIncident.Courier("SK/NOSYNC/1", phones: ["07700 900778"]) });
            var read = await steps.Region.AsksAsync(Investigator, ContractOperations.PhoneNumberProfile, new { phone = "+447700900778" });

            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(2), $"the refusals took {clock.Elapsed}");
            foreach (var answer in new[] { push, read })
            {
                Assert.Equal(503, answer.Status);
                Assert.True(answer.Headers.RetryAfter?.Delta > TimeSpan.Zero, answer.ToString());
                Assert.Equal("INTERNAL", answer.FirstErrorCode);
            }
        }
        finally
        {
            service.Servers.StartStandby(0);
            service.Servers.StartStandby(1);
        }

        await steps.ReplicationBecomesAsync("Healthy");
        await steps.Region.ReportedAsync(Force.Suffolk, AnIncident.Courier("SK/NOSYNC/1", phones: ["07700 900778"]));
    }
}
