using System.Diagnostics;
using ErsouIntel.Api.Storage.Replicas;
using Npgsql;

namespace ErsouIntel.Api.Links;

/// <summary>
/// With <c>LinkGraph:Apply=Daemon</c>, waits (bounded) for the daemon to have applied a case's
/// change, so the person who made it is answered with the case as it now stands. Case changes are
/// rare and made by people; incident pushes, the volume, are answered from the rows they wrote and
/// never wait. Inline, the change is in the read model already and nothing waits.
/// </summary>
public sealed class LinkGraphFreshness(ReadSource db, LinkGraphApplyOptions options)
{
    /// <summary>The longest a case change waits for the daemon before answering with what the read model has.</summary>
    public static readonly TimeSpan MaxWait = TimeSpan.FromSeconds(10);

    public async Task CaseAppliedAsync(Guid caseId, int version, CancellationToken cancellation)
    {
        if (options.Apply == LinkGraphApply.Inline)
        {
            return;
        }

        var clock = Stopwatch.StartNew();
        var pause = TimeSpan.FromMilliseconds(10);
        while (clock.Elapsed < MaxWait)
        {
            await using var command = db.CreateCommand("select version from ersou.li_cases where id = $1");
            command.Parameters.AddWithValue(caseId);
            if (await command.ExecuteScalarAsync(cancellation) is int applied && applied >= version)
            {
                return;
            }

            await Task.Delay(pause, cancellation);
            pause = TimeSpan.FromMilliseconds(Math.Min(pause.TotalMilliseconds * 2, 200));
        }
    }
}
