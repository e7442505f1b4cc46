using ErsouIntel.Domain.Incidents;

namespace ErsouIntel.Domain.Tests.Incidents;

public sealed class IncidentStateTests
{
    private static readonly Guid IncidentId = Incident.IdFor(Force.Hertfordshire, AnIncident.Reference);

    [Fact]
    public void Given_an_incident_reported_event_When_evolved_Then_the_incident_is_at_version_1_and_not_retracted()
    {
        var reported = AnIncident.Reported(AnIncident.Report());

        var incident = AnIncident.From(reported);

        Assert.NotNull(incident);
        Assert.Equal(IncidentId, incident.Id);
        Assert.Equal(Force.Hertfordshire, incident.Force);
        Assert.Equal(AnIncident.Reference, incident.ForceReference);
        Assert.Same(reported.Details, incident.Details);
        Assert.Equal(reported.Details.Fingerprint(), incident.Fingerprint);
        Assert.Equal(reported.ReportedAt, incident.ReportedAt);
        Assert.False(incident.Retracted);
        Assert.Equal(1, incident.Version);
    }

    [Fact]
    public void Given_a_reported_incident_When_an_amendment_is_evolved_Then_it_holds_the_new_content_and_keeps_when_it_was_first_reported()
    {
        var reported = AnIncident.Reported(AnIncident.Report());
        var newDetails = (AnIncident.Report() with { VictimAgeBand = "90+" }).Validated();

        var incident = AnIncident.From(reported, new IncidentAmended(IncidentId, newDetails, "herts-crime-system", AnIncident.Now));

        Assert.NotNull(incident);
        Assert.Same(newDetails, incident.Details);
        Assert.Equal(newDetails.Fingerprint(), incident.Fingerprint);
        Assert.NotEqual(reported.Details.Fingerprint(), incident.Fingerprint);
        Assert.Equal(reported.ReportedAt, incident.ReportedAt);
        Assert.Equal(2, incident.Version);
    }

    [Fact]
    public void Given_a_reported_incident_When_a_retraction_is_evolved_Then_it_is_retracted_with_its_content_kept()
    {
        var reported = AnIncident.Reported(AnIncident.Report());

        var incident = AnIncident.From(reported, new IncidentRetracted(IncidentId, "Reported in error.", "herts-crime-system", AnIncident.Now));

        Assert.NotNull(incident);
        Assert.True(incident.Retracted);
        Assert.Same(reported.Details, incident.Details);
        Assert.Equal(2, incident.Version);
    }

    [Fact]
    public void Given_no_incident_When_an_amendment_or_retraction_is_evolved_Then_there_is_still_no_incident()
    {
        var details = AnIncident.Report().Validated();

        Assert.Null(AnIncident.From(new IncidentAmended(IncidentId, details, "x", AnIncident.Now)));
        Assert.Null(AnIncident.From(new IncidentRetracted(IncidentId, "r", "x", AnIncident.Now)));
    }

    [Fact]
    public void Given_an_incident_When_an_event_of_another_kind_is_evolved_Then_it_is_unchanged()
    {
        var incident = AnIncident.From(AnIncident.Reported(AnIncident.Report()));

        Assert.Same(incident, Incident.Evolve(incident, new object()));
    }

    [Fact]
    public void Given_a_force_and_reference_When_the_id_is_derived_twice_Then_it_is_the_same_id()
    {
        Assert.Equal(Incident.IdFor(Force.Essex, "EX-1"), Incident.IdFor(Force.Essex, "EX-1"));
    }

    [Fact]
    public void Given_the_same_reference_in_two_forces_When_ids_are_derived_Then_they_differ()
    {
        Assert.NotEqual(Incident.IdFor(Force.Essex, "EX-1"), Incident.IdFor(Force.Suffolk, "EX-1"));
    }

    [Fact]
    public void Given_two_references_in_one_force_When_ids_are_derived_Then_they_differ()
    {
        Assert.NotEqual(Incident.IdFor(Force.Essex, "EX-1"), Incident.IdFor(Force.Essex, "EX-2"));
    }

    [Fact]
    public void Given_every_force_When_ids_are_derived_for_one_reference_Then_all_six_differ()
    {
        Assert.Equal(6, Forces.All.Select(f => Incident.IdFor(f, "REF-1")).Distinct().Count());
    }

    [Fact]
    public void Given_a_derived_id_When_read_as_a_UUID_Then_it_is_version_8_of_the_RFC_variant()
    {
        var id = Incident.IdFor(Force.Norfolk, "NK/1");

        Assert.Equal(8, id.Version);
        Assert.Equal(0x8, id.ToByteArray(bigEndian: true)[8] >> 4 & 0xC);
    }
}
