using System.Globalization;

namespace ErsouIntel.Api.Links;

/// <summary>
/// The contract's order of linked couriers, so that the order says nothing the fields do not:
/// nearest first; within a distance the couriers the caller sees in full, newest <c>lastSeen</c>
/// first (none last); then withheld links by their pointers (force name, then reference, compared as
/// bytes); ties by the id served (for two withheld links on the same incidents, by a node id that
/// is never served and travels only inside a sealed cursor). A position in it is a <see cref="Key"/>, which a cursor carries.
/// </summary>
public static class CourierLinkOrder
{
    /// <summary>Where a link stands in the order. Withheld links carry no id and no time, only their pointers.</summary>
    public sealed record Key(int Hops, bool Withheld, long LastSeenTicks, string Pointers, string Id)
    {
        public string Text => string.Join('\u001f', Hops.ToString(CultureInfo.InvariantCulture), Withheld ? "1" : "0",
            LastSeenTicks.ToString(CultureInfo.InvariantCulture), Pointers, Id);

        public static Key? Parse(string text)
        {
            var parts = text.Split('\u001f');
            return parts.Length == 5
                && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var hops)
                && long.TryParse(parts[2], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var ticks)
                ? new Key(hops, parts[1] == "1", ticks, parts[3], parts[4])
                : null;
        }
    }

    public static Key Of(CourierLink link) => !link.Withheld
        ? new Key(link.Hops, false, link.LastSeen?.UtcTicks ?? -1, "", link.OrderId.ToString())
        : new Key(link.Hops, true, 0, PointerText(link.Pointers), link.OrderId.ToString());

    public static int Compare(Key a, Key b)
    {
        var order = a.Hops.CompareTo(b.Hops);
        if (order == 0)
        {
            order = a.Withheld.CompareTo(b.Withheld);
        }

        if (order == 0)
        {
            // Newest first; a link with no lastSeen (-1) after every dated one.
            order = b.LastSeenTicks.CompareTo(a.LastSeenTicks);
        }

        if (order == 0)
        {
            order = string.CompareOrdinal(a.Pointers, b.Pointers);
        }

        return order != 0 ? order : string.CompareOrdinal(a.Id, b.Id);
    }

    public static IComparer<CourierLink> Comparer { get; } = Comparer<CourierLink>.Create((a, b) => Compare(Of(a), Of(b)));

    /// <summary>
    /// Pointers as one text that sorts as the list does: by force name, then reference byte by byte.
    /// The separators sort below any character a force name or reference holds, so a shorter
    /// reference sorts before a longer one that starts with it.
    /// </summary>
    private static string PointerText(IReadOnlyList<RecordPointer> pointers) =>
        string.Concat(pointers.Select(p => $"{p.Force.ToString().ToUpperInvariant()}\u0001{p.ForceReference}\u0002"));
}
