using ErsouIntel.Api.Access;
using ErsouIntel.Api.Audit;
using ErsouIntel.Api.Audit.Writing;
using ErsouIntel.Api.Hosting;
using ErsouIntel.Api.Tests.Infrastructure;
using ErsouIntel.Domain;
using Npgsql;
using static ErsouIntel.Api.Tests.Audit.AccessLogSteps;
using static ErsouIntel.Api.Tests.Cases.CaseSteps;

namespace ErsouIntel.Api.Tests.Audit;

/// <summary>
/// With deploy/sql/access-log-role.sql applied, the service's database role adds to the log and
/// reads it, and PostgreSQL refuses it everything else there. (The script creates the roles
/// <c>ersou_migrator</c> and <c>ersou_service</c> in the test server when they are missing.)
/// </summary>
public sealed class AccessLogRoleTests(ServiceFixture service) : IClassFixture<ServiceFixture>
{
    private readonly Region region = new(service);

    public static TheoryData<string> Tampering =>
    [
        "update ersou.access_log set justification = 'Nothing to see here' where sequence = 1",
        "delete from ersou.access_log where sequence = 1",
        "truncate ersou.access_log",
        "drop table ersou.access_log",
        "alter table ersou.access_log rename to access_log_old",
        "alter table ersou.access_log disable trigger all",
        "create or replace function ersou.access_log_forget() returns void language sql as 'delete from ersou.access_log'",
        "update ersou.access_log_tree set hash = '\\x00' where level = 0 and index = 0",
        "delete from ersou.access_log_tree",
        "truncate ersou.access_log_tree",
        "delete from ersou.access_log_checkpoints",
        "update ersou.access_log_checkpoints set body = ''",
        "delete from ersou.access_log_signatures",
    ];

    [Theory]
    [MemberData(nameof(Tampering))]
    public async Task The_service_role_cannot_change_delete_or_empty_the_log(string sql)
    {
        var asService = await ServiceRoleAsync();
        await using var connection = new NpgsqlConnection(asService);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);

        var refused = await Assert.ThrowsAsync<PostgresException>(() => command.ExecuteNonQueryAsync());

        Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, refused.SqlState);
    }

    [Fact]
    public async Task The_service_role_adds_to_the_log_and_reads_it_and_the_chain_still_verifies()
    {
        var asService = await ServiceRoleAsync();
        await using var dataSource = NpgsqlDataSource.Create(asService);
        var writer = new AccessLogWriter(dataSource);

        var written = await writer.AppendAsync(
            [new PendingEntry("ersou_service-check", Force.Norfolk, ["investigator"], "norfolk-app", AccessKind.Consultation, "RoleCheck", Purpose.Investigation, Region.Why, [])],
            CancellationToken.None);

        await using (var read = dataSource.CreateCommand("select count(*) from ersou.access_log"))
        {
            Assert.Equal(written[0].Sequence, (long)(await read.ExecuteScalarAsync())!);
        }

        var verification = await service.VerifiesAsync();
        Assert.True(verification["valid"]!.GetValue<bool>(), verification.ToJsonString());
    }

    /// <summary>Applies the operator's script (again: it may run any number of times) and signs in as the service's role.</summary>
    private async Task<string> ServiceRoleAsync()
    {
        await region.ReportedAsync(Force.Norfolk, AnIncident.Courier(Unique("NF")));
        var script = await File.ReadAllTextAsync(Path.Combine(RepositoryRoot.Find()!, "deploy", "sql", "access-log-role.sql"));
        await ExecuteAsync(service.ConnectionString, script);
        var password = Guid.NewGuid().ToString("N");
        await ExecuteAsync(service.ConnectionString, $"alter role ersou_service login password '{password}'");
        return new NpgsqlConnectionStringBuilder(service.ConnectionString) { Username = "ersou_service", Password = password, Pooling = false }.ConnectionString;
    }
}
