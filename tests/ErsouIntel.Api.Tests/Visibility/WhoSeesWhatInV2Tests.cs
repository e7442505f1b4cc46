using ErsouIntel.Api.Tests.Audit;
using ErsouIntel.Api.Tests.Infrastructure;
using ErsouIntel.Domain;
using static ErsouIntel.Api.Tests.Visibility.RegionWithWithheldRecords;

namespace ErsouIntel.Api.Tests.Visibility;

/// <summary>
/// The contract's table "Who sees what in v2", row by row, over the matrix's region: each link
/// question started from, or finding, each of the four records, asked by an investigator of each of
/// the three forces. A record the caller may not see is a pointer where it is reached by an
/// identifier, and answers exactly as nothing where it is asked for by a service id.
/// </summary>
public sealed class WhoSeesWhatInV2Tests(RegionWithWithheldRecords seeded) : IClassFixture<RegionWithWithheldRecords>
{
    private readonly Region region = seeded.Region;

    private const string NodeQuery =
        """
        query Node($id: ID!, $purpose: Purpose!, $why: String!) {
          access(purpose: $purpose, justification: $why) { node(id: $id) { id __typename } }
        }
        """;

    [Theory]
    [MemberData(nameof(Matrix.CallerRecordForceAndHandling), MemberType = typeof(Matrix))]
    public async Task Node_and_a_walk_from_an_incident_by_id_give_it_in_full_or_answer_as_an_unknown_id(Force caller, Force owner, string handling)
    {
        var record = Seeded(owner, handling);
        var investigator = TestCaller.Investigator(caller);
        var who = $"A {caller} investigator starting from {record.Reference}";
        var id = seeded.IdOf(record);
        var unknownId = Guid.NewGuid().ToString();

        foreach (var (name, ask) in new (string, Func<string, Task<GraphQLAnswer>>)[]
        {
            ("node", asked => region.Service.PostAsAsync(investigator, NodeQuery, new { id = asked, purpose = "INVESTIGATION", why = Region.Why })),
            ("couriersLinkedTo", asked => region.AsksAsync(investigator, "CouriersLinkedTo", new { entity = new { kind = "INCIDENT", key = asked }, hops = 1 })),
        })
        {
            GraphQLAnswer answer = null!;
            var entries = await seeded.LoggedWhileAsync(async () => answer = await ask(id));
            if (!record.IsVisibleTo(caller))
            {
                GraphQLAnswer unknown = null!;
                var unknownEntries = await seeded.LoggedWhileAsync(async () => unknown = await ask(unknownId));
                Read.AnswersAlike(unknown, answer, $"{who} ({name})");
                Assert.Equal(unknownEntries.Select(e => e.Kind), entries.Select(e => e.Kind));
                Assert.Contains(new NamedRecord("Incident", id, owner.TenantId()), AccessLogSteps.OneOf(entries, "REFUSED").Records);
                continue;
            }

            Assert.True(answer.Errors is null, $"{who} ({name}): {answer}");
            Assert.DoesNotContain(entries, e => e.Kind == "REFUSED");
            if (name == "node")
            {
                Assert.Equal(("Incident", id), (answer.Data!["access"]!["node"]!["__typename"]!.GetValue<string>(), answer.Data!["access"]!["node"]!["id"]!.GetValue<string>()));
            }
            else
            {
                // Daniel is on every record; on a C record a second courier of its own.
                Assert.Equal(record.Couriers.Count, answer.Data!["access"]!["couriersLinkedTo"]!["totalCount"]!.GetValue<int>());
            }
        }
    }

    [Theory]
    [MemberData(nameof(Matrix.CallerRecordForceAndHandling), MemberType = typeof(Matrix))]
    public async Task Search_by_force_reference_finds_the_record_or_its_pointer_and_nothing_of_its_contents(Force caller, Force owner, string handling)
    {
        var record = Seeded(owner, handling);
        var hits = (await region.ReadsAsync(TestCaller.Investigator(caller), "Search", new { text = record.Reference }))["search"]!.AsArray();

        var node = Assert.Single(hits, h => h!["node"]!["id"]!.GetValue<string>() == seeded.IdOf(record))!["node"]!;
        Assert.Equal("INCIDENT", node["kind"]!.GetValue<string>());
        if (record.IsVisibleTo(caller))
        {
            Assert.Equal((false, record.Reference), (node["withheld"]!.GetValue<bool>(), node["label"]!.GetValue<string>()));
            Assert.True(node["degree"]!.GetValue<int>() > 0);
        }
        else
        {
            Assert.Equal((true, $"{owner.TenantId()} {record.Reference}", 0), (node["withheld"]!.GetValue<bool>(), node["label"]!.GetValue<string>(), node["degree"]!.GetValue<int>()));
            Assert.Equal($"{owner.TenantId()} {record.Reference} C", string.Join(" ", node["pointer"]!["force"]!.GetValue<string>(), node["pointer"]!["forceReference"]!.GetValue<string>(), node["pointer"]!["handling"]!.GetValue<string>()));
        }
    }

    [Theory]
    [MemberData(nameof(Matrix.Caller), MemberType = typeof(Matrix))]
    public async Task Names_are_found_only_in_records_seen_in_full(Force caller)
    {
        var investigator = TestCaller.Investigator(caller);

        foreach (var (person, owner) in new[] { (Liam, Force.Hertfordshire), (Mia, Force.Essex) })
        {
            var hits = (await region.ReadsAsync(investigator, "Search", new { text = person.Split(' ')[0].ToLowerInvariant() }))["search"]!.AsArray();
            var labels = hits.Select(h => h!["node"]!["label"]!.GetValue<string>()).ToList();
            Assert.True((caller == owner) == labels.Contains(person), $"A {caller} investigator searching '{person}' got [{string.Join(", ", labels)}]");
        }
    }

    [Theory]
    [MemberData(nameof(Matrix.Caller), MemberType = typeof(Matrix))]
    public async Task From_the_number_couriers_seen_only_in_withheld_records_are_withheld_links_and_their_order_says_nothing(Force caller)
    {
        var answer = (await region.ReadsAsync(TestCaller.Investigator(caller), "CouriersLinkedTo", new { entity = new { kind = "PHONE_NUMBER", key = Phone }, hops = 1 }))["couriersLinkedTo"]!;
        var links = answer["edges"]!.AsArray().Select(e => e!["node"]!).ToList();

        Assert.Equal(3, answer["totalCount"]!.GetValue<int>());
        // Names as each caller's newest record in full spells them: compared without case.
        var shown = links.Where(l => !l["withheld"]!.GetValue<bool>()).Select(l => l["courier"]!["name"]!.GetValue<string>().ToUpperInvariant()).ToList();
        var expected = new List<string> { Daniel };
        expected.AddRange(caller == Force.Hertfordshire ? [Liam] : caller == Force.Essex ? [Mia] : []);
        Assert.Equal(expected.Select(e => e.ToUpperInvariant()).Order(), shown.Order());
        // Withheld links come after every courier seen in full, carry no lastSeen, and name nobody.
        Assert.Equal(links.Select(l => l["withheld"]!.GetValue<bool>()).Order(), links.Select(l => l["withheld"]!.GetValue<bool>()));
        Assert.All(links.Where(l => l["withheld"]!.GetValue<bool>()), l => Assert.True(l["lastSeen"] is null && l["courier"] is null));
        var text = answer.ToJsonString();
        foreach (var leaked in new[] { Liam, Mia }.Where(p => !expected.Contains(p)))
        {
            Assert.DoesNotContain(leaked, text, StringComparison.OrdinalIgnoreCase);
        }
    }
}
