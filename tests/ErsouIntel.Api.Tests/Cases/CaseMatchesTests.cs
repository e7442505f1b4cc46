using System.Text.Json.Nodes;
using ErsouIntel.Api.Tests.Infrastructure;
using ErsouIntel.Domain;
using static ErsouIntel.Api.Tests.Cases.CaseSteps;

namespace ErsouIntel.Api.Tests.Cases;

/// <summary>A new incident that carries a phone number already on an open case is a match, on the case's timeline.</summary>
public sealed class CaseMatchesTests(ServiceFixture service) : IClassFixture<ServiceFixture>
{
    private readonly Region region = new(service);
    private readonly TestCaller hertfordshire = Investigator(Force.Hertfordshire);

    [Fact]
    public async Task Another_force_reporting_a_number_already_on_an_open_case_puts_MATCH_FOUND_on_its_timeline()
    {
        var number = NewPhoneNumber();
        var caseId = await OpenCaseHoldingAsync(number);
        Assert.DoesNotContain(await region.TimelineAsync(hertfordshire, caseId), e => Kind(e) == "MATCH_FOUND");

        await region.ReportedAsync(Force.Essex, AnIncident.Courier(Unique("EX"), phones: [number]));

        var timeline = await region.TimelineAsync(hertfordshire, caseId);
        var match = Assert.Single(timeline, e => Kind(e) == "MATCH_FOUND");
        Assert.True(Time(match, "at") > timeline.Where(e => Kind(e) == "INCIDENT_ATTACHED").Max(e => Time(e, "at")), "the match was found after the attachment");
        Assert.Equal("MATCH_FOUND", Kind(timeline[^1]));
        Assert.Equal("A new incident shares a phone number with this case (Essex, Hertfordshire)", match["summary"]!.GetValue<string>());
    }

    [Fact]
    public async Task The_match_is_listed_for_investigators_of_both_forces_with_pointers_to_both_incidents()
    {
        var number = NewPhoneNumber();
        var hertfordshireReference = Unique("HC");
        await OpenCaseHoldingAsync(number, hertfordshireReference);
        var essexReference = Unique("EX");

        await region.ReportedAsync(Force.Essex, AnIncident.Courier(essexReference, phones: [number]));

        foreach (var investigator in new[] { hertfordshire, Investigator(Force.Essex) })
        {
            var matches = await region.MatchesOnKeyAsync(investigator, E164(number));
            Assert.True(matches.Count > 0, $"{investigator.Subject} sees no match on {E164(number)}");
            Assert.Contains(matches, m =>
            {
                var pointers = m["pointers"]!.AsArray().Select(p => $"{p!["force"]!.GetValue<string>()} {p["forceReference"]!.GetValue<string>()} {p["handling"]!.GetValue<string>()}").ToList();
                return m["kind"]!.GetValue<string>() == "PHONE_NUMBER"
                    && Strings(m["forces"]).SequenceEqual(["ESSEX", "HERTFORDSHIRE"])
                    && pointers.Contains($"HERTFORDSHIRE {hertfordshireReference} P")
                    && pointers.Contains($"ESSEX {essexReference} P");
            });
        }
    }

    [Fact]
    public async Task The_same_force_reporting_a_number_already_on_an_open_case_puts_MATCH_FOUND_on_its_timeline_too()
    {
        var number = NewPhoneNumber();
        var caseId = await OpenCaseHoldingAsync(number);

        await region.ReportedAsync(Force.Hertfordshire, AnIncident.Courier(Unique("HC"), phones: [number]));

        Assert.Single(await region.TimelineAsync(hertfordshire, caseId), e => Kind(e) == "MATCH_FOUND");
    }

    [Fact]
    public async Task Another_forces_incident_amended_to_carry_a_number_already_on_an_open_case_puts_MATCH_FOUND_on_its_timeline()
    {
        var number = NewPhoneNumber();
        var caseId = await OpenCaseHoldingAsync(number);
        var essexReference = Unique("EX");
        await region.ReportedAsync(Force.Essex, AnIncident.Courier(essexReference));
        Assert.DoesNotContain(await region.TimelineAsync(hertfordshire, caseId), e => Kind(e) == "MATCH_FOUND");

        var amended = await region.ReportsAsync(Force.Essex, AnIncident.Courier(essexReference, phones: [number]));

        Assert.Equal("AMENDED", amended["outcome"]!.GetValue<string>());
        Assert.Single(await region.TimelineAsync(hertfordshire, caseId), e => Kind(e) == "MATCH_FOUND");
    }

    [Fact]
    public async Task A_number_reported_after_the_case_was_closed_adds_no_MATCH_FOUND()
    {
        var number = NewPhoneNumber();
        var caseId = await OpenCaseHoldingAsync(number);
        Accepted(await region.ClosesAsync(hertfordshire, caseId));

        await region.ReportedAsync(Force.Essex, AnIncident.Courier(Unique("EX"), phones: [number]));

        Assert.DoesNotContain(await region.TimelineAsync(hertfordshire, caseId), e => Kind(e) == "MATCH_FOUND");
    }

    [Fact]
    public async Task As_of_a_moment_before_the_match_the_timeline_holds_no_MATCH_FOUND()
    {
        var number = NewPhoneNumber();
        var caseId = await OpenCaseHoldingAsync(number);
        var moment = (await region.TimelineAsync(hertfordshire, caseId)).Max(e => Time(e, "recordedAt"));

        await region.ReportedAsync(Force.Essex, AnIncident.Courier(Unique("EX"), phones: [number]));

        Assert.DoesNotContain(await region.TimelineAsync(hertfordshire, caseId, asOf: moment), e => Kind(e) == "MATCH_FOUND");
    }

    /// <summary>A Hertfordshire incident carrying the number, attached to an open Hertfordshire case.</summary>
    private async Task<string> OpenCaseHoldingAsync(string number, string? reference = null)
    {
        var incidentId = await region.ReportedAsync(Force.Hertfordshire, AnIncident.Courier(reference ?? Unique("HC"), phones: [number]));
        var caseId = await region.OpensCaseAsync(hertfordshire, Unique("HC-CASE"));
        Accepted(await region.AttachesAsync(hertfordshire, caseId, incidentId));
        return caseId;
    }
}
