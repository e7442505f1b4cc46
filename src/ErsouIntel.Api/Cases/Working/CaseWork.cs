using ErsouIntel.Api.Cases.Reading;
using ErsouIntel.Api.Incidents;
using ErsouIntel.Api.Storage;
using ErsouIntel.Domain;
using ErsouIntel.Domain.Cases;
using ErsouIntel.Domain.Common;
using ErsouIntel.Domain.Incidents;
using JasperFx;
using JasperFx.Events;
using Marten;
using Npgsql;

namespace ErsouIntel.Api.Cases.Working;

/// <summary>What a case change came to: the case as it now stands (when the caller may see it), or why not.</summary>
/// <param name="Combined">The incident an attach joined to the case, for the access log's COMBINATION entry.</param>
/// <param name="Opened">True when the change created the case: a COLLECTION in the access log.</param>
/// <param name="Version">The case's version after a change that was written.</param>
/// <param name="Purpose">The case's purpose, for the access log's entries of a change that was written.</param>
/// <param name="Justification">The action's own justification when given, else the case's, for the access log.</param>
/// <param name="Disclosed">The attached incidents a new member could not see in full before: the access log's DISCLOSURE.</param>
public sealed record CaseChange(
    Guid? CaseId,
    IReadOnlyList<UserError> Errors,
    IncidentFacts? Combined = null,
    bool Opened = false,
    int? Version = null,
    Purpose? Purpose = null,
    string? Justification = null,
    IReadOnlyList<AttachedIncident>? Disclosed = null);

/// <summary>
/// <c>openCase</c>, <c>attachIncidentToCase</c>, <c>addCaseNote</c>, <c>addCaseMember</c>,
/// <c>closeCase</c>: load the case's stream, ask the domain, append with the version the
/// decision was made on. A stale <c>expectedVersion</c>, or a writer that got there in between,
/// changes nothing.
/// </summary>
public sealed class CaseWork(IDocumentStore store, NpgsqlDataSource db, CaseQueries cases, IncidentStates incidents, TimeProvider clock, ForceStreams streams)
{
    /// <summary>How long a change without an expected version keeps trying when other writers keep winning.</summary>
    private static readonly TimeSpan RetryBudget = TimeSpan.FromSeconds(10);

    public async Task<CaseChange> OpenAsync(Actor actor, string reference, string title, string? operationName, Purpose? purpose, string? justification, CancellationToken cancellation)
    {
        var id = Guid.CreateVersion7();
        var taken = false;
        if (actor.Force is { } force && !string.IsNullOrWhiteSpace(reference))
        {
            // Only the caller's own force's references: another force's neither refuses this one nor is disclosed by it.
            await using var check = db.CreateCommand("select 1 from ersou.li_cases where lead_force = @force and reference = @reference");
            check.Parameters.AddWithValue("force", force.TenantId());
            check.Parameters.AddWithValue("reference", reference.Trim());
            taken = await check.ExecuteScalarAsync(cancellation) is not null;
        }

        var (events, errors) = Case.Decide(new OpenCase(id, reference, title, operationName, actor, clock.GetUtcNow(), purpose, justification, taken));
        if (errors.Count > 0)
        {
            return new CaseChange(null, errors);
        }

        var opened = (CaseOpened)events[0];
        try
        {
            await using var session = store.LightweightSession(opened.LeadForce.TenantId());
            session.Events.StartStream<Case>(id, [.. events]);
            await session.SaveChangesAsync(cancellation);
            return new CaseChange(id, [], Opened: true, Version: events.Count, Purpose: opened.Purpose, Justification: opened.Justification);
        }
        catch (Exception e) when (e.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation })
        {
            // Two openings of one reference in one force at once: the read model's unique index (lead force, reference) decides.
            return new CaseChange(null, [UserError.At(UserErrorCodes.DuplicateReference, "Your force already has a case with this reference.", "reference")]);
        }
    }

    public Task<CaseChange> AttachAsync(Actor actor, Guid caseId, Guid incidentId, int? expectedVersion, string? justification, CancellationToken cancellation) =>
        ChangeAsync(actor, caseId, expectedVersion, justification, async (state, now) =>
        {
            var incident = (await incidents.LoadAsync([incidentId], cancellation)).GetValueOrDefault(incidentId);
            var facts = incident is null ? null : new IncidentFacts(incident.Id, incident.Force, incident.ForceReference, incident.Handling, incident.Retracted);
            return Case.Decide(state, new AttachIncident(facts, expectedVersion, actor, now, justification));
        }, cancellation);

    public Task<CaseChange> AddNoteAsync(Actor actor, Guid caseId, string text, int? expectedVersion, string? justification, CancellationToken cancellation) =>
        ChangeAsync(actor, caseId, expectedVersion, justification, (state, now) =>
            Task.FromResult(Case.Decide(state, new AddCaseNote(Guid.CreateVersion7(), text, expectedVersion, actor, now, justification))), cancellation);

    /// <param name="memberForce">The new member's force when the service knows the username, else null.</param>
    public Task<CaseChange> AddMemberAsync(Actor actor, Guid caseId, string username, Force? memberForce, string? justification, CancellationToken cancellation) =>
        ChangeAsync(actor, caseId, null, justification, (state, now) =>
            Task.FromResult(Case.Decide(state, new AddCaseMember(username, actor, now, justification))), cancellation, state => state.NewlyOpenedTo(memberForce));

    public Task<CaseChange> CloseAsync(Actor actor, Guid caseId, string reason, int? expectedVersion, string? justification, CancellationToken cancellation) =>
        ChangeAsync(actor, caseId, expectedVersion, justification, (state, now) =>
            Task.FromResult(Case.Decide(state, new CloseCase(reason, expectedVersion, actor, now, justification))), cancellation);

    /// <summary>
    /// The force whose tenant holds the case's stream. A database per force: a case the daemon has not yet carried
    /// into the region's read model is found in its lead force's database.
    /// </summary>
    public async Task<Force?> LeadForceAsync(Guid caseId, CancellationToken cancellation) =>
        await cases.LeadForceAsync(caseId, cancellation) ?? await streams.FindAsync(caseId, cancellation);

    /// <summary>The case as its stream tells it, or null when there is none.</summary>
    public async Task<Case?> LoadAsync(Guid caseId, CancellationToken cancellation)
    {
        var lead = await LeadForceAsync(caseId, cancellation);
        if (lead is null)
        {
            return null;
        }

        await using var session = store.QuerySession(lead.Value.TenantId());
        var events = await session.Events.FetchStreamAsync(caseId, token: cancellation);
        return events.Aggregate((Case?)null, (state, e) => Case.Evolve(state, e.Data));
    }

    private async Task<CaseChange> ChangeAsync(
        Actor actor,
        Guid caseId,
        int? expectedVersion,
        string? justification,
        Func<Case?, DateTimeOffset, Task<(IReadOnlyList<object> Events, IReadOnlyList<UserError> Errors)>> decide,
        CancellationToken cancellation,
        Func<Case, IReadOnlyList<AttachedIncident>>? opens = null)
    {
        var deadline = clock.GetUtcNow() + RetryBudget;
        while (true)
        {
            var state = await LoadAsync(caseId, cancellation);
            var (events, errors) = await decide(state, clock.GetUtcNow());
            var visible = state is not null && state.IsVisibleTo(actor) ? caseId : (Guid?)null;
            if (errors.Count > 0 || events.Count == 0)
            {
                return new CaseChange(visible, errors);
            }

            try
            {
                await using var session = store.LightweightSession(state!.LeadForce.TenantId());
                session.Events.Append(caseId, state.Version + events.Count, [.. events]);
                await session.SaveChangesAsync(cancellation);
                var attached = events.OfType<IncidentAttachedToCase>().FirstOrDefault();
                return new CaseChange(
                    caseId,
                    [],
                    attached is null ? null : new IncidentFacts(attached.IncidentId, attached.IncidentForce, attached.ForceReference, attached.Handling, false),
                    Version: state.Version + events.Count,
                    Purpose: state.Purpose,
                    Justification: state.JustificationFor(justification),
                    Disclosed: opens?.Invoke(state));
            }
            catch (ConcurrencyException) when (expectedVersion is null && clock.GetUtcNow() < deadline)
            {
                // No version was promised: decide again on what the other writer left, after a short random pause
                // so that writers racing for one case do not keep colliding in step.
                await Task.Delay(Random.Shared.Next(2, 25), cancellation);
            }
            catch (ConcurrencyException)
            {
                return new CaseChange(caseId, [UserError.At(UserErrorCodes.VersionConflict, "The case changed while this change was being made; reload it and try again.", "expectedVersion")]);
            }
        }
    }
}
