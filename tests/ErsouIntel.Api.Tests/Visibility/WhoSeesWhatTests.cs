using System.Globalization;
using System.Text.Json.Nodes;
using ErsouIntel.Api.Tests.Audit;
using ErsouIntel.Api.Tests.Infrastructure;
using ErsouIntel.Domain;
using static ErsouIntel.Api.Tests.Audit.AccessLogSteps;
using static ErsouIntel.Api.Tests.Visibility.RegionWithWithheldRecords;

namespace ErsouIntel.Api.Tests.Visibility;

/// <summary>
/// "Who sees what", read by investigators of Hertfordshire, Essex and Cambridgeshire through
/// every question the contract lets them ask. Nothing here writes but the access log, so the rows
/// share one region; a fetch by id is also checked in the log (given, or REFUSED as an unknown id is).
/// </summary>
public sealed class WhoSeesWhatTests(RegionWithWithheldRecords seeded) : IClassFixture<RegionWithWithheldRecords>
{
    private readonly Region region = seeded.Region;

    [Theory]
    [MemberData(nameof(Matrix.CallerRecordForceAndHandling), MemberType = typeof(Matrix))]
    public async Task An_incident_by_id_is_shown_in_full_or_answers_exactly_as_an_unknown_id(Force caller, Force owner, string handling)
    {
        var record = Seeded(owner, handling);
        var investigator = TestCaller.Investigator(caller);
        var who = $"A {caller} investigator asking for {record.Reference}";

        GraphQLAnswer answer = null!;
        var entries = await seeded.LoggedWhileAsync(async () => answer = await region.AsksAsync(investigator, ContractOperations.Incident, new { id = seeded.IdOf(record) }));

        if (!record.IsVisibleTo(caller))
        {
            GraphQLAnswer unknown = null!;
            var unknownId = Guid.NewGuid().ToString();
            var unknownEntries = await seeded.LoggedWhileAsync(async () => unknown = await region.AsksAsync(investigator, ContractOperations.Incident, new { id = unknownId }));
            Read.AnswersAlike(unknown, answer, who);
            Logs.RefusedAlike(unknownEntries, entries, new NamedRecord("Incident", seeded.IdOf(record), owner.TenantId()), new NamedRecord("Incident", unknownId, null), who);
            return;
        }

        Logs.NamesWhatWasGiven(entries, new NamedRecord("Incident", seeded.IdOf(record), owner.TenantId()), caller, who);

        Assert.True(answer.Errors is null && answer.Data?["access"]?["incident"] is not null, $"{who} did not get it in full: {answer}");
        var incident = answer.Data!["access"]!["incident"]!;
        Assert.Equal(record.Reference, incident["forceReference"]!.GetValue<string>());
        Assert.Equal(owner.TenantId(), incident["force"]!.GetValue<string>());
        Assert.Equal(record.Summary, incident["summary"]?.GetValue<string>());
        Assert.Equal("80-89", incident["victimAgeBand"]?.GetValue<string>());
        Assert.Equal(handling, incident["grading"]!["handling"]!.GetValue<string>());
        Assert.Equal(handling == "C", incident["grading"]!["conditions"] is not null);
        Assert.Equal([PhoneE164], Read.Texts(incident["phoneNumbers"], "e164"));
        Assert.Equal(Read.Sorted(record.Couriers.Select(c => seeded.CourierIdOf(c.Person))), Read.Texts(incident["couriers"], "id"));
    }

    [Theory]
    [MemberData(nameof(Matrix.CallerRecordForceAndHandling), MemberType = typeof(Matrix))]
    public async Task The_owning_forces_auditor_sees_who_asked_for_a_record_they_were_not_given(Force caller, Force owner, string handling)
    {
        var record = Seeded(owner, handling);
        if (record.IsVisibleTo(caller))
        {
            return;
        }

        var investigator = TestCaller.Investigator(caller, $"{caller.TenantId().ToLowerInvariant()}-prober-{Guid.NewGuid():N}");
        var id = seeded.IdOf(record);
        await region.AsksAsync(investigator, ContractOperations.Incident, new { id });

        var (ownersView, _) = await seeded.PageAsync(ForceAuditor(owner), new { recordId = id, subject = investigator.Subject });
        var (bystandersView, _) = await seeded.PageAsync(ForceAuditor(Force.Norfolk), new { recordId = id, subject = investigator.Subject });

        var probe = Assert.Single(ownersView);
        Assert.Equal(("REFUSED", caller.TenantId()), (Text(probe, "kind"), Text(probe, "force")));
        Assert.Contains(probe["records"]!.AsArray(), r => Text(r!, "id") == id && Text(r!, "type") == "Incident" && Text(r!, "force") == owner.TenantId());
        Assert.True(bystandersView.Count == 0, $"A Norfolk auditor saw a probe of a {owner} record by a {caller} investigator.");
    }

    [Theory]
    [MemberData(nameof(Matrix.Caller), MemberType = typeof(Matrix))]
    public async Task The_incident_list_holds_and_counts_only_what_the_caller_may_see(Force caller)
    {
        var investigator = TestCaller.Investigator(caller);
        var visible = Read.Sorted(Reported.Where(i => i.IsVisibleTo(caller)).Select(i => i.Reference));

        var page = (await region.ReadsAsync(investigator, ContractOperations.Incidents, new { first = visible.Count }))["incidents"]!;

        Assert.Equal(visible, Read.Sorted(page["edges"]!.AsArray().Select(e => e!["node"]!["forceReference"]!.GetValue<string>())));
        Assert.False(page["pageInfo"]!["hasNextPage"]!.GetValue<bool>(), $"A {caller} investigator was told there are more incidents than the {visible.Count} they may see.");

        var walked = new List<string>();
        string? after = null;
        for (var pages = 0; pages <= Reported.Count; pages++)
        {
            var next = (await region.ReadsAsync(investigator, ContractOperations.Incidents, new { first = 1, after }))["incidents"]!;
            walked.AddRange(next["edges"]!.AsArray().Select(e => e!["node"]!["forceReference"]!.GetValue<string>()));
            if (!next["pageInfo"]!["hasNextPage"]!.GetValue<bool>())
            {
                break;
            }

            after = next["pageInfo"]!["endCursor"]!.GetValue<string>();
        }

        Assert.Equal(visible, Read.Sorted(walked));
    }

    [Theory]
    [MemberData(nameof(Matrix.CallerAndRecordForce), MemberType = typeof(Matrix))]
    public async Task A_page_filtered_on_one_force_neither_lists_nor_counts_its_withheld_records(Force caller, Force owner)
    {
        var visible = Read.Sorted(Reported.Where(i => i.Force == owner && i.IsVisibleTo(caller)).Select(i => i.Reference));

        var page = (await region.ReadsAsync(TestCaller.Investigator(caller), ContractOperations.Incidents, new { filter = new { force = owner.TenantId() }, first = visible.Count }))["incidents"]!;

        Assert.Equal(visible, Read.Sorted(page["edges"]!.AsArray().Select(e => e!["node"]!["forceReference"]!.GetValue<string>())));
        Assert.False(page["pageInfo"]!["hasNextPage"]!.GetValue<bool>(), $"A {caller} investigator filtering on {owner} learnt that {owner} holds more than the {visible.Count} record(s) they may see.");
    }

    [Theory]
    [MemberData(nameof(Matrix.Caller), MemberType = typeof(Matrix))]
    public async Task The_phone_number_profile_shows_visible_incidents_and_points_to_all(Force caller)
    {
        var visible = Reported.Where(i => i.IsVisibleTo(caller)).ToList();

        var profile = (await region.ReadsAsync(TestCaller.Investigator(caller), ContractOperations.PhoneNumberProfile, new { phone = Phone }))["phoneNumber"];

        Assert.NotNull(profile);
        Assert.Equal(PhoneE164, profile["e164"]!.GetValue<string>());
        Assert.Equal(Read.Sorted(visible.Select(i => i.Reference)), Read.Texts(profile["incidents"], "forceReference"));
        Assert.Equal(Read.Sorted(Reported.Select(i => i.Locator)), Read.Pointers(profile["pointers"]));
        Assert.Equal(["ESSEX", "HERTFORDSHIRE"], Read.Sorted(profile["forces"]!.AsArray().Select(f => f!.GetValue<string>())));
        // When the number was first and last seen is content of the records, not of their pointers.
        Assert.Equal(visible.Min(i => At(i.OccurredAt)), At(profile["firstSeen"]!.GetValue<string>()));
        Assert.Equal(visible.Max(i => At(i.OccurredAt)), At(profile["lastSeen"]!.GetValue<string>()));
    }

    [Theory]
    [MemberData(nameof(Matrix.Caller), MemberType = typeof(Matrix))]
    public async Task Linked_couriers_known_only_through_another_forces_C_record_are_withheld_but_pointed_to(Force caller)
    {
        var links = (await region.ReadsAsync(TestCaller.Investigator(caller), ContractOperations.LinkedCouriers, new { phone = Phone, hops = 1 }))["linkedCouriers"]!.AsArray();

        Assert.Equal(3, links.Count);
        foreach (var person in new[] { Daniel, Liam, Mia })
        {
            var carriers = Reported.Where(i => i.Carries(person)).ToList();
            var link = links.SingleOrDefault(l => Read.Pointers(l!["pointers"]).SequenceEqual(Read.Sorted(carriers.Select(i => i.Locator))));
            Assert.True(link is not null, $"A {caller} investigator got no link pointing to {string.Join(", ", carriers.Select(i => i.Reference))}: {links.ToJsonString()}");
            Assert.Equal(1, link["hops"]!.GetValue<int>());
            Assert.Equal(Read.Sorted(carriers.Select(i => i.Force.TenantId()).Distinct()), Read.Sorted(link["forces"]!.AsArray().Select(f => f!.GetValue<string>())));
            if (carriers.Any(i => i.IsVisibleTo(caller)))
            {
                Assert.False(link["withheld"]!.GetValue<bool>(), $"A {caller} investigator was refused {person}, whom they may see: {link.ToJsonString()}");
                Assert.Equal(seeded.CourierIdOf(person), link["courier"]?["id"]?.GetValue<string>());
            }
            else
            {
                Assert.True(link["withheld"]!.GetValue<bool>(), $"A {caller} investigator was not told that {person} is withheld: {link.ToJsonString()}");
                Assert.True(link["courier"] is null, $"A {caller} investigator was shown {person}, known only through a withheld record: {link.ToJsonString()}");
            }
        }
    }

    [Theory]
    [MemberData(nameof(Matrix.Caller), MemberType = typeof(Matrix))]
    public async Task A_courier_merged_across_forces_shows_nothing_that_came_only_from_a_withheld_record(Force caller)
    {
        var investigator = TestCaller.Investigator(caller);

        var byId = (await region.AsksForCourierAsync(investigator, seeded.CourierIdOf(Daniel))).Data?["access"]?["courier"];
        var linked = (await region.ReadsAsync(investigator, ContractOperations.LinkedCouriers, new { phone = Phone, hops = 1 }))["linkedCouriers"]!.AsArray()
            .Select(l => l!["courier"]).SingleOrDefault(c => c?["id"]?.GetValue<string>() == seeded.CourierIdOf(Daniel));
        var onIncident = (await region.ReadsAsync(investigator, ContractOperations.Incident, new { id = seeded.IdOf(Seeded(Force.Hertfordshire, "P")) }))["incident"]!["couriers"]!.AsArray().Single();

        ShowsOnlyVisibleSightings(caller, Daniel, byId, "courier(id:)");
        ShowsOnlyVisibleSightings(caller, Daniel, linked, "linkedCouriers");
        ShowsOnlyVisibleSightings(caller, Daniel, onIncident, $"the couriers of {Seeded(Force.Hertfordshire, "P").Reference}");
    }

    [Theory]
    [MemberData(nameof(Matrix.CallerAndCourier), MemberType = typeof(Matrix))]
    public async Task A_courier_by_id_is_shown_only_to_callers_who_see_one_of_its_sightings(Force caller, string person)
    {
        var investigator = TestCaller.Investigator(caller);
        var who = $"A {caller} investigator asking for courier {person}";

        GraphQLAnswer answer = null!;
        var entries = await seeded.LoggedWhileAsync(async () => answer = await region.AsksForCourierAsync(investigator, seeded.CourierIdOf(person)));

        if (!Reported.Any(i => i.Carries(person) && i.IsVisibleTo(caller)))
        {
            GraphQLAnswer unknown = null!;
            var unknownId = Guid.NewGuid().ToString();
            var unknownEntries = await seeded.LoggedWhileAsync(async () => unknown = await region.AsksForCourierAsync(investigator, unknownId));
            Read.AnswersAlike(unknown, answer, who);
            // A courier belongs to the forces whose records carry them: here only the force of the C record that names them.
            var owner = Reported.Single(i => i.Carries(person)).Force.TenantId();
            Logs.RefusedAlike(unknownEntries, entries, new NamedRecord("Courier", seeded.CourierIdOf(person), owner), new NamedRecord("Courier", unknownId, null), who);
            return;
        }

        Assert.Contains(new NamedRecord("Courier", seeded.CourierIdOf(person), null), OneOf(entries, "CONSULTATION").Records);
        Assert.DoesNotContain(entries, e => e.Kind == "REFUSED");

        Assert.True(answer.Errors is null, answer.ToString());
        ShowsOnlyVisibleSightings(caller, person, answer.Data!["access"]!["courier"], "courier(id:)");
    }

    [Theory]
    [MemberData(nameof(Matrix.Caller), MemberType = typeof(Matrix))]
    public async Task Matches_are_listed_to_the_forces_involved_as_pointers(Force caller)
    {
        var edges = (await region.ReadsAsync(TestCaller.Investigator(caller), ContractOperations.Matches, new { first = 50 }))["matches"]!["edges"]!.AsArray();
        var matches = edges.Select(e => e!["node"]!).ToDictionary(m => $"{m["kind"]!.GetValue<string>()} {m["key"]!.GetValue<string>()}");

        if (!Reported.Any(i => i.Force == caller))
        {
            Assert.True(matches.Count == 0, $"A {caller} investigator was shown matches between other forces: {edges.ToJsonString()}");
            return;
        }

        var expected = new Dictionary<string, IEnumerable<SeededIncident>>
        {
            [$"PHONE_NUMBER {PhoneE164}"] = Reported,
            [$"COURIER {seeded.CourierIdOf(Daniel)}"] = Reported.Where(i => i.Carries(Daniel)),
            [$"VEHICLE {SharedCar}"] = Reported.Where(i => i.Couriers.Any(c => c.StoredRegistration == SharedCar)),
        };
        Assert.Equal(Read.Sorted(expected.Keys), Read.Sorted(matches.Keys));
        foreach (var (key, records) in expected)
        {
            Assert.Equal(["ESSEX", "HERTFORDSHIRE"], Read.Sorted(matches[key]["forces"]!.AsArray().Select(f => f!.GetValue<string>())));
            Assert.Equal(Read.Sorted(records.Select(i => i.Locator)), Read.Pointers(matches[key]["pointers"]));
        }
    }

    /// <summary>Name, description, cars and incidents of a courier come only from the sightings the caller sees in full.</summary>
    private void ShowsOnlyVisibleSightings(Force caller, string person, JsonNode? courier, string where)
    {
        var visible = Reported.Where(i => i.IsVisibleTo(caller)).SelectMany(i => i.Couriers.Where(c => c.Person == person).Select(c => (Incident: i, Sighting: c))).ToList();
        var who = $"A {caller} investigator reading {person} through {where}";
        Assert.True(courier is not null, $"{who} got nothing.");
        Assert.Equal(seeded.CourierIdOf(person), courier["id"]!.GetValue<string>());
        Assert.Contains(courier["name"]?.GetValue<string>(), visible.Select(v => v.Sighting.Name));
        Assert.Equal(Read.Sorted(visible.Select(v => v.Sighting.StoredRegistration).OfType<string>().Distinct()), Read.Sorted(courier["vehicleRegistrations"]!.AsArray().Select(r => r!.GetValue<string>())));
        if (courier.AsObject().ContainsKey("description"))
        {
            Assert.Contains(courier["description"]?.GetValue<string>(), visible.Select(v => v.Sighting.Description));
        }

        if (courier.AsObject().ContainsKey("incidents"))
        {
            Assert.Equal(Read.Sorted(visible.Select(v => v.Incident.Reference)), Read.Texts(courier["incidents"], "forceReference"));
        }
    }

    private static DateTimeOffset At(string text) => DateTimeOffset.Parse(text, CultureInfo.InvariantCulture);
}
