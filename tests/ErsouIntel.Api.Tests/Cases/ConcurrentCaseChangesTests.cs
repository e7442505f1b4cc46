using System.Text.Json.Nodes;
using ErsouIntel.Api.Tests.Infrastructure;
using ErsouIntel.Domain;
using static ErsouIntel.Api.Tests.Cases.CaseSteps;

namespace ErsouIntel.Api.Tests.Cases;

public sealed class ConcurrentCaseChangesTests(ServiceFixture service) : IClassFixture<ServiceFixture>
{
    private const int Writers = 20;

    private readonly Region region = new(service);
    private readonly TestCaller investigator = Investigator(Force.Suffolk);

    [Fact]
    public async Task Of_twenty_notes_sent_at_once_on_the_same_version_exactly_one_is_applied_and_the_rest_get_VERSION_CONFLICT()
    {
        var caseId = await region.OpensCaseAsync(investigator, Unique("SF-CASE"));
        var version = await region.VersionAsync(investigator, caseId);

        var payloads = await Task.WhenAll(Enumerable.Range(1, Writers).Select(i =>
            region.AddsNoteAsync(Investigator(Force.Suffolk), caseId, $"Note {i} from a colleague", expectedVersion: version)));

        var outcomes = payloads.Select(Outcome).ToList();
        Assert.True(outcomes.Count(o => o == "applied") == 1, string.Join(", ", outcomes));
        Assert.True(outcomes.Count(o => o == "VERSION_CONFLICT at expectedVersion") == Writers - 1, string.Join(", ", outcomes));
        Assert.Equal(version + 1, await region.VersionAsync(investigator, caseId));
        Assert.Single(await region.TimelineAsync(investigator, caseId), e => Kind(e) == "NOTE_ADDED");
    }

    [Fact]
    public async Task Twenty_notes_sent_at_once_without_an_expected_version_are_all_applied()
    {
        var caseId = await region.OpensCaseAsync(investigator, Unique("SF-CASE"));
        var version = await region.VersionAsync(investigator, caseId);
        var texts = Enumerable.Range(1, Writers).Select(i => Unique($"Note {i}")).ToList();

        var payloads = await Task.WhenAll(texts.Select(text => region.AddsNoteAsync(Investigator(Force.Suffolk), caseId, text)));

        var outcomes = payloads.Select(Outcome).ToList();
        Assert.True(outcomes.All(o => o == "applied"), string.Join(", ", outcomes));
        Assert.Equal(version + Writers, await region.VersionAsync(investigator, caseId));
        var notes = (await region.TimelineAsync(investigator, caseId)).Where(e => Kind(e) == "NOTE_ADDED").Select(e => e["summary"]!.GetValue<string>());
        Assert.Equal(texts.Order(StringComparer.Ordinal), notes.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Ten_attaches_and_ten_notes_at_once_are_all_applied_and_none_is_lost()
    {
        var caseId = await region.OpensCaseAsync(investigator, Unique("SF-CASE"));
        var version = await region.VersionAsync(investigator, caseId);
        var incidents = new List<string>();
        for (var i = 0; i < Writers / 2; i++)
        {
            incidents.Add(await region.ReportedAsync(Force.Suffolk, AnIncident.Courier(Unique("SF-MIX"))));
        }

        var attaches = incidents.Select(id => region.AttachesAsync(Investigator(Force.Suffolk), caseId, id));
        var notes = Enumerable.Range(1, Writers / 2).Select(i => region.AddsNoteAsync(Investigator(Force.Suffolk), caseId, Unique($"Mixed note {i}")));
        var payloads = await Task.WhenAll(attaches.Concat(notes));

        Assert.All(payloads, p => Assert.Equal("applied", Outcome(p)));
        Assert.Equal(version + Writers, await region.VersionAsync(investigator, caseId));
        var timeline = await region.TimelineAsync(investigator, caseId);
        Assert.Equal(Writers / 2, timeline.Count(e => Kind(e) == "INCIDENT_ATTACHED"));
        Assert.Equal(Writers / 2, timeline.Count(e => Kind(e) == "NOTE_ADDED"));
    }

    [Fact]
    public async Task Of_twenty_cases_opened_at_once_with_one_reference_exactly_one_is_opened_and_the_rest_get_DUPLICATE_REFERENCE()
    {
        var reference = Unique("SF-CASE");

        var answers = await Task.WhenAll(Enumerable.Range(1, Writers).Select(i =>
            service.PostAsAsync(Investigator(Force.Suffolk), ContractOperations.Text(ContractOperations.OpenCase), new { reference, title = $"Opening {i}" })));

        Assert.All(answers, a => Assert.True(a.Status == 200 && a.Errors is null, a.ToString()));
        var outcomes = answers.Select(a => Outcome(a.Data!["openCase"]!)).ToList();
        Assert.True(outcomes.Count(o => o == "applied") == 1, string.Join(", ", outcomes));
        Assert.True(outcomes.Count(o => o == "DUPLICATE_REFERENCE at reference") == Writers - 1, string.Join(", ", outcomes));
    }

    private static string Outcome(JsonNode payload) =>
        payload["errors"]!.AsArray().Count == 0 ? "applied" : Refusal(payload);
}
