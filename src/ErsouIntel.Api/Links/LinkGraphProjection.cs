using System.Text.Json;
using ErsouIntel.Api.Audit;
using ErsouIntel.Api.Storage;
using ErsouIntel.Domain;
using ErsouIntel.Domain.Cases;
using ErsouIntel.Domain.Incidents;
using JasperFx.Events;
using Marten;
using Marten.Events.Projections;
using Weasel.Postgresql;
using Weasel.Postgresql.Tables;

namespace ErsouIntel.Api.Links;

/// <summary>
/// Keeps the cross-force read model (<see cref="LinkGraphSchema"/>) current. Inline (the default)
/// its SQL is queued into the same transaction as the events, so an acknowledged push is already
/// linked and matched; with <c>LinkGraph:Apply=Daemon</c> the same mapping runs on the async
/// daemon's pages of events (<see cref="LinkGraphSubscription"/>). The incident events of a push become one call of a database function; the
/// entity resolution and match detection happen there, next to the indexes they read.
/// Every statement is idempotent: applying an event a second time changes nothing (an incident's
/// stored version, a case's version and the primary keys guard it), so a batch replayed after a
/// crash, or applied where its progress is not kept in the same transaction, does no harm.
/// </summary>
/// <param name="setAsideDuplicates">Daemon mode: a case opened with a reference already taken is set aside
/// (<c>li_dead_letters</c>) instead of failing the batch; inline the failure refuses the opening.</param>
public sealed class LinkGraphProjection(bool setAsideDuplicates = false) : IProjection
{
    /// <summary>The daemon's name for it (<see cref="LinkGraphSubscription"/>): its position is row <c>LinkGraph:All</c> in <c>ersou.mt_event_progression</c>.</summary>
    public const string Name = "LinkGraph";

    /// <summary>The daemon's shard, as <c>mt_event_progression</c> names it.</summary>
    public const string Shard = Name + ":All";

    /// <summary>
    /// The tables this projection fills, declared here with it (as Marten's flat-table projections own theirs):
    /// <see cref="LinkGraphSchema"/> hands them to Marten to create and migrate, and a rebuild empties exactly
    /// these (<see cref="LinkGraphRebuild"/>). Fresh objects each call: Weasel's tables are mutable and every
    /// store gets its own.
    /// </summary>
    public static IReadOnlyList<Table> Tables()
    {
        var tables = new List<Table>();

        var incidents = new Table(TableName("li_incidents"));
        incidents.AddColumn<Guid>("id").AsPrimaryKey();
        incidents.AddColumn<string>("force").NotNull();
        incidents.AddColumn<string>("force_reference").NotNull();
        incidents.AddColumn<string>("handling").NotNull();
        incidents.AddColumn<string>("category").NotNull();
        incidents.AddColumn("occurred_at", "timestamptz").NotNull();
        incidents.AddColumn("reported_at", "timestamptz").NotNull();
        incidents.AddColumn("updated_at", "timestamptz").NotNull();
        incidents.AddColumn<bool>("retracted").NotNull();
        incidents.AddColumn<int>("version").NotNull();
        incidents.AddColumn("details", "jsonb").NotNull();
        incidents.Indexes.Add(new IndexDefinition("li_incidents_force_reference") { Columns = ["force", "force_reference"], IsUnique = true });
        incidents.Indexes.Add(new IndexDefinition("li_incidents_occurred") { Columns = ["occurred_at", "id"] });
        incidents.Indexes.Add(new IndexDefinition("li_incidents_force_occurred") { Columns = ["force", "occurred_at", "id"] });
        // search by a force reference, whichever force wrote it (the unique index above starts with the force).
        incidents.Indexes.Add(new IndexDefinition("li_incidents_reference") { Columns = ["force_reference"] });
        tables.Add(incidents);

        var entities = new Table(TableName("li_entities"));
        entities.AddColumn<Guid>("id").AsPrimaryKey();
        entities.AddColumn<string>("kind").NotNull();
        entities.AddColumn<string>("key").NotNull();
        entities.Indexes.Add(new IndexDefinition("li_entities_kind_key") { Columns = ["kind", "key"] });
        tables.Add(entities);

        var keys = new Table(TableName("li_entity_keys"));
        keys.AddColumn<string>("kind").AsPrimaryKey();
        keys.AddColumn<string>("key").AsPrimaryKey();
        keys.AddColumn<Guid>("entity_id").NotNull();
        keys.Indexes.Add(new IndexDefinition("li_entity_keys_entity") { Columns = ["entity_id"] });
        tables.Add(keys);

        var links = new Table(TableName("li_links"));
        links.AddColumn<Guid>("incident_id").AsPrimaryKey();
        links.AddColumn<string>("kind").AsPrimaryKey();
        links.AddColumn<int>("ordinal").AsPrimaryKey();
        links.AddColumn<Guid>("entity_id").AsPrimaryKey();
        links.AddColumn<string>("role").AllowNulls();
        links.AddColumn<string>("name").AllowNulls();
        links.AddColumn<string>("description").AllowNulls();
        links.AddColumn<string>("registration").AllowNulls();
        links.AddColumn("date_of_birth", "date").AllowNulls();
        // The incident's occurred_at, copied when its links are written (they are rewritten whenever it
        // is amended), so that the incidents of a number on 50,000 of them are read newest first a
        // page at a time from one index (network) instead of all of them joined and sorted. Null only
        // on links written before the column existed, until rebuild-link-graph.
        links.AddColumn("occurred_at", "timestamptz").AllowNulls();
        links.Indexes.Add(new IndexDefinition("li_links_entity") { Columns = ["entity_id", "incident_id"] });
        // search by a prefix of any word of a courier's or suspect's name (EntitySearch): the words as
        // the 'simple' configuration splits and lower-cases them, no stemming and no stop words. The
        // expression is written as PostgreSQL prints it back, so the schema check finds no difference.
        links.Indexes.Add(new IndexDefinition("li_links_name_words")
        {
            Method = IndexMethod.gin,
            Columns = ["to_tsvector('simple'::regconfig, name)"],
            Predicate = "name IS NOT NULL",
        });
        links.Indexes.Add(new IndexDefinition("li_links_entity_occurred") { Columns = ["entity_id", "occurred_at", "incident_id"] });
        tables.Add(links);

        var cases = new Table(TableName("li_cases"));
        cases.AddColumn<Guid>("id").AsPrimaryKey();
        cases.AddColumn<string>("reference").NotNull();
        cases.AddColumn<string>("title").NotNull();
        cases.AddColumn<string>("operation_name").AllowNulls();
        cases.AddColumn<string>("lead_force").NotNull();
        cases.AddColumn<string>("status").NotNull();
        cases.AddColumn("opened_at", "timestamptz").NotNull();
        cases.AddColumn<int>("version").NotNull();
        // Null for a case opened before cases had them: read as INVESTIGATION and the title (CaseRow).
        cases.AddColumn<string>("purpose").AllowNulls();
        cases.AddColumn<string>("justification").AllowNulls();
        // A reference is unique within its lead force only: another force's reference is never refused (nor disclosed).
        cases.Indexes.Add(new IndexDefinition("li_cases_reference") { Columns = ["lead_force", "reference"], IsUnique = true });
        cases.Indexes.Add(new IndexDefinition("li_cases_lead_force") { Columns = ["lead_force", "opened_at", "id"] });
        tables.Add(cases);

        var members = new Table(TableName("li_case_members"));
        members.AddColumn<Guid>("case_id").AsPrimaryKey();
        members.AddColumn<string>("subject").AsPrimaryKey();
        members.Indexes.Add(new IndexDefinition("li_case_members_subject") { Columns = ["subject", "case_id"] });
        tables.Add(members);

        var caseIncidents = new Table(TableName("li_case_incidents"));
        caseIncidents.AddColumn<Guid>("case_id").AsPrimaryKey();
        caseIncidents.AddColumn<Guid>("incident_id").AsPrimaryKey();
        caseIncidents.AddColumn("attached_at", "timestamptz").NotNull();
        caseIncidents.Indexes.Add(new IndexDefinition("li_case_incidents_incident") { Columns = ["incident_id", "case_id"] });
        tables.Add(caseIncidents);

        var matches = new Table(TableName("li_matches"));
        matches.AddColumn<Guid>("id").AsPrimaryKey();
        matches.AddColumn<string>("kind").NotNull();
        matches.AddColumn<string>("key").NotNull();
        matches.AddColumn<Guid>("entity_id").NotNull();
        matches.AddColumn<Guid>("case_id").AllowNulls();
        matches.AddColumn("detected_at", "timestamptz").NotNull();
        matches.AddColumn("updated_at", "timestamptz").NotNull();
        matches.AddColumn("forces", "text[]").NotNull();
        matches.Indexes.Add(new IndexDefinition("li_matches_entity") { Columns = ["entity_id"] });
        matches.Indexes.Add(new IndexDefinition("li_matches_case") { Columns = ["case_id"] });
        matches.Indexes.Add(new IndexDefinition("li_matches_forces") { Columns = ["forces"], Method = IndexMethod.gin });
        matches.Indexes.Add(new IndexDefinition("li_matches_detected") { Columns = ["detected_at", "id"] });
        tables.Add(matches);

        var matchIncidents = new Table(TableName("li_match_incidents"));
        matchIncidents.AddColumn<Guid>("match_id").AsPrimaryKey();
        matchIncidents.AddColumn<Guid>("incident_id").AsPrimaryKey();
        matchIncidents.Indexes.Add(new IndexDefinition("li_match_incidents_incident") { Columns = ["incident_id"] });
        tables.Add(matchIncidents);

        // Incidents a bulk load has linked whose matches it works out once, at its end (li_match_load):
        // a load cut short leaves them here, and the next load finishes them.
        var loadPending = new Table(TableName("li_load_pending"));
        loadPending.AddColumn<Guid>("incident_id").AsPrimaryKey();
        tables.Add(loadPending);

        var deadLetters = new Table(TableName("li_dead_letters"));
        deadLetters.AddColumn<long>("id").AsPrimaryKey().BigAutoIncrement();
        deadLetters.AddColumn<Guid>("incident_id").NotNull();
        deadLetters.AddColumn<string>("operation").NotNull();
        deadLetters.AddColumn<string>("error").NotNull();
        deadLetters.AddColumn("payload", "jsonb").AllowNulls();
        deadLetters.AddColumn("set_aside_at", "timestamptz").NotNull().DefaultValueByString("now()");
        tables.Add(deadLetters);

        return tables;
    }

    // Weasel marks the two-part constructor obsolete in favour of one whose enum it does not document yet.
#pragma warning disable CS0618
    private static PostgresqlObjectName TableName(string table) => new(EventStore.Schema, table);
#pragma warning restore CS0618

    public Task ApplyAsync(IDocumentOperations operations, IReadOnlyList<IEvent> events, CancellationToken cancellation)
    {
        foreach (var (sql, values) in Statements(events))
        {
            operations.QueueSqlCommand(sql, values);
        }

        return Task.CompletedTask;
    }

    /// <summary>
    /// The mapping itself, pure: the statements (Marten's <c>?</c> placeholders) that bring the graph up
    /// to these events, in order. Inline and the daemon's subscription queue them on their session; with
    /// a database per force <see cref="RegionLinkGraph"/> runs them on the region's.
    /// </summary>
    public IReadOnlyList<(string Sql, object[] Values)> Statements(IReadOnlyList<IEvent> events)
    {
        var statements = new List<(string Sql, object[] Values)>();
        void Queue(string sql, params object[] values) => statements.Add((sql, values));

        // Consecutive reports and amendments go to the database as one call, in order: their nodes are
        // made in one global order, their links set-based, and the matches of the entities they share
        // worked out once each, in one lock order (li_apply_incidents).
        var applies = new List<object>();
        void Apply()
        {
            if (applies.Count > 0)
            {
                Queue("select ersou.li_apply_incidents(?::jsonb)", JsonSerializer.Serialize(applies, ReadModelJson.Options));
                applies.Clear();
            }
        }

        void Touch(Guid caseId, IEvent @event) =>
            Queue("update ersou.li_cases set version = ? where id = ? and version < ?", (int)@event.Version, caseId, (int)@event.Version);

        foreach (var @event in events)
        {
            switch (@event.Data)
            {
                case IncidentReported e:
                    applies.Add(PayloadOf(e.IncidentId, e.Force, e.ForceReference, e.Details, @event.Version, e.ReportedAt));
                    continue;
                case IncidentAmended e:
                    applies.Add(PayloadOf(e.IncidentId, Forces.FromTenantId(@event.TenantId), null, e.Details, @event.Version, e.AmendedAt));
                    continue;
            }

            Apply();
            switch (@event.Data)
            {
                case IncidentRetracted e:
                    Queue("select ersou.li_retract_incident(?, ?, ?)", e.IncidentId, (int)@event.Version, e.RetractedAt);
                    break;
                case CaseOpened e:
                    Queue(
                        "select ersou.li_open_case(?, ?, ?, ?, ?, ?, ?, ?, ?)",
                        e.CaseId, e.Reference, e.Title, (object?)e.OperationName ?? DBNull.Value, e.LeadForce.TenantId(), e.OpenedAt, (int)@event.Version, e.OpenedBy, setAsideDuplicates);
                    // Apart from li_open_case so that its signature, and the databases that hold it, stay as they are.
                    Queue(
                        "update ersou.li_cases set purpose = ?, justification = ? where id = ?",
                        AccessLogChain.PurposeName(e.Purpose ?? Purpose.Investigation), e.Justification ?? e.Title, e.CaseId);
                    break;
                case IncidentAttachedToCase e:
                    Queue("insert into ersou.li_case_incidents(case_id, incident_id, attached_at) values (?, ?, ?) on conflict do nothing", e.CaseId, e.IncidentId, e.AttachedAt);
                    Touch(e.CaseId, @event);
                    break;
                case CaseMemberAdded e:
                    Queue("insert into ersou.li_case_members(case_id, subject) values (?, ?) on conflict do nothing", e.CaseId, e.Username);
                    Touch(e.CaseId, @event);
                    break;
                case CaseNoteAdded e:
                    Touch(e.CaseId, @event);
                    break;
                case CaseClosed e:
                    Queue("update ersou.li_cases set status = 'CLOSED', version = ? where id = ? and version < ?", (int)@event.Version, e.CaseId, (int)@event.Version);
                    break;
            }
        }

        Apply();
        return statements;
    }

    /// <summary>One incident as <c>ersou.li_apply_incidents</c> takes it (the import passes its batches the same way).</summary>
    internal static object PayloadOf(Guid id, Force force, string? forceReference, IncidentDetails details, long version, DateTimeOffset recordedAt) =>
        new
        {
            id,
            force = force.TenantId(),
            forceReference,
            version,
            recordedAt,
            details,
            couriers = details.Couriers.Select(c => new { keys = c.IdentityKeys, c.Name, c.Description, registration = c.VehicleRegistration, c.DateOfBirth }),
            suspects = details.Suspects.Select(s => new { keys = s.IdentityKeys, s.Name, s.DateOfBirth }),
        };
}
