using ErsouIntel.Domain;
using ErsouIntel.Domain.Incidents;
using ErsouIntel.Domain.Links;

namespace ErsouIntel.Api.Tests.Links;

/// <summary>
/// One starting state: an Essex and a Norfolk incident share a number and a courier; two Essex incidents
/// share another number and a car that no other force has seen.
/// </summary>
public sealed class ANumberAcrossTwoForces : LinkGraphStore
{
    public const string Shared = "+447700900201";
    public const string EssexOnly = "+447700900202";

    public static readonly IncidentDetails EssexOne = Details([Shared, EssexOnly], [Courier("Ada Crane", "AC11AAA")]);
    public static readonly IncidentDetails EssexTwo = Details([EssexOnly], [Courier("Bo Lind", "AC11AAA")]);
    public static readonly IncidentDetails NorfolkOne = Details([Shared], [Courier("Ada Crane")]);

    protected override async Task SeedAsync()
    {
        await PushesAsync(Force.Essex, ("EX/X/1", EssexOne), ("EX/X/2", EssexTwo));
        await ReportsAsync(Force.Norfolk, "NK/X/1", NorfolkOne);
    }
}

public sealed class CrossForceMatchTests(ANumberAcrossTwoForces graph) : IClassFixture<ANumberAcrossTwoForces>
{
    [Fact]
    public async Task A_number_two_forces_reported_is_a_match_holding_both_forces_and_incidents()
    {
        Assert.Equal(["PHONE | +447700900201 | ∅ | ESSEX,NORFOLK | EX/X/1,NK/X/1"], await graph.MatchesOfAsync("PHONE", ANumberAcrossTwoForces.Shared));
    }

    [Fact]
    public async Task A_courier_two_forces_named_with_the_same_date_of_birth_is_a_match()
    {
        Assert.Equal(["COURIER | name-dob:ADA CRANE|1990-01-01 | ∅ | ESSEX,NORFOLK | EX/X/1,NK/X/1"], await graph.MatchesOfAsync("COURIER", "name-dob:ADA CRANE|1990-01-01"));
    }

    [Fact]
    public async Task A_number_and_a_car_only_one_force_reported_make_no_match_however_many_incidents_carry_them()
    {
        Assert.Empty(await graph.MatchesOfAsync("PHONE", ANumberAcrossTwoForces.EssexOnly));
        Assert.Empty(await graph.MatchesOfAsync("VEHICLE", "AC11AAA"));
    }

    [Fact]
    public async Task The_matches_are_the_ones_the_domain_rule_names()
    {
        LinkedIncident[] incidents =
        [
            new(Incident.IdFor(Force.Essex, "EX/X/1"), Force.Essex, ANumberAcrossTwoForces.EssexOne, false),
            new(Incident.IdFor(Force.Essex, "EX/X/2"), Force.Essex, ANumberAcrossTwoForces.EssexTwo, false),
            new(Incident.IdFor(Force.Norfolk, "NK/X/1"), Force.Norfolk, ANumberAcrossTwoForces.NorfolkOne, false),
        ];
        var references = new Dictionary<Guid, string>
        {
            [incidents[0].Id] = "EX/X/1",
            [incidents[1].Id] = "EX/X/2",
            [incidents[2].Id] = "NK/X/1",
        };

        Assert.Equal(LinkGraphStore.Expected(MatchRule.AcrossForces(incidents), references), await graph.MatchesAsync());
    }
}
