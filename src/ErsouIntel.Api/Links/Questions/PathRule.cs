namespace ErsouIntel.Api.Links.Questions;

/// <summary>One node of a path: a graph node, whether it is an incident (and then whether the caller sees it in full), and the id it is served under.</summary>
public sealed record PathStep(Guid Node, bool IsIncident, bool SeenInFull, string Served);

/// <summary>
/// What a path may show, from "Who sees what in v2": a path may pass a withheld incident (as its
/// pointer) only between entities the caller may be shown, and an entity on a withheld incident is
/// shown only when the caller reaches it through a record seen in full, or started from it. As a
/// rule on the path alone: every entity on it is the start, the end, or next on the path to an
/// incident the caller sees in full. So a walk carries, with each entity, whether it arrived
/// through a record seen in full (<see cref="MayLeave"/>).
/// </summary>
public static class PathRule
{
    /// <summary>
    /// A walk at an entity may go on through an incident when it arrived through a record seen in
    /// full (or started there), or the incident is one: otherwise the entity would stand between
    /// two withheld records, shown by neither.
    /// </summary>
    public static bool MayLeave(bool arrivedInFull, bool nextSeenInFull) => arrivedInFull || nextSeenInFull;

    /// <summary>The rule over a whole path, from start to end.</summary>
    public static bool Shows(IReadOnlyList<PathStep> path)
    {
        for (var i = 1; i < path.Count - 1; i++)
        {
            if (!path[i].IsIncident && !path[i - 1].SeenInFull && !path[i + 1].SeenInFull)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// The path as the caller sees it: two graph nodes served as one entity (two identity keys of
    /// one person) are one node, so a stretch that leaves a node and comes back to it is cut out.
    /// The result may break <see cref="Shows"/> or shrink to nothing; the caller checks both.
    /// </summary>
    public static IReadOnlyList<PathStep> WithoutLoops(IReadOnlyList<PathStep> path)
    {
        var kept = new List<PathStep>(path.Count);
        foreach (var step in path)
        {
            var at = kept.FindIndex(k => k.Served == step.Served);
            if (at >= 0)
            {
                // Keep the first node (and the edge into it); the edge out now leaves from it.
                kept.RemoveRange(at + 1, kept.Count - at - 1);
                continue;
            }

            kept.Add(step);
        }

        return kept;
    }

    public static int Hops(IReadOnlyList<PathStep> path) => path.Count(s => s.IsIncident);

    /// <summary>The contract's order: shortest first, then by the ids along the path, compared ordinally one by one.</summary>
    public static int Compare(IReadOnlyList<PathStep> x, IReadOnlyList<PathStep> y)
    {
        var byHops = Hops(x).CompareTo(Hops(y));
        if (byHops != 0)
        {
            return byHops;
        }

        for (var i = 0; i < Math.Min(x.Count, y.Count); i++)
        {
            var byId = string.CompareOrdinal(x[i].Served, y[i].Served);
            if (byId != 0)
            {
                return byId;
            }
        }

        return x.Count.CompareTo(y.Count);
    }
}
