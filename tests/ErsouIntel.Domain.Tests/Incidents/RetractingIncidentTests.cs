using ErsouIntel.Domain.Common;
using ErsouIntel.Domain.Incidents;

namespace ErsouIntel.Domain.Tests.Incidents;

public sealed class RetractingIncidentTests
{
    private static readonly Guid IncidentId = Incident.IdFor(Force.Hertfordshire, AnIncident.Reference);

    private static RetractIncident Retract(string reason) => new(reason, AnIncident.HertfordshireSystem, AnIncident.Now);

    private static Incident Reported() => AnIncident.From(AnIncident.Reported(AnIncident.Report()))!;

    [Fact]
    public void Given_no_incident_with_that_reference_When_retracted_Then_it_is_not_found_and_nothing_is_written()
    {
        var (events, error) = Incident.Decide(null, Retract("Reported in error."));

        Assert.Empty(events);
        Assert.NotNull(error);
        Assert.Equal(UserErrorCodes.NotFound, error.Code);
        Assert.Equal(["forceReference"], error.Path);
    }

    [Fact]
    public void Given_a_reported_incident_When_retracted_with_a_reason_Then_the_retraction_is_recorded_with_who_and_when()
    {
        var (events, error) = Incident.Decide(Reported(), Retract("  Duplicate of HC/2025/0002.  "));

        Assert.Null(error);
        Assert.Equal(
            new IncidentRetracted(IncidentId, "Duplicate of HC/2025/0002.", "herts-crime-system", AnIncident.Now),
            Assert.Single(events));
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public void Given_a_reported_incident_When_retracted_without_a_reason_Then_a_reason_is_required(string reason)
    {
        var (events, error) = Incident.Decide(Reported(), Retract(reason));

        Assert.Empty(events);
        Assert.NotNull(error);
        Assert.Equal(UserErrorCodes.Required, error.Code);
        Assert.Equal(["reason"], error.Path);
    }

    [Fact]
    public void Given_a_reported_incident_When_retracted_with_a_reason_over_1000_characters_Then_the_reason_is_too_long()
    {
        var (events, error) = Incident.Decide(Reported(), Retract(new string('r', 1001)));

        Assert.Empty(events);
        Assert.NotNull(error);
        Assert.Equal(UserErrorCodes.TooLong, error.Code);
        Assert.Equal(["reason"], error.Path);
    }

    [Fact]
    public void Given_a_reported_incident_When_retracted_with_a_1000_character_reason_between_spaces_Then_it_fits_once_trimmed()
    {
        var (events, error) = Incident.Decide(Reported(), Retract("  " + new string('r', 1000) + "  "));

        Assert.Null(error);
        Assert.Equal(1000, Assert.IsType<IncidentRetracted>(Assert.Single(events)).Reason.Length);
    }

    [Fact]
    public void Given_a_retracted_incident_When_retracted_again_Then_nothing_more_is_written_and_no_error_is_given()
    {
        var retracted = AnIncident.From(
            AnIncident.Reported(AnIncident.Report()),
            new IncidentRetracted(IncidentId, "Reported in error.", "herts-crime-system", AnIncident.Now.AddMinutes(-5)));

        var (events, error) = Incident.Decide(retracted, Retract("Reported in error."));

        Assert.Empty(events);
        Assert.Null(error);
    }
}
