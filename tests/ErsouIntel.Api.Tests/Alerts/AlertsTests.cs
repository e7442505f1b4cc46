using System.Text.Json.Nodes;
using ErsouIntel.Api.Identity;
using ErsouIntel.Api.Tests.Audit;
using ErsouIntel.Api.Tests.Cases;
using ErsouIntel.Api.Tests.Infrastructure;
using ErsouIntel.Domain;
using Microsoft.Extensions.DependencyInjection;
using static ErsouIntel.Api.Tests.Alerts.AlertSteps;

namespace ErsouIntel.Api.Tests.Alerts;

/// <summary>
/// Alerts as the contract's "Watches and alerts, live" says they are raised. Each test works on numbers
/// and people of its own, so the tests share one service. What must raise nothing is checked with a
/// later push that must raise something: once that one is there, the daemon has passed the first.
/// </summary>
public sealed class AlertsTests(AlertsTests.Service service) : IClassFixture<AlertsTests.Service>
{
    /// <summary>A database of these tests' own.</summary>
    public sealed class Service : ServiceFixture;

    private readonly Region region = new(service);

    private static string Unique(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..(prefix.Length + 9)];

    private static int numbers = Random.Shared.Next(0, 100);

    /// <summary>A number of Ofcom's drama range that no other test of this database uses.</summary>
    private static string Number() => $"07700 900{Interlocked.Increment(ref numbers) % 1000:D3}";

    private async Task<string> SeenAsync(Force force, string number) =>
        await region.ReportedAsync(force, AnIncident.Courier(Unique("SEEN"), phones: [number]));

    private async Task<string> OutcomeAsync(Force force, Dictionary<string, object?> input)
    {
        var payload = await region.ReportsAsync(force, input);
        Assert.True(payload["outcome"] is not null, payload.ToJsonString());
        return payload["outcome"]!.GetValue<string>();
    }

    [Fact]
    public async Task A_watched_number_pushed_by_another_force_raises_one_new_link_alert_for_the_watcher()
    {
        var number = Number();
        await SeenAsync(Force.Hertfordshire, number);
        var amy = TestCaller.Investigator(Force.Hertfordshire, Unique("amy"));
        var watch = await service.WatchesAsync(amy, Phone(number));

        var reference = Unique("EX/A");
        var incident = await region.ReportedAsync(Force.Essex, AnIncident.Courier(reference, phones: [number]));

        var alert = Assert.Single(await service.AlertsOnceAsync(amy, 1));
        Assert.Equal("NEW_LINK", Kind(alert));
        Assert.Equal(watch, alert["watch"]!["id"]!.GetValue<string>());
        Assert.Equal((incident, "ESSEX", reference), (alert["incident"]!["id"]!.GetValue<string>(), alert["incident"]!["force"]!.GetValue<string>(), alert["incident"]!["forceReference"]!.GetValue<string>()));
        Assert.Equal(("ESSEX", reference, "P"), (alert["pointer"]!["force"]!.GetValue<string>(), Reference(alert), alert["pointer"]!["handling"]!.GetValue<string>()));
        Assert.Null(alert["match"]);
        Assert.Empty(await service.AlertsAsync(TestCaller.Investigator(Force.Hertfordshire, Unique("bob"))));
    }

    [Fact]
    public async Task An_unchanged_push_and_a_retraction_raise_nothing_and_an_amendment_only_what_it_newly_carries()
    {
        var (watched, alsoWatched, other) = (Number(), Number(), Number());
        await SeenAsync(Force.Hertfordshire, watched);
        await SeenAsync(Force.Hertfordshire, alsoWatched);
        var amy = TestCaller.Investigator(Force.Hertfordshire, Unique("amy"));
        await service.WatchesAsync(amy, Phone(watched));
        await service.WatchesAsync(amy, Phone(alsoWatched));
        var reference = Unique("EX/B");

        await region.ReportedAsync(Force.Essex, AnIncident.Courier(reference, phones: [watched]));
        Assert.Single(await service.AlertsOnceAsync(amy, 1));

        Assert.Equal("UNCHANGED", await OutcomeAsync(Force.Essex, AnIncident.Courier(reference, phones: [watched])));
        Assert.Equal("AMENDED", await OutcomeAsync(Force.Essex, AnIncident.Courier(reference, phones: [watched, other])));
        Assert.Equal("AMENDED", await OutcomeAsync(Force.Essex, AnIncident.Courier(reference, phones: [watched, other, alsoWatched])));
        var retract = await service.PostAsAsync(TestCaller.ForceSystem(Force.Essex), ContractOperations.Text(ContractOperations.RetractIncident), new { forceReference = reference, reason = "Duplicate of another report" });
        Assert.True(retract.Errors is null, retract.ToString());
        var sentinel = Unique("EX/S");
        await region.ReportedAsync(Force.Essex, AnIncident.Courier(sentinel, phones: [watched]));

        var alerts = await service.AlertsOnceAsync(amy, 3);
        Assert.Equal([sentinel, reference, reference], alerts.Select(Reference));
        Assert.All(alerts, a => Assert.Equal("NEW_LINK", Kind(a)));
        // The retracted record's alerts stay, and still name it; the records behind them are read as they are now.
        Assert.Equal(3, (await service.AlertPageAsync(amy))["totalCount"]!.GetValue<int>());
    }

    [Fact]
    public async Task A_withheld_record_raises_an_alert_carrying_its_pointer_only()
    {
        var number = Number();
        await SeenAsync(Force.Hertfordshire, number);
        var amy = TestCaller.Investigator(Force.Hertfordshire, Unique("amy"));
        await service.WatchesAsync(amy, Phone(number));
        var reference = Unique("EX/C");

        await region.ReportedAsync(Force.Essex, AnIncident.Courier(reference, phones: [number], handling: "C"));

        var alert = Assert.Single(await service.AlertsOnceAsync(amy, 1));
        Assert.Null(alert["incident"]);
        Assert.Equal(("ESSEX", reference, "C"), (alert["pointer"]!["force"]!.GetValue<string>(), Reference(alert), alert["pointer"]!["handling"]!.GetValue<string>()));
    }

    /// <summary>The visibility matrix's rows: an investigator of each force alerted by each force's P and C records.</summary>
    [Theory]
    [MemberData(nameof(Visibility.Matrix.CallerRecordForceAndHandling), MemberType = typeof(Visibility.Matrix))]
    public async Task An_alert_carries_its_record_in_full_exactly_when_the_recipient_may_see_it(Force caller, Force owner, string handling)
    {
        var number = Number();
        await SeenAsync(Force.Norfolk, number);
        var investigator = TestCaller.Investigator(caller, Unique("inv"));
        await service.WatchesAsync(investigator, Phone(number));
        var reference = Unique("MX/V");

        var incident = await region.ReportedAsync(owner, AnIncident.Courier(reference, phones: [number], handling: handling));

        var alert = Assert.Single(await service.AlertsOnceAsync(investigator, 1));
        Assert.Equal((owner.TenantId(), reference, handling), (alert["pointer"]!["force"]!.GetValue<string>(), Reference(alert), alert["pointer"]!["handling"]!.GetValue<string>()));
        Assert.Equal(caller == owner || handling == "P" ? incident : null, alert["incident"]?["id"]!.GetValue<string>());
    }

    [Fact]
    public async Task An_ended_watch_raises_nothing_and_a_watched_courier_is_alerted_through_their_sightings()
    {
        var (number, pnc) = (Number(), $"24/{Random.Shared.Next(10000, 99999)}X");
        await region.ReportedAsync(Force.Hertfordshire, AnIncident.Courier(Unique("HC/D"), phones: [number], couriers: [AnIncident.CourierNamed("Dan Ellis", "1990-05-05", pncId: pnc)]));
        var amy = TestCaller.Investigator(Force.Hertfordshire, Unique("amy"));
        var ended = await service.WatchesAsync(amy, Phone(number));
        var unwatched = await service.PostAsAsync(amy, ContractOperations.Text(ContractOperations.Unwatch), new { id = ended });
        Assert.True(unwatched.Errors is null, unwatched.ToString());
        await service.WatchesAsync(amy, new { kind = "COURIER", key = pnc });

        var reference = Unique("NK/D");
        await region.ReportedAsync(Force.Norfolk, AnIncident.Courier(reference, phones: [number], couriers: [AnIncident.CourierNamed("Daniel Ellis", "1990-05-05", pncId: pnc)]));

        var alert = Assert.Single(await service.AlertsOnceAsync(amy, 1));
        Assert.Equal(("NEW_LINK", reference), (Kind(alert), Reference(alert)));
        Assert.NotEqual(ended, alert["watch"]!["id"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_match_alerts_every_active_investigator_of_every_force_it_involves_when_recorded_and_when_it_gains_a_force()
    {
        var number = Number();
        var e164 = "+44" + number.Replace(" ", "", StringComparison.Ordinal)[1..];
        var people = new Dictionary<Force, string>();
        foreach (var force in new[] { Force.Hertfordshire, Force.Essex, Force.Suffolk, Force.Norfolk })
        {
            people[force] = Unique(force.TenantId().ToLowerInvariant());
            using var scope = service.Services.CreateScope();
            await scope.ServiceProvider.GetRequiredService<UserAccounts>().CreateAsync(people[force], "investigator", force, "a password long enough", CancellationToken.None);
        }

        TestCaller Of(Force force) => TestCaller.Investigator(force, people[force]);

        // Every match of their force alerts them, other tests' too: only this number's are this test's.
        async Task<List<JsonNode>> OnThisNumberAsync(Force force, int count)
        {
            var clock = System.Diagnostics.Stopwatch.StartNew();
            while (true)
            {
                var mine = (await service.AlertsAsync(Of(force))).Where(a => a["match"]?["key"]?.GetValue<string>() == e164).ToList();
                if (mine.Count >= count || clock.Elapsed > Patience)
                {
                    return mine;
                }

                await Task.Delay(100);
            }
        }

        await SeenAsync(Force.Hertfordshire, number);
        var recorded = Unique("EX/M");
        await region.ReportedAsync(Force.Essex, AnIncident.Courier(recorded, phones: [number]));
        var first = Assert.Single(await OnThisNumberAsync(Force.Hertfordshire, 1));
        Assert.Equal(("NEW_MATCH", recorded), (Kind(first), Reference(first)));
        Assert.Equal(["ESSEX", "HERTFORDSHIRE"], first["match"]!["forces"]!.AsArray().Select(f => f!.GetValue<string>()).Order());

        // A second Essex record of the number: the match gains no force, so nobody hears of it again.
        await region.ReportedAsync(Force.Essex, AnIncident.Courier(Unique("EX/M2"), phones: [number]));
        var gained = Unique("SF/M");
        await region.ReportedAsync(Force.Suffolk, AnIncident.Courier(gained, phones: [number]));

        foreach (var force in new[] { Force.Hertfordshire, Force.Essex })
        {
            var alerts = await OnThisNumberAsync(force, 2);
            Assert.Equal([gained, recorded], alerts.Select(Reference));
            Assert.All(alerts, a => Assert.Equal("NEW_MATCH", Kind(a)));
        }

        Assert.Equal([gained], (await OnThisNumberAsync(Force.Suffolk, 1)).Select(Reference));
        Assert.DoesNotContain(await service.AlertsAsync(Of(Force.Norfolk)), a => a["match"]?["key"]?.GetValue<string>() == e164);
    }

    [Fact]
    public async Task A_new_incident_carrying_an_entity_of_an_open_case_alerts_its_members()
    {
        var number = Number();
        var lead = TestCaller.Investigator(Force.Cambridgeshire, Unique("cam"));
        var attached = await SeenAsync(Force.Cambridgeshire, number);
        var caseId = await region.OpensCaseAsync(lead, Unique("OP-C"));
        CaseSteps.Accepted(await region.AttachesAsync(lead, caseId, attached));

        var reference = Unique("BD/C");
        await region.ReportedAsync(Force.Bedfordshire, AnIncident.Courier(reference, phones: [number]));

        var alerts = await service.AlertsOnceAsync(lead, 1);
        var onCase = Assert.Single(alerts, a => Kind(a) == "CASE_INCIDENT");
        Assert.Equal(reference, Reference(onCase));
        Assert.Null(onCase["watch"]);
    }

    [Fact]
    public async Task Alerts_are_listed_newest_first_a_page_at_a_time_and_a_cursor_is_the_callers_own()
    {
        var number = Number();
        await SeenAsync(Force.Hertfordshire, number);
        var amy = TestCaller.Investigator(Force.Hertfordshire, Unique("amy"));
        await service.WatchesAsync(amy, Phone(number));
        var references = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            references.Add(Unique($"EX/P{i}"));
            await region.ReportedAsync(Force.Essex, AnIncident.Courier(references[^1], phones: [number]));
        }

        await service.AlertsOnceAsync(amy, 3);
        var first = await service.AlertPageAsync(amy, first: 2);
        var second = await service.AlertPageAsync(amy, first: 2, after: first["pageInfo"]!["endCursor"]!.GetValue<string>());

        Assert.Equal(3, first["totalCount"]!.GetValue<int>());
        Assert.True(first["pageInfo"]!["hasNextPage"]!.GetValue<bool>());
        Assert.False(second["pageInfo"]!["hasNextPage"]!.GetValue<bool>());
        var listed = first["edges"]!.AsArray().Concat(second["edges"]!.AsArray()).Select(e => Reference(e!["node"]!));
        Assert.Equal(Enumerable.Reverse(references), listed);

        // Another investigator's alert id is no cursor of theirs: the same answer as a made-up one.
        var bob = TestCaller.Investigator(Force.Hertfordshire, Unique("bob"));
        foreach (var after in new[] { first["pageInfo"]!["endCursor"]!.GetValue<string>(), Guid.NewGuid().ToString(), "not an id" })
        {
            var refused = await service.PostAsAsync(bob, ContractOperations.Text("Alerts"), new { first = 2, after, purpose = "INVESTIGATION", why = Why });
            Assert.Equal("BAD_USER_INPUT", refused.Errors![0]!["extensions"]!["code"]!.GetValue<string>());
        }
    }

    [Fact]
    public async Task Reading_alerts_is_logged_with_the_scope_and_the_records_they_name()
    {
        var number = Number();
        await SeenAsync(Force.Hertfordshire, number);
        var amy = TestCaller.Investigator(Force.Hertfordshire, Unique("amy"));
        await service.WatchesAsync(amy, Phone(number));
        var incident = await region.ReportedAsync(Force.Essex, AnIncident.Courier(Unique("EX/L"), phones: [number]));
        var alert = Assert.Single(await service.AlertsOnceAsync(amy, 1));

        var logged = await service.LoggedWhileAsync(async () => await service.AlertsAsync(amy));

        Assert.All(logged, e => Assert.Equal((amy.Subject, "INVESTIGATION", Why), (e.Subject, e.Purpose, e.Justification)));
        Assert.Contains(alert["id"]!.GetValue<string>(), logged.SelectMany(e => e.IdsOf("Alert")));
        Assert.Contains(incident, logged.SelectMany(e => e.IdsOf("Incident")));
    }
}
