using System.Globalization;
using System.Text.Json.Nodes;
using ErsouIntel.Api.Links.Questions;
using ErsouIntel.Api.Tests.Audit;
using ErsouIntel.Api.Tests.GraphQL;
using ErsouIntel.Api.Tests.Infrastructure;
using ErsouIntel.Domain;
using Xunit.Abstractions;
using static ErsouIntel.Api.Tests.Audit.AccessLogSteps;
using static ErsouIntel.Api.Tests.Cases.CaseSteps;

namespace ErsouIntel.Api.Tests.Links.Questions;

/// <summary>
/// <c>search(text, first)</c> through the contract's Search operation: an investigator types a
/// number, a registration, a PNC ID, a force reference, an id or part of a name, in whatever form
/// they have it, and gets the nodes it names; what another force withholds shows only as the
/// record's pointer, and only when asked by an identifier.
/// </summary>
public sealed class SearchTests(ServiceFixture service, ITestOutputHelper output) : IClassFixture<ServiceFixture>
{
    private readonly Region region = new(service);

    [Fact]
    public async Task A_number_is_found_in_every_common_spelling_as_its_node()
    {
        var phone = NewPhoneNumber();
        await region.ReportedAsync(Force.Essex, AnIncident.Courier(Unique("EX"), [phone]));
        var e164 = E164(phone);
        var investigator = Investigator(Force.Hertfordshire);

        foreach (var spelling in new[] { phone, phone.Replace(" ", "", StringComparison.Ordinal), e164, e164[1..], "+44 " + phone[1..], $"({phone[..5]}) {phone[6..]}" })
        {
            var hit = Assert.Single(await SearchAsync(investigator, spelling));
            Assert.Equal(("E164", "PHONE_NUMBER", e164, false), (Text(hit, "matchedOn"), Text(hit["node"]!, "kind"), Text(hit["node"]!, "label"), hit["node"]!["withheld"]!.GetValue<bool>()));
            Assert.Equal(["ESSEX"], Forces(hit["node"]!));
            Assert.Equal(1, hit["node"]!["degree"]!.GetValue<int>());
        }
    }

    [Fact]
    public async Task A_registration_and_a_PNC_ID_are_found_in_any_spacing_or_case()
    {
        var registration = "QZ" + Letters(5).ToUpperInvariant();
        var number = Random.Shared.Next(10_000, 99_999).ToString(CultureInfo.InvariantCulture);
        var name = $"Horatio {Word("Pnc")}";
        await region.ReportedAsync(Force.Essex, AnIncident.Courier(Unique("EX"), couriers: [AnIncident.CourierNamed(name, "1980-01-01", registration, $"2019/00{number}K")]));
        var investigator = Investigator(Force.Hertfordshire);

        foreach (var spelling in new[] { registration, registration.ToLowerInvariant(), $"{registration[..4]} {registration[4..].ToLowerInvariant()}", $" {registration[..2]}-{registration[2..]} " })
        {
            var hit = Assert.Single(await SearchAsync(investigator, spelling));
            Assert.Equal(("REGISTRATION", "VEHICLE", registration), (Text(hit, "matchedOn"), Text(hit["node"]!, "kind"), Text(hit["node"]!, "label")));
        }

        foreach (var spelling in new[] { $"19/{number}K", $"2019/00{number}k", $"19 / 0{number} k" })
        {
            var hit = Assert.Single(await SearchAsync(investigator, spelling));
            Assert.Equal(("PNC_ID", "COURIER", name, false), (Text(hit, "matchedOn"), Text(hit["node"]!, "kind"), Text(hit["node"]!, "label"), hit["node"]!["withheld"]!.GetValue<bool>()));
        }
    }

    [Fact]
    public async Task A_force_reference_finds_the_incident_of_every_force_that_uses_it_and_an_id_finds_its_node()
    {
        var reference = Unique("SHARED-REF");
        var phone = NewPhoneNumber();
        var essex = await region.ReportedAsync(Force.Essex, AnIncident.Courier(reference, [phone], [AnIncident.CourierNamed($"Ida {Word("Ref")}", "1970-02-02")]));
        var suffolk = await region.ReportedAsync(Force.Suffolk, AnIncident.Courier(reference));
        var investigator = Investigator(Force.Hertfordshire);

        var byReference = await SearchAsync(investigator, reference);
        Assert.Equal([("FORCE_REFERENCE", essex, "ESSEX"), ("FORCE_REFERENCE", suffolk, "SUFFOLK")],
            byReference.Select(h => (Text(h, "matchedOn"), Text(h["node"]!, "id"), Forces(h["node"]!).Single())).ToList());
        Assert.All(byReference, h => Assert.Equal(("INCIDENT", reference), (Text(h["node"]!, "kind"), Text(h["node"]!, "label"))));

        var numberNode = Text(Assert.Single(await SearchAsync(investigator, phone))["node"]!, "id");
        var courier = (await region.ReadsAsync(investigator, ContractOperations.Incident, new { id = essex }))["incident"]!["couriers"]!.AsArray().Single()!["id"]!.GetValue<string>();
        foreach (var (id, kind) in new[] { (essex, "INCIDENT"), (numberNode, "PHONE_NUMBER"), (courier, "COURIER"), (courier.ToUpperInvariant(), "COURIER") })
        {
            var hit = Assert.Single(await SearchAsync(investigator, id));
            Assert.Equal(("ID", kind, id.ToLowerInvariant()), (Text(hit, "matchedOn"), Text(hit["node"]!, "kind"), Text(hit["node"]!, "id")));
        }
    }

    [Fact]
    public async Task A_name_is_found_by_a_prefix_of_any_of_its_words_in_any_case_and_each_person_once()
    {
        var surname = Word("Quill");
        var first = "Bartholomew" + Letters(3);
        // One person on two incidents, spelt two ways; another with the same surname.
        await region.ReportedAsync(Force.Essex, AnIncident.Courier(Unique("EX"), couriers: [AnIncident.CourierNamed($"{first} {surname}", "1990-09-09")], occurredAt: "2024-03-01T10:00:00Z"));
        await region.ReportedAsync(Force.Hertfordshire, AnIncident.Courier(Unique("HC"), couriers: [AnIncident.CourierNamed($"{first.ToUpperInvariant()}  {surname.ToUpperInvariant()}", "1990-09-09")], occurredAt: "2024-03-05T10:00:00Z"));
        await region.ReportedAsync(Force.Norfolk, AnIncident.Courier(Unique("NC"), couriers: [AnIncident.CourierNamed($"Abigail {surname}-Smythe", "1992-02-02")]));
        var investigator = Investigator(Force.Suffolk);

        foreach (var text in new[] { surname, surname.ToUpperInvariant(), surname[..6].ToLowerInvariant() })
        {
            var hits = await SearchAsync(investigator, text);
            Assert.All(hits, h => Assert.Equal(("NAME", "COURIER"), (Text(h, "matchedOn"), Text(h["node"]!, "kind"))));
            // By label: "Abigail ..." before "BARTHOLOMEW ..." (the newest spelling), each person once.
            Assert.Equal([$"Abigail {surname}-Smythe", $"{first.ToUpperInvariant()} {surname.ToUpperInvariant()}"], hits.Select(h => Text(h["node"]!, "label")).ToList());
        }

        var both = await SearchAsync(investigator, $"{first[..5]} {surname[..7]}");
        Assert.Equal($"{first.ToUpperInvariant()} {surname.ToUpperInvariant()}", Text(Assert.Single(both)["node"]!, "label"));
        Assert.Equal(["ESSEX", "HERTFORDSHIRE"], Forces(both[0]["node"]!));
        Assert.Empty(await SearchAsync(investigator, surname[2..]));
    }

    [Fact]
    public async Task Identifier_hits_come_before_name_hits_and_first_cuts_the_list()
    {
        // A word that is also a registration: the car first, then the people named with it, by label.
        var word = "VX" + Letters(5).ToUpperInvariant();
        var spelt = word[..1] + word[1..].ToLowerInvariant();
        await region.ReportedAsync(Force.Essex, AnIncident.Courier(Unique("EX"), couriers: [AnIncident.CourierDescribed("Drove off fast", word)]));
        await region.ReportedAsync(Force.Essex, AnIncident.Courier(Unique("EX"), couriers: [AnIncident.CourierNamed($"Zara {spelt}", "1985-05-05")]));
        await region.ReportedAsync(Force.Essex, AnIncident.Courier(Unique("EX"), couriers: [AnIncident.CourierNamed($"Adam {spelt}son", "1986-06-06")]));
        var investigator = Investigator(Force.Essex);

        var hits = await SearchAsync(investigator, word.ToLowerInvariant());
        Assert.Equal([("REGISTRATION", word), ("NAME", $"Adam {spelt}son"), ("NAME", $"Zara {spelt}")], hits.Select(h => (Text(h, "matchedOn"), Text(h["node"]!, "label"))).ToList());
        Assert.Equal([("REGISTRATION", word), ("NAME", $"Adam {spelt}son")], (await SearchAsync(investigator, word, 2)).Select(h => (Text(h, "matchedOn"), Text(h["node"]!, "label"))).ToList());
        Assert.Equal(["REGISTRATION"], (await SearchAsync(investigator, word, 1)).Select(h => Text(h, "matchedOn")).ToList());
    }

    [Fact]
    public async Task What_another_force_withholds_is_a_pointer_by_identifier_and_nothing_by_id_or_name_with_the_id_refused()
    {
        var (phone, registration, number, reference) = (NewPhoneNumber(), "WH" + Letters(5).ToUpperInvariant(), Random.Shared.Next(10_000, 99_999).ToString(CultureInfo.InvariantCulture), Unique("EX-C"));
        var surname = Word("Withheld");
        var payload = await region.ReportsAsync(Force.Essex, AnIncident.Courier(reference, [phone], [AnIncident.CourierNamed($"Ulric {surname}", "1975-03-03", registration, $"18/{number}W")], handling: "C"));
        var incident = payload["incident"]!["id"]!.GetValue<string>();
        var courier = payload["incident"]!["couriers"]!.AsArray().Single()!["id"]!.GetValue<string>();
        var herts = Investigator(Force.Hertfordshire);

        foreach (var (text, matchedOn) in new[] { (phone, "E164"), (registration.ToLowerInvariant(), "REGISTRATION"), ($"2018/{number}w", "PNC_ID"), (reference, "FORCE_REFERENCE") })
        {
            IReadOnlyList<JsonNode> hits = [];
            var entries = await service.LoggedWhileAsync(async () => hits = await SearchAsync(herts, text));

            var node = Assert.Single(hits)["node"]!;
            Assert.Equal(matchedOn, Text(hits[0], "matchedOn"));
            Assert.Equal((incident, "INCIDENT", true, 0, $"ESSEX {reference}"), (Text(node, "id"), Text(node, "kind"), node["withheld"]!.GetValue<bool>(), node["degree"]!.GetValue<int>(), Text(node, "label")));
            Assert.Equal(("ESSEX", reference, "C"), (Text(node["pointer"]!, "force"), Text(node["pointer"]!, "forceReference"), Text(node["pointer"]!, "handling")));
            Assert.Equal([new NamedRecord("IncidentPointer", incident, "ESSEX")], OneOf(entries, "DISCLOSURE").Records);
            Assert.DoesNotContain(entries, e => e.Kind == "REFUSED");
            HoldsNoneOf(entries, surname, registration);
        }

        Assert.Empty(await SearchAsync(herts, surname));
        var unknown = Guid.NewGuid().ToString();
        foreach (var (id, refused) in new[] { (incident, new NamedRecord("Incident", incident, "ESSEX")), (courier, new NamedRecord("Courier", courier, "ESSEX")), (unknown, new NamedRecord("Node", unknown, null)) })
        {
            IReadOnlyList<JsonNode> hits = [];
            var entries = await service.LoggedWhileAsync(async () => hits = await SearchAsync(herts, id));

            Assert.Empty(hits);
            Assert.Equal(["CONSULTATION", "REFUSED"], entries.Select(e => e.Kind).ToList());
            Assert.Empty(OneOf(entries, "CONSULTATION").Records);
            Assert.Equal([refused], OneOf(entries, "REFUSED").Records);
        }

        // The owning force sees it all in full.
        var essex = Investigator(Force.Essex);
        Assert.Equal([("E164", false)], (await SearchAsync(essex, phone)).Select(h => (Text(h, "matchedOn"), h["node"]!["withheld"]!.GetValue<bool>())).ToList());
        Assert.Equal([("NAME", courier)], (await SearchAsync(essex, surname)).Select(h => (Text(h, "matchedOn"), Text(h["node"]!, "id"))).ToList());
        Assert.Equal([("ID", incident)], (await SearchAsync(essex, incident)).Select(h => (Text(h, "matchedOn"), Text(h["node"]!, "id"))).ToList());
    }

    [Fact]
    public async Task A_name_seen_in_full_is_logged_as_the_person_returned_and_a_record_by_reference_as_a_disclosure()
    {
        var surname = Word("Logged");
        var reference = Unique("EX-P");
        var incident = await region.ReportedAsync(Force.Essex, AnIncident.Courier(reference, couriers: [AnIncident.CourierNamed($"Lena {surname}", "1979-07-07")]));
        var herts = Investigator(Force.Hertfordshire);
        IReadOnlyList<JsonNode> hits = [];

        var byName = await service.LoggedWhileAsync(async () => hits = await SearchAsync(herts, surname));
        var byReference = await service.LoggedWhileAsync(() => SearchAsync(herts, reference));

        Assert.Equal([new NamedRecord("Courier", Text(Assert.Single(hits)["node"]!, "id"), null)], OneOf(byName, "CONSULTATION").Records);
        Assert.DoesNotContain(byName, e => e.Kind is "DISCLOSURE" or "REFUSED");
        Assert.Equal([new NamedRecord("Incident", incident, "ESSEX")], OneOf(byReference, "DISCLOSURE").Records);
        HoldsNoneOf([.. byName, .. byReference], surname);
    }

    [Theory]
    [InlineData("ab")]
    [InlineData("   ab   ")]
    [InlineData("abc\u0007")]
    [InlineData("Daniel\nPrice")]
    public async Task A_text_too_short_or_holding_control_characters_is_bad_user_input(string text)
    {
        var answer = await region.AsksAsync(Investigator(Force.Essex), "Search", new { text });

        Assert.Equal("BAD_USER_INPUT", answer.FirstErrorCode);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(51)]
    public async Task First_outside_1_to_50_is_bad_user_input(int first)
    {
        var answer = await region.AsksAsync(Investigator(Force.Essex), "Search", new { text = "Daniel", first });

        Assert.Equal("BAD_USER_INPUT", answer.FirstErrorCode);
    }

    [Fact]
    public async Task A_text_over_100_characters_is_bad_user_input_and_100_is_answered()
    {
        var investigator = Investigator(Force.Essex);

        Assert.Equal("BAD_USER_INPUT", (await region.AsksAsync(investigator, "Search", new { text = new string('a', 101) })).FirstErrorCode);
        Assert.Empty(await SearchAsync(investigator, new string('a', 100)));
    }

    [Fact]
    public async Task The_statements_of_a_search_do_not_grow_with_the_hits()
    {
        var few = Word("Few");
        var many = Word("Many");
        var (phoneFew, phoneMany) = (NewPhoneNumber(), NewPhoneNumber());
        for (var i = 0; i < 2; i++)
        {
            await region.ReportedAsync(Force.Essex, AnIncident.Courier(Unique("EX"), [phoneFew], [AnIncident.CourierNamed($"{few} {Letters(4)}", "1960-01-0" + (i + 1)), AnIncident.CourierNamed($"{few}{Letters(2)} Jones", "1961-01-0" + (i + 1))]));
        }

        for (var i = 0; i < 8; i++)
        {
            await region.ReportedAsync(Force.Essex, AnIncident.Courier(Unique("EX"), [phoneMany], [AnIncident.CourierNamed($"{many} {Letters(4)}", "1960-01-0" + (i + 1)), AnIncident.CourierNamed($"{many}{Letters(2)} Jones", "1961-01-0" + (i + 1))]));
        }

        var investigator = Investigator(Force.Hertfordshire);
        var query = ContractOperations.Text("Search");

        var (fewStatements, fewData) = await Statements.CountAsync(service, investigator, output, query, new { text = few, first = 50, purpose = "INVESTIGATION", why = Region.Why });
        var (manyStatements, manyData) = await Statements.CountAsync(service, investigator, output, query, new { text = many, first = 50, purpose = "INVESTIGATION", why = Region.Why });

        Assert.Equal(4, fewData["access"]!["search"]!.AsArray().Count);
        Assert.Equal(16, manyData["access"]!["search"]!.AsArray().Count);
        Assert.Equal(fewStatements, manyStatements);

        // Fewer wanted than found: the candidates are ordered first, in one more statement whatever their number.
        var (fewCut, _) = await Statements.CountAsync(service, investigator, output, query, new { text = few, first = 3, purpose = "INVESTIGATION", why = Region.Why });
        var (manyCut, manyCutData) = await Statements.CountAsync(service, investigator, output, query, new { text = many, first = 3, purpose = "INVESTIGATION", why = Region.Why });
        Assert.Equal(fewCut, manyCut);
        Assert.Equal(
            manyData["access"]!["search"]!.AsArray().Take(3).Select(h => h!["node"]!["id"]!.GetValue<string>()),
            manyCutData["access"]!["search"]!.AsArray().Select(h => h!["node"]!["id"]!.GetValue<string>()));
    }

    [Fact]
    public void A_text_is_read_as_every_identifier_it_can_be_and_as_the_words_of_a_name()
    {
        var (text, problem) = SearchText.Read("  07700 900123 ");
        Assert.Null(problem);
        Assert.Equal(("+447700900123", null, (Guid?)null), (text!.E164, text.PncId, text.Id));
        Assert.Equal("07700:* & 900123:*", text.NameQuery);

        Assert.Equal("dan:* & o:* & brien:*", SearchText.Read("dan O'Brien; o").Text!.NameQuery?.ToLowerInvariant());
        Assert.Equal("19/12345A", SearchText.Read("2019/0012345a").Text!.PncId);
        var id = Guid.NewGuid();
        Assert.Equal((id, (string?)null), (SearchText.Read(id.ToString()).Text!.Id, SearchText.Read(id.ToString()).Text!.NameQuery));
        // The query language's operators never come from the text: only its letters and digits do.
        Assert.Equal("a:* & b:* & c:*", SearchText.Read("a:*|!(b)' & <->\\c").Text!.NameQuery);
        Assert.NotNull(SearchText.Read("ab").Problem);
        Assert.NotNull(SearchText.Read("abc\u001b[31m").Problem);
    }

    private async Task<IReadOnlyList<JsonNode>> SearchAsync(TestCaller investigator, string text, int? first = null) =>
        [.. (await region.ReadsAsync(investigator, "Search", new { text, first }))["search"]!.AsArray().Select(h => h!)];

    private static string Text(JsonNode node, string field) => node[field]!.GetValue<string>();

    private static List<string> Forces(JsonNode node) => [.. node["forces"]!.AsArray().Select(f => f!.GetValue<string>())];

    /// <summary>A capitalised word no other test uses: letters only, so it is one word of a name.</summary>
    private static string Word(string prefix) => prefix + Letters(8);

    private static string Letters(int count) => new([.. Guid.NewGuid().ToString("N").Take(count).Select(c => (char)('a' + Convert.ToInt32(c.ToString(), 16)))]);
}
