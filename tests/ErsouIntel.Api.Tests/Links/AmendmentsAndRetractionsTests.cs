using ErsouIntel.Domain;

namespace ErsouIntel.Api.Tests.Links;

/// <summary>
/// One starting state, three times over (one copy per test, each its own number): incidents of Essex, Norfolk
/// and Suffolk carry the same number, a match of three forces.
/// </summary>
public sealed class ThreeForcesShareANumber : LinkGraphStore
{
    public static readonly string[] Numbers = ["+447700900301", "+447700900302", "+447700900303"];

    protected override async Task SeedAsync()
    {
        foreach (var (number, n) in Numbers.Select((number, n) => (number, n + 1)))
        {
            await ReportsAsync(Force.Essex, $"EX/S/{n}", Details([number]));
            await ReportsAsync(Force.Norfolk, $"NK/S/{n}", Details([number]));
            await ReportsAsync(Force.Suffolk, $"SK/S/{n}", Details([number]));
        }
    }
}

public sealed class AmendmentsAndRetractionsTests(ThreeForcesShareANumber graph) : IClassFixture<ThreeForcesShareANumber>
{
    [Fact]
    public async Task An_amendment_that_drops_the_number_takes_its_force_and_incident_out_of_the_match()
    {
        var number = ThreeForcesShareANumber.Numbers[0];
        Assert.Equal([$"PHONE | {number} | ∅ | ESSEX,NORFOLK,SUFFOLK | EX/S/1,NK/S/1,SK/S/1"], await graph.MatchesOfAsync("PHONE", number));

        await graph.AmendsAsync(Force.Suffolk, "SK/S/1", LinkGraphStore.Details(["+447700900399"]));

        Assert.Equal([$"PHONE | {number} | ∅ | ESSEX,NORFOLK | EX/S/1,NK/S/1"], await graph.MatchesOfAsync("PHONE", number));
    }

    [Fact]
    public async Task Amendments_that_leave_one_force_on_the_number_end_the_match()
    {
        var number = ThreeForcesShareANumber.Numbers[1];

        await graph.AmendsAsync(Force.Suffolk, "SK/S/2", LinkGraphStore.Details());
        await graph.AmendsAsync(Force.Norfolk, "NK/S/2", LinkGraphStore.Details());

        Assert.Empty(await graph.MatchesOfAsync("PHONE", number));
    }

    [Fact]
    public async Task A_retraction_takes_its_incident_and_force_out_and_a_second_one_ends_the_match()
    {
        var number = ThreeForcesShareANumber.Numbers[2];

        await graph.RetractsAsync(Force.Norfolk, "NK/S/3");
        Assert.Equal([$"PHONE | {number} | ∅ | ESSEX,SUFFOLK | EX/S/3,SK/S/3"], await graph.MatchesOfAsync("PHONE", number));

        await graph.RetractsAsync(Force.Essex, "EX/S/3");
        Assert.Empty(await graph.MatchesOfAsync("PHONE", number));
    }
}
