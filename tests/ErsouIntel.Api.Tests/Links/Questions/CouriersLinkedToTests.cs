using System.Text.Json.Nodes;
using ErsouIntel.Api.Tests.Audit;
using ErsouIntel.Api.Tests.Infrastructure;
using ErsouIntel.Domain;

namespace ErsouIntel.Api.Tests.Links.Questions;

/// <summary>
/// One number on four incidents of four forces, two of them C-graded (withheld from Bedfordshire),
/// and a car that leads one hop further:
/// <code>
///   number N ── HC/CL/1 (P, 2024-01, Amy, car AA11AAA) ── car ── HC/CL/5 (P, 2024-03, Eve)
///            ── EX/CL/2 (P, 2024-05, Bob)
///            ── NK/CL/3 (C, 2024-06, Cal)
///            ── SK/CL/4 (C, 2024-02, Dee)
/// </code>
/// </summary>
public class CouriersRegion : ServiceFixture
{
    public const string Number = "07700 900201";
    public const string AmyPnc = "19/12345A";

    public Dictionary<string, string> Ids { get; } = [];

    protected override async Task SeedAsync()
    {
        var region = new Region(this);
        Ids["HC/CL/1"] = await region.ReportedAsync(Force.Hertfordshire, AnIncident.Courier("HC/CL/1", phones: [Number], occurredAt: "2024-01-10T10:00:00Z",
            couriers: [AnIncident.CourierNamed("Amy Cole", "1990-01-01", "AA11 AAA", AmyPnc)]));
        Ids["EX/CL/2"] = await region.ReportedAsync(Force.Essex, AnIncident.Courier("EX/CL/2", phones: [Number], occurredAt: "2024-05-10T10:00:00Z",
            couriers: [AnIncident.CourierNamed("Bob Dunn", "1991-02-02")]));
        Ids["NK/CL/3"] = await region.ReportedAsync(Force.Norfolk, AnIncident.Courier("NK/CL/3", phones: [Number], occurredAt: "2024-06-10T10:00:00Z", handling: "C",
            couriers: [AnIncident.CourierNamed("Cal Ford", "1992-03-03")]));
        Ids["SK/CL/4"] = await region.ReportedAsync(Force.Suffolk, AnIncident.Courier("SK/CL/4", phones: [Number], occurredAt: "2024-02-10T10:00:00Z", handling: "C",
            couriers: [AnIncident.CourierNamed("Dee Gray", "1993-04-04")]));
        Ids["HC/CL/5"] = await region.ReportedAsync(Force.Hertfordshire, AnIncident.Courier("HC/CL/5", occurredAt: "2024-03-10T10:00:00Z",
            couriers: [AnIncident.CourierNamed("Eve Hart", "1994-05-05", "aa11aaa")]));
    }
}

public sealed class CouriersLinkedToTests(CouriersRegion region) : IClassFixture<CouriersRegion>
{
    private readonly Region scenario = new(region);
    private static readonly TestCaller Investigator = TestCaller.Investigator(Force.Bedfordshire);
    private const string Operation = "CouriersLinkedTo";

    private static object Phone(string number) => new { kind = "PHONE_NUMBER", key = number };

    private async Task<JsonNode> PageAsync(object entity, int? hops = null, int? first = null, string? after = null, TestCaller? caller = null) =>
        (await scenario.ReadsAsync(caller ?? Investigator, Operation, new { entity, hops, first, after }))["couriersLinkedTo"]!;

    /// <summary>Each edge as the test reads it: a courier's name, or the withheld link's pointers.</summary>
    private static List<string> Names(JsonNode connection) =>
        connection["edges"]!.AsArray().Select(e => Name(e!["node"]!)).ToList();

    private static string Name(JsonNode link) => link["withheld"]!.GetValue<bool>()
        ? "withheld " + string.Join(" ", link["pointers"]!.AsArray().Select(p => p!["forceReference"]!.GetValue<string>()))
        : link["courier"]!["name"]!.GetValue<string>();

    [Fact]
    public async Task From_a_number_couriers_come_nearest_first_then_newest_seen_then_withheld_by_pointer()
    {
        var answer = await PageAsync(Phone(CouriersRegion.Number));

        Assert.Equal(["Bob Dunn", "Amy Cole", "withheld NK/CL/3", "withheld SK/CL/4", "Eve Hart"], Names(answer));
        Assert.Equal([1, 1, 1, 1, 2], answer["edges"]!.AsArray().Select(e => e!["node"]!["hops"]!.GetValue<int>()));
        Assert.Equal((5, true), (answer["totalCount"]!.GetValue<int>(), answer["complete"]!.GetValue<bool>()));
        Assert.Equal("2024-05-10T10:00:00Z", answer["edges"]![0]!["node"]!["lastSeen"]!.GetValue<string>());
        var withheld = answer["edges"]![2]!["node"]!;
        Assert.Null(withheld["lastSeen"]);
        Assert.Null(withheld["courier"]);
    }

    [Fact]
    public async Task Pages_joined_are_the_whole_answer_and_linkedCouriers_lists_the_same_in_the_same_order()
    {
        var seen = new List<string>();
        string? after = null;
        var pages = 0;
        do
        {
            var page = await PageAsync(Phone(CouriersRegion.Number), first: 2, after: after);
            var info = page["pageInfo"]!;
            Assert.Equal(after is not null, info["hasPreviousPage"]!.GetValue<bool>());
            Assert.Equal(5, page["totalCount"]!.GetValue<int>());
            seen.AddRange(Names(page));
            after = info["hasNextPage"]!.GetValue<bool>() ? info["endCursor"]!.GetValue<string>() : null;
            pages++;
        }
        while (after is not null);

        Assert.Equal(3, pages);
        var all = (await scenario.ReadsAsync(Investigator, ContractOperations.LinkedCouriers, new { phone = CouriersRegion.Number, hops = 2 }))["linkedCouriers"]!.AsArray();
        Assert.Equal(all.Select(n => Name(n!)), seen);
    }

    [Fact]
    public async Task From_a_car_the_couriers_it_was_seen_with_are_one_hop_away()
    {
        var answer = await PageAsync(new { kind = "VEHICLE", key = "aa11 aaa" }, hops: 1);

        Assert.Equal(["Eve Hart", "Amy Cole"], Names(answer));
    }

    [Fact]
    public async Task From_a_courier_by_id_or_by_PNC_ID_that_courier_is_not_listed()
    {
        var amy = (await PageAsync(Phone(CouriersRegion.Number), hops: 1))["edges"]!.AsArray()
            .Single(e => e!["node"]!["courier"]?["name"]?.GetValue<string>() == "Amy Cole")!["node"]!["courier"]!["id"]!.GetValue<string>();

        var byId = await PageAsync(new { kind = "COURIER", key = amy });
        var byPnc = await PageAsync(new { kind = "COURIER", key = "2019/0012345a" });

        // Withheld links by their pointers: both pass Amy's HC/CL/1 (Hertfordshire sorts first), then Norfolk before Suffolk.
        Assert.Equal(["Bob Dunn", "Eve Hart", "withheld HC/CL/1 NK/CL/3", "withheld HC/CL/1 SK/CL/4"], Names(byId));
        Assert.Equal(Names(byId), Names(byPnc));
    }

    [Fact]
    public async Task From_an_incident_its_couriers_are_one_hop_away()
    {
        var answer = await PageAsync(new { kind = "INCIDENT", key = region.Ids["EX/CL/2"] }, hops: 2);

        Assert.Equal("Bob Dunn", Names(answer)[0]);
        Assert.Equal(1, answer["edges"]![0]!["node"]!["hops"]!.GetValue<int>());
        // Eve is three incidents away: HC/CL/5 is reached only through the car of HC/CL/1.
        Assert.Equal(4, answer["totalCount"]!.GetValue<int>());
    }

    [Fact]
    public async Task A_withheld_incident_by_id_answers_as_an_unknown_one_and_is_logged_as_refused()
    {
        GraphQLAnswer withheld = null!, unknown = null!;
        var unknownId = Guid.NewGuid().ToString();
        var probe = await region.LoggedWhileAsync(async () => withheld = await scenario.AsksAsync(Investigator, Operation, new { entity = new { kind = "INCIDENT", key = region.Ids["NK/CL/3"] } }));
        var miss = await region.LoggedWhileAsync(async () => unknown = await scenario.AsksAsync(Investigator, Operation, new { entity = new { kind = "INCIDENT", key = unknownId } }));

        Assert.Equal(unknown.Data!.ToJsonString(), withheld.Data!.ToJsonString());
        Assert.Equal(0, withheld.Data!["access"]!["couriersLinkedTo"]!["totalCount"]!.GetValue<int>());
        Assert.Equal(miss.Select(e => e.Kind), probe.Select(e => e.Kind));
        Assert.Equal([new NamedRecord("Incident", region.Ids["NK/CL/3"], "NORFOLK")], AccessLogSteps.OneOf(probe, "REFUSED").Records);
        Assert.Equal([new NamedRecord("Incident", unknownId, null)], AccessLogSteps.OneOf(miss, "REFUSED").Records);
    }

    [Fact]
    public async Task Only_the_page_handed_out_is_logged_pointers_included()
    {
        var entries = await region.LoggedWhileAsync(() => PageAsync(Phone(CouriersRegion.Number), first: 3));

        var records = entries.SelectMany(e => e.Records).ToList();
        Assert.Equal(2, records.Count(r => r.Type == "Courier"));
        Assert.Equal(new[] { "EX/CL/2", "HC/CL/1", "NK/CL/3" }.Select(r => region.Ids[r]).Order(), records.Where(r => r.Type == "IncidentPointer").Select(r => r.Id).Order());
        AccessLogSteps.HoldsNoneOf(entries, "Amy Cole", "Cal Ford", "Eve Hart");
    }

    [Fact]
    public async Task A_changed_foreign_or_misplaced_cursor_is_refused_alike()
    {
        var first = await PageAsync(Phone(CouriersRegion.Number), first: 1);
        var cursor = first["pageInfo"]!["endCursor"]!.GetValue<string>();
        var changed = cursor[..^2] + (cursor[^2] == 'A' ? "B" : "A") + cursor[^1];

        var attempts = new[]
        {
            await scenario.AsksAsync(Investigator, Operation, new { entity = Phone(CouriersRegion.Number), first = 1, after = changed }),
            await scenario.AsksAsync(Investigator, Operation, new { entity = Phone(CouriersRegion.Number), first = 1, after = cursor, hops = 3 }),
            await scenario.AsksAsync(Investigator, Operation, new { entity = new { kind = "VEHICLE", key = "AA11AAA" }, first = 1, after = cursor }),
            await scenario.AsksAsync(TestCaller.Investigator(Force.Essex), Operation, new { entity = Phone(CouriersRegion.Number), first = 1, after = cursor }),
        };

        Assert.All(attempts, a => Assert.Equal(("BAD_USER_INPUT", 1), (a.FirstErrorCode, a.Errors!.Count)));
        Assert.Single(attempts.Select(a => a.Errors![0]!["message"]!.GetValue<string>()).Distinct());
        // The same cursor, the same question, any spelling of the number: the next page.
        var next = await PageAsync(Phone("+447700900201"), first: 1, after: cursor);
        Assert.Equal(["Amy Cole"], Names(next));
    }

    [Theory]
    [InlineData("PHONE_NUMBER", "not a number", null, null)]
    [InlineData("PHONE_NUMBER", CouriersRegion.Number, 5, null)]
    [InlineData("PHONE_NUMBER", CouriersRegion.Number, 0, null)]
    [InlineData("PHONE_NUMBER", CouriersRegion.Number, null, 201)]
    [InlineData("PHONE_NUMBER", CouriersRegion.Number, null, 0)]
    [InlineData("COURIER", "neither an id nor a PNC ID", null, null)]
    [InlineData("VEHICLE", "!!", null, null)]
    public async Task Arguments_out_of_bounds_are_bad_user_input(string kind, string key, int? hops, int? first)
    {
        var answer = await scenario.AsksAsync(Investigator, Operation, new { entity = new { kind, key }, hops, first });

        Assert.Equal(("BAD_USER_INPUT", 1), (answer.FirstErrorCode, answer.Errors!.Count));
    }

    [Fact]
    public async Task Many_aliased_deep_walks_in_one_request_are_refused_before_they_run()
    {
        var fields = string.Join("\n", Enumerable.Range(0, 99).Select(i =>
            $"a{i}: couriersLinkedTo(entity: {{kind: PHONE_NUMBER, key: \"{CouriersRegion.Number}\"}}, maxHops: 4) {{ totalCount }}"));
        var answer = await region.PostAsAsync(Investigator, $"query {{ access(purpose: INVESTIGATION, justification: \"{Region.Why}\") {{ {fields} }} }}");

        Assert.Equal(("QUERY_TOO_COMPLEX", 1), (answer.FirstErrorCode, answer.Errors!.Count));
        Assert.Null(answer.Data);
    }
}

/// <summary>The same region with a walk bound of three incidents, so that one question meets it and a second one finds it spent.</summary>
public sealed class TightlyBoundedRegion : CouriersRegion
{
    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?> { ["LinkGraph:MaxIncidentsWalked"] = "3" };
}

public sealed class WalkBoundTests(TightlyBoundedRegion region) : IClassFixture<TightlyBoundedRegion>
{
    private readonly Region scenario = new(region);
    private static readonly TestCaller Investigator = TestCaller.Investigator(Force.Bedfordshire);

    [Fact]
    public async Task A_walk_cut_at_the_bound_says_so_and_counts_what_it_walked()
    {
        var answer = (await scenario.ReadsAsync(Investigator, "CouriersLinkedTo", new { entity = new { kind = "PHONE_NUMBER", key = CouriersRegion.Number } }))["couriersLinkedTo"]!;

        // Four incidents carry the number; three were walked.
        Assert.False(answer["complete"]!.GetValue<bool>());
        Assert.Equal(3, answer["totalCount"]!.GetValue<int>());
        Assert.Equal(3, answer["edges"]!.AsArray().Count);
    }

    [Fact]
    public async Task Link_questions_of_one_request_share_one_bound_and_a_question_past_it_is_refused()
    {
        var answer = await region.PostAsAsync(Investigator,
            $$"""
            query {
              access(purpose: INVESTIGATION, justification: "{{Region.Why}}") {
                first: couriersLinkedTo(entity: {kind: PHONE_NUMBER, key: "{{CouriersRegion.Number}}"}) { totalCount complete }
                second: linkedCouriers(phoneNumber: "{{CouriersRegion.Number}}") { hops }
              }
            }
            """);

        Assert.Equal("QUERY_TOO_COMPLEX", answer.FirstErrorCode);
        Assert.Equal(["access", "second"], answer.Errors![0]!["path"]!.AsArray().Select(p => p!.GetValue<string>()));
    }
}
