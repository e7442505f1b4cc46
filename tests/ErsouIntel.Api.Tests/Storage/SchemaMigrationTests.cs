using ErsouIntel.Api.Hosting;
using ErsouIntel.Api.Tests.Infrastructure;
using Marten;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

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

    /// <summary>The service on the test's database as production runs it: nothing created on start, only by the commands.</summary>
    private Task<WebApplication> AsProductionAsync() =>
        ErsouIntelHost.BuildAsync(["--environment", "Testing"], builder =>
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["ConnectionStrings:Postgres"] = connectionString,
                ["Storage:ApplySchemaOnStartup"] = "false",
            }));

    [Fact]
    public async Task Asserting_the_schema_right_after_applying_it_finds_no_difference()
    {
        await using var app = await AsProductionAsync();
        var store = app.Services.GetRequiredService<IDocumentStore>();

        await store.Storage.ApplyAllConfiguredChangesToDatabaseAsync();

        var difference = await Record.ExceptionAsync(() => store.Storage.Database.AssertDatabaseMatchesConfigurationAsync());
        Assert.True(difference is null, $"db-assert after db-apply reported a difference:\n{difference}");

        // And a second db-apply has nothing to do: the same assert holds.
        await store.Storage.ApplyAllConfiguredChangesToDatabaseAsync();
        await store.Storage.Database.AssertDatabaseMatchesConfigurationAsync();
    }

    [Fact]
    public async Task Applying_the_schema_to_a_database_whose_case_references_were_unique_in_the_region_makes_them_unique_per_lead_force()
    {
        await using var app = await AsProductionAsync();
        var store = app.Services.GetRequiredService<IDocumentStore>();
        await store.Storage.ApplyAllConfiguredChangesToDatabaseAsync();

        // The database as the version before left it: one reference per region, no purpose or justification on a case.
        await using (var connection = new NpgsqlConnection(connectionString))
        {
            await connection.OpenAsync();
            await using var old = new NpgsqlCommand(
                "drop index ersou.li_cases_reference; create unique index li_cases_reference on ersou.li_cases (reference); " +
                "alter table ersou.li_cases drop column purpose, drop column justification; " +
                "insert into ersou.li_cases(id, reference, title, lead_force, status, opened_at, version) values (gen_random_uuid(), 'OLD-1', 'Opened before', 'ESSEX', 'OPEN', now(), 1)",
                connection);
            await old.ExecuteNonQueryAsync();
        }

        await store.Storage.ApplyAllConfiguredChangesToDatabaseAsync();

        await store.Storage.Database.AssertDatabaseMatchesConfigurationAsync();
        await using (var connection = new NpgsqlConnection(connectionString))
        {
            await connection.OpenAsync();
            await using var check = new NpgsqlCommand("select indexdef from pg_indexes where schemaname = 'ersou' and indexname = 'li_cases_reference'", connection);
            Assert.Contains("(lead_force, reference)", (string?)await check.ExecuteScalarAsync(), StringComparison.Ordinal);

            // Another force may now use the old case's reference.
            await using var another = new NpgsqlCommand(
                "insert into ersou.li_cases(id, reference, title, lead_force, status, opened_at, version) values (gen_random_uuid(), 'OLD-1', 'Same reference, another force', 'NORFOLK', 'OPEN', now(), 1)",
                connection);
            await another.ExecuteNonQueryAsync();
        }
    }
}
