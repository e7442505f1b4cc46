using System.Text.Json.Nodes;
using ErsouIntel.Api.Tests.Audit;
using ErsouIntel.Api.Tests.Infrastructure;
using ErsouIntel.Domain;
using static ErsouIntel.Api.Tests.Audit.AccessLogSteps;

namespace ErsouIntel.Api.Tests.Watches;

/// <summary>
/// A number on a Hertfordshire P record, and a number and a courier held only by an Essex C record
/// (withheld from Hertfordshire).
/// </summary>
public class WatchRegion : ServiceFixture
{
    public const string SharedNumber = "07700 900311";
    public const string SharedE164 = "+447700900311";
    public const string WithheldNumber = "07700 900312";
    public const string WithheldE164 = "+447700900312";
    public const string WithheldPnc = "21/54321K";

    public Dictionary<string, string> Ids { get; } = [];

    protected override async Task SeedAsync()
    {
        var region = new Region(this);
        Ids["HC/W/1"] = await region.ReportedAsync(Force.Hertfordshire, AnIncident.Courier("HC/W/1", phones: [SharedNumber],
            couriers: [AnIncident.CourierNamed("Ann Bell", "1980-01-01")]));
        Ids["EX/W/2"] = await region.ReportedAsync(Force.Essex, AnIncident.Courier("EX/W/2", phones: [WithheldNumber], handling: "C",
            couriers: [AnIncident.CourierNamed("Carl Dyer", "1981-02-02", pncId: WithheldPnc)]));
    }
}

public sealed class WatchesTests(WatchRegion region) : IClassFixture<WatchRegion>
{
    private const string Why = "Numbers used in the Stevenage courier fraud series";

    private const string ListWatches =
        """
        query Watches($purpose: Purpose!, $why: String!) {
          access(purpose: $purpose, justification: $why) { watches { id note createdAt expiresAt entity { id kind label } } }
        }
        """;

    private static object Phone(string number) => new { kind = "PHONE_NUMBER", key = number };

    private async Task<GraphQLAnswer> WatchesAsync(TestCaller investigator, object entity, string? note = null, string? expiresAt = null, string justification = Why) =>
        await region.PostAsAsync(investigator, ContractOperations.Text(ContractOperations.Watch),
            new { input = new { entity, purpose = "INVESTIGATION", justification, note, expiresAt } });

    private async Task<JsonNode> PlacedAsync(TestCaller investigator, object entity, string? note = null, string? expiresAt = null)
    {
        var payload = Payload(await WatchesAsync(investigator, entity, note, expiresAt), "watch");
        Assert.True(payload["errors"]!.AsArray().Count == 0, payload.ToJsonString());
        return payload["watch"]!;
    }

    private async Task<JsonNode> UnwatchesAsync(TestCaller investigator, string id) =>
        Payload(await region.PostAsAsync(investigator, ContractOperations.Text(ContractOperations.Unwatch), new { id }), "unwatch");

    private async Task<List<string>> ListedAsync(TestCaller investigator) =>
        [.. Payload(await region.PostAsAsync(investigator, ListWatches, new { purpose = "INVESTIGATION", why = Why }), "access")["watches"]!.AsArray()
            .Select(w => w!["id"]!.GetValue<string>())];

    private static JsonNode Payload(GraphQLAnswer answer, string field)
    {
        Assert.True(answer.Status == 200 && answer.Errors is null, answer.ToString());
        return answer.Data![field]!;
    }

    private static string Error(JsonNode payload)
    {
        Assert.Null(payload["watch"]);
        return Assert.Single(payload["errors"]!.AsArray())!["code"]!.GetValue<string>();
    }

    [Fact]
    public async Task An_investigator_places_a_watch_sees_it_listed_and_ends_it()
    {
        var amy = TestCaller.Investigator(Force.Hertfordshire, "watch-amy");

        var watch = await PlacedAsync(amy, Phone(WatchRegion.SharedNumber), note: "Callback number\nfrom the first victim");

        Assert.Equal(("PHONE_NUMBER", WatchRegion.SharedE164), (watch["entity"]!["kind"]!.GetValue<string>(), watch["entity"]!["label"]!.GetValue<string>()));
        Assert.Equal("Callback number\nfrom the first victim", watch["note"]!.GetValue<string>());
        var created = DateTimeOffset.Parse(watch["createdAt"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(created.AddDays(90), DateTimeOffset.Parse(watch["expiresAt"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture));
        var id = watch["id"]!.GetValue<string>();
        Assert.Equal([id], await ListedAsync(amy));

        var ended = await UnwatchesAsync(amy, id);

        Assert.Empty(ended["errors"]!.AsArray());
        Assert.Equal(id, ended["watch"]!["id"]!.GetValue<string>());
        Assert.Empty(await ListedAsync(amy));
        var again = await region.LoggedWhileAsync(async () => Assert.Empty((await UnwatchesAsync(amy, id))["errors"]!.AsArray()));
        Assert.Empty(again);
    }

    [Fact]
    public async Task Nobody_else_sees_or_ends_a_watch()
    {
        var amy = TestCaller.Investigator(Force.Hertfordshire, "watch-amy-2");
        var id = (await PlacedAsync(amy, Phone(WatchRegion.SharedNumber)))["id"]!.GetValue<string>();

        foreach (var other in new[] { TestCaller.Investigator(Force.Hertfordshire, "watch-bob"), TestCaller.Investigator(Force.Essex, "watch-amy-2") })
        {
            Assert.DoesNotContain(id, await ListedAsync(other));
            Assert.Equal("NOT_FOUND", Error(await UnwatchesAsync(other, id)));
            Assert.Equal("NOT_FOUND", Error(await UnwatchesAsync(other, Guid.NewGuid().ToString())));
        }

        Assert.Equal([id], await ListedAsync(amy));
    }

    [Fact]
    public async Task An_incident_is_not_watched()
    {
        var amy = TestCaller.Investigator(Force.Hertfordshire, "watch-amy-3");
        JsonNode payload = null!;

        var entries = await region.LoggedWhileAsync(async () =>
            payload = Payload(await WatchesAsync(amy, new { kind = "INCIDENT", key = region.Ids["HC/W/1"] }), "watch"));

        Assert.Equal("BAD_USER_INPUT", Error(payload));
        Assert.Empty(entries);
        Assert.Empty(await ListedAsync(amy));
    }

    [Fact]
    public async Task A_number_registration_or_PNC_ID_only_withheld_records_hold_may_be_watched()
    {
        var amy = TestCaller.Investigator(Force.Hertfordshire, "watch-amy-4");

        var number = await PlacedAsync(amy, Phone(WatchRegion.WithheldNumber));
        var person = await PlacedAsync(amy, new { kind = "COURIER", key = WatchRegion.WithheldPnc });

        Assert.Equal(WatchRegion.WithheldE164, number["entity"]!["label"]!.GetValue<string>());
        Assert.Equal("COURIER", person["entity"]!["kind"]!.GetValue<string>());
        Assert.DoesNotContain("Carl", person.ToJsonString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_service_id_the_caller_may_not_see_is_not_found_and_logged_as_refused_as_an_unknown_one_is()
    {
        var essex = TestCaller.Investigator(Force.Essex, "watch-eve");
        var carl = (await PlacedAsync(essex, new { kind = "COURIER", key = WatchRegion.WithheldPnc }))["entity"]!["id"]!.GetValue<string>();
        var amy = TestCaller.Investigator(Force.Hertfordshire, "watch-amy-5");
        JsonNode withheld = null!, unknown = null!;
        var unknownId = Guid.NewGuid().ToString();

        var refused = await region.LoggedWhileAsync(async () => withheld = Payload(await WatchesAsync(amy, new { kind = "COURIER", key = carl }), "watch"));
        var missed = await region.LoggedWhileAsync(async () => unknown = Payload(await WatchesAsync(amy, new { kind = "COURIER", key = unknownId }), "watch"));

        Assert.Equal("NOT_FOUND", Error(withheld));
        Assert.Equal(unknown.ToJsonString(), withheld.ToJsonString());
        var entry = Assert.Single(refused);
        Assert.Equal(("REFUSED", amy.Subject, "INVESTIGATION", Why), (entry.Kind, entry.Subject, entry.Purpose, entry.Justification));
        Assert.Equal([new NamedRecord("Courier", carl, Force.Essex.TenantId())], entry.Records);
        Assert.Equal("REFUSED", Assert.Single(missed).Kind);
        Assert.Empty(await ListedAsync(amy));
    }

    [Fact]
    public async Task A_watch_lasts_at_most_365_days()
    {
        var amy = TestCaller.Investigator(Force.Hertfordshire, "watch-amy-6");
        var inAYear = DateTimeOffset.UtcNow.AddDays(365).AddMinutes(-5).ToString("O", System.Globalization.CultureInfo.InvariantCulture);
        var later = DateTimeOffset.UtcNow.AddDays(366).ToString("O", System.Globalization.CultureInfo.InvariantCulture);

        var yearLong = await PlacedAsync(amy, Phone(WatchRegion.SharedNumber), expiresAt: inAYear);
        var tooLong = Payload(await WatchesAsync(amy, Phone(WatchRegion.SharedNumber), expiresAt: later), "watch");

        Assert.Equal(DateTimeOffset.Parse(inAYear, System.Globalization.CultureInfo.InvariantCulture),
            DateTimeOffset.Parse(yearLong["expiresAt"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal("BAD_USER_INPUT", Error(tooLong));
        Assert.Equal(["expiresAt"], tooLong["errors"]![0]!["path"]!.AsArray().Select(p => p!.GetValue<string>()));
        Assert.Single(await ListedAsync(amy));
    }

    [Fact]
    public async Task Placing_and_ending_a_watch_are_logged_with_its_purpose_and_justification()
    {
        var amy = TestCaller.Investigator(Force.Hertfordshire, "watch-amy-7");
        string id = null!;

        var placed = await region.LoggedWhileAsync(async () => id = (await PlacedAsync(amy, Phone(WatchRegion.SharedNumber)))["id"]!.GetValue<string>());
        var ended = await region.LoggedWhileAsync(async () => await UnwatchesAsync(amy, id));

        var collection = Assert.Single(placed);
        Assert.Equal(("COLLECTION", "Watch", "INVESTIGATION", Why), (collection.Kind, collection.Operation, collection.Purpose, collection.Justification));
        Assert.Equal([new NamedRecord("Watch", id, Force.Hertfordshire.TenantId())], collection.Records);
        var alteration = Assert.Single(ended);
        Assert.Equal(("ALTERATION", "INVESTIGATION", Why), (alteration.Kind, alteration.Purpose, alteration.Justification));
        Assert.Equal([new NamedRecord("Watch", id, Force.Hertfordshire.TenantId())], alteration.Records);
        HoldsNoneOf([.. placed, .. ended], WatchRegion.SharedE164);
    }

    [Fact]
    public async Task The_501st_live_watch_is_refused_until_one_is_ended()
    {
        var amy = TestCaller.Investigator(Force.Hertfordshire, "watch-amy-8");
        var ids = new List<string>();
        for (var i = 0; i < 500; i++)
        {
            ids.Add((await PlacedAsync(amy, Phone(WatchRegion.SharedNumber)))["id"]!.GetValue<string>());
        }

        Assert.Equal("BAD_USER_INPUT", Error(Payload(await WatchesAsync(amy, Phone(WatchRegion.SharedNumber)), "watch")));

        await UnwatchesAsync(amy, ids[0]);
        await PlacedAsync(amy, Phone(WatchRegion.SharedNumber));
        Assert.Equal(500, (await ListedAsync(amy)).Count);
    }
}
