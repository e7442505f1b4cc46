using System.Text.Json.Nodes;
using ErsouIntel.Api.Tests.Audit;
using ErsouIntel.Api.Tests.Cases;
using ErsouIntel.Api.Tests.GraphQL;
using ErsouIntel.Api.Tests.Infrastructure;
using ErsouIntel.Domain;
using Xunit.Abstractions;
using static ErsouIntel.Api.Tests.Audit.AccessLogSteps;

namespace ErsouIntel.Api.Tests.Links.Questions;

/// <summary>
/// A number P on three incidents: two Hertfordshire P records (A, with Alan Ross and his car; B, with
/// Ben Cole, newer) and an Essex C record (W, newest, with Wendy Vane, withheld from other forces).
/// Ben is also on an older Hertfordshire record D with a number Q; Wendy is also on an Essex C record
/// V with a number of its own, reachable only through W. Apart: a number H1 on 2 incidents and a
/// number H2 on 12, each incident with a courier of its own, to count statements by.
/// </summary>
public sealed class RegionForLinkCharts : ServiceFixture
{
    public const string P = "07700 900011";
    public const string PE164 = "+447700900011";
    public const string Q = "07700 900012";
    public const string V = "07700 900013";
    public const string H1 = "07700 900021";
    public const string H2 = "07700 900022";
    public const string Car = "AR11AAA";

    public Dictionary<string, string> Incidents { get; } = [];

    public Dictionary<string, string> Couriers { get; } = [];

    protected override async Task SeedAsync()
    {
        var region = new Region(this);
        await ReportAsync(region, Force.Hertfordshire, "HT-A", "P", "2024-03-01T10:00:00Z", P, ("Alan", AnIncident.CourierNamed("Alan Ross", "1990-01-01", "AR11 AAA")));
        await ReportAsync(region, Force.Hertfordshire, "HT-B", "P", "2024-03-05T10:00:00Z", P, ("Ben", AnIncident.CourierNamed("Ben Cole", "1985-05-05")));
        await ReportAsync(region, Force.Essex, "EX-W", "C", "2024-03-10T10:00:00Z", P, ("Wendy", AnIncident.CourierNamed("Wendy Vane", "1970-07-07")));
        await ReportAsync(region, Force.Hertfordshire, "HT-D", "P", "2024-02-01T10:00:00Z", Q, ("Ben", AnIncident.CourierNamed("Ben Cole", "1985-05-05")));
        await ReportAsync(region, Force.Essex, "EX-V", "C", "2024-01-01T10:00:00Z", V, ("Wendy", AnIncident.CourierNamed("Wendy Vane", "1970-07-07")));
        for (var n = 0; n < 14; n++)
        {
            await ReportAsync(region, Force.Hertfordshire, $"HT-H{n}", "P", $"2023-06-{n + 1:00}T10:00:00Z", n < 2 ? H1 : H2, ($"H{n}", AnIncident.CourierNamed($"Hub Courier {n}", "1980-01-01")));
        }
    }

    private async Task ReportAsync(Region region, Force force, string reference, string handling, string occurredAt, string phone, (string Person, object Input) courier)
    {
        var payload = await region.ReportsAsync(force, AnIncident.Courier(reference, [phone], [courier.Input], handling, occurredAt));
        Assert.True(payload["errors"]!.AsArray().Count == 0, payload.ToJsonString());
        Incidents[reference] = payload["incident"]!["id"]!.GetValue<string>();
        Couriers[courier.Person] = payload["incident"]!["couriers"]!.AsArray().Single()!["id"]!.GetValue<string>();
    }
}

/// <summary>
/// <c>network</c>: a Hertfordshire investigator charts what surrounds a number, nearest first, sees
/// Essex's withheld record as a pointer that leads nowhere, and expands a node by asking again.
/// </summary>
public sealed class NetworkTests(RegionForLinkCharts region, ITestOutputHelper output) : IClassFixture<RegionForLinkCharts>
{
    private const string LinkChart = "LinkChart";
    private static readonly TestCaller Hertfordshire = TestCaller.Investigator(Force.Hertfordshire, "hertfordshire-charting");
    private readonly Region steps = new(region);

    private static object[] Around(string kind, string key) => [new { kind, key }];

    /// <summary>Asks for a chart; an argument not given is left out of the variables, so the field's default applies.</summary>
    private async Task<JsonNode> ChartAsync(TestCaller caller, object around, int? hops = null, int? maxNodes = null)
    {
        var variables = new Dictionary<string, object> { ["around"] = around };
        if (hops is { } h)
        {
            variables["hops"] = h;
        }

        if (maxNodes is { } m)
        {
            variables["maxNodes"] = m;
        }

        return (await steps.ReadsAsync(caller, LinkChart, variables))["network"]!;
    }

    private static List<string> Ids(JsonNode network) => network["nodes"]!.AsArray().Select(n => n!["id"]!.GetValue<string>()).ToList();

    private static List<string> Edges(JsonNode network) =>
        network["edges"]!.AsArray().Select(e => $"{e!["incident"]} {e["entity"]} {e["role"]}").ToList();

    private string Incident(string reference) => region.Incidents[reference];

    private string Courier(string person) => region.Couriers[person];

    [Fact]
    public async Task A_number_answers_itself_then_its_incidents_newest_first_then_the_withheld_pointer_then_entities_by_degree()
    {
        var network = await ChartAsync(Hertfordshire, Around("PHONE_NUMBER", RegionForLinkCharts.P));

        var nodes = network["nodes"]!.AsArray();
        var ids = Ids(network);
        Assert.Equal(7, ids.Count);
        Assert.Equal(["PHONE_NUMBER", "INCIDENT", "INCIDENT", "INCIDENT", "COURIER"], nodes.Take(5).Select(n => n!["kind"]!.GetValue<string>()));
        Assert.Equal(RegionForLinkCharts.PE164, nodes[0]!["label"]!.GetValue<string>());
        Assert.Equal(3, nodes[0]!["degree"]!.GetValue<int>());
        // In full, newest first; then the withheld pointer, though it is newer than both.
        Assert.Equal([Incident("HT-B"), Incident("HT-A"), Incident("EX-W")], ids.Skip(1).Take(3));
        // Entities by degree: Ben is on two incidents, Alan and his car on one each (then by id).
        Assert.Equal(Courier("Ben"), ids[4]);
        Assert.Equal(2, nodes[4]!["degree"]!.GetValue<int>());
        var alanAndCar = nodes.Skip(5).ToList();
        Assert.Equal(["COURIER", "VEHICLE"], alanAndCar.Select(n => n!["kind"]!.GetValue<string>()).Order(StringComparer.Ordinal));
        Assert.Equal(alanAndCar.Select(n => n!["id"]!.GetValue<string>()).Order(StringComparer.Ordinal), alanAndCar.Select(n => n!["id"]!.GetValue<string>()));
        Assert.False(network["truncated"]!.GetValue<bool>());

        var carId = alanAndCar.Single(n => n!["kind"]!.GetValue<string>() == "VEHICLE")!["id"]!.GetValue<string>();
        Assert.Equal(
            new[]
            {
                $"{Incident("HT-B")} {ids[0]} CALLER", $"{Incident("HT-B")} {Courier("Ben")} COURIER",
                $"{Incident("HT-A")} {ids[0]} CALLER", $"{Incident("HT-A")} {Courier("Alan")} COURIER", $"{Incident("HT-A")} {carId} VEHICLE",
                $"{Incident("EX-W")} {ids[0]} WITHHELD",
            }.Order(StringComparer.Ordinal),
            Edges(network).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task A_withheld_incident_is_a_leaf_pointer_with_degree_0_and_nothing_of_its_contents()
    {
        var network = await ChartAsync(Hertfordshire, Around("PHONE_NUMBER", RegionForLinkCharts.P), hops: 3, maxNodes: 1000);

        var pointer = network["nodes"]!.AsArray().Single(n => n!["id"]!.GetValue<string>() == Incident("EX-W"))!;
        Assert.True(pointer["withheld"]!.GetValue<bool>());
        Assert.Equal(0, pointer["degree"]!.GetValue<int>());
        Assert.Equal("ESSEX EX-W", pointer["label"]!.GetValue<string>());
        Assert.Equal("EX-W", pointer["pointer"]!["forceReference"]!.GetValue<string>());
        Assert.Null(pointer["incident"]);
        // Wendy, her other record and its number are reached only through the withheld record.
        var text = network.ToJsonString();
        Assert.DoesNotContain("Wendy", text, StringComparison.Ordinal);
        Assert.DoesNotContain(Courier("Wendy"), Ids(network));
        Assert.DoesNotContain(Incident("EX-V"), Ids(network));
        Assert.DoesNotContain("+447700900013", text, StringComparison.Ordinal);
        Assert.Equal([$"{Incident("EX-W")} {Ids(network)[0]} WITHHELD"], Edges(network).Where(e => e.StartsWith(Incident("EX-W"), StringComparison.Ordinal)));
        // Two hops: Ben's older record D and its number Q come after everything at one hop.
        Assert.Equal([Incident("HT-D"), "PHONE_NUMBER"], [Ids(network)[7], network["nodes"]![8]!["kind"]!.GetValue<string>()]);
        Assert.Equal(9, Ids(network).Count);
    }

    [Fact]
    public async Task The_owning_force_sees_the_same_record_in_full_and_walks_on_through_it_and_another_forces_P_records_in_full()
    {
        var network = await ChartAsync(TestCaller.Investigator(Force.Essex, "essex-charting"), Around("PHONE_NUMBER", RegionForLinkCharts.P), hops: 2);

        var ids = Ids(network);
        Assert.Equal(Incident("EX-W"), ids[1]);
        Assert.Contains(Courier("Wendy"), ids);
        Assert.Contains(Incident("EX-V"), ids);
        // Hertfordshire's P records are shown to Essex in full.
        var herts = network["nodes"]!.AsArray().Single(n => n!["id"]!.GetValue<string>() == Incident("HT-A"))!;
        Assert.False(herts["withheld"]!.GetValue<bool>());
        Assert.Equal("HT-A", herts["incident"]!["forceReference"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_withheld_record_opened_to_the_caller_by_a_case_is_shown_in_full_and_walked_through()
    {
        var essex = TestCaller.Investigator(Force.Essex, "essex-case-lead");
        var member = TestCaller.Investigator(Force.Hertfordshire, "hertfordshire-case-member");
        var caseId = await steps.OpensCaseAsync(essex, "EX-CHART-1");
        CaseSteps.Accepted(await steps.AttachesAsync(essex, caseId, Incident("EX-W")));
        CaseSteps.Accepted(await steps.AddsMemberAsync(essex, caseId, member.Subject));

        var network = await ChartAsync(member, Around("PHONE_NUMBER", RegionForLinkCharts.P));

        var opened = network["nodes"]!.AsArray().Single(n => n!["id"]!.GetValue<string>() == Incident("EX-W"))!;
        Assert.False(opened["withheld"]!.GetValue<bool>());
        // Newest of the three now that it is seen in full, and Wendy is reached through it.
        Assert.Equal(Incident("EX-W"), Ids(network)[1]);
        Assert.Contains(Courier("Wendy"), Ids(network));
        Assert.Contains($"{Incident("EX-W")} {Courier("Wendy")} COURIER", Edges(network));
    }

    [Fact]
    public async Task An_amended_occurrence_time_moves_the_incident_in_the_order()
    {
        const string number = "07700 900031";
        await steps.ReportsAsync(Force.Hertfordshire, AnIncident.Courier("HT-AM-1", [number], occurredAt: "2024-01-01T10:00:00Z"));
        await steps.ReportsAsync(Force.Hertfordshire, AnIncident.Courier("HT-AM-2", [number], occurredAt: "2024-01-02T10:00:00Z"));
        var before = Ids(await ChartAsync(Hertfordshire, Around("PHONE_NUMBER", number))).Skip(1).ToList();

        await steps.ReportsAsync(Force.Hertfordshire, AnIncident.Courier("HT-AM-1", [number], occurredAt: "2024-01-03T10:00:00Z"));
        var after = Ids(await ChartAsync(Hertfordshire, Around("PHONE_NUMBER", number))).Skip(1).ToList();

        Assert.Equal(2, before.Count);
        Assert.Equal([before[1], before[0]], after);
    }

    [Fact]
    public async Task MaxNodes_stops_the_answer_nearest_first_and_says_it_is_truncated()
    {
        var three = await ChartAsync(Hertfordshire, Around("PHONE_NUMBER", RegionForLinkCharts.P), maxNodes: 3);
        var seven = await ChartAsync(Hertfordshire, Around("PHONE_NUMBER", RegionForLinkCharts.P), maxNodes: 7);
        var sevenAtTwo = await ChartAsync(Hertfordshire, Around("PHONE_NUMBER", RegionForLinkCharts.P), hops: 2, maxNodes: 7);

        Assert.Equal(Ids(seven).Take(3), Ids(three));
        Assert.True(three["truncated"]!.GetValue<bool>());
        Assert.All(Edges(three), e => Assert.DoesNotContain(Courier("Ben"), e, StringComparison.Ordinal));
        Assert.False(seven["truncated"]!.GetValue<bool>());
        Assert.Equal(Ids(seven), Ids(sevenAtTwo));
        Assert.True(sevenAtTwo["truncated"]!.GetValue<bool>());
    }

    [Fact]
    public async Task A_node_is_expanded_by_asking_again_around_it()
    {
        var ben = await ChartAsync(Hertfordshire, Around("COURIER", Courier("Ben")));
        var incident = await ChartAsync(Hertfordshire, Around("INCIDENT", Incident("HT-B")));

        Assert.Equal([Courier("Ben"), Incident("HT-B"), Incident("HT-D")], Ids(ben).Take(3));
        Assert.Equal(["PHONE_NUMBER", "PHONE_NUMBER"], ben["nodes"]!.AsArray().Skip(3).Select(n => n!["kind"]!.GetValue<string>()));
        Assert.Equal("Ben Cole", ben["nodes"]![0]!["courier"]!["name"]!.GetValue<string>());
        Assert.Equal([Incident("HT-B"), RegionForLinkCharts.PE164, Courier("Ben")], [Ids(incident)[0], incident["nodes"]![1]!["label"]!.GetValue<string>(), Ids(incident)[2]]);
    }

    [Fact]
    public async Task Starts_that_resolve_to_nothing_add_nothing_and_a_record_the_caller_may_not_see_is_refused()
    {
        var unknown = await ChartAsync(Hertfordshire, Around("PHONE_NUMBER", "07700 900999"));
        var both = await ChartAsync(Hertfordshire, new object[] { new { kind = "PHONE_NUMBER", key = "07700 900999" }, new { kind = "COURIER", key = Courier("Alan") } });
        IReadOnlyList<LogRow> entries = [];
        JsonNode withheld = null!;
        entries = await region.LoggedWhileAsync(async () => withheld = await ChartAsync(Hertfordshire, Around("INCIDENT", Incident("EX-W"))));

        Assert.Empty(Ids(unknown));
        Assert.False(unknown["truncated"]!.GetValue<bool>());
        Assert.Equal(Courier("Alan"), Ids(both)[0]);
        Assert.Equal(Ids(await ChartAsync(Hertfordshire, Around("COURIER", Courier("Alan")))), Ids(both));
        Assert.Empty(Ids(withheld));
        Assert.Contains(entries, e => e.Kind == "REFUSED" && e.Records.Any(r => r.Id == Incident("EX-W")));
    }

    [Fact]
    public async Task The_answer_logs_the_nodes_returned_pointers_included_and_nothing_only_walked()
    {
        var entries = await region.LoggedWhileAsync(() => ChartAsync(Hertfordshire, Around("PHONE_NUMBER", RegionForLinkCharts.P), maxNodes: 5));

        var named = entries.SelectMany(e => e.Records).Select(r => $"{r.Type} {r.Id}").Distinct().Order(StringComparer.Ordinal);
        Assert.Equal(
            new[] { $"Incident {Incident("HT-B")}", $"Incident {Incident("HT-A")}", $"IncidentPointer {Incident("EX-W")}", $"Courier {Courier("Ben")}" }.Order(StringComparer.Ordinal),
            named);
        var disclosure = OneOf(entries, "DISCLOSURE");
        Assert.Equal([Incident("EX-W")], disclosure.IdsOf("IncidentPointer"));
        HoldsNoneOf(entries, "Wendy", "Alan");
    }

    [Theory]
    [InlineData(0, 200)]
    [InlineData(4, 200)]
    [InlineData(1, 0)]
    [InlineData(1, 1001)]
    public async Task MaxHops_and_maxNodes_outside_their_bounds_are_input_errors(int hops, int maxNodes)
    {
        var answer = await steps.AsksAsync(Hertfordshire, LinkChart, new { around = Around("PHONE_NUMBER", RegionForLinkCharts.P), hops, maxNodes });

        Assert.Equal("BAD_USER_INPUT", answer.FirstErrorCode);
    }

    [Fact]
    public async Task Arguments_given_as_null_take_their_defaults()
    {
        var given = await steps.ReadsAsync(Hertfordshire, LinkChart, new { around = Around("PHONE_NUMBER", RegionForLinkCharts.P), hops = (int?)null, maxNodes = (int?)null });

        Assert.Equal(Ids(await ChartAsync(Hertfordshire, Around("PHONE_NUMBER", RegionForLinkCharts.P))), Ids(given["network"]!));
    }

    [Fact]
    public async Task The_statements_sent_do_not_grow_with_the_nodes_answered()
    {
        var query = ContractOperations.Text(LinkChart);
        var (few, small) = await Statements.CountAsync(region, Hertfordshire, output, query, Variables(RegionForLinkCharts.H1));
        var (many, large) = await Statements.CountAsync(region, Hertfordshire, output, query, Variables(RegionForLinkCharts.H2));

        Assert.Equal(5, Ids(small["access"]!["network"]!).Count);
        Assert.Equal(25, Ids(large["access"]!["network"]!).Count);
        Assert.Equal(few, many);

        static object Variables(string phone) => new { around = Around("PHONE_NUMBER", phone), hops = 3, maxNodes = 1000, purpose = "INVESTIGATION", why = Region.Why };
    }
}
