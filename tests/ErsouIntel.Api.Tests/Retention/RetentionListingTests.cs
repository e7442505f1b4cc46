using ErsouIntel.Api.Incidents.Reading;
using ErsouIntel.Api.Retention;
using ErsouIntel.Api.Tests.Cases;
using ErsouIntel.Api.Tests.Infrastructure;
using ErsouIntel.Domain;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace ErsouIntel.Api.Tests.Retention;

/// <summary>
/// <c>retention</c>: a records manager lists what is past its review date (default: six years after
/// the incident occurred, six after a case opened), and the listing is on the access log.
/// </summary>
public sealed class RetentionListingTests(ServiceFixture service) : IClassFixture<ServiceFixture>, IDisposable
{
    private readonly Region region = new(service);
    private readonly string file = Path.Combine(Path.GetTempPath(), $"ersou-retention-{Guid.NewGuid():N}.csv");

    public void Dispose() => File.Delete(file);

    [Fact]
    public async Task Incidents_that_occurred_six_years_or_more_before_the_day_are_listed_and_later_ones_are_not()
    {
        var before = await region.ReportedAsync(Force.Suffolk, AnIncident.Courier(CaseSteps.Unique("SFK-RET-OLD"), occurredAt: "2019-03-31T23:30:00Z"));
        var onTheDay = await region.ReportedAsync(Force.Suffolk, AnIncident.Courier(CaseSteps.Unique("SFK-RET-DAY"), occurredAt: "2019-04-01T10:00:00Z"));
        var after = await region.ReportedAsync(Force.Suffolk, AnIncident.Courier(CaseSteps.Unique("SFK-RET-NEW"), occurredAt: "2019-04-02T00:30:00Z", phones: ["07700 900555"]));

        var (code, stdout, stderr) = await RunAsync("--as-of", "2025-04-01", "--force", "SUFFOLK");

        Assert.True(code == 0, stderr);
        var lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("kind,force,reference,id,review_on,why", lines[0]);
        var byId = lines.Skip(1).Select(l => l.Split(',')).ToDictionary(l => l[3]);
        Assert.True(byId.ContainsKey(before), $"The incident that occurred 2019-03-31 was not listed for review on 2025-04-01:\n{stdout}");
        Assert.True(byId.ContainsKey(onTheDay), $"The incident whose review date is 2025-04-01 itself was not listed:\n{stdout}");
        Assert.False(byId.ContainsKey(after), $"The incident not due until 2025-04-02 was listed:\n{stdout}");
        Assert.Equal(["incident", "SUFFOLK", "2025-03-31"], new[] { byId[before][0], byId[before][1], byId[before][4] });
        Assert.Equal("2025-04-01", byId[onTheDay][4]);
        Assert.Contains("occurred 2019-03-31; category CourierFraud reviewed 6 years after; handling P", byId[before][5], StringComparison.Ordinal);

        // No personal data: no place, no phone number, no summary.
        Assert.DoesNotContain("Watford", stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("07700", stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("courier collected", stdout, StringComparison.OrdinalIgnoreCase);

        // A day later the third is due too.
        (code, stdout, _) = await RunAsync("--as-of", "2025-04-02", "--force", "suffolk");
        Assert.Equal(0, code);
        Assert.Contains(after, stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_listing_is_on_the_access_log_as_a_consultation_of_the_records_it_named()
    {
        var due = await region.ReportedAsync(Force.Norfolk, AnIncident.Courier(CaseSteps.Unique("NFK-RET"), occurredAt: "2015-01-10T09:00:00Z"));

        var (code, _, stderr) = await RunAsync("--as-of", "2022-01-01", "--force", "NORFOLK", "--operator", "records.manager", "--file", file);

        Assert.True(code == 0, stderr);
        Assert.Contains(due, await File.ReadAllTextAsync(file), StringComparison.Ordinal);
        await using var db = NpgsqlDataSource.Create(service.ConnectionString);
        await using var command = db.CreateCommand("select subject, force, kind, records::text from ersou.access_log where operation = 'retention' order by sequence desc limit 1");
        await using var reader = await command.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync(), "The retention listing left no entry in the access log.");
        Assert.Equal(("operator:records.manager", "NORFOLK", "CONSULTATION"), (reader.GetString(0), reader.GetString(1), reader.GetString(2)));
        Assert.Contains(due, reader.GetString(3), StringComparison.Ordinal);
        Assert.Contains(IncidentQueries.RecordType, reader.GetString(3), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_case_is_listed_six_years_after_it_opened()
    {
        var investigator = CaseSteps.Investigator(Force.Cambridgeshire);
        var caseId = await region.OpensCaseAsync(investigator, CaseSteps.Unique("CAM-RET-CASE"));
        var today = DateOnly.FromDateTime(DateTime.UtcNow);

        var (code, stdout, stderr) = await RunAsync("--as-of", today.AddYears(6).AddDays(-2).ToString("yyyy-MM-dd"), "--force", "CAMBRIDGESHIRE");
        Assert.True(code == 0, stderr);
        Assert.DoesNotContain(caseId, stdout, StringComparison.Ordinal);

        (code, stdout, stderr) = await RunAsync("--as-of", today.AddYears(6).AddDays(1).ToString("yyyy-MM-dd"), "--force", "CAMBRIDGESHIRE");
        Assert.True(code == 0, stderr);
        var line = stdout.Split('\n').Single(l => l.Contains(caseId, StringComparison.Ordinal)).Split(',');
        Assert.Equal("case", line[0]);
        Assert.Equal("CAMBRIDGESHIRE", line[1]);
        Assert.Contains("status OPEN", line[5], StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_category_with_a_review_period_of_its_own_is_due_on_its_own_date()
    {
        var other = await region.ReportedAsync(Force.Essex, AnIncident.Courier(CaseSteps.Unique("ESX-RET"), occurredAt: "2023-05-01T12:00:00Z"));
        var rules = new RetentionRules { IncidentReviewYearsByCategory = { ["COURIER_FRAUD"] = 2 } };
        rules.Validate();

        var due = await RetentionListing.DueAsync(service.Services.GetRequiredService<NpgsqlDataSource>(), rules, new DateOnly(2025, 5, 1), Force.Essex, CancellationToken.None);

        var listed = Assert.Single(due, d => d.Id.ToString("D") == other);
        Assert.Equal(new DateOnly(2025, 5, 1), listed.ReviewOn);
        Assert.Contains("reviewed 2 years after", listed.Why, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--as-of 01/04/2025", "--as-of '01/04/2025' is not a date")]
    [InlineData("--as-of 2025-02-30", "is not a date")]
    [InlineData("--force KENT", "--force 'KENT' is not a force")]
    [InlineData("--force 3", "is not a force")]
    [InlineData("--since 2025-01-01", "Unknown option --since")]
    [InlineData("--as-of", "Expected '--name value' at '--as-of'")]
    [InlineData("2025-01-01", "Expected '--name value'")]
    [InlineData("--force ESSEX --force NORFOLK", "--force is given twice")]
    [InlineData("--file /no/such/folder/out.csv", "there is no folder")]
    public async Task Bad_arguments_are_refused_with_the_reason_and_exit_code_2(string arguments, string reason)
    {
        var (code, stdout, stderr) = await RunAsync(arguments.Split(' '));

        Assert.Equal(2, code);
        Assert.Contains(reason, stderr, StringComparison.Ordinal);
        Assert.Contains("retention [--as-of YYYY-MM-DD]", stderr, StringComparison.Ordinal);
        Assert.Equal(string.Empty, stdout);
    }

    [Theory]
    [InlineData("Retention:IncidentReviewYears", "0", "review periods are 1 to 100 years")]
    [InlineData("Retention:IncidentReviewYearsByCategory:PARKING", "3", "'PARKING', which is not an incident category")]
    public async Task A_bad_review_period_in_the_settings_is_refused_before_anything_is_read(string setting, string value, string reason)
    {
        await using var provider = new ServiceCollection()
            .AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection([new(setting, value)]).Build())
            .BuildServiceProvider();
        var stdout = new StringWriter();
        var stderr = new StringWriter();

        Assert.Equal(2, await RetentionListing.RunAsync(provider, ["--as-of", "2025-01-01"], stdout, stderr));
        Assert.Contains(reason, stderr.ToString(), StringComparison.Ordinal);
    }

    private async Task<(int Code, string Stdout, string Stderr)> RunAsync(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var code = await RetentionListing.RunAsync(service.Services, args, stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }
}
