using ErsouIntel.Domain;

namespace ErsouIntel.Api.Tests.Links;

/// <summary>Writers of different forces committing at the same moment, on the same numbers, through the store's own sessions.</summary>
public sealed class ConcurrentWritersTests(EmptyLinkGraph graph) : IClassFixture<EmptyLinkGraph>
{
    private const int Rounds = 12;

    [Fact]
    public async Task Two_forces_reporting_one_number_at_once_always_make_one_match_holding_both()
    {
        for (var round = 0; round < Rounds; round++)
        {
            var number = $"+4477009004{round:D2}";
            await using var essex = graph.Store.LightweightSession(Force.Essex.TenantId());
            await using var norfolk = graph.Store.LightweightSession(Force.Norfolk.TenantId());
            await LinkGraphStore.StageAsync(essex, Force.Essex, ($"EX/C/{round}", LinkGraphStore.Details([number])));
            await LinkGraphStore.StageAsync(norfolk, Force.Norfolk, ($"NK/C/{round}", LinkGraphStore.Details([number])));

            await Task.WhenAll(essex.SaveChangesAsync(), norfolk.SaveChangesAsync());

            // Each writer alone sees one force; neither may leave the number unmatched, nor drop the other's incident.
            Assert.Equal([$"PHONE | {number} | ∅ | ESSEX,NORFOLK | EX/C/{round},NK/C/{round}"], await graph.MatchesOfAsync("PHONE", number));
        }
    }

    [Fact]
    public async Task Writers_sharing_numbers_in_opposite_orders_both_commit_and_every_number_matches()
    {
        for (var round = 0; round < Rounds; round++)
        {
            var first = $"+4477009005{round:D2}";
            var second = $"+4477009006{round:D2}";
            await using var suffolk = graph.Store.LightweightSession(Force.Suffolk.TenantId());
            await using var essex = graph.Store.LightweightSession(Force.Essex.TenantId());
            await LinkGraphStore.StageAsync(suffolk, Force.Suffolk, ($"SK/O/{round}/a", LinkGraphStore.Details([first])), ($"SK/O/{round}/b", LinkGraphStore.Details([second])));
            await LinkGraphStore.StageAsync(essex, Force.Essex, ($"EX/O/{round}/a", LinkGraphStore.Details([second])), ($"EX/O/{round}/b", LinkGraphStore.Details([first])));

            // A deadlock would fail one of the two commits.
            await Task.WhenAll(suffolk.SaveChangesAsync(), essex.SaveChangesAsync());

            Assert.Equal([$"PHONE | {first} | ∅ | ESSEX,SUFFOLK | EX/O/{round}/b,SK/O/{round}/a"], await graph.MatchesOfAsync("PHONE", first));
            Assert.Equal([$"PHONE | {second} | ∅ | ESSEX,SUFFOLK | EX/O/{round}/a,SK/O/{round}/b"], await graph.MatchesOfAsync("PHONE", second));
        }
    }
}
