using ErsouIntel.Api.Links;
using ErsouIntel.Domain;
using ErsouIntel.Domain.Incidents;

namespace ErsouIntel.Api.Tests.Links.Questions;

/// <summary>The contract's order of linked couriers, below HTTP: the order says nothing the fields do not.</summary>
public sealed class CourierLinkOrderTests
{
    private static CourierLink Known(string id, int hops, string? lastSeen) =>
        new(null, false, [], hops, [], lastSeen is null ? null : DateTimeOffset.Parse(lastSeen, System.Globalization.CultureInfo.InvariantCulture), Guid.Parse(id), new HashSet<Guid> { Guid.Parse(id) });

    private static CourierLink Withheld(int hops, params (Force Force, string Reference)[] pointers) =>
        new(null, true, [], hops, [.. pointers.Select(p => new RecordPointer(Guid.NewGuid(), p.Force, p.Reference, HandlingCode.C))], null, Guid.NewGuid());

    [Fact]
    public void Nearer_first_then_seen_in_full_newest_first_then_withheld_by_pointers_then_id()
    {
        var older = Known("00000000-0000-0000-0000-000000000002", 1, "2024-01-01T00:00:00Z");
        var newer = Known("00000000-0000-0000-0000-000000000003", 1, "2024-06-01T00:00:00Z");
        var tieLow = Known("00000000-0000-0000-0000-000000000004", 1, "2024-01-01T00:00:00Z");
        var undated = Known("00000000-0000-0000-0000-000000000001", 1, null);
        var essex = Withheld(1, (Force.Essex, "B"));
        var bedsLong = Withheld(1, (Force.Bedfordshire, "AB1"));
        var bedsShort = Withheld(1, (Force.Bedfordshire, "AB"));
        var far = Known("00000000-0000-0000-0000-000000000000", 2, "2025-01-01T00:00:00Z");

        var ordered = new[] { far, essex, undated, bedsLong, older, tieLow, newer, bedsShort }.Order(CourierLinkOrder.Comparer).ToList();

        Assert.Equal([newer, older, tieLow, undated, bedsShort, bedsLong, essex, far], ordered);
    }

    [Fact]
    public void A_position_read_back_from_its_text_sorts_where_it_stood()
    {
        var link = Withheld(3, (Force.Norfolk, "NK/1"), (Force.Suffolk, "SK/2"));
        var key = CourierLinkOrder.Of(link);

        Assert.Equal(key, CourierLinkOrder.Key.Parse(key.Text));
        Assert.Null(CourierLinkOrder.Key.Parse("not a position"));
    }
}
