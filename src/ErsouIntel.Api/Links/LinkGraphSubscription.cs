using JasperFx.Events.Daemon;
using JasperFx.Events.Projections;
using Marten;
using Marten.Subscriptions;

namespace ErsouIntel.Api.Links;

/// <summary>
/// <see cref="LinkGraphProjection"/> run by the async daemon (<c>LinkGraph:Apply=Daemon</c>): the
/// same event-to-SQL mapping, given each page of events whole and in sequence order. Marten runs an
/// <c>IProjection</c> registered as async one tenant at a time within a page (all of one force's
/// events, then the next force's), which would reorder what the graph depends on across forces: an
/// incident from one force and the closing of another force's case it matches. A subscription
/// sees the page as stored. Its SQL is queued on the daemon's session, committed in one transaction
/// with the subscription's progress (<c>LinkGraph:All</c> in <c>mt_event_progression</c>).
/// </summary>
public sealed class LinkGraphSubscription : SubscriptionBase
{
    private readonly LinkGraphProjection projection = new(setAsideDuplicates: true);

    public LinkGraphSubscription()
    {
        Name = LinkGraphProjection.Name;
    }

    public override async Task<IChangeListener> ProcessEventsAsync(EventRange page, ISubscriptionController controller, IDocumentOperations operations, CancellationToken cancellationToken)
    {
        await projection.ApplyAsync(operations, page.Events, cancellationToken);
        return NullChangeListener.Instance;
    }
}
