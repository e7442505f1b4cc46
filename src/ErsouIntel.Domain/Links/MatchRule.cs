using System.Globalization;
using ErsouIntel.Domain.Incidents;

namespace ErsouIntel.Domain.Links;

/// <summary>A node of the link graph: something incidents can share (a number, a car, an identity key of a person).</summary>
public readonly record struct LinkNode(string Kind, string Key);

/// <summary>An incident as the link graph sees it now: its force, its current details, whether it was retracted.</summary>
public sealed record LinkedIncident(Guid Id, Force Force, IncidentDetails Details, bool Retracted);

/// <summary>A match across forces: a node that incidents of at least two forces carry, and every incident that carries it.</summary>
public sealed record CrossForceMatch(LinkNode Node, IReadOnlyList<Force> Forces, IReadOnlyList<Guid> Incidents);

/// <summary>
/// Which nodes an incident carries and which matches across forces the incidents make. The database
/// keeps the same rule incrementally, push by push (docs/link-graph.md); this is its statement as a
/// function of the incidents as they stand, which tests hold the database to.
/// </summary>
public static class MatchRule
{
    /// <summary>A node is a match when incidents of this many forces carry it: one force alone sees its own records already.</summary>
    public const int ForcesNeeded = 2;

    /// <summary>
    /// The nodes an incident carries: its phone numbers, the cars of its couriers, and each identity key
    /// of each courier and suspect (never a merged person). A sighting without keys is a node of its own,
    /// named by the incident and its place on it, so it joins nothing.
    /// </summary>
    public static IReadOnlyList<LinkNode> NodesOf(Guid incidentId, IncidentDetails details)
    {
        var nodes = new List<LinkNode>();
        nodes.AddRange(details.PhoneNumbers.Select(p => new LinkNode("PHONE", p.E164)));
        nodes.AddRange(details.Couriers.Select(c => c.VehicleRegistration).OfType<string>().Select(r => new LinkNode("VEHICLE", r)));
        nodes.AddRange(People("COURIER", incidentId, details.Couriers.Select(c => c.IdentityKeys)));
        nodes.AddRange(People("SUSPECT", incidentId, details.Suspects.Select(s => s.IdentityKeys)));
        return [.. nodes.Distinct()];
    }

    /// <summary>
    /// The matches across forces: every node carried by incidents (not retracted) of at least
    /// <see cref="ForcesNeeded"/> forces, with those forces in order and all of the incidents carrying it.
    /// </summary>
    public static IReadOnlyList<CrossForceMatch> AcrossForces(IEnumerable<LinkedIncident> incidents) =>
        [.. incidents
            .Where(i => !i.Retracted)
            .SelectMany(i => NodesOf(i.Id, i.Details).Select(n => (Node: n, Incident: i)))
            .GroupBy(x => x.Node)
            .Select(g => new CrossForceMatch(
                g.Key,
                [.. g.Select(x => x.Incident.Force).Distinct().Order()],
                [.. g.Select(x => x.Incident.Id).Distinct().Order()]))
            .Where(m => m.Forces.Count >= ForcesNeeded)
            .OrderBy(m => m.Node.Kind, StringComparer.Ordinal)
            .ThenBy(m => m.Node.Key, StringComparer.Ordinal)];

    private static IEnumerable<LinkNode> People(string kind, Guid incidentId, IEnumerable<IReadOnlyList<string>> sightings) =>
        sightings.SelectMany((keys, ordinal) => keys.Count > 0
            ? keys.Select(k => new LinkNode(kind, k))
            : [new LinkNode(kind, string.Create(CultureInfo.InvariantCulture, $"sighting|{incidentId:D}|{ordinal}"))]);
}
