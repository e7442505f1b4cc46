using ErsouIntel.Domain;

namespace ErsouIntel.Api.Tests.Links;

/// <summary>
/// One starting state: an Essex case is open with an Essex incident attached (two numbers on it); another Essex
/// case was closed with an incident of its own attached (a third number).
/// </summary>
public sealed class AnOpenCaseAndAClosedOne : LinkGraphStore
{
    public const string OnTheCase = "+447700900701";
    public const string AlsoOnTheCase = "+447700900702";
    public const string OnTheClosedCase = "+447700900703";

    public Guid OpenCase { get; private set; }

    public Guid ClosedCase { get; private set; }

    protected override async Task SeedAsync()
    {
        await ReportsAsync(Force.Essex, "EX/K/1", Details([OnTheCase, AlsoOnTheCase]));
        await ReportsAsync(Force.Essex, "EX/K/9", Details([OnTheClosedCase]));
        OpenCase = await OpensCaseAsync(Force.Essex, "OP-OPEN", (Force.Essex, "EX/K/1"));
        ClosedCase = await OpensCaseAsync(Force.Essex, "OP-CLOSED", (Force.Essex, "EX/K/9"));
        await ClosesCaseAsync(Force.Essex, ClosedCase);
    }
}

public sealed class MatchesOntoOpenCasesTests(AnOpenCaseAndAClosedOne graph) : IClassFixture<AnOpenCaseAndAClosedOne>
{
    [Fact]
    public async Task Another_force_reporting_a_number_on_an_open_case_matches_it_onto_the_case_and_across_forces()
    {
        await graph.ReportsAsync(Force.Norfolk, "NK/K/1", LinkGraphStore.Details([AnOpenCaseAndAClosedOne.OnTheCase]));

        Assert.Equal(
            [
                $"PHONE | {AnOpenCaseAndAClosedOne.OnTheCase} | {graph.OpenCase} | ESSEX,NORFOLK | EX/K/1,NK/K/1",
                $"PHONE | {AnOpenCaseAndAClosedOne.OnTheCase} | ∅ | ESSEX,NORFOLK | EX/K/1,NK/K/1",
            ],
            await graph.MatchesOfAsync("PHONE", AnOpenCaseAndAClosedOne.OnTheCase));
    }

    [Fact]
    public async Task The_cases_own_force_reporting_a_number_on_it_is_matched_onto_the_case_with_no_match_across_forces()
    {
        await graph.ReportsAsync(Force.Essex, "EX/K/2", LinkGraphStore.Details([AnOpenCaseAndAClosedOne.AlsoOnTheCase]));

        Assert.Equal(
            [$"PHONE | {AnOpenCaseAndAClosedOne.AlsoOnTheCase} | {graph.OpenCase} | ESSEX | EX/K/1,EX/K/2"],
            await graph.MatchesOfAsync("PHONE", AnOpenCaseAndAClosedOne.AlsoOnTheCase));
    }

    [Fact]
    public async Task A_number_on_a_closed_case_matches_only_across_forces()
    {
        await graph.ReportsAsync(Force.Suffolk, "SK/K/1", LinkGraphStore.Details([AnOpenCaseAndAClosedOne.OnTheClosedCase]));

        Assert.Equal(
            [$"PHONE | {AnOpenCaseAndAClosedOne.OnTheClosedCase} | ∅ | ESSEX,SUFFOLK | EX/K/9,SK/K/1"],
            await graph.MatchesOfAsync("PHONE", AnOpenCaseAndAClosedOne.OnTheClosedCase));
    }
}
