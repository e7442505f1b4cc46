using ErsouIntel.Api.Tests.Infrastructure;
using ErsouIntel.Domain;

namespace ErsouIntel.Api.Tests.Incidents;

/// <summary>Five Bedfordshire incidents a day apart, and an investigator paging through them.</summary>
public sealed class FiveIncidents : ServiceFixture
{
    protected override async Task SeedAsync()
    {
        var region = new Region(this);
        for (var day = 1; day <= 5; day++)
        {
            await region.ReportedAsync(Force.Bedfordshire, AnIncident.Courier($"BD/PAGE/{day}", occurredAt: $"2024-03-0{day}T10:00:00Z"));
        }
    }
}

public sealed class PagingTests(FiveIncidents service) : IClassFixture<FiveIncidents>
{
    private readonly Region region = new(service);
    private static readonly TestCaller Investigator = TestCaller.Investigator(Force.Bedfordshire);

    [Fact]
    public async Task Pages_walk_the_list_newest_first_without_gaps_or_repeats()
    {
        var seen = new List<string>();
        string? after = null;
        var pages = 0;
        do
        {
            var page = (await region.ReadsAsync(Investigator, ContractOperations.Incidents, new { first = 2, after }))["incidents"]!;
            seen.AddRange(page["edges"]!.AsArray().Select(e => e!["node"]!["forceReference"]!.GetValue<string>()));
            after = page["pageInfo"]!["hasNextPage"]!.GetValue<bool>() ? page["pageInfo"]!["endCursor"]!.GetValue<string>() : null;
            pages++;
        }
        while (after is not null);

        Assert.Equal(3, pages);
        Assert.Equal(["BD/PAGE/5", "BD/PAGE/4", "BD/PAGE/3", "BD/PAGE/2", "BD/PAGE/1"], seen);
    }

    [Fact]
    public async Task A_filter_on_dates_narrows_the_list()
    {
        var page = (await region.ReadsAsync(Investigator, ContractOperations.Incidents, new { filter = new { occurredFrom = "2024-03-02T00:00:00Z", occurredTo = "2024-03-03T23:59:59Z" } }))["incidents"]!;

        Assert.Equal(["BD/PAGE/3", "BD/PAGE/2"], page["edges"]!.AsArray().Select(e => e!["node"]!["forceReference"]!.GetValue<string>()));
    }

    [Theory]
    [InlineData(201, null)]
    [InlineData(-1, null)]
    [InlineData(10, "not-a-cursor")]
    public async Task Page_sizes_over_200_and_foreign_cursors_are_clear_input_errors(int first, string? after)
    {
        var answer = await region.AsksAsync(Investigator, ContractOperations.Incidents, new { first, after });

        Assert.Equal("BAD_USER_INPUT", answer.FirstErrorCode);
    }

    [Fact]
    public async Task A_page_of_200_is_allowed()
    {
        var page = (await region.ReadsAsync(Investigator, ContractOperations.Incidents, new { first = 200 }))["incidents"]!;

        Assert.Equal(5, page["edges"]!.AsArray().Count);
        Assert.False(page["pageInfo"]!["hasNextPage"]!.GetValue<bool>());
    }
}
