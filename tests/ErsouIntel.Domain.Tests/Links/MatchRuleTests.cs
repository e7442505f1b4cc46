using ErsouIntel.Domain.Incidents;
using ErsouIntel.Domain.Links;

namespace ErsouIntel.Domain.Tests.Links;

public sealed class MatchRuleTests
{
    private const string Number = "+447700900123";

    private static LinkedIncident AnIncident(Force force, string reference, string[]? phones = null, CourierSighting[]? couriers = null, bool retracted = false) =>
        new(Incident.IdFor(force, reference), force, Details(phones ?? [], couriers ?? []), retracted);

    internal static IncidentDetails Details(string[] phones, CourierSighting[] couriers, SuspectSighting[]? suspects = null) =>
        new(new DateTimeOffset(2025, 3, 1, 10, 0, 0, TimeSpan.Zero), IncidentCategory.CourierFraud, null, [], null, null, null,
            [.. phones.Select(p => new IncidentPhone(p, PhoneRole.Caller))], couriers, suspects ?? [],
            new Grading(SourceEvaluation.Reliable, IntelligenceAssessment.A, HandlingCode.P, null));

    [Fact]
    public void Given_one_number_on_incidents_of_one_force_When_matched_Then_there_is_no_match()
    {
        var matches = MatchRule.AcrossForces([AnIncident(Force.Essex, "EX/1", [Number]), AnIncident(Force.Essex, "EX/2", [Number])]);

        Assert.Empty(matches);
    }

    [Fact]
    public void Given_one_number_on_incidents_of_two_forces_When_matched_Then_the_number_is_a_match_holding_both_forces_and_all_its_incidents()
    {
        var essex1 = AnIncident(Force.Essex, "EX/1", [Number]);
        var essex2 = AnIncident(Force.Essex, "EX/2", [Number]);
        var norfolk = AnIncident(Force.Norfolk, "NK/1", [Number]);

        var match = Assert.Single(MatchRule.AcrossForces([norfolk, essex1, essex2]));

        Assert.Equal(new LinkNode("PHONE", Number), match.Node);
        Assert.Equal([Force.Essex, Force.Norfolk], match.Forces);
        Assert.Equal(new[] { essex1.Id, essex2.Id, norfolk.Id }.Order(), match.Incidents);
    }

    [Fact]
    public void Given_a_match_of_two_forces_When_one_incident_is_retracted_Then_the_match_is_gone()
    {
        var matches = MatchRule.AcrossForces([AnIncident(Force.Essex, "EX/1", [Number]), AnIncident(Force.Norfolk, "NK/1", [Number], retracted: true)]);

        Assert.Empty(matches);
    }

    [Fact]
    public void Given_a_courier_with_a_pnc_id_and_a_name_with_a_date_of_birth_When_noded_Then_each_key_and_the_car_are_nodes()
    {
        var incident = AnIncident(Force.Essex, "EX/1", couriers: [new CourierSighting("Kai Stone", new DateOnly(1999, 1, 1), null, "KA11AAA", "19/1A")]);

        var nodes = MatchRule.NodesOf(incident.Id, incident.Details);

        Assert.Equal(
            [new LinkNode("VEHICLE", "KA11AAA"), new LinkNode("COURIER", "pnc:19/1A"), new LinkNode("COURIER", "name-dob:KAI STONE|1999-01-01")],
            nodes);
    }

    [Fact]
    public void Given_two_forces_each_with_a_courier_without_keys_When_matched_Then_the_sightings_join_nothing()
    {
        CourierSighting unnamed = new(null, null, "tall, grey hoodie", null, null);

        var matches = MatchRule.AcrossForces([AnIncident(Force.Essex, "EX/1", couriers: [unnamed]), AnIncident(Force.Norfolk, "NK/1", couriers: [unnamed])]);

        Assert.Empty(matches);
    }

    [Fact]
    public void Given_a_courier_and_a_suspect_with_the_same_key_on_two_forces_When_matched_Then_courier_and_suspect_stay_apart()
    {
        var essex = AnIncident(Force.Essex, "EX/1", couriers: [new CourierSighting("Kai Stone", null, null, null, "19/1A")]);
        var norfolk = new LinkedIncident(Incident.IdFor(Force.Norfolk, "NK/1"), Force.Norfolk, Details([], [], [new SuspectSighting("Kai Stone", null, "19/1A", [])]), false);

        Assert.Empty(MatchRule.AcrossForces([essex, norfolk]));
    }
}
