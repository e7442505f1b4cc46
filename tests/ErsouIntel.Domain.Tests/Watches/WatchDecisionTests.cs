using ErsouIntel.Domain.Common;
using ErsouIntel.Domain.Watches;

namespace ErsouIntel.Domain.Tests.Watches;

public sealed class WatchDecisionTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 1, 9, 0, 0, TimeSpan.Zero);
    private static readonly Actor Amy = new("amy", Force.Essex);
    private static readonly Guid Node = Guid.NewGuid();
    private const string Why = "Numbers used in the Chelmsford courier fraud series";

    private static PlaceWatch Place(string justification = Why, string? note = null, DateTimeOffset? expiresAt = null, int live = 0, Actor? by = null) =>
        new(Guid.NewGuid(), "PHONE", Node, "+447700900201", Purpose.Investigation, justification, note, expiresAt, by ?? Amy, Now, live);

    private static UserError Refused((IReadOnlyList<object> Events, IReadOnlyList<UserError> Errors) decision)
    {
        Assert.Empty(decision.Events);
        return Assert.Single(decision.Errors);
    }

    private static void AssertRefused((IReadOnlyList<object> Events, IReadOnlyList<UserError> Errors) decision, string code, params string[] path)
    {
        var error = Refused(decision);
        Assert.Equal(code, error.Code);
        Assert.Equal(path, error.Path);
    }

    private static Watch Placed(PlaceWatch command)
    {
        var (events, errors) = Watch.Decide(command);
        Assert.Empty(errors);
        return Watch.From(Assert.IsType<WatchPlaced>(Assert.Single(events)));
    }

    [Fact]
    public void A_watch_is_the_watchers_own_in_their_force_and_lasts_90_days_by_default()
    {
        var watch = Placed(Place(note: "  the callback number \n "));

        Assert.Equal(("amy", Force.Essex, "PHONE", Node, "+447700900201"), (watch.Watcher, watch.WatcherForce, watch.NodeKind, watch.Node, watch.Key));
        Assert.Equal((Now, Now.AddDays(90)), (watch.CreatedAt, watch.ExpiresAt));
        Assert.Equal(("the callback number", Purpose.Investigation, Why), (watch.Note, watch.Purpose, watch.Justification));
        Assert.True(watch.IsLiveAt(Now));
        Assert.False(watch.IsLiveAt(Now.AddDays(90)));
    }

    [Theory]
    [InlineData(1, true)]
    [InlineData(365, true)]
    [InlineData(366, false)]
    [InlineData(0, false)]
    [InlineData(-1, false)]
    public void A_watch_expires_in_the_future_and_at_most_365_days_away(int days, bool accepted)
    {
        var decision = Watch.Decide(Place(expiresAt: Now.AddDays(days)));

        if (accepted)
        {
            Assert.Empty(decision.Errors);
            return;
        }

        AssertRefused(decision, UserErrorCodes.BadUserInput, "expiresAt");
    }

    [Theory]
    [InlineData("too short")]
    [InlineData("          ")]
    public void A_justification_follows_the_access_scopes_rule(string justification)
    {
        AssertRefused(Watch.Decide(Place(justification)), UserErrorCodes.JustificationRequired, "justification");
    }

    [Fact]
    public void A_justification_with_a_control_character_is_bad_input()
    {
        Assert.Equal(UserErrorCodes.BadUserInput, Refused(Watch.Decide(Place(Why + "\u0007"))).Code);
    }

    [Fact]
    public void A_note_may_hold_line_feeds_but_no_other_control_character_and_is_bounded()
    {
        Assert.Equal("first\nsecond", Placed(Place(note: "first\nsecond")).Note);
        Assert.Null(Placed(Place(note: "   ")).Note);
        AssertRefused(Watch.Decide(Place(note: "a\tb")), UserErrorCodes.BadUserInput, "note");
        AssertRefused(Watch.Decide(Place(note: new string('n', Watch.MaxNote + 1))), UserErrorCodes.TooLong, "note");
        Assert.NotNull(Placed(Place(note: new string('n', Watch.MaxNote))).Note);
    }

    [Fact]
    public void The_501st_live_watch_is_refused()
    {
        Assert.Empty(Watch.Decide(Place(live: 499)).Errors);
        Assert.Equal(UserErrorCodes.BadUserInput, Refused(Watch.Decide(Place(live: 500))).Code);
    }

    [Fact]
    public void Only_an_investigator_of_a_force_places_a_watch()
    {
        Assert.Equal(UserErrorCodes.Forbidden, Refused(Watch.Decide(Place(by: new Actor("amy", null)))).Code);
    }

    [Fact]
    public void Only_the_watcher_ends_a_watch_and_ending_it_twice_writes_nothing_more()
    {
        var watch = Placed(Place());

        Assert.Equal(UserErrorCodes.NotFound, Refused(Watch.Decide(watch, new EndWatch(new Actor("bob", Force.Essex), Now))).Code);
        Assert.Equal(UserErrorCodes.NotFound, Refused(Watch.Decide(watch, new EndWatch(new Actor("amy", Force.Hertfordshire), Now))).Code);
        Assert.Equal(UserErrorCodes.NotFound, Refused(Watch.Decide(null, new EndWatch(Amy, Now))).Code);

        var (events, errors) = Watch.Decide(watch, new EndWatch(Amy, Now.AddHours(1)));
        Assert.Empty(errors);
        var ended = Watch.Evolve(watch, Assert.Single(events))!;
        Assert.False(ended.IsLiveAt(Now.AddHours(1)));
        Assert.Equal(([], []), Watch.Decide(ended, new EndWatch(Amy, Now.AddHours(2))));
    }

    [Fact]
    public void An_expired_watch_is_not_live_and_ending_it_writes_nothing()
    {
        var watch = Placed(Place(expiresAt: Now.AddDays(1)));

        Assert.Equal(([], []), Watch.Decide(watch, new EndWatch(Amy, Now.AddDays(2))));
    }
}
