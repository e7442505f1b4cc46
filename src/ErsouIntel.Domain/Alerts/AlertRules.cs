using ErsouIntel.Domain.Incidents;
using ErsouIntel.Domain.Watches;

namespace ErsouIntel.Domain.Alerts;

public enum AlertKind { NewLink, NewMatch, CaseIncident }

/// <summary>
/// A node an incident carries that a watch, a match or a case can name, as the link graph names it:
/// a number or registration by its normalised value, a courier or suspect by each identity key of the
/// sighting (<see cref="Person"/>: the graph resolves the key to the person it now belongs to).
/// </summary>
public readonly record struct CarriedNode(string Kind, string Key, bool Person);

/// <summary>A push that stored something: a report (<see cref="IsNew"/>) or an amendment, at the version it made.</summary>
public sealed record Push(Guid IncidentId, long Version, Force Force, DateTimeOffset RecordedAt, bool IsNew);

/// <summary>A match the push joined to a force it did not involve before (or recorded), and whom that alerts.</summary>
public sealed record MatchGained(Guid MatchId, IReadOnlyCollection<string> Investigators);

/// <summary>One alert to record: for whom, of what kind, and what fired it.</summary>
public sealed record RaisedAlert(string Recipient, AlertKind Kind, Guid? WatchId, Guid? MatchId);

/// <summary>
/// Which alerts a push raises (contract: "Watches and alerts, live"). Pure: the caller reads the
/// watches, matches and cases the push touches, this decides. One alert per recipient and kind for a
/// push; a retraction and an UNCHANGED push never get here (they append no report or amendment).
/// </summary>
public static class AlertRules
{
    /// <summary>The nodes an incident's details carry: numbers, registrations and the identity keys of its people.</summary>
    public static IReadOnlySet<CarriedNode> CarriedBy(IncidentDetails details)
    {
        var nodes = new HashSet<CarriedNode>();
        foreach (var phone in details.PhoneNumbers)
        {
            nodes.Add(new CarriedNode("PHONE", phone.E164, false));
        }

        foreach (var registration in details.VehicleRegistrations)
        {
            nodes.Add(new CarriedNode("VEHICLE", registration, false));
        }

        // A sighting without an identity key is a node of its own incident: nothing elsewhere can name it.
        foreach (var key in details.Couriers.SelectMany(c => c.IdentityKeys))
        {
            nodes.Add(new CarriedNode("COURIER", key, true));
        }

        foreach (var key in details.Suspects.SelectMany(s => s.IdentityKeys))
        {
            nodes.Add(new CarriedNode("SUSPECT", key, true));
        }

        return nodes;
    }

    /// <param name="newlyCarried">The entities the push carries that its previous version did not (all of them for a report), as the graph resolves them.</param>
    /// <param name="watches">The watches on any of <paramref name="newlyCarried"/>, live or not.</param>
    /// <param name="matchesGained">The matches this push recorded or gave a new force, in the order they were found.</param>
    /// <param name="caseMembers">For a report: the members of the open cases that carry one of its entities.</param>
    public static IReadOnlyList<RaisedAlert> Raise(
        Push push,
        IReadOnlySet<Guid> newlyCarried,
        IEnumerable<Watch> watches,
        IEnumerable<MatchGained> matchesGained,
        IEnumerable<string> caseMembers)
    {
        var alerts = new List<RaisedAlert>();

        // A watch fires for what it was watching when the push was recorded: not before it was placed, not after it ended or expired.
        var fired = watches
            .Where(w => newlyCarried.Contains(w.Node) && w.CreatedAt <= push.RecordedAt && w.IsLiveAt(push.RecordedAt))
            .OrderBy(w => w.CreatedAt).ThenBy(w => w.Id);
        foreach (var watch in fired.DistinctBy(w => w.Watcher, StringComparer.Ordinal))
        {
            alerts.Add(new RaisedAlert(watch.Watcher, AlertKind.NewLink, watch.Id, null));
        }

        var toldOfMatch = new HashSet<string>(StringComparer.Ordinal);
        foreach (var gained in matchesGained)
        {
            foreach (var investigator in gained.Investigators.Order(StringComparer.Ordinal).Where(toldOfMatch.Add))
            {
                alerts.Add(new RaisedAlert(investigator, AlertKind.NewMatch, null, gained.MatchId));
            }
        }

        if (push.IsNew)
        {
            foreach (var member in caseMembers.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal))
            {
                alerts.Add(new RaisedAlert(member, AlertKind.CaseIncident, null, null));
            }
        }

        return alerts;
    }

    /// <summary>
    /// What a match was when this push was stored: the forces involved then (those whose first record in it was
    /// stored by then, and the push's own), and whether the push recorded it or gave it a new force. Before the
    /// push is what earlier pushes found (<paramref name="known"/>), or for a match none has seen yet, the forces
    /// stored before it. A match is two forces or more, or one onto an open case; one that gains no force raises nothing.
    /// </summary>
    /// <param name="firstStored">For each force the match involves now, when its first record in it was stored.</param>
    public static (IReadOnlySet<Force> Involved, bool Raises) MatchAtPush(Push push, IReadOnlyDictionary<Force, DateTimeOffset> firstStored, IReadOnlySet<Force>? known, bool onCase)
    {
        var involved = firstStored.Where(f => f.Value <= push.RecordedAt).Select(f => f.Key).Append(push.Force).ToHashSet();
        var before = known ?? firstStored.Where(f => f.Value < push.RecordedAt).Select(f => f.Key).ToHashSet();
        var gained = involved.Any(f => !before.Contains(f));
        return (involved, gained && (involved.Count >= 2 || onCase));
    }
}
