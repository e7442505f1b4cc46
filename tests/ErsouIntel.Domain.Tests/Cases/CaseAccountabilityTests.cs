using ErsouIntel.Domain.Cases;
using ErsouIntel.Domain.Common;
using ErsouIntel.Domain.Incidents;

namespace ErsouIntel.Domain.Tests.Cases;

/// <summary>A case's purpose and justification, its reference within its lead force, and what a new member is opened to.</summary>
public sealed class CaseAccountabilityTests
{
    private static DateTimeOffset Now => ACase.Now;

    private const string Why = "Linking courier fraud against elderly victims in Essex and Herts";

    private static OpenCase Opening(Purpose? purpose = null, string? justification = null, string title = "Courier fraud", bool taken = false) =>
        new(ACase.Id, "ERSOU-2025-17", title, null, ACase.EssexInvestigator, Now, purpose, justification, taken);

    private static string Refusal((IReadOnlyList<object> Events, IReadOnlyList<UserError> Errors) decision)
    {
        Assert.Empty(decision.Events);
        var error = Assert.Single(decision.Errors);
        return $"{error.Code} at {string.Join('.', error.Path)}";
    }

    [Fact]
    public void Given_a_purpose_and_a_justification_When_a_case_is_opened_Then_its_event_carries_them_trimmed()
    {
        var (events, errors) = Case.Decide(Opening(Purpose.Safeguarding, $"  {Why}  "));

        Assert.Empty(errors);
        var opened = Assert.IsType<CaseOpened>(Assert.Single(events));
        Assert.Equal(Purpose.Safeguarding, opened.Purpose);
        Assert.Equal(Why, opened.Justification);
        var state = ACase.From(opened)!;
        Assert.Equal((Purpose.Safeguarding, Why), (state.Purpose, state.Justification));
    }

    [Fact]
    public void Given_neither_When_a_case_is_opened_Then_the_purpose_is_investigation_and_the_justification_its_title()
    {
        var opened = Assert.IsType<CaseOpened>(Assert.Single(Case.Decide(Opening(title: " Courier fraud ")).Events));

        Assert.Equal((Purpose.Investigation, "Courier fraud"), (opened.Purpose, opened.Justification));
    }

    [Fact]
    public void Given_a_title_shorter_than_a_justification_may_be_When_no_justification_is_given_Then_the_title_is_the_justification_all_the_same()
    {
        var opened = Assert.IsType<CaseOpened>(Assert.Single(Case.Decide(Opening(title: "Magpie")).Events));

        Assert.Equal("Magpie", opened.Justification);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("too short")]
    public void Given_a_justification_under_10_characters_When_a_case_is_opened_Then_it_is_refused(string justification) =>
        Assert.Equal("JUSTIFICATION_REQUIRED at justification", Refusal(Case.Decide(Opening(justification: justification))));

    [Fact]
    public void Given_a_justification_over_500_characters_When_a_case_is_opened_Then_it_is_refused() =>
        Assert.Equal("JUSTIFICATION_REQUIRED at justification", Refusal(Case.Decide(Opening(justification: new string('j', 501)))));

    [Fact]
    public void Given_an_event_written_before_cases_had_a_purpose_When_the_case_is_rebuilt_Then_it_reads_as_investigation_and_its_title()
    {
        var old = ACase.Opened with { Purpose = null, Justification = null };

        var state = ACase.From(old)!;

        Assert.Equal((Purpose.Investigation, ACase.Opened.Title), (state.Purpose, state.Justification));
    }

    [Fact]
    public void Given_the_lead_force_already_has_the_reference_When_a_case_is_opened_Then_it_is_a_duplicate() =>
        Assert.Equal("DUPLICATE_REFERENCE at reference", Refusal(Case.Decide(Opening(taken: true))));

    [Fact]
    public void Given_an_action_with_its_own_justification_When_it_is_logged_Then_that_one_is_used_else_the_case_s()
    {
        var state = ACase.From(ACase.Opened with { Justification = Why })!;

        Assert.Equal("Adding the Herts officer who took the call", state.JustificationFor("  Adding the Herts officer who took the call "));
        Assert.Equal(Why, state.JustificationFor(null));
    }

    [Fact]
    public void Given_a_short_justification_on_an_action_When_it_is_decided_Then_it_is_refused_and_nothing_is_written()
    {
        var state = ACase.Open();

        Assert.Equal("JUSTIFICATION_REQUIRED at justification", Refusal(Case.Decide(state, new AddCaseNote(Guid.NewGuid(), "A note", null, ACase.EssexInvestigator, Now, "why"))));
        Assert.Equal("JUSTIFICATION_REQUIRED at justification", Refusal(Case.Decide(state, new AddCaseMember("norfolk.dc.brown", ACase.EssexInvestigator, Now, "why"))));
        Assert.Equal("JUSTIFICATION_REQUIRED at justification", Refusal(Case.Decide(state, new CloseCase("Charged.", null, ACase.EssexInvestigator, Now, "why"))));
        var incident = ACase.AnIncident(Force.Essex, HandlingCode.C);
        Assert.Equal("JUSTIFICATION_REQUIRED at justification", Refusal(Case.Decide(state, new AttachIncident(incident, null, ACase.EssexInvestigator, Now, "why"))));
    }

    [Fact]
    public void Given_a_case_holding_an_Essex_C_record_When_a_Norfolk_investigator_joins_Then_that_record_is_newly_opened_to_them()
    {
        var essexC = ACase.AnIncident(Force.Essex, HandlingCode.C, "ESX-C");
        var essexP = ACase.AnIncident(Force.Essex, HandlingCode.P, "ESX-P");
        var norfolkC = ACase.AnIncident(Force.Norfolk, HandlingCode.C, "NFK-C");
        var state = ACase.Open(ACase.Attached(essexC), ACase.Attached(essexP), ACase.Attached(norfolkC));

        Assert.Equal([essexC.Id], state.NewlyOpenedTo(Force.Norfolk).Select(i => i.IncidentId));
        Assert.Equal([norfolkC.Id], state.NewlyOpenedTo(Force.Essex).Select(i => i.IncidentId));
        // A member whose force the service does not know: every C record counts, so no disclosure is missed.
        Assert.Equal([essexC.Id, norfolkC.Id], state.NewlyOpenedTo(null).Select(i => i.IncidentId));
    }
}
