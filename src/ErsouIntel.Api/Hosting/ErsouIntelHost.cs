using ErsouIntel.Api.GraphQL;
using ErsouIntel.Api.Health;
using ErsouIntel.Api.Identity;
using ErsouIntel.Api.Protection;
using ErsouIntel.Api.Storage;

namespace ErsouIntel.Api.Hosting;

/// <summary>Builds the service: the same composition for the run command, operator commands and tests.</summary>
public static class ErsouIntelHost
{
    /// <param name="configure">Runs first: settings (tests give their connection string and environment here).</param>
    /// <param name="replaceServices">Runs after the service's own registrations: tests add their own caller here.</param>
    public static async Task<WebApplication> BuildAsync(string[] args, Action<WebApplicationBuilder>? configure = null, Action<IServiceCollection>? replaceServices = null)
    {
        var builder = WebApplication.CreateBuilder(args);
        configure?.Invoke(builder);

        var connectionString = await DevelopmentDatabase.ResolveAsync(builder.Configuration, Console.Out);
        var applySchema = builder.Configuration.GetValue<bool?>("Storage:ApplySchemaOnStartup") ?? builder.Environment.IsDevelopment();

        builder.Services.AddEventStore(connectionString, applySchema);
        builder.Services.AddTokenServer(builder.Configuration, builder.Environment, connectionString);
        builder.Services.AddHealth();
        builder.Services.AddErsouGraphQL(builder.Configuration);
        builder.Services.AddIntelligence(builder.Configuration);
        builder.Services.AddAbuseProtection(builder.Configuration);
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
        app.UseSignInThrottle();
        app.UseAuthentication();
        app.UseAbuseProtection();
        app.UseAuthorization();
        app.MapHealth();
        app.MapTokenEndpoints();
        app.MapLoginPage();
        app.MapErsouGraphQL();
        return app;
    }
}
