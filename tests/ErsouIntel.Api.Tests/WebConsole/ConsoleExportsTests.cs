using ErsouIntel.Api.Tests.Audit;
using ErsouIntel.Api.Tests.Identity;
using ErsouIntel.Api.Tests.Infrastructure;
using ErsouIntel.Domain;

namespace ErsouIntel.Api.Tests.WebConsole;

/// <summary>Incidents of two forces, one of them withheld from other forces (handling C), for the console's exports.</summary>
public sealed class ExportRegion : ConsoleRegion
{
    public string EssexIncident { get; private set; } = "";

    public string HertsShared { get; private set; } = "";

    public string HertsWithheld { get; private set; } = "";

    protected override async Task SeedAsync()
    {
        await base.SeedAsync();
        var region = new Region(this);
        EssexIncident = await region.ReportedAsync(Force.Essex, AnIncident.Courier("ESX-EXPORT-1", ["+447700900301"]));
        HertsShared = await region.ReportedAsync(Force.Hertfordshire, AnIncident.Courier("HRT-EXPORT-1", ["+447700900301"]));
        HertsWithheld = await region.ReportedAsync(Force.Hertfordshire, AnIncident.Courier("HRT-EXPORT-2", ["+447700900301"], handling: "C"));
    }
}

/// <summary>An export from the console is in the access log, as one DISCLOSURE naming its records, before the file is made.</summary>
public sealed class ConsoleExportsTests(ExportRegion region) : IClassFixture<ExportRegion>
{
    private const string Why = "Sharing the courier network with the CPS lawyer";

    [Fact]
    public async Task An_export_writes_one_disclosure_naming_each_record_with_its_owning_force_from_the_service()
    {
        using var browser = region.NewBrowser();
        await browser.SignInAsync("essex.investigator", RegionWithSignIn.Password);
        var status = 0;

        var logged = await region.LoggedWhileAsync(async () => status = (await browser.ExportAsync(new
        {
            format = "CSV",
            purpose = "INTELLIGENCE_DEVELOPMENT",
            justification = "  " + Why + " ",
            records = new object[]
            {
                new { type = "Incident", id = region.EssexIncident },
                new { type = "Incident", id = region.HertsShared },
                new { type = "IncidentPointer", id = region.HertsWithheld },
                new { type = "Incident", id = region.EssexIncident },
            },
        })).Status);

        Assert.Equal(204, status);
        var entry = Assert.Single(logged);
        Assert.Equal("DISCLOSURE", entry.Kind);
        Assert.Equal("Export CSV", entry.Operation);
        Assert.Equal("essex.investigator", entry.Subject);
        Assert.Equal("ESSEX", entry.Force);
        Assert.Equal(["investigator"], entry.Roles);
        Assert.Equal("INTELLIGENCE_DEVELOPMENT", entry.Purpose);
        Assert.Equal(Why, entry.Justification);
        Assert.Equal(
            new[]
            {
                new NamedRecord("Incident", region.EssexIncident, "ESSEX"),
                new NamedRecord("Incident", region.HertsShared, "HERTFORDSHIRE"),
                new NamedRecord("IncidentPointer", region.HertsWithheld, "HERTFORDSHIRE"),
            }.OrderBy(r => r.Type, StringComparer.Ordinal).ThenBy(r => r.Force, StringComparer.Ordinal),
            entry.Records);
    }

    [Fact]
    public async Task A_png_export_is_logged_as_Export_PNG()
    {
        using var browser = region.NewBrowser();
        await browser.SignInAsync("essex.investigator", RegionWithSignIn.Password);
        var status = 0;

        var logged = await region.LoggedWhileAsync(async () => status = (await browser.ExportAsync(new
        {
            format = "PNG",
            purpose = "INVESTIGATION",
            justification = Why,
            records = new[] { new { type = "Incident", id = region.HertsShared } },
        })).Status);

        Assert.Equal(204, status);
        Assert.Equal("Export PNG", Assert.Single(logged).Operation);
    }

    [Fact]
    public async Task One_record_the_investigator_may_not_see_refuses_the_export_and_nothing_is_logged()
    {
        using var browser = region.NewBrowser();
        await browser.SignInAsync("essex.investigator", RegionWithSignIn.Password);
        var answers = new List<(int Status, System.Text.Json.Nodes.JsonNode? Json)>();

        var logged = await region.LoggedWhileAsync(async () =>
        {
            // A withheld incident in full, and an incident that does not exist.
            foreach (var id in new[] { region.HertsWithheld, Guid.NewGuid().ToString() })
            {
                answers.Add(await browser.ExportAsync(new
                {
                    format = "CSV",
                    purpose = "INVESTIGATION",
                    justification = Why,
                    records = new[] { new { type = "Incident", id = region.EssexIncident }, new { type = "Incident", id } },
                }));
            }
        });

        Assert.All(answers, a => Assert.Equal(400, a.Status));
        Assert.All(answers, a => Assert.Contains("not one you may see", a.Json!["error"]!.GetValue<string>(), StringComparison.Ordinal));
        Assert.Empty(logged);
    }

    [Fact]
    public async Task An_auditor_may_not_export_and_nothing_is_logged()
    {
        using var browser = region.NewBrowser();
        await browser.SignInAsync("region.auditor", RegionWithSignIn.Password);
        var status = 0;

        var logged = await region.LoggedWhileAsync(async () => status = (await browser.ExportAsync(new
        {
            format = "CSV",
            purpose = "INVESTIGATION",
            justification = Why,
            records = new[] { new { type = "Incident", id = region.EssexIncident } },
        })).Status);

        Assert.Equal(403, status);
        Assert.Empty(logged);
    }

    [Fact]
    public async Task An_export_without_the_anti_forgery_token_or_without_a_session_is_refused_and_nothing_is_logged()
    {
        using var signedIn = region.NewBrowser();
        await signedIn.SignInAsync("essex.investigator", RegionWithSignIn.Password);
        signedIn.Antiforgery = null;
        using var anonymous = region.NewBrowser();
        await anonymous.SessionAsync();
        var body = new { format = "CSV", purpose = "INVESTIGATION", justification = Why, records = new[] { new { type = "Incident", id = region.EssexIncident } } };
        var statuses = new List<int>();

        var logged = await region.LoggedWhileAsync(async () =>
        {
            statuses.Add((await signedIn.ExportAsync(body)).Status);
            statuses.Add((await anonymous.ExportAsync(body)).Status);
        });

        Assert.Equal([400, 401], statuses);
        Assert.Empty(logged);
    }

    public static TheoryData<string, string, string, int, string> BadRequests => new()
    {
        { "PDF", "INVESTIGATION", Why, 1, "Incident" },
        { "csv", "INVESTIGATION", Why, 1, "Incident" },
        { "CSV", "LEISURE", Why, 1, "Incident" },
        { "CSV", "1", Why, 1, "Incident" },
        { "CSV", "INVESTIGATION", "too short", 1, "Incident" },
        { "CSV", "INVESTIGATION", "Because\u0007of the bell", 1, "Incident" },
        { "CSV", "INVESTIGATION", Why, 0, "Incident" },
        { "CSV", "INVESTIGATION", Why, 1001, "Incident" },
        { "CSV", "INVESTIGATION", Why, 1, "PhoneNumber" },
    };

    [Theory]
    [MemberData(nameof(BadRequests))]
    public async Task A_malformed_export_is_400_with_a_reason_and_nothing_is_logged(string format, string purpose, string justification, int count, string type)
    {
        using var browser = region.NewBrowser();
        await browser.SignInAsync("essex.investigator", RegionWithSignIn.Password);
        (int Status, System.Text.Json.Nodes.JsonNode? Json) answer = default;

        var logged = await region.LoggedWhileAsync(async () => answer = await browser.ExportAsync(new
        {
            format,
            purpose,
            justification,
            records = Enumerable.Repeat(new { type, id = region.EssexIncident }, count).ToArray(),
        }));

        Assert.Equal(400, answer.Status);
        Assert.False(string.IsNullOrWhiteSpace(answer.Json!["error"]!.GetValue<string>()));
        Assert.Empty(logged);
    }
}
