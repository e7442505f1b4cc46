using ErsouIntel.Api.Links;
using ErsouIntel.Domain;
using ErsouIntel.Domain.Cases;
using ErsouIntel.Domain.Incidents;
using ErsouIntel.Domain.Watches;
using JasperFx;
using JasperFx.Events;
using JasperFx.Events.Daemon;
using JasperFx.Events.Projections;
using JasperFx.MultiTenancy;
using Marten;
using Npgsql;
using Weasel.Core;

namespace ErsouIntel.Api.Storage;

/// <summary>Marten wired for the domain: one conjoined tenant per force, full event metadata.</summary>
public static class EventStore
{
    public const string Schema = "ersou";

    /// <summary>A table of ours in <see cref="Schema"/>, for the schema objects Marten creates beside its own.</summary>
    // Weasel marks the two-part constructor obsolete in favour of one whose enum it does not document yet.
#pragma warning disable CS0618
    public static Weasel.Postgresql.PostgresqlObjectName Table(string name) => new(Schema, name);
#pragma warning restore CS0618

    /// <summary>Marten's name for the region database when each force has its own.</summary>
    public const string RegionDatabase = "REGION";

    /// <param name="connectionString">The region database: the whole store when shared, the read side's when a database per force.</param>
    public static IServiceCollection AddEventStore(this IServiceCollection services, string connectionString, bool applySchemaOnStartup, LinkGraphApplyOptions? linkGraph = null, ForceDatabases? forces = null)
    {
        linkGraph ??= new LinkGraphApplyOptions();
        forces ??= ForceDatabases.Shared;
        services.AddSingleton(forces);
        services.AddSingleton(linkGraph);

        // Npgsql's connect timeout (15 s unless the connection string says otherwise) also bounds the wait
        // for a pooled connection, so it is left alone: a stopped server refuses at once anyway.
        // One host: one data source. Several (Npgsql's multi-host form): the primary among them for everything that
        // writes or must be current, standbys for the reads ReadSource routes, watched by the replica monitor.
        var withoutJit = WithoutJit(connectionString);
        services.AddSingleton(_ => Replicas.DatabaseHosts.From(withoutJit));
        services.AddSingleton(provider => provider.GetRequiredService<Replicas.DatabaseHosts>().Primary);
        services.AddOptions<Replicas.ReplicationOptions>().BindConfiguration(Replicas.ReplicationOptions.Section);
        services.AddSingleton<Replicas.ReplicaMonitor>();
        services.AddSingleton<Replicas.ReadSource>();
        if (Replicas.DatabaseHosts.HostNames(connectionString).Count > 1)
        {
            services.AddHostedService(provider => provider.GetRequiredService<Replicas.ReplicaMonitor>());
        }

        var marten = services.AddMarten(options =>
            {
                options.DatabaseSchemaName = Schema;
                options.UseSystemTextJsonForSerialization(EnumStorage.AsString);

                // One tenant per force in the same tables (see docs/adr/0001-tenancy.md).
                options.Events.TenancyStyle = TenancyStyle.Conjoined;

                // A database per force (ForceDatabases): each force the one conjoined tenant of its own database, so
                // both topologies have the same tables and a force can move between them by copying its rows. The region
                // database is one of Marten's databases too, with no tenant: db-apply/db-assert and the start-up schema
                // then cover it, and the link graph and access log objects below land there, where they are read.
                if (forces.PerForce)
                {
                    options.MultiTenantedDatabases(databases =>
                    {
                        databases.AddMultipleTenantDatabase(connectionString, RegionDatabase);
                        foreach (var (force, forceConnectionString) in forces.Databases)
                        {
                            databases.AddSingleTenantDatabase(forceConnectionString, force.TenantId());
                        }
                    });
                }

                options.Advanced.DefaultTenantUsageEnabled = false;

                // Rich appends give inline projections real versions and sequences.
                options.Events.AppendMode = EventAppendMode.Rich;
                options.Events.MetadataConfig.EnableAll();

                options.Events.AddEventTypes(
                [
                    typeof(IncidentReported), typeof(IncidentAmended), typeof(IncidentRetracted),
                    typeof(CaseOpened), typeof(IncidentAttachedToCase), typeof(CaseNoteAdded), typeof(CaseMemberAdded), typeof(CaseClosed),
                    typeof(WatchPlaced), typeof(WatchEnded),
                ]);

                // A watch's state is its snapshot, written with its events, in its watcher's force's tenant: listing a
                // person's live watches, and counting them against the limit, is one query of their own tenant.
                options.Projections.Add(new Watches.WatchProjection(), ProjectionLifecycle.Inline);
                options.Schema.For<Watch>().MultiTenanted().Index(w => w.Watcher).Index(w => w.Node);
                // One projection, one event-to-SQL mapping, either way: inline (in the push's transaction) or
                // by the async daemon as a subscription (events in sequence order across forces), which one
                // instance at a time runs (HotCold, docs/operations.md).
                // A database per force (ForceDatabases has checked Apply=Daemon): registered below, as RegionLinkGraph.
                // The daemon looks for new events every 100 ms when idle (Marten's default is 1 s, 250 ms when busy): the
                // link graph in daemon mode and the alerts follow a push within a tenth of a second, for one small
                // high-water query ten times a second per instance (issue 20: daemon freshness was 1 s at p50 for this alone).
                options.Projections.SlowPollingTime = TimeSpan.FromMilliseconds(100);
                options.Projections.FastPollingTime = TimeSpan.FromMilliseconds(50);
                if (forces.PerForce)
                {
                    options.Projections.LeadershipPollingTime = (int)linkGraph.LeadershipPolling.TotalMilliseconds;
                }
                else if (linkGraph.Apply == LinkGraphApply.Daemon)
                {
                    options.Projections.Subscribe(new LinkGraphSubscription());
                    options.Projections.LeadershipPollingTime = (int)linkGraph.LeadershipPolling.TotalMilliseconds;
                }
                else
                {
                    options.Projections.Add(new LinkGraphProjection(), ProjectionLifecycle.Inline);
                }

                // Marten creates these in every one of its databases: with a database per force the force databases'
                // copies stay empty (harmless; nothing reads or writes them there), the region's are the ones in use.
                options.Storage.ExtendedSchemaObjects.AddRange(LinkGraphSchema.Objects());
                options.Storage.ExtendedSchemaObjects.AddRange(Api.Audit.AccessLogSchema.Objects());
                options.Storage.ExtendedSchemaObjects.AddRange(Api.Audit.Tree.AccessLogTree.Objects());
                options.Storage.ExtendedSchemaObjects.AddRange(Api.Audit.Checkpoints.CheckpointSchema.Objects());
                options.Storage.ExtendedSchemaObjects.AddRange(Api.Audit.Witnesses.WitnessRegistry.Objects());
                options.Storage.ExtendedSchemaObjects.AddRange(Api.Alerts.AlertSchema.Objects());
                options.Storage.ExtendedSchemaObjects.Add(Api.Identity.DataProtectionKeys.SchemaObject());
                options.Storage.ExtendedSchemaObjects.Add(Api.WebConsole.ConsoleSessionStore.SchemaObject());

                // Spans per connection (tenant only, never SQL) and a counter of events appended per type and tenant.
                options.OpenTelemetry.TrackConnections = JasperFx.OpenTelemetry.TrackLevel.Normal;
                options.OpenTelemetry.TrackEventCounters();

                // Production schemas change only by an explicit command (db-apply), never as a side effect of starting.
                options.AutoCreateSchemaObjects = applySchemaOnStartup ? AutoCreate.CreateOrUpdate : AutoCreate.None;
            })
            .UseLightweightSessions();

        // Shared: Marten on the one data source. A database per force: Marten opens its own per database, and the
        // data source above stays the region's (the read side, access log and health checks).
        if (!forces.PerForce)
        {
            marten.UseNpgsqlDataSource();
        }

        if (applySchemaOnStartup)
        {
            marten.ApplyAllDatabaseChangesOnStartup();
        }

        if (forces.PerForce)
        {
            // A database per force: the same mapping run by the daemon, one shard per database, its statements
            // executed on the region through its data source. No rebuild teardown: it would empty the force databases'
            // unused copies, not the region's tables.
            services.ConfigureMarten((provider, options) => options.Projections.Add(
                new RegionLinkGraph(provider.GetRequiredService<NpgsqlDataSource>()), ProjectionLifecycle.Async, LinkGraphProjection.Name));
        }

        // Alerts are raised by a subscription of the daemon whichever way the link graph is applied: one instance
        // at a time raises them (HotCold), in the order the pushes were stored. A database per force: not yet
        // (docs/alerts.md, "Known gaps").
        if (!forces.PerForce)
        {
            marten.AddSubscriptionWithServices<Api.Alerts.AlertRaiser>(ServiceLifetime.Scoped, subscription =>
            {
                subscription.Name = Api.Alerts.AlertRaiser.SubscriptionName;
                subscription.IncludeType<IncidentReported>();
                subscription.IncludeType<IncidentAmended>();
                subscription.Options.SubscribeFromPresent();
            });
        }

        if (linkGraph.Apply == LinkGraphApply.Daemon || !forces.PerForce)
        {
            marten.AddAsyncDaemon(DaemonMode.HotCold);
        }

        if (linkGraph.Apply == LinkGraphApply.Daemon)
        {
            services.AddHostedService<Telemetry.ProjectionLag>();
        }

        // Races the writers retry (deadlocks, serialisation failures, stream id and version collisions) in one line at
        // Information, not at error with a stack trace per command (issue 20); everything else as Marten logs it.
        ConflictAwareMartenLogger.WrapStoreLogger(services);

        return services;
    }

    /// <summary>
    /// PostgreSQL's JIT, on by default, compiled the link questions' recursive queries on every call
    /// (the planner prices a recursive term it cannot size in the hundreds of thousands): 60 ms to
    /// 2.7 s a question at 1M incidents (docs/performance.md). The service's statements are short:
    /// JIT is off for its sessions unless the connection string's Options say otherwise.
    /// </summary>
    internal static string WithoutJit(string connectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        if (builder.Options?.Contains("jit", StringComparison.Ordinal) != true)
        {
            builder.Options = string.IsNullOrWhiteSpace(builder.Options) ? "-c jit=off" : builder.Options + " -c jit=off";
        }

        return builder.ConnectionString;
    }
}
