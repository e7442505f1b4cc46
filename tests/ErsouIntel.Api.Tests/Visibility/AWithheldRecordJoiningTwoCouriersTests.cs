using ErsouIntel.Api.Tests.Infrastructure;
using ErsouIntel.Domain;
using static ErsouIntel.Api.Tests.Visibility.RegionWhereAWithheldRecordJoinsTwoCouriers;

namespace ErsouIntel.Api.Tests.Visibility;

/// <summary>
/// That the named courier and the PNC-only courier are one person is known only from Essex's
/// C record; to anyone who may not read it, that record must add nothing, the join included.
/// </summary>
public sealed class AWithheldRecordJoiningTwoCouriersTests(RegionWhereAWithheldRecordJoinsTwoCouriers seeded) : IClassFixture<RegionWhereAWithheldRecordJoinsTwoCouriers>
{
    private readonly Region region = seeded.Region;

    [Theory]
    [MemberData(nameof(Matrix.Caller), MemberType = typeof(Matrix))]
    public async Task A_courier_known_by_PNC_ID_only_is_not_named_from_a_withheld_record(Force caller)
    {
        var incident = (await region.ReadsAsync(TestCaller.Investigator(caller), ContractOperations.Incident, new { id = seeded.IdOf(ByPncOnly) }))["incident"]!;

        var name = incident["couriers"]!.AsArray().Single()!["name"]?.GetValue<string>();
        var expected = Joining.IsVisibleTo(caller) ? "Sam Cole" : null;
        Assert.True(name == expected, $"A {caller} investigator reading {ByPncOnly.Reference} saw its PNC-only courier named \"{name}\"; only {Joining.Reference} (C) gives a name.");
    }

    [Theory]
    [MemberData(nameof(Matrix.Caller), MemberType = typeof(Matrix))]
    public async Task Two_couriers_are_not_shown_as_one_on_the_word_of_a_withheld_record(Force caller)
    {
        var links = (await region.ReadsAsync(TestCaller.Investigator(caller), ContractOperations.LinkedCouriers, new { phone = HertfordshirePhone, hops = 1 }))["linkedCouriers"]!.AsArray();

        var courier = links.Single()!["courier"];
        Assert.NotNull(courier);
        var expected = Joining.IsVisibleTo(caller) ? [Named, ByPncOnly, Joining] : new[] { Named };
        Assert.True(
            Read.Sorted(expected.Select(i => i.Reference)).SequenceEqual(Read.Texts(courier["incidents"], "forceReference")),
            $"A {caller} investigator was shown the courier of {Named.Reference} on these incidents: {courier["incidents"]!.ToJsonString()}");
    }
}
