using ErsouIntel.Domain;
using ErsouIntel.Domain.Common;
using ErsouIntel.Domain.Incidents;
using JasperFx;
using JasperFx.Events;
using Marten;
using Npgsql;

namespace ErsouIntel.Api.Incidents.Reporting;

/// <summary>What one report came to: the incident, how it was taken, or why it was refused.</summary>
public sealed record ReportResult(Guid? IncidentId, ReportOutcome? Outcome, IReadOnlyList<UserError> Errors)
{
    /// <summary>The incident as this report left it (inline, the read model holds the same row from the same transaction).</summary>
    public IncidentRow? Row { get; init; }
}

/// <summary>
/// <c>reportIncident</c>, <c>reportIncidents</c> and <c>retractIncident</c>: upserts by force
/// reference in the caller's own force. A batch is decided against one read of the current
/// state and written in one transaction; when another writer got there first (the expected
/// versions no longer hold) each report of the batch is decided and written again on its own.
/// </summary>
public sealed partial class IncidentReporting(IDocumentStore store, IncidentStates states, TimeProvider clock, ILogger<IncidentReporting> logger)
{
    public const int MaxBatch = 500;
    private const int Attempts = 5;

    /// <param name="committed">Told of each result the moment its transaction commits, so that what was stored is
    /// logged even when the request is cut short (a timeout) before the whole batch is answered.</param>
    public async Task<IReadOnlyList<ReportResult>> ReportAsync(Force force, Actor actor, IReadOnlyList<IncidentReport> reports, CancellationToken cancellation, Action<ReportResult>? committed = null)
    {
        // To the microsecond, as PostgreSQL keeps it: the row this request answers with is then the row a later read gives.
        var now = ToMicroseconds(clock.GetUtcNow());
        var results = new ReportResult?[reports.Count];
        var commands = new List<(int Index, ReportIncident Command)>();
        for (var i = 0; i < reports.Count; i++)
        {
            var (details, errors) = IncidentValidation.Validate(reports[i], now);
            if (details is null)
            {
                results[i] = new ReportResult(null, null, errors);
            }
            else
            {
                commands.Add((i, new ReportIncident(force, details, reports[i].ForceReference.Trim(), actor, now)));
            }
        }

        // One reference twice in a batch: the first goes with the batch, the later ones after it, in order.
        var firsts = commands.GroupBy(c => c.Command.ForceReference, StringComparer.Ordinal).Select(g => g.First()).ToList();
        var repeats = commands.Except(firsts).ToList();

        if (await TryWriteTogetherAsync(force, firsts, results, cancellation))
        {
            foreach (var item in firsts)
            {
                committed?.Invoke(results[item.Index]!);
            }
        }
        else
        {
            foreach (var item in firsts)
            {
                results[item.Index] = await WriteAloneAsync(force, item.Command, cancellation);
                committed?.Invoke(results[item.Index]!);
            }
        }

        foreach (var item in repeats)
        {
            results[item.Index] = await WriteAloneAsync(force, item.Command, cancellation);
            committed?.Invoke(results[item.Index]!);
        }

        foreach (var outcome in results.GroupBy(r => r!.Errors.Count > 0 ? "REFUSED" : r!.Outcome!.Value.ToString().ToUpperInvariant()))
        {
            Telemetry.ErsouMetrics.IncidentIngested(force, outcome.Key, outcome.Count());
        }

        return results!;
    }

    public async Task<ReportResult> RetractAsync(Force force, Actor actor, string forceReference, string reason, CancellationToken cancellation)
    {
        var errors = new List<UserError>();
        IncidentValidation.ForceReference(forceReference, errors);
        if (errors.Count > 0)
        {
            return new ReportResult(null, null, errors);
        }

        var id = Incident.IdFor(force, forceReference.Trim());
        for (var attempt = 1; ; attempt++)
        {
            var current = (await states.LoadAsync([id], cancellation, force)).GetValueOrDefault(id);
            var (events, error) = Incident.Decide(current?.ToIncident(), new RetractIncident(reason, actor, clock.GetUtcNow()));
            if (error is not null)
            {
                return new ReportResult(null, null, [error]);
            }

            if (events.Count == 0)
            {
                return new ReportResult(id, null, []);
            }

            try
            {
                await using var session = store.LightweightSession(force.TenantId());
                session.Events.Append(id, current!.Version + events.Count, [.. events]);
                await session.SaveChangesAsync(cancellation);
                return new ReportResult(id, null, []);
            }
            catch (Exception e) when (IsConcurrencyConflict(e) && attempt < Attempts)
            {
                LogRetry(logger, attempt);
            }
        }
    }

    private async Task<bool> TryWriteTogetherAsync(Force force, List<(int Index, ReportIncident Command)> items, ReportResult?[] results, CancellationToken cancellation)
    {
        if (items.Count == 0)
        {
            return true;
        }

        var ids = items.Select(i => Incident.IdFor(force, i.Command.ForceReference)).ToList();
        var current = await states.LoadAsync(ids, cancellation, force);
        await using var session = store.LightweightSession(force.TenantId());
        var decided = new List<(int Index, ReportResult Result)>();
        for (var n = 0; n < items.Count; n++)
        {
            var (index, command) = items[n];
            var existing = current.GetValueOrDefault(ids[n]);
            decided.Add((index, Stage(session, existing, command)));
        }

        try
        {
            await session.SaveChangesAsync(cancellation);
        }
        catch (Exception e) when (IsConcurrencyConflict(e))
        {
            LogBatchFallback(logger, items.Count);
            return false;
        }

        foreach (var (index, result) in decided)
        {
            results[index] = result;
        }

        return true;
    }

    private async Task<ReportResult> WriteAloneAsync(Force force, ReportIncident command, CancellationToken cancellation)
    {
        var id = Incident.IdFor(force, command.ForceReference);
        for (var attempt = 1; ; attempt++)
        {
            var existing = (await states.LoadAsync([id], cancellation, force)).GetValueOrDefault(id);
            await using var session = store.LightweightSession(force.TenantId());
            var result = Stage(session, existing, command);
            try
            {
                await session.SaveChangesAsync(cancellation);
                return result;
            }
            catch (Exception e) when (IsConcurrencyConflict(e) && attempt < Attempts)
            {
                // Another push of the same reference won: decide again against what it wrote.
                LogRetry(logger, attempt);
            }
        }
    }

    /// <summary>Decides one report against the current state and stages its events in the session.</summary>
    private static ReportResult Stage(IDocumentSession session, IncidentRow? existing, ReportIncident command)
    {
        var (outcome, events, error) = Incident.Decide(existing?.ToIncident(), command);
        if (error is not null)
        {
            return new ReportResult(existing?.Id, null, [error]);
        }

        var id = Incident.IdFor(command.Force, command.ForceReference);
        if (existing is null)
        {
            // A stream id taken meanwhile makes the whole transaction fail: no second incident.
            session.Events.StartStream<Incident>(id, [.. events]);
            var created = new IncidentRow(id, command.Force, command.ForceReference, command.Details.Grading.Handling, command.Now, false, events.Count, command.Details);
            return new ReportResult(id, outcome, []) { Row = created };
        }

        if (events.Count > 0)
        {
            session.Events.Append(id, existing.Version + events.Count, [.. events]);
            var amended = existing with { Handling = command.Details.Grading.Handling, Version = existing.Version + events.Count, Details = command.Details };
            return new ReportResult(id, outcome, []) { Row = amended };
        }

        return new ReportResult(id, outcome, []) { Row = existing };
    }

    private static DateTimeOffset ToMicroseconds(DateTimeOffset at) => at.AddTicks(-(at.Ticks % (TimeSpan.TicksPerMillisecond / 1000)));

    /// <summary>Another writer got there first: a stream id taken, a version moved on, or a deadlock between two batches.</summary>
    private static bool IsConcurrencyConflict(Exception e)
    {
        for (var current = e; current is not null; current = current.InnerException)
        {
            if (current is ConcurrencyException or ExistingStreamIdCollisionException or Marten.Exceptions.ExistingStreamIdCollisionException
                || current is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation or PostgresErrorCodes.SerializationFailure or PostgresErrorCodes.DeadlockDetected })
            {
                return true;
            }
        }

        return false;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Incident write lost a race (attempt {Attempt}); deciding again")]
    private static partial void LogRetry(ILogger logger, int attempt);

    [LoggerMessage(Level = LogLevel.Information, Message = "A batch of {Count} reports met a concurrent writer; writing them one by one")]
    private static partial void LogBatchFallback(ILogger logger, int count);
}
