using ErsouIntel.Domain;
using Marten;

namespace ErsouIntel.Api.Storage;

/// <summary>
/// With a database per force the region's read model follows the force databases through the async
/// daemon: a stream written a moment ago may not be there yet. Commands that must see it (a case just
/// opened, an incident just reported) find it in the force databases themselves.
/// </summary>
public sealed class ForceStreams(IDocumentStore store, ForceDatabases forces)
{
    /// <summary>The force whose database holds <paramref name="streamId"/>, or null (always null when the store is shared).</summary>
    public async Task<Force?> FindAsync(Guid streamId, CancellationToken cancellation)
    {
        if (!forces.PerForce)
        {
            return null;
        }

        foreach (var force in forces.Databases.Keys)
        {
            await using var session = store.QuerySession(force.TenantId());
            if (await session.Events.FetchStreamStateAsync(streamId, cancellation) is not null)
            {
                return force;
            }
        }

        return null;
    }
}
