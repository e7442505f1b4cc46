using ErsouIntel.Api.Tests.Infrastructure;
using ErsouIntel.Domain;
using Npgsql;
using static ErsouIntel.Api.Tests.Cases.CaseSteps;

namespace ErsouIntel.Api.Tests.DatabasePerForce;

/// <summary>The same seven databases, for a test that takes one force's database away (a fixture of its own).</summary>
public sealed class SixForceDatabasesOneToStop : SixForceDatabases;

/// <summary>The point of separate databases: one force's server away stops that force, not the region.</summary>
public sealed class ForceDatabaseDownTests(SixForceDatabasesOneToStop service) : IClassFixture<SixForceDatabasesOneToStop>
{
    private readonly Region region = new(service);

    [Fact]
    public async Task With_Essexs_database_down_other_forces_still_push_and_the_region_still_answers()
    {
        var essex = new NpgsqlConnectionStringBuilder(service.ForceConnectionStrings[Force.Essex]).Database!;
        await using (var admin = new NpgsqlConnection(await TestPostgres.AdminConnectionStringAsync()))
        {
            await admin.OpenAsync();
            await using var stop = new NpgsqlCommand(
                $"alter database \"{essex}\" allow_connections false; select pg_terminate_backend(pid) from pg_stat_activity where datname = '{essex}'", admin);
            await stop.ExecuteNonQueryAsync();
        }

        var refused = await service.PostAsAsync(TestCaller.ForceSystem(Force.Essex), ContractOperations.Text(ContractOperations.ReportIncident), new { input = AnIncident.Courier(Unique("EX")) });
        Assert.True(refused.Errors is not null, $"Essex's push was taken with its database down: {refused}");

        var norfolk = await region.ReportsAsync(Force.Norfolk, AnIncident.Courier(Unique("NK")));
        Assert.Equal("CREATED", norfolk["outcome"]!.GetValue<string>());
        var links = await region.ReadsAsync(TestCaller.Investigator(Force.Bedfordshire), ContractOperations.LinkedCouriers, new { phone = Links.ChainedRegion.NumberA, hops = 1 });
        Assert.NotNull(links["linkedCouriers"]);
    }
}
