using ErsouIntel.Domain.Watches;
using JasperFx.Events;
using Marten.Events.Aggregation;

namespace ErsouIntel.Api.Watches;

/// <summary>
/// A watch's snapshot, written inline with its events. The domain's own <see cref="Watch.Evolve"/> folds them,
/// so the stored snapshot and a decision's state are the same function of the stream.
/// </summary>
public sealed class WatchProjection : SingleStreamProjection<Watch, Guid>
{
    public override Watch? Evolve(Watch? snapshot, Guid id, IEvent e) => Watch.Evolve(snapshot, e.Data);
}
