using ErsouIntel.Domain.Cases;
using ErsouIntel.Domain.Common;
using ErsouIntel.Domain.Incidents;

namespace ErsouIntel.Domain.Tests.Cases;

public sealed class CaseStateTests
{
    [Fact]
    public void Given_a_case_opened_event_When_evolved_Then_the_case_is_open_at_version_1_with_its_opener_as_only_member()
    {
        var @case = ACase.From(ACase.Opened);

        Assert.NotNull(@case);
        Assert.Equal(ACase.Id, @case.Id);
        Assert.Equal("ERSOU-2025-17", @case.Reference);
        Assert.Equal("Courier fraud across Essex and Herts", @case.Title);
        Assert.Equal("Operation Magpie", @case.OperationName);
        Assert.Equal(Force.Essex, @case.LeadForce);
        Assert.Equal(CaseStatus.Open, @case.Status);
        Assert.Equal(["essex.dc.patel"], @case.Members);
        Assert.Empty(@case.Incidents);
        Assert.Equal(ACase.Opened.OpenedAt, @case.OpenedAt);
        Assert.Equal(1, @case.Version);
    }

    [Fact]
    public void Given_an_open_case_When_an_attachment_is_evolved_Then_the_incident_is_on_the_case_with_its_force_reference_and_handling()
    {
        var incident = ACase.AnIncident(Force.Suffolk, HandlingCode.P, "SF-9");

        var @case = ACase.Open(ACase.Attached(incident));

        Assert.Equal([new AttachedIncident(incident.Id, Force.Suffolk, "SF-9", HandlingCode.P)], @case.Incidents);
        Assert.Equal(2, @case.Version);
    }

    [Fact]
    public void Given_an_open_case_When_a_note_is_evolved_Then_only_the_version_moves()
    {
        var before = ACase.Open();

        var after = Case.Evolve(before, new CaseNoteAdded(ACase.Id, Guid.NewGuid(), "Note", "essex.dc.patel", Force.Essex, ACase.Now));

        Assert.Equal(before with { Version = 2 }, after);
    }

    [Fact]
    public void Given_an_open_case_When_a_member_is_added_Then_they_join_the_members_after_the_opener()
    {
        var @case = ACase.Open(ACase.HertsJoined);

        Assert.Equal(["essex.dc.patel", "herts.dc.jones"], @case.Members);
        Assert.True(@case.IsMember("herts.dc.jones"));
        Assert.Equal(2, @case.Version);
    }

    [Fact]
    public void Given_an_open_case_When_a_closure_is_evolved_Then_it_is_closed()
    {
        var @case = ACase.Open(ACase.HertsJoined, ACase.Closed);

        Assert.Equal(CaseStatus.Closed, @case.Status);
        Assert.Equal(3, @case.Version);
    }

    [Fact]
    public void Given_no_case_When_later_events_are_evolved_Then_there_is_still_no_case()
    {
        Assert.Null(ACase.From(ACase.HertsJoined, ACase.Closed, ACase.Attached(ACase.AnIncident(Force.Essex, HandlingCode.P))));
    }

    [Fact]
    public void Given_a_case_When_an_event_of_another_kind_is_evolved_Then_it_is_unchanged()
    {
        var @case = ACase.Open();

        Assert.Same(@case, Case.Evolve(@case, new object()));
    }

    [Fact]
    public void Given_an_Essex_case_When_an_Essex_investigator_who_is_not_a_member_asks_Then_they_see_it()
    {
        Assert.True(ACase.Open().IsVisibleTo(ACase.EssexColleague));
        Assert.False(ACase.Open().IsMember(ACase.EssexColleague.Subject));
    }

    [Fact]
    public void Given_an_Essex_case_with_a_Herts_member_When_the_Herts_member_asks_Then_they_see_it()
    {
        Assert.True(ACase.Open(ACase.HertsJoined).IsVisibleTo(ACase.HertsInvestigator));
    }

    [Fact]
    public void Given_an_Essex_case_When_an_investigator_of_another_force_who_is_not_a_member_asks_Then_they_do_not_see_it()
    {
        Assert.False(ACase.Open(ACase.HertsJoined).IsVisibleTo(ACase.NorfolkInvestigator));
    }

    [Fact]
    public void Given_an_Essex_case_When_a_caller_of_no_force_who_is_not_a_member_asks_Then_they_do_not_see_it()
    {
        Assert.False(ACase.Open().IsVisibleTo(new Actor("region.auditor", null)));
    }

    [Fact]
    public void Given_an_Essex_case_When_a_subject_differing_from_a_member_only_in_letter_case_asks_Then_they_do_not_see_it()
    {
        Assert.False(ACase.Open(ACase.HertsJoined).IsVisibleTo(new Actor("HERTS.DC.JONES", Force.Hertfordshire)));
    }
}
