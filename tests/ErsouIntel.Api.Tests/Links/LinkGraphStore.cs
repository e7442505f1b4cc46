using ErsouIntel.Api.Storage;
using ErsouIntel.Api.Tests.Infrastructure;
using ErsouIntel.Domain;
using ErsouIntel.Domain.Cases;
using ErsouIntel.Domain.Incidents;
using ErsouIntel.Domain.Links;
using Marten;
using Microsoft.Extensions.DependencyInjection;

namespace ErsouIntel.Api.Tests.Links;

/// <summary>
/// The service's own document store (<see cref="EventStore.AddEventStore"/>, inline link graph) on a database of
/// its own, with no web host: events go in through Marten sessions, the <c>li_*</c> rows are read back. A derived
/// fixture is one starting state.
/// </summary>
public class LinkGraphStore : IAsyncLifetime
{
    public static readonly DateTimeOffset Now = new(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);

    private ServiceProvider? services;

    public string ConnectionString { get; private set; } = null!;

    public IDocumentStore Store { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        ConnectionString = await TestPostgres.CreateDatabaseAsync(GetType().Name);
        var collection = new ServiceCollection();
        collection.AddLogging();
        collection.AddEventStore(ConnectionString, applySchemaOnStartup: true);
        services = collection.BuildServiceProvider();
        Store = services.GetRequiredService<IDocumentStore>();
        await Store.Storage.ApplyAllConfiguredChangesToDatabaseAsync();
        await SeedAsync();
    }

    protected virtual Task SeedAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        if (services is not null)
        {
            await services.DisposeAsync();
        }

        await TestPostgres.DropDatabaseAsync(ConnectionString);
    }

    public static IncidentDetails Details(string[]? phones = null, CourierSighting[]? couriers = null, SuspectSighting[]? suspects = null) =>
        new(Now.AddDays(-1), IncidentCategory.CourierFraud, null, [], null, null, null,
            [.. (phones ?? []).Select(p => new IncidentPhone(p, PhoneRole.Caller))], couriers ?? [], suspects ?? [],
            new Grading(SourceEvaluation.Reliable, IntelligenceAssessment.A, HandlingCode.P, null));

    public static CourierSighting Courier(string name, string? registration = null) => new(name, new DateOnly(1990, 1, 1), null, registration, null);

    /// <summary>A force system's push: new incidents and amendments of that force, committed in one session (one transaction).</summary>
    public async Task PushesAsync(Force force, params (string Reference, IncidentDetails Details)[] incidents)
    {
        await using var session = Store.LightweightSession(force.TenantId());
        await StageAsync(session, force, incidents);
        await session.SaveChangesAsync();
    }

    /// <summary>Queues a push on a session without committing it: a reference seen first is reported, then amended.</summary>
    public static async Task StageAsync(IDocumentSession session, Force force, params (string Reference, IncidentDetails Details)[] incidents)
    {
        foreach (var group in incidents.GroupBy(i => i.Reference))
        {
            var id = Incident.IdFor(force, group.Key);
            var stored = await session.Events.FetchStreamStateAsync(id) is not null;
            var events = group.Select((i, n) => n == 0 && !stored
                ? (object)new IncidentReported(id, force, i.Reference, i.Details, "test", Now)
                : new IncidentAmended(id, i.Details, "test", Now)).ToArray();
            if (stored)
            {
                session.Events.Append(id, events);
            }
            else
            {
                session.Events.StartStream<Incident>(id, events);
            }
        }
    }

    public Task ReportsAsync(Force force, string reference, IncidentDetails details) => PushesAsync(force, (reference, details));

    public Task AmendsAsync(Force force, string reference, IncidentDetails details) => PushesAsync(force, (reference, details));

    public async Task RetractsAsync(Force force, string reference)
    {
        await using var session = Store.LightweightSession(force.TenantId());
        session.Events.Append(Incident.IdFor(force, reference), new IncidentRetracted(Incident.IdFor(force, reference), "reported in error", "test", Now));
        await session.SaveChangesAsync();
    }

    public async Task<Guid> OpensCaseAsync(Force lead, string reference, params (Force Force, string Reference)[] attached)
    {
        var id = Guid.NewGuid();
        await using var session = Store.LightweightSession(lead.TenantId());
        session.Events.StartStream<Case>(id, [
            new CaseOpened(id, reference, "Operation " + reference, null, lead, "lead.investigator", Now),
            .. attached.Select(a => new IncidentAttachedToCase(id, Incident.IdFor(a.Force, a.Reference), a.Force, a.Reference, HandlingCode.P, "lead.investigator", Now)),
        ]);
        await session.SaveChangesAsync();
        return id;
    }

    public async Task ClosesCaseAsync(Force lead, Guid caseId)
    {
        await using var session = Store.LightweightSession(lead.TenantId());
        session.Events.Append(caseId, new CaseClosed(caseId, "charged", "lead.investigator", Now));
        await session.SaveChangesAsync();
    }

    /// <summary>Every match as "kind | key | case or ∅ | forces | force references of its incidents".</summary>
    public Task<List<string>> MatchesAsync() => TestPostgres.RowsAsync(ConnectionString, """
        select m.kind, m.key, m.case_id, array_to_string(m.forces, ','),
               (select string_agg(i.force_reference, ',' order by i.force_reference)
                  from ersou.li_match_incidents mi join ersou.li_incidents i on i.id = mi.incident_id where mi.match_id = m.id)
          from ersou.li_matches m
        """);

    /// <summary>The matches (across forces, or onto a case) of one node, as <see cref="MatchesAsync"/> writes them.</summary>
    public async Task<List<string>> MatchesOfAsync(string kind, string key) =>
        [.. (await MatchesAsync()).Where(m => m.StartsWith($"{kind} | {key} | ", StringComparison.Ordinal))];

    /// <summary>The matches across forces of these nodes, as the domain's rule says they are, written as <see cref="MatchesAsync"/> writes them.</summary>
    public static List<string> Expected(IEnumerable<CrossForceMatch> matches, IReadOnlyDictionary<Guid, string> references)
    {
        var rows = matches.Select(m => $"{m.Node.Kind} | {m.Node.Key} | ∅ | {string.Join(',', m.Forces.Select(f => f.TenantId()))} | " +
            string.Join(',', m.Incidents.Select(i => references[i]).Order(StringComparer.Ordinal))).ToList();
        rows.Sort(StringComparer.Ordinal);
        return rows;
    }
}

/// <summary>A link graph with nothing in it: each test writes its own incidents, under references and keys of its own.</summary>
public sealed class EmptyLinkGraph : LinkGraphStore;
