using System.Text.Json.Nodes;
using ErsouIntel.Api.Tests.Infrastructure;
using ErsouIntel.Domain;
using static ErsouIntel.Api.Tests.Audit.AccessLogSteps;
using static ErsouIntel.Api.Tests.Cases.CaseSteps;

namespace ErsouIntel.Api.Tests.Audit;

/// <summary>
/// Starting state: Hertfordshire, Essex and Bedfordshire have each reported an incident; a
/// Hertfordshire investigator has read their own, and a Bedfordshire investigator has read the
/// Essex incident (a disclosure) and then their own.
/// </summary>
public sealed class ALogOfThreeForces : ServiceFixture
{
    public TestCaller HertfordshireInvestigator { get; } = Investigator(Force.Hertfordshire);

    public TestCaller BedfordshireInvestigator { get; } = Investigator(Force.Bedfordshire);

    public string HertfordshireIncident { get; private set; } = "";

    public string EssexIncident { get; private set; } = "";

    public string BedfordshireIncident { get; private set; } = "";

    protected override async Task SeedAsync()
    {
        var region = new Region(this);
        HertfordshireIncident = await region.ReportedAsync(Force.Hertfordshire, AnIncident.Courier(Unique("HC")));
        EssexIncident = await region.ReportedAsync(Force.Essex, AnIncident.Courier(Unique("EX")));
        BedfordshireIncident = await region.ReportedAsync(Force.Bedfordshire, AnIncident.Courier(Unique("BD")));
        await region.ReadsAsync(HertfordshireInvestigator, ContractOperations.Incident, new { id = HertfordshireIncident });
        await region.ReadsAsync(BedfordshireInvestigator, ContractOperations.Incident, new { id = EssexIncident });
        await region.ReadsAsync(BedfordshireInvestigator, ContractOperations.Incident, new { id = BedfordshireIncident });
    }
}

/// <summary>Auditors page through the log with filters; a force auditor sees only what concerns their force; nobody else reads it.</summary>
public sealed class ReadingTheLogTests(ALogOfThreeForces log) : IClassFixture<ALogOfThreeForces>
{
    private readonly ServiceFixture service = log;

    [Fact]
    public async Task A_region_wide_auditor_sees_every_entry_newest_first_with_every_field()
    {
        var all = await service.EntriesSinceAsync(0);

        var (entries, _) = await service.PageAsync(RegionAuditor(), first: 200);

        Assert.Equal(all.Select(e => e.Sequence).Reverse(), entries.Select(Sequence));
        var disclosure = entries.Single(e => Text(e, "kind") == "DISCLOSURE" && Text(e, "subject") == log.BedfordshireInvestigator.Subject);
        Assert.Equal("BEDFORDSHIRE", Text(disclosure, "force"));
        Assert.Equal(["investigator"], disclosure["roles"]!.AsArray().Select(r => r!.GetValue<string>()));
        Assert.Equal("Incident", Text(disclosure, "operation"));
        Assert.Equal("INVESTIGATION", Text(disclosure, "purpose"));
        Assert.Equal(Region.Why, Text(disclosure, "justification"));
        var record = Assert.Single(disclosure["records"]!.AsArray())!;
        Assert.Equal(("Incident", log.EssexIncident, "ESSEX"), (Text(record, "type"), Text(record, "id"), Text(record, "force")));
        Assert.Matches("^[0-9a-f]{64}$", Text(disclosure, "hash"));
        Assert.Matches("^[0-9a-f]{64}$", Text(disclosure, "previousHash"));
        Assert.EndsWith("Z", Text(disclosure, "at"), StringComparison.Ordinal);
        var first = entries[^1];
        Assert.Equal(1, Sequence(first));
        Assert.Equal(new string('0', 64), Text(first, "previousHash"));
    }

    [Fact]
    public async Task A_force_auditor_sees_only_entries_made_by_their_force_or_naming_its_records()
    {
        var all = await service.EntriesSinceAsync(0);
        var aboutEssex = all.Where(e => e.Force == "ESSEX" || e.Records.Any(r => r.Force == "ESSEX")).Select(e => e.Sequence).Reverse().ToList();

        var (entries, _) = await service.PageAsync(ForceAuditor(Force.Essex), first: 200);

        Assert.Equal(aboutEssex, entries.Select(Sequence));
        Assert.Contains(entries, e => Text(e, "subject") == "essex-system" && Text(e, "kind") == "COLLECTION");
        Assert.Contains(entries, e => Text(e, "subject") == log.BedfordshireInvestigator.Subject && Text(e, "kind") == "DISCLOSURE");
        Assert.DoesNotContain(entries, e => Text(e, "subject") == log.HertfordshireInvestigator.Subject);
        Assert.DoesNotContain(entries, e => Text(e, "subject") == log.BedfordshireInvestigator.Subject && Text(e, "kind") == "CONSULTATION");
    }

    [Fact]
    public async Task A_force_auditors_filter_narrows_within_their_force_and_never_widens_it()
    {
        var (entries, _) = await service.PageAsync(ForceAuditor(Force.Essex), new { subject = log.HertfordshireInvestigator.Subject });

        Assert.Empty(entries);
    }

    [Fact]
    public async Task Filters_by_subject_kind_force_and_record_each_hold()
    {
        var bedfordshire = log.BedfordshireInvestigator.Subject;
        var auditor = RegionAuditor();

        var bySubject = (await service.PageAsync(auditor, new { subject = bedfordshire })).Entries;
        var byKind = (await service.PageAsync(auditor, new { subject = bedfordshire, kind = "DISCLOSURE" })).Entries;
        var aboutEssex = (await service.PageAsync(auditor, new { subject = bedfordshire, force = "ESSEX" })).Entries;
        var aboutNorfolk = (await service.PageAsync(auditor, new { subject = bedfordshire, force = "NORFOLK" })).Entries;
        var byRecord = (await service.PageAsync(auditor, new { recordId = log.EssexIncident })).Entries;

        Assert.Equal(["CONSULTATION", "CONSULTATION", "DISCLOSURE"], bySubject.Select(e => Text(e, "kind")).Order(StringComparer.Ordinal));
        Assert.Equal([log.EssexIncident], byKind.Select(e => Text(Assert.Single(e["records"]!.AsArray())!, "id")));
        Assert.Equal(["DISCLOSURE"], aboutEssex.Select(e => Text(e, "kind")));
        Assert.Empty(aboutNorfolk);
        Assert.Equal([("DISCLOSURE", bedfordshire), ("COLLECTION", "essex-system")], byRecord.Select(e => (Text(e, "kind"), Text(e, "subject"))));
    }

    [Fact]
    public async Task From_and_to_both_include_their_moment()
    {
        var auditor = RegionAuditor();
        var disclosure = (await service.PageAsync(auditor, new { subject = log.BedfordshireInvestigator.Subject, kind = "DISCLOSURE" })).Entries.Single();
        var at = Text(disclosure, "at");

        var atThatMoment = (await service.PageAsync(auditor, new { subject = log.BedfordshireInvestigator.Subject, from = at, to = at })).Entries;
        var before = (await service.PageAsync(auditor, new { subject = log.BedfordshireInvestigator.Subject, to = "2000-01-01T00:00:00Z" })).Entries;
        var later = (await service.PageAsync(auditor, new { subject = log.BedfordshireInvestigator.Subject, from = DateTimeOffset.UtcNow.AddHours(1) })).Entries;

        // The request's CONSULTATION and DISCLOSURE share its moment.
        Assert.Equal(["CONSULTATION", "DISCLOSURE"], atThatMoment.Select(e => Text(e, "kind")).Order(StringComparer.Ordinal));
        Assert.Empty(before);
        Assert.Empty(later);
    }

    [Fact]
    public async Task Pages_follow_each_other_by_cursor_newest_first()
    {
        var auditor = RegionAuditor();
        var filter = new { subject = log.BedfordshireInvestigator.Subject };

        var (firstPage, firstInfo) = await service.PageAsync(auditor, filter, first: 2);
        var (secondPage, secondInfo) = await service.PageAsync(auditor, filter, first: 2, after: Text(firstInfo, "endCursor"));

        Assert.True(firstInfo["hasNextPage"]!.GetValue<bool>());
        Assert.False(secondInfo["hasNextPage"]!.GetValue<bool>());
        var sequences = firstPage.Concat(secondPage).Select(Sequence).ToList();
        Assert.Equal(3, sequences.Count);
        Assert.Equal(sequences.OrderDescending(), sequences);
    }

    [Theory]
    [InlineData(201, null)]
    [InlineData(-1, null)]
    [InlineData(10, "not a cursor")]
    public async Task A_page_larger_than_200_or_a_cursor_not_given_out_is_refused(int first, string? after)
    {
        var answer = await service.AuditsAsync(RegionAuditor(), first: first, after: after);

        Assert.True(answer.FirstErrorCode == "BAD_USER_INPUT", answer.ToString());
    }

    [Fact]
    public async Task Reading_the_log_is_itself_logged_naming_the_entries_shown()
    {
        var auditor = RegionAuditor(Unique("auditor"));
        IReadOnlyList<JsonNode> shown = [];

        var entries = await service.LoggedWhileAsync(async () => shown = (await service.PageAsync(auditor, new { subject = log.BedfordshireInvestigator.Subject })).Entries);

        var consultation = Assert.Single(entries);
        Assert.Equal(("CONSULTATION", auditor.Subject, null, "AccessLog"), (consultation.Kind, consultation.Subject, consultation.Force, consultation.Operation));
        Assert.Equal(["auditor"], consultation.Roles);
        Assert.Null(consultation.Justification);
        Assert.Equal(shown.Select(e => Sequence(e).ToString(System.Globalization.CultureInfo.InvariantCulture)).Order(StringComparer.Ordinal), consultation.IdsOf("AccessLogEntry"));
        Assert.All(consultation.Records, r => Assert.Null(r.Force));
    }

    [Fact]
    public async Task Verifying_the_log_is_logged_too_and_finds_it_whole()
    {
        var auditor = ForceAuditor(Force.Suffolk, Unique("suffolk-auditor"));
        var head = await service.HeadAsync();
        JsonNode verification = null!;

        var entries = await service.LoggedWhileAsync(async () => verification = await service.VerifiesAsync(auditor));

        Assert.True(verification["valid"]!.GetValue<bool>(), verification.ToJsonString());
        Assert.Equal(head, verification["entriesChecked"]!.GetValue<long>());
        Assert.Null(verification["firstInvalidSequence"]);
        var consultation = Assert.Single(entries);
        Assert.Equal(("CONSULTATION", auditor.Subject, "SUFFOLK", "VerifyAccessLog"), (consultation.Kind, consultation.Subject, consultation.Force, consultation.Operation));
        Assert.Empty(consultation.Records);
    }

    public static TheoryData<string, string> CallersWhoAreNotAuditors
    {
        get
        {
            var rows = new TheoryData<string, string>();
            foreach (var operation in new[] { "AccessLog", "VerifyAccessLog" })
            {
                foreach (var caller in new[] { "anonymous", "investigator", "force system", "admin", "auditor without audit:read", "audit:read without the auditor role" })
                {
                    rows.Add(caller, operation);
                }
            }

            return rows;
        }
    }

    [Theory]
    [MemberData(nameof(CallersWhoAreNotAuditors))]
    public async Task Nobody_but_an_auditor_reads_or_verifies_the_log(string who, string operation)
    {
        TestCaller? caller = who switch
        {
            "investigator" => TestCaller.Investigator(Force.Essex),
            "force system" => TestCaller.ForceSystem(Force.Essex),
            "admin" => new TestCaller("admin", null, ["admin"], ["admin"]),
            "auditor without audit:read" => new TestCaller("auditor", null, ["auditor"], ["intel:read"]),
            "audit:read without the auditor role" => new TestCaller("essex-investigator", Force.Essex, ["investigator"], ["audit:read", "intel:read"]),
            _ => null,
        };
        GraphQLAnswer answer = null!;

        var entries = await service.LoggedWhileAsync(async () => answer = await service.PostAsAsync(caller, ContractOperations.Text(operation)));

        var expected = caller is null ? "UNAUTHENTICATED" : "FORBIDDEN";
        Assert.True(answer.FirstErrorCode == expected, $"A caller ({who}) running {operation} was not refused with {expected}: {answer}");
        Assert.True(answer.Data is not JsonObject data || data.All(field => field.Value is null), $"A caller ({who}) running {operation} was given data: {answer}");
        if (caller is null)
        {
            // Without a token there is nobody to name: counted in telemetry, not logged.
            Assert.Empty(entries);
            return;
        }

        var refused = Assert.Single(entries);
        Assert.Equal(("REFUSED", caller.Subject, operation), (refused.Kind, refused.Subject, refused.Operation));
        Assert.Empty(refused.Records);
    }
}
