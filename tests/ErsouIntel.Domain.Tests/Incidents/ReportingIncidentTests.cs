using ErsouIntel.Domain.Common;
using ErsouIntel.Domain.Incidents;

namespace ErsouIntel.Domain.Tests.Incidents;

public sealed class ReportingIncidentTests
{
    private static readonly Guid IncidentId = Incident.IdFor(Force.Hertfordshire, AnIncident.Reference);

    [Fact]
    public void Given_no_incident_with_that_reference_When_a_Hertfordshire_system_reports_it_Then_it_is_created()
    {
        var command = AnIncident.Report().Pushed();

        var (outcome, events, error) = Incident.Decide(null, command);

        Assert.Equal(ReportOutcome.Created, outcome);
        Assert.Null(error);
        var reported = Assert.IsType<IncidentReported>(Assert.Single(events));
        Assert.Equal(IncidentId, reported.IncidentId);
        Assert.Equal(Force.Hertfordshire, reported.Force);
        Assert.Equal(AnIncident.Reference, reported.ForceReference);
        Assert.Same(command.Details, reported.Details);
        Assert.Equal("herts-crime-system", reported.ReportedBy);
        Assert.Equal(AnIncident.Now, reported.ReportedAt);
    }

    [Fact]
    public void Given_a_reported_incident_When_the_same_content_is_pushed_again_Then_it_is_unchanged_and_nothing_is_written()
    {
        var current = AnIncident.From(AnIncident.Reported(AnIncident.Report()));

        var (outcome, events, error) = Incident.Decide(current, AnIncident.Report().Pushed());

        Assert.Equal(ReportOutcome.Unchanged, outcome);
        Assert.Empty(events);
        Assert.Null(error);
    }

    [Fact]
    public void Given_a_reported_incident_When_the_same_content_is_pushed_in_other_spellings_Then_it_is_unchanged()
    {
        var current = AnIncident.From(AnIncident.Reported(AnIncident.Report()));
        var respelled = AnIncident.Report().WithPhones("447700900123")
            .WithCouriers(AnIncident.ACourier() with { VehicleRegistration = "AB12CDE", PncId = "19/12345A" });

        var (outcome, events, _) = Incident.Decide(current, respelled.Pushed());

        Assert.Equal(ReportOutcome.Unchanged, outcome);
        Assert.Empty(events);
    }

    [Fact]
    public void Given_a_reported_incident_When_different_content_is_pushed_Then_it_is_amended_with_the_new_content()
    {
        var current = AnIncident.From(AnIncident.Reported(AnIncident.Report()));
        var command = AnIncident.Report().WithPhones("07700 900123", "07700 900456").Pushed();

        var (outcome, events, error) = Incident.Decide(current, command);

        Assert.Equal(ReportOutcome.Amended, outcome);
        Assert.Null(error);
        var amended = Assert.IsType<IncidentAmended>(Assert.Single(events));
        Assert.Equal(IncidentId, amended.IncidentId);
        Assert.Same(command.Details, amended.Details);
        Assert.Equal("herts-crime-system", amended.AmendedBy);
        Assert.Equal(AnIncident.Now, amended.AmendedAt);
    }

    [Fact]
    public void Given_an_amended_incident_When_the_original_content_is_pushed_again_Then_it_is_amended_back()
    {
        var original = AnIncident.Report();
        var changed = original with { VictimAgeBand = "90+" };
        var current = AnIncident.From(AnIncident.Reported(original), new IncidentAmended(IncidentId, changed.Validated(), "herts-crime-system", AnIncident.Now));

        var (outcome, events, _) = Incident.Decide(current, original.Pushed());

        Assert.Equal(ReportOutcome.Amended, outcome);
        Assert.IsType<IncidentAmended>(Assert.Single(events));
    }

    [Fact]
    public void Given_an_amended_incident_When_the_amended_content_is_pushed_again_Then_it_is_unchanged()
    {
        var changed = AnIncident.Report() with { VictimAgeBand = "90+" };
        var current = AnIncident.From(AnIncident.Reported(AnIncident.Report()), new IncidentAmended(IncidentId, changed.Validated(), "herts-crime-system", AnIncident.Now));

        var (outcome, events, _) = Incident.Decide(current, changed.Pushed());

        Assert.Equal(ReportOutcome.Unchanged, outcome);
        Assert.Empty(events);
    }

    [Fact]
    public void Given_a_retracted_incident_When_different_content_is_pushed_Then_it_is_refused_as_retracted_and_nothing_is_written()
    {
        var current = AnIncident.From(
            AnIncident.Reported(AnIncident.Report()),
            new IncidentRetracted(IncidentId, "Reported in error.", "herts-crime-system", AnIncident.Now));

        var (outcome, events, error) = Incident.Decide(current, (AnIncident.Report() with { Summary = "Corrected." }).Pushed());

        Assert.Null(outcome);
        Assert.Empty(events);
        Assert.NotNull(error);
        Assert.Equal(UserErrorCodes.Retracted, error.Code);
        Assert.Equal(["forceReference"], error.Path);
    }

    [Fact]
    public void Given_a_retracted_incident_When_its_last_content_is_pushed_again_Then_the_retry_is_unchanged_and_nothing_is_written()
    {
        var current = AnIncident.From(
            AnIncident.Reported(AnIncident.Report()),
            new IncidentRetracted(IncidentId, "Reported in error.", "herts-crime-system", AnIncident.Now));

        var (outcome, events, error) = Incident.Decide(current, AnIncident.Report().Pushed());

        Assert.Equal(ReportOutcome.Unchanged, outcome);
        Assert.Empty(events);
        Assert.Null(error);
    }

    [Fact]
    public void Given_two_forces_with_the_same_reference_When_each_reports_it_Then_each_gets_its_own_incident()
    {
        var essexSystem = new Actor("essex-niche", Force.Essex);

        var (_, hertsEvents, _) = Incident.Decide(null, AnIncident.Report().Pushed());
        var (_, essexEvents, _) = Incident.Decide(null, AnIncident.Report().PushedBy(essexSystem, AnIncident.Now));

        var herts = Assert.IsType<IncidentReported>(Assert.Single(hertsEvents));
        var essex = Assert.IsType<IncidentReported>(Assert.Single(essexEvents));
        Assert.Equal(Force.Essex, essex.Force);
        Assert.Equal("essex-niche", essex.ReportedBy);
        Assert.NotEqual(herts.IncidentId, essex.IncidentId);
    }
}
