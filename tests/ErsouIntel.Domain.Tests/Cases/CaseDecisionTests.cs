using ErsouIntel.Domain.Cases;
using ErsouIntel.Domain.Common;
using ErsouIntel.Domain.Incidents;

namespace ErsouIntel.Domain.Tests.Cases;

public sealed class CaseDecisionTests
{
    private static DateTimeOffset Now => ACase.Now;

    private static void AssertRefused((IReadOnlyList<object> Events, IReadOnlyList<UserError> Errors) decision, string code, params string[] path)
    {
        Assert.Empty(decision.Events);
        var error = Assert.Single(decision.Errors);
        Assert.Equal(code, error.Code);
        Assert.Equal(path, error.Path);
    }

    private static object Accepted((IReadOnlyList<object> Events, IReadOnlyList<UserError> Errors) decision)
    {
        Assert.Empty(decision.Errors);
        return Assert.Single(decision.Events);
    }

    private static void AssertNothingToDo((IReadOnlyList<object> Events, IReadOnlyList<UserError> Errors) decision)
    {
        Assert.Empty(decision.Events);
        Assert.Empty(decision.Errors);
    }

    private static AttachIncident Attach(IncidentFacts incident, Actor by, int? expectedVersion = null) => new(incident, expectedVersion, by, Now);

    // Opening a case

    [Fact]
    public void Given_an_Essex_investigator_When_they_open_a_case_Then_Essex_leads_it_and_they_are_recorded_as_opener()
    {
        var command = new OpenCase(ACase.Id, "  ERSOU-2025-17 ", " Courier fraud ", " Operation Magpie ", ACase.EssexInvestigator, Now);

        var opened = Accepted(Case.Decide(command));

        Assert.Equal(new CaseOpened(ACase.Id, "ERSOU-2025-17", "Courier fraud", "Operation Magpie", Force.Essex, "essex.dc.patel", Now, Purpose.Investigation, "Courier fraud"), opened);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    public void Given_no_operation_name_When_a_case_is_opened_Then_it_has_none(string? operation)
    {
        var opened = Assert.IsType<CaseOpened>(Accepted(Case.Decide(new OpenCase(ACase.Id, "R-1", "Title", operation, ACase.EssexInvestigator, Now))));

        Assert.Null(opened.OperationName);
    }

    [Fact]
    public void Given_a_caller_of_no_force_When_they_open_a_case_Then_it_is_forbidden()
    {
        var auditor = new Actor("region.auditor", null);

        var (events, errors) = Case.Decide(new OpenCase(ACase.Id, "R-1", "Title", null, auditor, Now));

        Assert.Empty(events);
        Assert.Equal(UserErrorCodes.Forbidden, Assert.Single(errors).Code);
    }

    [Fact]
    public void Given_a_blank_reference_and_title_When_a_case_is_opened_Then_both_are_required()
    {
        var (events, errors) = Case.Decide(new OpenCase(ACase.Id, " ", "", null, ACase.EssexInvestigator, Now));

        Assert.Empty(events);
        Assert.Equal(
            [(UserErrorCodes.Required, "reference"), (UserErrorCodes.Required, "title")],
            errors.Select(e => (e.Code, string.Join('/', e.Path))));
    }

    [Fact]
    public void Given_a_reference_over_64_characters_When_a_case_is_opened_Then_it_is_too_long()
    {
        AssertRefused(Case.Decide(new OpenCase(ACase.Id, new string('R', 65), "Title", null, ACase.EssexInvestigator, Now)), UserErrorCodes.TooLong, "reference");
    }

    [Fact]
    public void Given_a_title_over_200_characters_When_a_case_is_opened_Then_it_is_too_long()
    {
        AssertRefused(Case.Decide(new OpenCase(ACase.Id, "R-1", new string('T', 201), null, ACase.EssexInvestigator, Now)), UserErrorCodes.TooLong, "title");
    }

    [Fact]
    public void Given_an_operation_name_over_200_characters_When_a_case_is_opened_Then_it_is_too_long()
    {
        AssertRefused(Case.Decide(new OpenCase(ACase.Id, "R-1", "Title", new string('O', 201), ACase.EssexInvestigator, Now)), UserErrorCodes.TooLong, "operationName");
    }

    [Fact]
    public void Given_a_reference_of_64_and_a_title_of_200_characters_When_a_case_is_opened_Then_it_is_opened()
    {
        Assert.IsType<CaseOpened>(Accepted(Case.Decide(new OpenCase(ACase.Id, new string('R', 64), new string('T', 200), new string('O', 200), ACase.EssexInvestigator, Now))));
    }

    // Attaching an incident: what the caller may attach

    [Theory]
    [InlineData(HandlingCode.P)]
    [InlineData(HandlingCode.C)]
    public void Given_an_open_case_When_an_investigator_attaches_an_incident_of_their_own_force_Then_it_is_attached_whatever_its_handling(HandlingCode handling)
    {
        var incident = ACase.AnIncident(Force.Essex, handling, "EX/55");

        var attached = Accepted(Case.Decide(ACase.Open(), Attach(incident, ACase.EssexColleague)));

        Assert.Equal(new IncidentAttachedToCase(ACase.Id, incident.Id, Force.Essex, "EX/55", handling, "essex.ds.khan", Now), attached);
    }

    [Fact]
    public void Given_an_open_case_When_an_investigator_attaches_a_P_incident_of_another_force_Then_it_is_attached()
    {
        var incident = ACase.AnIncident(Force.Suffolk, HandlingCode.P, "SF-9");

        var attached = Assert.IsType<IncidentAttachedToCase>(Accepted(Case.Decide(ACase.Open(), Attach(incident, ACase.EssexInvestigator))));

        Assert.Equal(Force.Suffolk, attached.IncidentForce);
        Assert.Equal(HandlingCode.P, attached.Handling);
    }

    [Fact]
    public void Given_an_open_case_When_an_investigator_attaches_a_C_incident_of_another_force_Then_it_is_not_found()
    {
        AssertRefused(Case.Decide(ACase.Open(), Attach(ACase.AnIncident(Force.Suffolk, HandlingCode.C), ACase.EssexInvestigator)), UserErrorCodes.NotFound, "incidentId");
    }

    [Fact]
    public void Given_a_Herts_member_of_an_Essex_case_When_they_attach_a_C_incident_of_Herts_Then_it_is_attached()
    {
        var incident = ACase.AnIncident(Force.Hertfordshire, HandlingCode.C, "HC/7");

        var attached = Assert.IsType<IncidentAttachedToCase>(Accepted(Case.Decide(ACase.Open(ACase.HertsJoined), Attach(incident, ACase.HertsInvestigator))));

        Assert.Equal("herts.dc.jones", attached.AttachedBy);
    }

    [Fact]
    public void Given_a_Herts_member_of_an_Essex_case_When_they_attach_a_C_incident_of_Essex_Then_it_is_not_found()
    {
        AssertRefused(Case.Decide(ACase.Open(ACase.HertsJoined), Attach(ACase.AnIncident(Force.Essex, HandlingCode.C), ACase.HertsInvestigator)), UserErrorCodes.NotFound, "incidentId");
    }

    [Fact]
    public void Given_an_open_case_When_a_retracted_incident_is_attached_Then_it_is_refused_as_retracted()
    {
        AssertRefused(Case.Decide(ACase.Open(), Attach(ACase.AnIncident(Force.Essex, HandlingCode.P, retracted: true), ACase.EssexInvestigator)), UserErrorCodes.Retracted, "incidentId");
    }

    [Fact]
    public void Given_an_open_case_When_a_retracted_C_incident_of_another_force_is_attached_Then_it_is_not_found_so_nothing_about_it_is_confirmed()
    {
        AssertRefused(Case.Decide(ACase.Open(), Attach(ACase.AnIncident(Force.Norfolk, HandlingCode.C, retracted: true), ACase.EssexInvestigator)), UserErrorCodes.NotFound, "incidentId");
    }

    [Fact]
    public void Given_an_incident_already_on_the_case_When_it_is_attached_again_Then_nothing_more_is_written()
    {
        var incident = ACase.AnIncident(Force.Suffolk, HandlingCode.P);

        AssertNothingToDo(Case.Decide(ACase.Open(ACase.Attached(incident)), Attach(incident, ACase.EssexColleague)));
    }

    [Fact]
    public void Given_one_incident_on_the_case_When_another_is_attached_Then_the_other_is_attached()
    {
        var first = ACase.AnIncident(Force.Suffolk, HandlingCode.P, "SF-1");
        var second = ACase.AnIncident(Force.Suffolk, HandlingCode.P, "SF-2");

        var attached = Assert.IsType<IncidentAttachedToCase>(Accepted(Case.Decide(ACase.Open(ACase.Attached(first)), Attach(second, ACase.EssexInvestigator))));

        Assert.Equal(second.Id, attached.IncidentId);
    }

    // Attaching an incident: the checks every change to a case starts with

    [Fact]
    public void Given_the_caller_knows_the_cases_version_When_they_attach_Then_it_is_attached()
    {
        var @case = ACase.Open(ACase.HertsJoined);

        Assert.IsType<IncidentAttachedToCase>(Accepted(Case.Decide(@case, Attach(ACase.AnIncident(Force.Essex, HandlingCode.P), ACase.EssexInvestigator, expectedVersion: 2))));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public void Given_a_stale_expected_version_When_an_incident_is_attached_Then_it_is_a_version_conflict_and_nothing_is_written(int expectedVersion)
    {
        var @case = ACase.Open(ACase.HertsJoined);

        AssertRefused(Case.Decide(@case, Attach(ACase.AnIncident(Force.Essex, HandlingCode.P), ACase.EssexInvestigator, expectedVersion)), UserErrorCodes.VersionConflict, "expectedVersion");
    }

    [Fact]
    public void Given_a_closed_case_When_an_incident_is_attached_Then_the_case_is_closed()
    {
        AssertRefused(Case.Decide(ACase.Open(ACase.Closed), Attach(ACase.AnIncident(Force.Essex, HandlingCode.P), ACase.EssexInvestigator)), UserErrorCodes.CaseClosed, "caseId");
    }

    [Fact]
    public void Given_no_case_When_an_incident_is_attached_Then_the_case_is_not_found()
    {
        AssertRefused(Case.Decide(null, Attach(ACase.AnIncident(Force.Essex, HandlingCode.P), ACase.EssexInvestigator)), UserErrorCodes.NotFound, "caseId");
    }

    [Fact]
    public void Given_a_caller_neither_member_nor_of_the_lead_force_When_they_attach_Then_the_case_is_not_found()
    {
        AssertRefused(Case.Decide(ACase.Open(), Attach(ACase.AnIncident(Force.Norfolk, HandlingCode.P), ACase.NorfolkInvestigator)), UserErrorCodes.NotFound, "caseId");
    }

    [Fact]
    public void Given_a_caller_who_cannot_see_the_case_When_they_send_a_stale_version_Then_the_case_is_not_found_rather_than_its_version_told()
    {
        AssertRefused(Case.Decide(ACase.Open(ACase.Closed), Attach(ACase.AnIncident(Force.Norfolk, HandlingCode.P), ACase.NorfolkInvestigator, expectedVersion: 99)), UserErrorCodes.NotFound, "caseId");
    }

    [Fact]
    public void Given_a_closed_case_When_a_stale_version_is_sent_Then_the_version_conflict_is_reported_first()
    {
        AssertRefused(Case.Decide(ACase.Open(ACase.Closed), Attach(ACase.AnIncident(Force.Essex, HandlingCode.P), ACase.EssexInvestigator, expectedVersion: 1)), UserErrorCodes.VersionConflict, "expectedVersion");
    }

    // Notes

    [Fact]
    public void Given_an_open_case_When_a_member_of_another_force_adds_a_note_Then_the_note_is_recorded_with_their_force()
    {
        var noteId = Guid.Parse("6a1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0");

        var added = Accepted(Case.Decide(ACase.Open(ACase.HertsJoined), new AddCaseNote(noteId, "  Same courier seen in Watford.  ", 2, ACase.HertsInvestigator, Now)));

        Assert.Equal(new CaseNoteAdded(ACase.Id, noteId, "Same courier seen in Watford.", "herts.dc.jones", Force.Hertfordshire, Now), added);
    }

    [Theory]
    [InlineData("")]
    [InlineData("  ")]
    public void Given_an_open_case_When_a_blank_note_is_added_Then_its_text_is_required(string text)
    {
        AssertRefused(Case.Decide(ACase.Open(), new AddCaseNote(Guid.NewGuid(), text, null, ACase.EssexInvestigator, Now)), UserErrorCodes.Required, "text");
    }

    [Fact]
    public void Given_an_open_case_When_a_note_over_10000_characters_is_added_Then_it_is_too_long()
    {
        AssertRefused(Case.Decide(ACase.Open(), new AddCaseNote(Guid.NewGuid(), new string('n', 10_001), null, ACase.EssexInvestigator, Now)), UserErrorCodes.TooLong, "text");
    }

    [Theory]
    [InlineData("Spoke to the victim \u001b[2J")]
    [InlineData("Spoke to the victim\r\nand her daughter")]
    [InlineData("Tab\tseparated")]
    public void Given_an_open_case_When_a_note_holds_a_control_character_other_than_a_line_feed_Then_it_is_bad_user_input(string text)
    {
        AssertRefused(Case.Decide(ACase.Open(), new AddCaseNote(Guid.NewGuid(), text, null, ACase.EssexInvestigator, Now)), UserErrorCodes.BadUserInput, "text");
    }

    [Fact]
    public void Given_an_open_case_When_a_note_is_written_in_paragraphs_Then_its_line_feeds_are_kept()
    {
        var added = Accepted(Case.Decide(ACase.Open(), new AddCaseNote(Guid.NewGuid(), "Spoke to the victim.\n\nHer daughter saw the car.", null, ACase.EssexInvestigator, Now)));

        Assert.Equal("Spoke to the victim.\n\nHer daughter saw the car.", Assert.IsType<CaseNoteAdded>(added).Text);
    }

    [Theory]
    [InlineData("Operation \u001b[31mMagpie")]
    [InlineData("Operation\nMagpie")]
    public void Given_an_investigator_When_they_open_a_case_whose_operation_name_holds_a_control_character_Then_it_is_bad_user_input(string operationName)
    {
        AssertRefused(Case.Decide(new OpenCase(ACase.Id, "ERSOU-2025-17", "Courier fraud", operationName, ACase.EssexInvestigator, Now)), UserErrorCodes.BadUserInput, "operationName");
    }

    [Fact]
    public void Given_a_stale_expected_version_When_a_note_is_added_Then_it_is_a_version_conflict()
    {
        AssertRefused(Case.Decide(ACase.Open(ACase.HertsJoined), new AddCaseNote(Guid.NewGuid(), "Note", 1, ACase.EssexInvestigator, Now)), UserErrorCodes.VersionConflict, "expectedVersion");
    }

    [Fact]
    public void Given_a_closed_case_When_a_note_is_added_Then_the_case_is_closed()
    {
        AssertRefused(Case.Decide(ACase.Open(ACase.Closed), new AddCaseNote(Guid.NewGuid(), "Note", null, ACase.EssexInvestigator, Now)), UserErrorCodes.CaseClosed, "caseId");
    }

    [Fact]
    public void Given_a_caller_who_cannot_see_the_case_When_they_add_a_note_Then_the_case_is_not_found()
    {
        AssertRefused(Case.Decide(ACase.Open(), new AddCaseNote(Guid.NewGuid(), "Note", null, ACase.HertsInvestigator, Now)), UserErrorCodes.NotFound, "caseId");
    }

    // Members

    [Fact]
    public void Given_an_open_case_When_a_lead_force_investigator_adds_a_Herts_investigator_Then_they_become_a_member()
    {
        var added = Accepted(Case.Decide(ACase.Open(), new AddCaseMember(" herts.dc.jones ", ACase.EssexColleague, Now)));

        Assert.Equal(new CaseMemberAdded(ACase.Id, "herts.dc.jones", "essex.ds.khan", Now), added);
    }

    [Fact]
    public void Given_a_Herts_member_When_they_add_a_Norfolk_investigator_Then_the_Norfolk_investigator_becomes_a_member()
    {
        var added = Assert.IsType<CaseMemberAdded>(Accepted(Case.Decide(ACase.Open(ACase.HertsJoined), new AddCaseMember("norfolk.dc.brown", ACase.HertsInvestigator, Now))));

        Assert.Equal("norfolk.dc.brown", added.Username);
    }

    [Fact]
    public void Given_a_member_When_they_are_added_again_Then_nothing_more_is_written()
    {
        AssertNothingToDo(Case.Decide(ACase.Open(ACase.HertsJoined), new AddCaseMember("herts.dc.jones", ACase.EssexInvestigator, Now)));
    }

    [Fact]
    public void Given_the_opener_When_they_are_added_as_a_member_Then_nothing_is_written_because_they_already_are_one()
    {
        AssertNothingToDo(Case.Decide(ACase.Open(), new AddCaseMember("essex.dc.patel", ACase.EssexColleague, Now)));
    }

    [Theory]
    [InlineData("")]
    [InlineData("  ")]
    public void Given_an_open_case_When_a_blank_username_is_added_Then_it_is_required(string username)
    {
        AssertRefused(Case.Decide(ACase.Open(), new AddCaseMember(username, ACase.EssexInvestigator, Now)), UserErrorCodes.Required, "username");
    }

    [Fact]
    public void Given_an_open_case_When_a_username_over_100_characters_is_added_Then_it_is_too_long()
    {
        AssertRefused(Case.Decide(ACase.Open(), new AddCaseMember(new string('u', 101), ACase.EssexInvestigator, Now)), UserErrorCodes.TooLong, "username");
    }

    [Fact]
    public void Given_a_caller_who_cannot_see_the_case_When_they_add_themselves_Then_the_case_is_not_found()
    {
        AssertRefused(Case.Decide(ACase.Open(), new AddCaseMember("norfolk.dc.brown", ACase.NorfolkInvestigator, Now)), UserErrorCodes.NotFound, "caseId");
    }

    [Fact]
    public void Given_a_closed_case_When_a_member_is_added_Then_the_case_is_closed()
    {
        AssertRefused(Case.Decide(ACase.Open(ACase.Closed), new AddCaseMember("herts.dc.jones", ACase.EssexInvestigator, Now)), UserErrorCodes.CaseClosed, "caseId");
    }

    // Closing

    [Fact]
    public void Given_an_open_case_When_a_member_closes_it_Then_the_closure_is_recorded_with_its_reason()
    {
        var closed = Accepted(Case.Decide(ACase.Open(), new CloseCase("  Suspects charged.  ", 1, ACase.EssexInvestigator, Now)));

        Assert.Equal(new CaseClosed(ACase.Id, "Suspects charged.", "essex.dc.patel", Now), closed);
    }

    [Fact]
    public void Given_an_open_case_When_closed_without_a_reason_Then_a_reason_is_required()
    {
        AssertRefused(Case.Decide(ACase.Open(), new CloseCase(" ", null, ACase.EssexInvestigator, Now)), UserErrorCodes.Required, "reason");
    }

    [Fact]
    public void Given_an_open_case_When_closed_with_a_reason_over_1000_characters_Then_it_is_too_long()
    {
        AssertRefused(Case.Decide(ACase.Open(), new CloseCase(new string('r', 1001), null, ACase.EssexInvestigator, Now)), UserErrorCodes.TooLong, "reason");
    }

    [Fact]
    public void Given_a_closed_case_When_it_is_closed_again_Then_the_case_is_closed()
    {
        AssertRefused(Case.Decide(ACase.Open(ACase.Closed), new CloseCase("Again.", null, ACase.EssexInvestigator, Now)), UserErrorCodes.CaseClosed, "caseId");
    }

    [Fact]
    public void Given_a_stale_expected_version_When_the_case_is_closed_Then_it_is_a_version_conflict()
    {
        AssertRefused(Case.Decide(ACase.Open(ACase.HertsJoined), new CloseCase("Done.", 1, ACase.EssexInvestigator, Now)), UserErrorCodes.VersionConflict, "expectedVersion");
    }

    [Fact]
    public void Given_a_caller_who_cannot_see_the_case_When_they_close_it_Then_the_case_is_not_found()
    {
        AssertRefused(Case.Decide(ACase.Open(), new CloseCase("Done.", null, ACase.NorfolkInvestigator, Now)), UserErrorCodes.NotFound, "caseId");
    }
}
