using System.Text.Json.Nodes;
using ErsouIntel.Api.Tests.Audit;
using ErsouIntel.Api.Tests.Infrastructure;
using ErsouIntel.Domain;

namespace ErsouIntel.Api.Tests.Visibility;

/// <summary>The rows of the matrix: the two forces that reported, and one that reported nothing.</summary>
public static class Matrix
{
    private static readonly Force[] Callers = [Force.Hertfordshire, Force.Essex, Force.Cambridgeshire];

    private static readonly Force[] Owners = [Force.Hertfordshire, Force.Essex];

    private static readonly string[] Handlings = ["P", "C"];

    private static readonly string[] Couriers = [RegionWithWithheldRecords.Daniel, RegionWithWithheldRecords.Liam, RegionWithWithheldRecords.Mia];

    public static TheoryData<Force> Caller => new(Callers);

    public static TheoryData<Force, Force> CallerAndRecordForce
    {
        get
        {
            var rows = new TheoryData<Force, Force>();
            foreach (var caller in Callers)
            {
                foreach (var owner in Owners)
                {
                    rows.Add(caller, owner);
                }
            }

            return rows;
        }
    }

    public static TheoryData<Force, Force, string> CallerRecordForceAndHandling
    {
        get
        {
            var rows = new TheoryData<Force, Force, string>();
            foreach (var caller in Callers)
            {
                foreach (var owner in Owners)
                {
                    foreach (var handling in Handlings)
                    {
                        rows.Add(caller, owner, handling);
                    }
                }
            }

            return rows;
        }
    }

    public static TheoryData<Force, string> CallerAndCourier
    {
        get
        {
            var rows = new TheoryData<Force, string>();
            foreach (var caller in Callers)
            {
                foreach (var person in Couriers)
                {
                    rows.Add(caller, person);
                }
            }

            return rows;
        }
    }
}

/// <summary>Reading answers: the few shapes the tests compare.</summary>
public static class Read
{
    public const string CourierById =
        """
        query Courier($id: ID!, $purpose: Purpose!, $why: String!) {
          access(purpose: $purpose, justification: $why) {
            courier(id: $id) { id name description vehicleRegistrations forces incidents { id force forceReference } }
          }
        }
        """;

    public static Task<GraphQLAnswer> AsksForCourierAsync(this Region region, TestCaller investigator, string id) =>
        region.Service.PostAsAsync(investigator, CourierById, new { id, purpose = "INVESTIGATION", why = Region.Why });

    public static List<string> Texts(JsonNode? array, string field) =>
        [.. array!.AsArray().Select(n => n![field]!.GetValue<string>()).Order(StringComparer.Ordinal)];

    public static List<string> Pointers(JsonNode? array) =>
        [.. array!.AsArray().Select(p => $"{p!["force"]!.GetValue<string>()} {p["forceReference"]!.GetValue<string>()} {p["handling"]!.GetValue<string>()}").Order(StringComparer.Ordinal)];

    public static List<string> Sorted(IEnumerable<string> values) => [.. values.Order(StringComparer.Ordinal)];

    /// <summary>A withheld record must answer exactly as a record that does not exist: same status, same body.</summary>
    public static void AnswersAlike(GraphQLAnswer unknown, GraphQLAnswer withheld, string who)
    {
        Assert.True(
            unknown.Status == withheld.Status && JsonNode.DeepEquals(unknown.Body, withheld.Body),
            $"{who} could tell a withheld record from an id that does not exist.\n  unknown id: {unknown}\n  withheld:   {withheld}");
    }
}

/// <summary>What the access log must show for a fetch by id.</summary>
public static class Logs
{
    /// <summary>
    /// A record withheld writes the same entries as an id that names nothing, in number and kind; each
    /// names the id asked for in its REFUSED entry, the withheld one with its owning force.
    /// </summary>
    public static void RefusedAlike(IReadOnlyList<LogRow> unknown, IReadOnlyList<LogRow> withheld, NamedRecord withheldRecord, NamedRecord unknownRecord, string who)
    {
        Assert.True(
            unknown.Select(e => e.Kind).SequenceEqual(withheld.Select(e => e.Kind)),
            $"{who}: the log could tell a withheld record from an unknown id.\n  unknown id: {string.Join("\n", unknown)}\n  withheld:   {string.Join("\n", withheld)}");
        Assert.Equal([withheldRecord], AccessLogSteps.OneOf(withheld, "REFUSED").Records);
        Assert.Equal([unknownRecord], AccessLogSteps.OneOf(unknown, "REFUSED").Records);
        Assert.DoesNotContain(withheld.Where(e => e.Kind != "REFUSED").SelectMany(e => e.Records), r => r.Id == withheldRecord.Id);
    }

    /// <summary>A record given is named in the CONSULTATION (own force) or DISCLOSURE (another force's), and nothing is refused.</summary>
    public static void NamesWhatWasGiven(IReadOnlyList<LogRow> entries, NamedRecord record, Force caller, string who)
    {
        var kind = record.Force == caller.TenantId() ? "CONSULTATION" : "DISCLOSURE";
        Assert.True(AccessLogSteps.OneOf(entries, kind).Records.Contains(record), $"{who}: the {kind} does not name {record}: {string.Join("\n", entries)}");
        Assert.DoesNotContain(entries, e => e.Kind == "REFUSED");
    }
}
