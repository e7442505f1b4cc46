using ErsouIntel.Api.Access;
using ErsouIntel.Api.Cases.Reading;
using ErsouIntel.Api.Cases.Timeline;
using ErsouIntel.Api.Cases.Working;
using ErsouIntel.Api.Incidents.Reading;
using ErsouIntel.Api.Incidents.Reporting;
using ErsouIntel.Api.Links;
using ErsouIntel.Api.Matches;

namespace ErsouIntel.Api.Hosting;

public static class IntelligenceServices
{
    /// <summary>The feature services: stateless, over the shared data source and document store.</summary>
    public static IServiceCollection AddIntelligence(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton(TimeProvider.System);
        services.AddScoped<Audit.RequestAudit>();
        var log = configuration.GetSection(Audit.LogOptions.Section).Get<Audit.LogOptions>() ?? new Audit.LogOptions();
        services.Configure<Audit.LogOptions>(configuration.GetSection(Audit.LogOptions.Section));
        services.AddSingleton(provider => new Audit.Writing.AccessLogWriter(provider.GetRequiredService<Npgsql.NpgsqlDataSource>(), log.Tree));
        services.AddSingleton(provider => Audit.Checkpoints.LogKeys.From(log, provider.GetRequiredService<IHostEnvironment>()));
        services.AddSingleton<Audit.Checkpoints.SignedCheckpoints>();
        services.AddSingleton<Audit.Checkpoints.CheckpointSigner>();
        services.AddSingleton<Audit.Proofs.LogProofs>();
        services.AddSingleton<Audit.Witnesses.WitnessRegistry>();
        if (log.Tree)
        {
            services.AddHostedService(provider => provider.GetRequiredService<Audit.Checkpoints.CheckpointSigner>());
        }

        services.AddSingleton<Audit.Reading.AccessLogQueries>();
        services.AddSingleton(provider => new Audit.Verifying.AccessLogVerifier(
            provider.GetRequiredService<Npgsql.NpgsqlDataSource>(), [.. provider.GetRequiredService<Audit.Checkpoints.LogKeys>().Verifiers]));
        services.Configure<LinkGraphOptions>(configuration.GetSection(LinkGraphOptions.Section));
        services.AddSingleton<IncidentReporting>();
        services.AddSingleton<Incidents.IncidentStates>();
        services.AddSingleton<LinkGraphFreshness>();
        services.AddSingleton<IncidentQueries>();
        services.AddSingleton<EntityQueries>();
        services.AddSingleton<LinkNodes>();
        services.AddSingleton<LinkedCouriers>();
        services.AddSingleton<PhoneNumberProfiles>();
        services.AddSingleton<MatchQueries>();
        services.AddSingleton<CaseQueries>();
        services.AddSingleton<RecordOwners>();
        services.AddSingleton<Storage.ForceStreams>();
        services.AddSingleton<CaseWork>();
        services.AddSingleton<CaseTimeline>();
        services.AddSingleton<Links.Questions.LinkStarts>();
        services.AddSingleton<Links.Questions.EntitySearch>();
        services.AddSingleton<Links.Questions.NetworkWalk>();
        services.AddScoped<Links.Questions.LinkBudget>();
        services.AddSingleton<Links.Questions.PathSearch>();
        services.AddSingleton<GraphQL.SealedCursors>();
        services.AddSingleton<Watches.WatchWork>();
        services.AddSingleton<Alerts.AlertQueries>();
        services.AddSingleton<Alerts.AlertFeed>();
        services.AddHostedService(provider => provider.GetRequiredService<Alerts.AlertFeed>());
        return services;
    }
}
