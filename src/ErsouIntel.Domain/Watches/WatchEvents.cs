namespace ErsouIntel.Domain.Watches;

/// <summary>
/// An investigator placed a watch on an entity, for themselves alone. Stream: the watch, in the watcher's force's tenant.
/// </summary>
/// <param name="NodeKind">The watched node's kind in the link graph: <c>PHONE</c>, <c>VEHICLE</c>, <c>COURIER</c> or <c>SUSPECT</c>.</param>
/// <param name="Node">The watched node of the link graph.</param>
/// <param name="Key">The entity as asked, in one spelling: the number, registration or PNC ID, or the service's id.</param>
public sealed record WatchPlaced(
    Guid WatchId,
    string Watcher,
    Force WatcherForce,
    string NodeKind,
    Guid Node,
    string Key,
    string? Note,
    DateTimeOffset CreatedAt,
    DateTimeOffset ExpiresAt,
    Purpose Purpose,
    string Justification);

/// <summary>The watcher ended their watch; it raises nothing from then on.</summary>
public sealed record WatchEnded(Guid WatchId, string EndedBy, DateTimeOffset EndedAt);
