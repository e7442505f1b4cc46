using ErsouIntel.Api.Links;
using ErsouIntel.Domain.Cases;
using ErsouIntel.Domain.Incidents;
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

    public static IServiceCollection AddEventStore(this IServiceCollection services, string connectionString, bool applySchemaOnStartup, LinkGraphApplyOptions? linkGraph = null)
    {
        linkGraph ??= new LinkGraphApplyOptions();
        services.AddSingleton(linkGraph);
        // Npgsql's connect timeout (15 s unless the connection string says otherwise) also bounds the wait
        // for a pooled connection, so it is left alone: a stopped server refuses at once anyway.
        services.AddSingleton(_ => new NpgsqlDataSourceBuilder(connectionString).Build());

        var marten = services.AddMarten(options =>
            {
                options.DatabaseSchemaName = Schema;
                options.UseSystemTextJsonForSerialization(EnumStorage.AsString);

                // One tenant per force in the same tables (see docs/adr/0001-tenancy.md).
                options.Events.TenancyStyle = TenancyStyle.Conjoined;
                options.Advanced.DefaultTenantUsageEnabled = false;

                // Rich appends give inline projections real versions and sequences.
                options.Events.AppendMode = EventAppendMode.Rich;
                options.Events.MetadataConfig.EnableAll();

                options.Events.AddEventTypes(
                [
                    typeof(IncidentReported), typeof(IncidentAmended), typeof(IncidentRetracted),
                    typeof(CaseOpened), typeof(IncidentAttachedToCase), typeof(CaseNoteAdded), typeof(CaseMemberAdded), typeof(CaseClosed),
                ]);
                // One projection, one event-to-SQL mapping, either way: inline (in the push's transaction) or
                // by the async daemon as a subscription (events in sequence order across forces), which one
                // instance at a time runs (HotCold, docs/operations.md).
                if (linkGraph.Apply == LinkGraphApply.Daemon)
                {
                    options.Projections.Subscribe(new LinkGraphSubscription());
                    options.Projections.LeadershipPollingTime = (int)linkGraph.LeadershipPolling.TotalMilliseconds;
                }
                else
                {
                    options.Projections.Add(new LinkGraphProjection(), ProjectionLifecycle.Inline);
                }

                options.Storage.ExtendedSchemaObjects.AddRange(LinkGraphSchema.Objects());
                options.Storage.ExtendedSchemaObjects.AddRange(Api.Audit.AccessLogSchema.Objects());

                // Spans per connection (tenant only, never SQL) and a counter of events appended per type and tenant.
                options.OpenTelemetry.TrackConnections = JasperFx.OpenTelemetry.TrackLevel.Normal;
                options.OpenTelemetry.TrackEventCounters();

                // Production schemas change only by an explicit command (db-apply), never as a side effect of starting.
                options.AutoCreateSchemaObjects = applySchemaOnStartup ? AutoCreate.CreateOrUpdate : AutoCreate.None;
            })
            .UseNpgsqlDataSource()
            .UseLightweightSessions();

        if (applySchemaOnStartup)
        {
            marten.ApplyAllDatabaseChangesOnStartup();
        }

        if (linkGraph.Apply == LinkGraphApply.Daemon)
        {
            marten.AddAsyncDaemon(DaemonMode.HotCold);
            services.AddHostedService<Telemetry.ProjectionLag>();
        }

        return services;
    }
}
