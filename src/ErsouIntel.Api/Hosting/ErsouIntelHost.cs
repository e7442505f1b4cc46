using ErsouIntel.Api.GraphQL;
using ErsouIntel.Api.Health;
using ErsouIntel.Api.Storage;
using JasperFx;

namespace ErsouIntel.Api.Hosting;

/// <summary>Builds the service: the same composition for the run command, operator commands and tests.</summary>
public static class ErsouIntelHost
{
    public static async Task<WebApplication> BuildAsync(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(args);
        configure?.Invoke(builder);

        var connectionString = await DevelopmentDatabase.ResolveAsync(builder.Configuration, Console.Out);
        var applySchema = builder.Configuration.GetValue<bool?>("Storage:ApplySchemaOnStartup") ?? builder.Environment.IsDevelopment();

        builder.Services.AddEventStore(connectionString, applySchema);
        builder.Services.AddHealth();
        builder.Services.AddErsouGraphQL(builder.Configuration);
        builder.Services.AddIntelligence(builder.Configuration);
        builder.Services.AddAuthentication();
        builder.Services.AddAuthorization();

        var app = builder.Build();
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapHealth();
        app.MapErsouGraphQL();
        return app;
    }
}
