using System.Text.Json.Nodes;
using ErsouIntel.Api.Links.Questions;
using ErsouIntel.Api.Tests.Audit;
using ErsouIntel.Api.Tests.GraphQL;
using ErsouIntel.Api.Tests.Infrastructure;
using ErsouIntel.Domain;
using Xunit.Abstractions;
using static ErsouIntel.Api.Tests.Audit.AccessLogSteps;
using static ErsouIntel.Api.Tests.Links.Questions.RegionOfPaths;

namespace ErsouIntel.Api.Tests.Links.Questions;

/// <summary>
/// One region of small, separate pieces of graph (numbers joined by incidents), each to ask a
/// path question of. P records every investigator sees in full; C records are withheld from
/// every force but their own.
/// <code>
///   three ways, 2 hops each:  A ─ HC-P-1 ─ X1 ─ EX-P-2 ─ B,  A ─ NK-P-3 ─ X2 ─ SK-P-4 ─ B,  A ─ BD-P-5 ─ X3 ─ CB-P-6 ─ B
///   through a person, 3 hops: C ─ HC-P-10 ─ Y ─ EX-P-11 ─ Zed (name) · Zed (PNC ID) ─ NK-P-12 ─ D   (SK-P-13 names Zed with both)
///   withheld between shown:   G ─ HC-P-20 ─ M ─ EX-C-21 ─ H;   E ─ EX-C-22 ─ F
///   known only withheld:      J ─ EX-C-30 ─ N ─ NK-C-31 ─ K
///   short withheld, long seen: P1 ─ EX-C-40 ─ Q ─ EX-C-41 ─ R1,  P1 ─ HC-P-42 ─ S ─ NK-P-43 ─ T ─ SK-P-44 ─ R1
/// </code>
/// </summary>
public sealed class RegionOfPaths : ServiceFixture
{
    public const string A = "07700 900501", B = "07700 900502", X1 = "07700 900511", X2 = "07700 900512", X3 = "07700 900513";
    public const string C = "07700 900521", D = "07700 900522", Y = "07700 900523";
    public const string G = "07700 900531", M = "07700 900532", H = "07700 900533", E = "07700 900541", F = "07700 900542";
    public const string J = "07700 900551", N = "07700 900552", K = "07700 900553";
    public const string P1 = "07700 900561", Q = "07700 900562", R1 = "07700 900563", S = "07700 900564", T = "07700 900565";

    private readonly Dictionary<string, string> ids = [];

    public RegionOfPaths() => Region = new Region(this);

    public Region Region { get; }

    public string IdOf(string reference) => ids[reference];

    protected override async Task SeedAsync()
    {
        var zedByName = AnIncident.CourierNamed("Zed Quarry", "1993-03-03");
        var zedByPnc = new { pncId = "19/55555Z" };
        var zedBoth = AnIncident.CourierNamed("Zed Quarry", "1993-03-03", pncId: "19/55555Z");
        (Force Force, string Reference, string Handling, string[] Phones, object[] Couriers)[] reported =
        [
            (Force.Hertfordshire, "HC-P-1", "P", [A, X1], []),
            (Force.Essex, "EX-P-2", "P", [X1, B], []),
            (Force.Norfolk, "NK-P-3", "P", [A, X2], []),
            (Force.Suffolk, "SK-P-4", "P", [X2, B], []),
            (Force.Bedfordshire, "BD-P-5", "P", [A, X3], []),
            (Force.Cambridgeshire, "CB-P-6", "P", [X3, B], []),
            (Force.Hertfordshire, "HC-P-10", "P", [C, Y], []),
            (Force.Essex, "EX-P-11", "P", [Y], [zedByName]),
            (Force.Norfolk, "NK-P-12", "P", [D], [zedByPnc]),
            (Force.Suffolk, "SK-P-13", "P", [], [zedBoth]),
            (Force.Hertfordshire, "HC-P-20", "P", [G, M], []),
            (Force.Essex, "EX-C-21", "C", [M, H], []),
            (Force.Essex, "EX-C-22", "C", [E, F], []),
            (Force.Essex, "EX-C-30", "C", [J, N], []),
            (Force.Norfolk, "NK-C-31", "C", [N, K], []),
            (Force.Essex, "EX-C-40", "C", [P1, Q], []),
            (Force.Essex, "EX-C-41", "C", [Q, R1], []),
            (Force.Hertfordshire, "HC-P-42", "P", [P1, S], []),
            (Force.Norfolk, "NK-P-43", "P", [S, T], []),
            (Force.Suffolk, "SK-P-44", "P", [T, R1], []),
        ];
        foreach (var (force, reference, handling, phones, couriers) in reported)
        {
            ids[reference] = await Region.ReportedAsync(force, AnIncident.Courier(reference, phones, couriers, handling));
        }
    }
}

public sealed class PathsTests(RegionOfPaths seeded, ITestOutputHelper output) : IClassFixture<RegionOfPaths>
{
    private const string Paths = "Paths";
    private static readonly TestCaller Bedfordshire = TestCaller.Investigator(Force.Bedfordshire);
    private static readonly TestCaller Essex = TestCaller.Investigator(Force.Essex);
    private static readonly TestCaller Norfolk = TestCaller.Investigator(Force.Norfolk);
    private readonly Region region = seeded.Region;

    private static object Phone(string number) => new { kind = "PHONE_NUMBER", key = number };

    private static object Incident(string id) => new { kind = "INCIDENT", key = id };

    private async Task<JsonArray> PathsAsync(TestCaller caller, object from, object to, int? hops = null, int? first = null) =>
        (await region.ReadsAsync(caller, Paths, Variables(from, to, hops, first)))["paths"]!.AsArray();

    /// <summary>The question's variables, leaving out those not given so that the field's defaults apply.</summary>
    private static Dictionary<string, object> Variables(object from, object to, int? hops, int? first)
    {
        var variables = new Dictionary<string, object> { ["from"] = from, ["to"] = to };
        if (hops is { } h)
        {
            variables["hops"] = h;
        }

        if (first is { } f)
        {
            variables["first"] = f;
        }

        return variables;
    }

    private static List<string> Ids(JsonNode path) => path["nodes"]!.AsArray().Select(n => n!["id"]!.GetValue<string>()).ToList();

    private static List<string> Labels(JsonNode path) => path["nodes"]!.AsArray().Select(n => n!["label"]!.GetValue<string>()).ToList();

    private static string E164(string number) => "+44" + number.Replace(" ", "", StringComparison.Ordinal)[1..];

    [Fact]
    public async Task Two_numbers_on_incidents_sharing_a_number_are_joined_by_2_hop_paths_shortest_first_then_by_the_ids_along_them()
    {
        var paths = await PathsAsync(Bedfordshire, Phone(A), Phone(B));

        Assert.Equal(3, paths.Count);
        Assert.All(paths, p => Assert.Equal(2, p!["hops"]!.GetValue<int>()));
        var sequences = paths.Select(p => Ids(p!)).ToList();
        var ordered = sequences.Order(Comparer<List<string>>.Create((x, y) => x.Zip(y).Select(p => string.CompareOrdinal(p.First, p.Second)).FirstOrDefault(c => c != 0))).ToList();
        Assert.True(ordered.SequenceEqual(sequences), $"Paths are not ordered by the ids along them: {paths.ToJsonString()}");
        var middles = paths.Select(p => Labels(p!)[2]).Order(StringComparer.Ordinal).ToList();
        Assert.Equal([E164(X1), E164(X2), E164(X3)], middles);
        var first = paths[0]!;
        Assert.Equal(E164(A), Labels(first)[0]);
        Assert.Equal(E164(B), Labels(first)[^1]);
        Assert.Equal(["PHONE_NUMBER", "INCIDENT", "PHONE_NUMBER", "INCIDENT", "PHONE_NUMBER"], first["nodes"]!.AsArray().Select(n => n!["kind"]!.GetValue<string>()));
        var ids = Ids(first);
        var edges = first["edges"]!.AsArray().Select(e => (e!["incident"]!.GetValue<string>(), e["entity"]!.GetValue<string>(), e["role"]!.GetValue<string>())).ToList();
        Assert.Equal([(ids[1], ids[0], "CALLER"), (ids[1], ids[2], "CALLER"), (ids[3], ids[2], "CALLER"), (ids[3], ids[4], "CALLER")], edges);

        var firstTwo = await PathsAsync(Bedfordshire, Phone(A), Phone(B), first: 2);
        Assert.Equal(sequences.Take(2).Select(s => string.Join('/', s)), firstTwo.Select(p => string.Join('/', Ids(p!))));
    }

    [Fact]
    public async Task A_3_hop_path_through_a_courier_passes_the_person_once_whichever_of_their_keys_each_incident_names()
    {
        var path = Assert.Single(await PathsAsync(Bedfordshire, Phone(C), Phone(D)))!;

        Assert.Equal(3, path["hops"]!.GetValue<int>());
        Assert.Equal([E164(C), "HC-P-10", E164(Y), "EX-P-11", "Zed Quarry", "NK-P-12", E164(D)], Labels(path));
        var zed = path["nodes"]![4]!;
        Assert.Equal("COURIER", zed["kind"]!.GetValue<string>());
        var ids = Ids(path);
        Assert.Equal(
            [(ids[3], ids[4], "COURIER"), (ids[5], ids[4], "COURIER")],
            path["edges"]!.AsArray().Skip(3).Take(2).Select(e => (e!["incident"]!.GetValue<string>(), e["entity"]!.GetValue<string>(), e["role"]!.GetValue<string>())));
    }

    [Fact]
    public async Task Max_hops_cuts_paths_longer_than_it()
    {
        Assert.Empty(await PathsAsync(Bedfordshire, Phone(C), Phone(D), hops: 2));
        Assert.Single(await PathsAsync(Bedfordshire, Phone(C), Phone(D), hops: 3));
        Assert.Empty(await PathsAsync(Bedfordshire, Phone(A), Phone(B), hops: 1));
    }

    [Fact]
    public async Task Two_things_with_no_path_between_them_answer_an_empty_list()
    {
        Assert.Empty(await PathsAsync(Bedfordshire, Phone(A), Phone(D)));
        Assert.Empty(await PathsAsync(Bedfordshire, Phone(A), Phone("07700 900999")));
        Assert.Empty(await PathsAsync(Bedfordshire, Phone(A), Phone(A)));
    }

    [Fact]
    public async Task An_incident_seen_in_full_may_be_an_end_of_a_path()
    {
        var path = Assert.Single(await PathsAsync(Bedfordshire, Incident(seeded.IdOf("HC-P-1")), Phone(B)))!;

        Assert.Equal(2, path["hops"]!.GetValue<int>());
        Assert.Equal(["HC-P-1", E164(X1), "EX-P-2", E164(B)], Labels(path));
    }

    [Fact]
    public async Task A_connection_through_a_withheld_incident_between_shown_entities_is_returned_with_its_pointer()
    {
        var path = Assert.Single(await PathsAsync(Bedfordshire, Phone(G), Phone(H)))!;

        Assert.Equal([E164(G), "HC-P-20", E164(M), "ESSEX EX-C-21", E164(H)], Labels(path));
        var pointer = path["nodes"]![3]!;
        Assert.True(pointer["withheld"]!.GetValue<bool>());
        Assert.Equal(("ESSEX", "EX-C-21", "C"), (pointer["pointer"]!["force"]!.GetValue<string>(), pointer["pointer"]!["forceReference"]!.GetValue<string>(), pointer["pointer"]!["handling"]!.GetValue<string>()));
        Assert.Equal(["CALLER", "CALLER", "WITHHELD", "WITHHELD"], path["edges"]!.AsArray().Select(e => e!["role"]!.GetValue<string>()));

        var direct = Assert.Single(await PathsAsync(Bedfordshire, Phone(E), Phone(F)))!;
        Assert.Equal([E164(E), "ESSEX EX-C-22", E164(F)], Labels(direct));

        var owner = Assert.Single(await PathsAsync(Essex, Phone(G), Phone(H)))!;
        Assert.Equal([E164(G), "HC-P-20", E164(M), "EX-C-21", E164(H)], Labels(owner));
        Assert.Equal(["CALLER", "CALLER", "CALLER", "CALLER"], owner["edges"]!.AsArray().Select(e => e!["role"]!.GetValue<string>()));
    }

    [Fact]
    public async Task A_connection_that_needs_an_entity_known_only_from_withheld_incidents_is_not_returned()
    {
        Assert.Empty(await PathsAsync(Bedfordshire, Phone(J), Phone(K)));
        Assert.Empty(await PathsAsync(TestCaller.Investigator(Force.Cambridgeshire), Phone(J), Phone(K)));

        // Each owner reads one of the two records, and so may be shown the number between them.
        Assert.Equal([E164(J), "EX-C-30", E164(N), "NORFOLK NK-C-31", E164(K)], Labels(Assert.Single(await PathsAsync(Essex, Phone(J), Phone(K)))!));
        Assert.Equal([E164(J), "ESSEX EX-C-30", E164(N), "NK-C-31", E164(K)], Labels(Assert.Single(await PathsAsync(Norfolk, Phone(J), Phone(K)))!));
    }

    [Fact]
    public async Task Where_the_shortest_connection_needs_what_is_withheld_the_shortest_one_the_caller_may_be_shown_is_returned()
    {
        var seen = Assert.Single(await PathsAsync(Bedfordshire, Phone(P1), Phone(R1)))!;
        Assert.Equal(3, seen["hops"]!.GetValue<int>());
        Assert.Equal([E164(P1), "HC-P-42", E164(S), "NK-P-43", E164(T), "SK-P-44", E164(R1)], Labels(seen));

        var owner = Assert.Single(await PathsAsync(Essex, Phone(P1), Phone(R1)))!;
        Assert.Equal([E164(P1), "EX-C-40", E164(Q), "EX-C-41", E164(R1)], Labels(owner));
    }

    [Fact]
    public async Task A_service_id_the_caller_may_not_see_answers_as_an_unknown_one_and_is_logged_as_refused()
    {
        var withheld = seeded.IdOf("EX-C-30");
        var unknown = Guid.NewGuid().ToString();
        JsonArray withheldPaths = [], unknownPaths = [];

        var probe = await seeded.LoggedWhileAsync(async () => withheldPaths = await PathsAsync(Bedfordshire, Incident(withheld), Phone(K)));
        var miss = await seeded.LoggedWhileAsync(async () => unknownPaths = await PathsAsync(Bedfordshire, Incident(unknown), Phone(K)));

        Assert.Empty(withheldPaths);
        Assert.Empty(unknownPaths);
        Assert.Equal(miss.Select(e => e.Kind), probe.Select(e => e.Kind));
        Assert.Equal([new NamedRecord("Incident", withheld, "ESSEX")], OneOf(probe, "REFUSED").Records);
        Assert.Equal([new NamedRecord("Incident", unknown, null)], OneOf(miss, "REFUSED").Records);
        Assert.Equal("BAD_USER_INPUT", (await region.AsksAsync(Bedfordshire, Paths, new { from = Phone("not a number"), to = Phone(K) })).FirstErrorCode);
    }

    [Theory]
    [InlineData(0, 3)]
    [InlineData(7, 3)]
    [InlineData(6, 0)]
    [InlineData(6, 11)]
    public async Task Max_hops_outside_1_to_6_or_first_outside_1_to_10_is_a_clear_input_error(int hops, int first)
    {
        var answer = await region.AsksAsync(Bedfordshire, Paths, new { from = Phone(A), to = Phone(B), hops, first });

        Assert.Equal("BAD_USER_INPUT", answer.FirstErrorCode);
    }

    [Fact]
    public async Task The_log_names_the_incidents_and_pointers_of_the_paths_returned_and_nothing_the_walk_only_passed()
    {
        var entries = await seeded.LoggedWhileAsync(() => PathsAsync(Bedfordshire, Phone(G), Phone(H)));
        Assert.Equal(
            [new NamedRecord("Incident", seeded.IdOf("HC-P-20"), "HERTFORDSHIRE"), new NamedRecord("IncidentPointer", seeded.IdOf("EX-C-21"), "ESSEX")],
            entries.SelectMany(e => e.Records).OrderBy(r => r.Type, StringComparer.Ordinal));
        HoldsNoneOf(entries, "900531", "900533", "HC-P-20", "EX-C-21");

        JsonArray one = [];
        var firstOnly = await seeded.LoggedWhileAsync(async () => one = await PathsAsync(Bedfordshire, Phone(A), Phone(B), first: 1));
        var returned = Ids(Assert.Single(one)!);
        Assert.Equal(new[] { returned[1], returned[3] }.Order(StringComparer.Ordinal), firstOnly.SelectMany(e => e.Records).Select(r => r.Id).Order(StringComparer.Ordinal));

        var throughZed = await seeded.LoggedWhileAsync(() => PathsAsync(Bedfordshire, Phone(C), Phone(D)));
        Assert.Single(throughZed.SelectMany(e => e.Records), r => r.Type == "Courier");
        Assert.Equal(3, throughZed.SelectMany(e => e.Records).Count(r => r.Type == "Incident"));
        Assert.DoesNotContain(throughZed.SelectMany(e => e.Records), r => r.Id == seeded.IdOf("SK-P-13"));
    }

    [Fact]
    public async Task The_statements_sent_do_not_grow_with_the_number_of_paths_returned()
    {
        var query = ContractOperations.Text(Paths);
        var (one, _) = await Statements.CountAsync(seeded, Bedfordshire, output, query, new { from = Phone(A), to = Phone(B), first = 1, purpose = "INVESTIGATION", why = Region.Why });
        var (three, data) = await Statements.CountAsync(seeded, Bedfordshire, output, query, new { from = Phone(A), to = Phone(B), first = 3, purpose = "INVESTIGATION", why = Region.Why });

        Assert.Equal(3, data["access"]!["paths"]!.AsArray().Count);
        Assert.Equal(one, three);
    }
}

/// <summary>The rule of what a path may show, below HTTP.</summary>
public sealed class PathRuleTests
{
    private static PathStep Entity(string id) => new(Guid.NewGuid(), false, false, id);

    private static PathStep Seen(string id) => new(Guid.NewGuid(), true, true, id);

    private static PathStep Withheld(string id) => new(Guid.NewGuid(), true, false, id);

    [Fact]
    public void An_entity_between_two_withheld_incidents_may_not_be_shown_but_an_end_may()
    {
        Assert.True(PathRule.Shows([Entity("a"), Withheld("w"), Entity("b")]));
        Assert.True(PathRule.Shows([Entity("a"), Seen("i"), Entity("m"), Withheld("w"), Entity("b")]));
        Assert.True(PathRule.Shows([Entity("a"), Withheld("w"), Entity("m"), Seen("i"), Entity("b")]));
        Assert.False(PathRule.Shows([Entity("a"), Withheld("w1"), Entity("m"), Withheld("w2"), Entity("b")]));
        Assert.True(PathRule.MayLeave(arrivedInFull: true, nextSeenInFull: false));
        Assert.True(PathRule.MayLeave(arrivedInFull: false, nextSeenInFull: true));
        Assert.False(PathRule.MayLeave(arrivedInFull: false, nextSeenInFull: false));
    }

    [Fact]
    public void A_path_that_comes_back_to_one_entity_through_another_of_its_nodes_is_cut_to_pass_it_once()
    {
        var cut = PathRule.WithoutLoops([Entity("a"), Seen("i1"), Entity("p"), Seen("i2"), Entity("p"), Seen("i3"), Entity("b")]);

        Assert.Equal(["a", "i1", "p", "i3", "b"], cut.Select(s => s.Served));
        Assert.Equal(2, PathRule.Hops(cut));
    }

    [Fact]
    public void Paths_order_shortest_first_then_by_the_ids_along_them()
    {
        List<IReadOnlyList<PathStep>> paths =
        [
            [Entity("a"), Seen("z"), Entity("b")],
            [Entity("a"), Seen("b1"), Entity("m"), Seen("c"), Entity("b")],
            [Entity("a"), Seen("B1"), Entity("m"), Seen("c"), Entity("b")],
        ];

        var ordered = paths.Order(Comparer<IReadOnlyList<PathStep>>.Create(PathRule.Compare)).Select(p => string.Join('/', p.Select(s => s.Served)));

        Assert.Equal(["a/z/b", "a/B1/m/c/b", "a/b1/m/c/b"], ordered);
    }
}

/// <summary>
/// A walk bound of 4 incidents, and a number on five: a path question that would have to walk
/// through that number before the two ends meet is a clear error, not an empty answer that would
/// read as "not connected".
/// </summary>
public sealed class RegionWithABoilerRoom : ServiceFixture
{
    public const string BoilerRoom = "07700 900601", Link = "07700 900602", Far = "07700 900603";

    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?> { ["LinkGraph:MaxIncidentsWalked"] = "4" };

    protected override async Task SeedAsync()
    {
        var region = new Region(this);
        await region.ReportedAsync(Force.Essex, AnIncident.Courier("EX-HUB-1", [BoilerRoom, Link]));
        for (var i = 2; i <= 5; i++)
        {
            await region.ReportedAsync(Force.Essex, AnIncident.Courier($"EX-HUB-{i}", [BoilerRoom]));
        }

        await region.ReportedAsync(Force.Norfolk, AnIncident.Courier("NK-FAR-1", [Link, Far]));
    }
}

public sealed class PathsWalkBoundTests(RegionWithABoilerRoom seeded) : IClassFixture<RegionWithABoilerRoom>
{
    private readonly Region region = new(seeded);
    private static readonly TestCaller Investigator = TestCaller.Investigator(Force.Suffolk);

    private static object Phone(string number) => new { kind = "PHONE_NUMBER", key = number };

    [Fact]
    public async Task A_question_that_must_walk_past_the_bound_before_its_ends_meet_is_too_complex()
    {
        var answer = await region.AsksAsync(Investigator, "Paths", new { from = Phone(RegionWithABoilerRoom.BoilerRoom), to = Phone(RegionWithABoilerRoom.Far) });

        Assert.Equal("QUERY_TOO_COMPLEX", answer.FirstErrorCode);
    }

    [Fact]
    public async Task A_question_that_meets_within_the_bound_is_answered()
    {
        var paths = (await region.ReadsAsync(Investigator, "Paths", new { from = Phone(RegionWithABoilerRoom.Link), to = Phone(RegionWithABoilerRoom.Far) }))["paths"]!.AsArray();

        Assert.Equal(1, Assert.Single(paths)!["hops"]!.GetValue<int>());
    }
}
