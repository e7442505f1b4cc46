using System.Text.Json.Nodes;
using ErsouIntel.Api.Tests.Audit;
using ErsouIntel.Api.Tests.Infrastructure;
using ErsouIntel.Api.Tests.Visibility;
using ErsouIntel.Domain;
using static ErsouIntel.Api.Tests.Audit.AccessLogSteps;
using static ErsouIntel.Api.Tests.Cases.CaseSteps;

namespace ErsouIntel.Api.Tests.Links.Questions;

/// <summary>
/// <c>node(id)</c>: any record by the id the service gave it, under the rules of the field that
/// fetches that kind by id. What the caller may not have answers null exactly as an id that names
/// nothing, and both are logged as REFUSED; the log names the record and its force when it exists.
/// </summary>
public sealed class NodeTests(ServiceFixture service) : IClassFixture<ServiceFixture>
{
    private const string NodeById =
        """
        query Node($id: ID!, $purpose: Purpose!, $why: String!) {
          access(purpose: $purpose, justification: $why) {
            node(id: $id) {
              __typename id
              ... on Incident { forceReference }
              ... on Courier { name }
              ... on Suspect { name }
              ... on Case { reference }
              ... on Match { kind forces }
            }
          }
        }
        """;

    private readonly Region region = new(service);

    [Fact]
    public async Task Each_kind_of_node_is_fetched_by_its_id_and_logged_as_that_record()
    {
        var (reference, phone) = (Unique("EX"), NewPhoneNumber());
        var payload = await region.ReportsAsync(Force.Essex, new Dictionary<string, object?>(AnIncident.Courier(reference, [phone], [AnIncident.CourierNamed("Cuthbert Nodeworthy", "1966-06-06")]))
        {
            ["suspects"] = new[] { new { name = "Griselda Nodeworthy", dateOfBirth = "1967-07-07" } },
        });
        var incident = payload["incident"]!["id"]!.GetValue<string>();
        var courier = payload["incident"]!["couriers"]!.AsArray().Single()!["id"]!.GetValue<string>();
        var suspect = payload["incident"]!["suspects"]!.AsArray().Single()!["id"]!.GetValue<string>();
        await region.ReportedAsync(Force.Hertfordshire, AnIncident.Courier(Unique("HC"), [phone]));
        var essex = Investigator(Force.Essex);
        var caseReference = Unique("EX-CASE");
        var caseId = await region.OpensCaseAsync(essex, caseReference);
        var match = (await region.MatchesOnKeyAsync(essex, E164(phone))).Single()["id"]!.GetValue<string>();

        foreach (var (id, type, field, value, logged) in new[]
        {
            (incident, "Incident", "forceReference", reference, new NamedRecord("Incident", incident, "ESSEX")),
            (courier, "Courier", "name", "Cuthbert Nodeworthy", new NamedRecord("Courier", courier, null)),
            (suspect, "Suspect", "name", "Griselda Nodeworthy", new NamedRecord("Suspect", suspect, null)),
            (caseId, "Case", "reference", caseReference, new NamedRecord("Case", caseId, "ESSEX")),
        })
        {
            JsonNode? node = null;
            var entries = await service.LoggedWhileAsync(async () => node = await NodeAsync(essex, id));

            Assert.True(node is not null, $"node({type} {id}) answered null");
            Assert.Equal((type, id, value), (Text(node, "__typename"), Text(node, "id"), Text(node, field)));
            Assert.Contains(logged, OneOf(entries, "CONSULTATION").Records);
            Assert.DoesNotContain(entries, e => e.Kind == "REFUSED");
        }

        var matched = await NodeAsync(essex, match);
        Assert.Equal(("Match", match, "PHONE_NUMBER"), (Text(matched!, "__typename"), Text(matched!, "id"), Text(matched!, "kind")));
        Assert.Equal(["ESSEX", "HERTFORDSHIRE"], matched!["forces"]!.AsArray().Select(f => f!.GetValue<string>()).Order(StringComparer.Ordinal).ToList());
    }

    [Fact]
    public async Task What_the_caller_may_not_have_answers_null_like_an_unknown_id_and_is_refused_naming_its_force()
    {
        var phone = NewPhoneNumber();
        var payload = await region.ReportsAsync(Force.Essex, new Dictionary<string, object?>(AnIncident.Courier(Unique("EX-C"), [phone], [AnIncident.CourierNamed("Wilhelmina Hiddenly", "1955-05-05")], handling: "C"))
        {
            ["suspects"] = new[] { new { name = "Barnaby Hiddenly", dateOfBirth = "1956-06-06" } },
        });
        var incident = payload["incident"]!["id"]!.GetValue<string>();
        var courier = payload["incident"]!["couriers"]!.AsArray().Single()!["id"]!.GetValue<string>();
        var suspect = payload["incident"]!["suspects"]!.AsArray().Single()!["id"]!.GetValue<string>();
        await region.ReportedAsync(Force.Suffolk, AnIncident.Courier(Unique("SC"), [phone]));
        var essex = Investigator(Force.Essex);
        var caseId = await region.OpensCaseAsync(essex, Unique("EX-CASE"));
        var match = (await region.MatchesOnKeyAsync(essex, E164(phone))).Single()["id"]!.GetValue<string>();
        var unknown = Guid.NewGuid().ToString();
        var herts = Investigator(Force.Hertfordshire);

        var (unknownAnswer, unknownEntries) = await AskedAsync(herts, unknown);
        Assert.Null(unknownAnswer.Data!["access"]!["node"]);
        Assert.Equal([new NamedRecord("Node", unknown, null)], OneOf(unknownEntries, "REFUSED").Records);

        foreach (var (id, refused) in new[]
        {
            (incident, new[] { new NamedRecord("Incident", incident, "ESSEX") }),
            (courier, [new NamedRecord("Courier", courier, "ESSEX")]),
            (suspect, [new NamedRecord("Suspect", suspect, "ESSEX")]),
            (caseId, [new NamedRecord("Case", caseId, "ESSEX")]),
            (match, [new NamedRecord("Match", match, "ESSEX"), new NamedRecord("Match", match, "SUFFOLK")]),
        })
        {
            var (answer, entries) = await AskedAsync(herts, id);

            Read.AnswersAlike(unknownAnswer, answer, $"A Hertfordshire investigator asking for {id}");
            Assert.Equal(unknownEntries.Select(e => e.Kind), entries.Select(e => e.Kind));
            Assert.Empty(OneOf(entries, "CONSULTATION").Records);
            Assert.Equal(refused, OneOf(entries, "REFUSED").Records);
        }

        var (nonsense, nonsenseEntries) = await AskedAsync(herts, "not-an-id\u0007");
        Assert.Null(nonsense.Data!["access"]!["node"]);
        Assert.Equal([new NamedRecord("Node", "not-an-id\u2407", null)], OneOf(nonsenseEntries, "REFUSED").Records);
    }

    private async Task<(GraphQLAnswer Answer, IReadOnlyList<LogRow> Entries)> AskedAsync(TestCaller investigator, string id)
    {
        GraphQLAnswer answer = null!;
        var entries = await service.LoggedWhileAsync(async () => answer = await service.PostAsAsync(investigator, NodeById, new { id, purpose = "INVESTIGATION", why = Region.Why }));
        Assert.True(answer.Status == 200 && answer.Errors is null, answer.ToString());
        return (answer, entries);
    }

    private async Task<JsonNode?> NodeAsync(TestCaller investigator, string id) => (await AskedAsync(investigator, id)).Answer.Data!["access"]!["node"];

    private static string Text(JsonNode node, string field) => node[field]!.GetValue<string>();
}
