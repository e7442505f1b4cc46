using ErsouIntel.Api.Hosting;
using ErsouIntel.Api.Tests.Infrastructure;
using Marten;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace ErsouIntel.Api.Tests.Storage;

/// <summary>
/// <c>db-apply</c> then <c>db-assert</c> on a fresh database, as a rollout does: the assert must
/// find nothing to change, or it cannot gate a deployment (and db-apply rewrites objects each run).
/// </summary>
public sealed class SchemaMigrationTests : IAsyncLifetime
{
    private string connectionString = null!;

    public async Task InitializeAsync() => connectionString = await TestPostgres.CreateDatabaseAsync(nameof(SchemaMigrationTests));

    public Task DisposeAsync() => TestPostgres.DropDatabaseAsync(connectionString);

    [Fact]
    public async Task Asserting_the_schema_right_after_applying_it_finds_no_difference()
    {
        await using var app = await ErsouIntelHost.BuildAsync(["--environment", "Testing"], builder =>
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["ConnectionStrings:Postgres"] = connectionString,
                // As production: nothing created on start, only by the commands.
                ["Storage:ApplySchemaOnStartup"] = "false",
            }));
        var store = app.Services.GetRequiredService<IDocumentStore>();

        await store.Storage.ApplyAllConfiguredChangesToDatabaseAsync();

        var difference = await Record.ExceptionAsync(() => store.Storage.Database.AssertDatabaseMatchesConfigurationAsync());
        Assert.True(difference is null, $"db-assert after db-apply reported a difference:\n{difference}");

        // And a second db-apply has nothing to do: the same assert holds.
        await store.Storage.ApplyAllConfiguredChangesToDatabaseAsync();
        await store.Storage.Database.AssertDatabaseMatchesConfigurationAsync();
    }
}
