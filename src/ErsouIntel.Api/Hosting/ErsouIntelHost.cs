using ErsouIntel.Api.Audit.Tiles;
using ErsouIntel.Api.GraphQL;
using ErsouIntel.Api.GraphQL.Subscriptions;
using ErsouIntel.Api.Health;
using ErsouIntel.Api.Identity;
using ErsouIntel.Api.Protection;
using ErsouIntel.Api.Storage;
using ErsouIntel.Api.Telemetry;
using ErsouIntel.Api.WebConsole;

namespace ErsouIntel.Api.Hosting;

/// <summary>Builds the service: the same composition for the run command, operator commands and tests.</summary>
public static class ErsouIntelHost
{
    /// <param name="configure">Runs first: settings (tests give their connection string and environment here).</param>
    /// <param name="replaceServices">Runs after the service's own registrations: tests add their own caller here.</param>
    /// <param name="quiet">For commands: their output is the operator's to read, so only warnings are logged.</param>
    public static async Task<WebApplication> BuildAsync(string[] args, Action<WebApplicationBuilder>? configure = null, Action<IServiceCollection>? replaceServices = null, bool quiet = false)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = args,
            // `dotnet ErsouIntel.Api.dll` run from another folder still reads the appsettings.json beside it.
            ContentRootPath = File.Exists(Path.Combine(Directory.GetCurrentDirectory(), "appsettings.json")) ? null : AppContext.BaseDirectory,
        });
        if (quiet)
        {
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Logging:LogLevel:Default"] = "Warning" });
        }

        configure?.Invoke(builder);
        builder.AddErsouTelemetry();
        builder.WebHost.ConfigureKestrel((context, kestrel) => ApplyLimits(kestrel.Limits, context.Configuration));

        var connectionString = await DevelopmentDatabase.ResolveAsync(builder.Configuration, Console.Out, builder.Environment.IsDevelopment());
        var applySchema = builder.Configuration.GetValue<bool?>("Storage:ApplySchemaOnStartup") ?? builder.Environment.IsDevelopment();

        // Optionally a database per force (ForceDatabases); checked here so a wrong setting stops the start, with its reason.
        var forces = ForceDatabases.From(builder.Configuration, connectionString);
        builder.Services.AddEventStore(connectionString, applySchema, Links.LinkGraphApplyOptions.From(builder.Configuration), forces);
        builder.Services.AddTokenServer(builder.Configuration, builder.Environment, connectionString);
        builder.Services.AddHealth();
        builder.Services.AddErsouGraphQL(builder.Configuration);
        builder.Services.AddErsouSubscriptions(builder.Configuration);
        builder.Services.AddIntelligence(builder.Configuration);
        builder.Services.AddAbuseProtection(builder.Configuration);
        builder.Services.AddConsoleAssets();
        builder.Services.AddSingleton<ExportableRecords>();
        if (applySchema && builder.Environment.IsDevelopment() && (builder.Configuration.GetValue<bool?>("Demo:Seed") ?? true))
        {
            // A hosted service, registered after the event store's: it writes once the schema it writes to is there.
            // Demo:Seed=false leaves it out, for a Development start whose database must hold only what it was sent.
            builder.Services.AddHostedService<Demo.DemoIntelligenceSeeding>();
        }

        replaceServices?.Invoke(builder.Services);

        var app = builder.Build();
        if (applySchema)
        {
            await using var scope = app.Services.CreateAsyncScope();
            await scope.ServiceProvider.GetRequiredService<IdentityStore>().EnsureSchemaAsync();
            if (app.Environment.IsDevelopment())
            {
                await DevelopmentSeed.RunAsync(scope.ServiceProvider, Console.Out);
            }
        }

        app.UseSecurityHeaders();
        app.MapConsole();
        app.UseSignInThrottle();
        app.UseAuthentication();
        app.UseAbuseProtection();
        // After the per-caller limits, so that refused console requests count against them too.
        app.UseConsoleGraphQLGate();
        app.UseAuthorization();
        app.UseWebSockets();
        app.MapHealth();
        app.MapTokenEndpoints();
        app.MapLoginPage();
        app.MapConsoleSession();
        app.MapConsoleProviders();
        app.MapConsoleExports();
        app.MapErsouGraphQL();
        app.MapGraphQLStream();
        app.MapLogTiles();
        return app;
    }

    /// <summary>Says where the service answers, once it listens: the one line a newcomer needs from the start-up.</summary>
    public static void AnnounceEndpoint(WebApplication app, TextWriter output)
    {
        foreach (var address in app.Urls)
        {
            output.WriteLine($"ErsouIntel is serving the console at {address.TrimEnd('/')}/ and GraphQL at {address.TrimEnd('/')}/graphql.");
        }
    }

    /// <summary>
    /// Kestrel's limits from section <c>Kestrel:Limits</c>, against slow and oversized clients: a
    /// body trickled in (slow loris) is cut off by <c>MinRequestBodyDataRate</c>, headers trickled
    /// in by <c>RequestHeadersTimeout</c>, a reader that will not read by <c>MinResponseDataRate</c>,
    /// and no body is taken past <c>GraphQL:MaxRequestBytes</c> unless configured otherwise.
    /// </summary>
    private static void ApplyLimits(Microsoft.AspNetCore.Server.Kestrel.Core.KestrelServerLimits limits, IConfiguration configuration)
    {
        var section = configuration.GetSection("Kestrel:Limits");
        var graphQL = configuration.GetSection(GraphQLLimits.Section).Get<GraphQLLimits>() ?? new GraphQLLimits();
        limits.MaxRequestBodySize = section.GetValue<long?>("MaxRequestBodySize") ?? graphQL.MaxRequestBytes;
        limits.RequestHeadersTimeout = section.GetValue<TimeSpan?>("RequestHeadersTimeout") ?? TimeSpan.FromSeconds(15);
        limits.KeepAliveTimeout = section.GetValue<TimeSpan?>("KeepAliveTimeout") ?? TimeSpan.FromSeconds(120);
        limits.MaxRequestHeadersTotalSize = section.GetValue<int?>("MaxRequestHeadersTotalSize") ?? 32 * 1024;
        limits.MaxConcurrentConnections = section.GetValue<long?>("MaxConcurrentConnections");
        limits.MinRequestBodyDataRate = Rate(section.GetSection("MinRequestBodyDataRate"));
        limits.MinResponseDataRate = Rate(section.GetSection("MinResponseDataRate"));

        // Kestrel's defaults, 240 bytes a second averaged after a grace period of 5 seconds.
        static Microsoft.AspNetCore.Server.Kestrel.Core.MinDataRate Rate(IConfigurationSection rate) => new(
            rate.GetValue<double?>("BytesPerSecond") ?? 240,
            rate.GetValue<TimeSpan?>("GracePeriod") ?? TimeSpan.FromSeconds(5));
    }
}
