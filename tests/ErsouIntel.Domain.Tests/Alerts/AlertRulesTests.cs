using ErsouIntel.Domain.Alerts;
using ErsouIntel.Domain.Incidents;
using ErsouIntel.Domain.Tests.Incidents;
using ErsouIntel.Domain.Watches;

namespace ErsouIntel.Domain.Tests.Alerts;

public sealed class AlertRulesTests
{
    private static readonly DateTimeOffset At = new(2026, 3, 1, 9, 0, 0, TimeSpan.Zero);
    private static readonly Guid Number = Guid.NewGuid();
    private static readonly Push Report = new(Guid.NewGuid(), 1, Force.Essex, At, IsNew: true);
    private static readonly Push Amendment = Report with { Version = 2, IsNew = false };

    private static Watch WatchOf(string watcher, Guid node, DateTimeOffset? created = null, DateTimeOffset? expires = null, DateTimeOffset? ended = null) =>
        new(Guid.NewGuid(), watcher, Force.Hertfordshire, "PHONE", node, "+447700900201", null, created ?? At.AddDays(-1), expires ?? At.AddDays(89), Purpose.Investigation, "Numbers used in the series", ended);

    private static IReadOnlyList<RaisedAlert> Raise(Push push, IEnumerable<Watch>? watches = null, IEnumerable<MatchGained>? matches = null, IEnumerable<string>? members = null, params Guid[] newly) =>
        AlertRules.Raise(push, newly.ToHashSet(), watches ?? [], matches ?? [], members ?? []);

    [Fact]
    public void A_live_watch_on_what_a_push_newly_carries_fires_once_for_its_watcher()
    {
        var first = WatchOf("amy", Number, created: At.AddDays(-3));
        var second = WatchOf("amy", Number, created: At.AddDays(-2));
        var bobs = WatchOf("bob", Number);
        var elsewhere = WatchOf("cat", Guid.NewGuid());

        var alerts = Raise(Report, [second, first, bobs, elsewhere], newly: Number);

        Assert.Equal([("amy", AlertKind.NewLink, (Guid?)first.Id), ("bob", AlertKind.NewLink, bobs.Id)], alerts.Select(a => (a.Recipient, a.Kind, a.WatchId)));
    }

    [Fact]
    public void A_watch_raises_nothing_for_what_is_not_new_nor_before_it_was_placed_nor_once_ended_or_expired()
    {
        Assert.Empty(Raise(Amendment, [WatchOf("amy", Number)]));
        Assert.Empty(Raise(Report, [WatchOf("amy", Number, created: At.AddSeconds(1))], newly: Number));
        Assert.Empty(Raise(Report, [WatchOf("amy", Number, ended: At.AddSeconds(-1))], newly: Number));
        Assert.Empty(Raise(Report, [WatchOf("amy", Number, expires: At)], newly: Number));
        Assert.Single(Raise(Report, [WatchOf("amy", Number, ended: At.AddSeconds(1))], newly: Number));
    }

    [Fact]
    public void Matches_alert_each_investigator_once_and_cases_only_for_a_new_incident()
    {
        var (one, two) = (Guid.NewGuid(), Guid.NewGuid());
        var alerts = Raise(Report, matches: [new MatchGained(one, ["amy", "bob"]), new MatchGained(two, ["bob", "cat"])], members: ["dan", "dan", "amy"]);

        Assert.Equal(
            [("amy", AlertKind.NewMatch, (Guid?)one), ("bob", AlertKind.NewMatch, one), ("cat", AlertKind.NewMatch, two), ("amy", AlertKind.CaseIncident, null), ("dan", AlertKind.CaseIncident, null)],
            alerts.Select(a => (a.Recipient, a.Kind, a.MatchId)));
        Assert.DoesNotContain(Raise(Amendment, members: ["dan"]), a => a.Kind == AlertKind.CaseIncident);
    }

    [Fact]
    public void A_match_raises_when_recorded_and_when_it_gains_a_force_and_not_otherwise()
    {
        var herts = At.AddMinutes(-5);

        // Recorded by this push: Hertfordshire was there before, Essex arrives.
        AssertAt((new[] { Force.Essex, Force.Hertfordshire }, true), (AlertRules.MatchAtPush(Report, new Dictionary<Force, DateTimeOffset> { [Force.Hertfordshire] = herts, [Force.Essex] = At }, null, onCase: false)));
        // Essex had a record in it already: nothing gained.
        Assert.False(AlertRules.MatchAtPush(Report, new Dictionary<Force, DateTimeOffset> { [Force.Hertfordshire] = herts, [Force.Essex] = herts }, null, onCase: false).Raises);
        // What earlier pushes found decides, not the times.
        Assert.True(AlertRules.MatchAtPush(Report, new Dictionary<Force, DateTimeOffset> { [Force.Hertfordshire] = herts, [Force.Essex] = herts }, new HashSet<Force> { Force.Hertfordshire }, onCase: false).Raises);
        // A force whose first record came after this push is not counted for it.
        AssertAt((new[] { Force.Essex }, false), (AlertRules.MatchAtPush(Report, new Dictionary<Force, DateTimeOffset> { [Force.Suffolk] = At.AddSeconds(1), [Force.Essex] = At }, null, onCase: false)));
        // One force is a match only onto an open case.
        Assert.True(AlertRules.MatchAtPush(Report, new Dictionary<Force, DateTimeOffset> { [Force.Essex] = At }, null, onCase: true).Raises);
    }

    private static void AssertAt((Force[] Involved, bool Raises) expected, (IReadOnlySet<Force> Involved, bool Raises) at)
    {
        Assert.Equal(expected.Involved, at.Involved.Order());
        Assert.Equal(expected.Raises, at.Raises);
    }

    [Fact]
    public void An_incident_carries_its_numbers_registrations_and_the_identity_keys_of_its_people()
    {
        var details = AnIncident.Report().WithPhones("07700 900123", "07700 900124")
            .WithCouriers(new CourierReport("Ann Bell", new DateOnly(1980, 1, 1), null, "AB12 CDE", "21/12345A"), new CourierReport(null, null, "Tall man", null, null))
            .Validated();

        var carried = AlertRules.CarriedBy(details);

        Assert.Contains(new CarriedNode("PHONE", "+447700900123", false), carried);
        Assert.Contains(new CarriedNode("PHONE", "+447700900124", false), carried);
        Assert.Contains(new CarriedNode("VEHICLE", "AB12CDE", false), carried);
        Assert.Contains(new CarriedNode("COURIER", "pnc:21/12345A", true), carried);
        // The courier known only by a description is a node of this incident alone: nothing can watch it.
        Assert.Equal(2, carried.Count(n => n.Kind == "COURIER"));
    }
}
