using ErsouIntel.Api.Tests.Infrastructure;
using ErsouIntel.Domain;
using Npgsql;

namespace ErsouIntel.Api.Tests.DatabasePerForce;

/// <summary>
/// The service with <c>EventStore:Topology=DatabasePerForce</c>: six force databases and the region database
/// (<see cref="ServiceFixture.ConnectionString"/>), all on the test server, with the link graph applied by the
/// async daemon. Starting state: the chain of <see cref="Links.ChainedRegion"/>, pushed by four forces.
/// </summary>
public class SixForceDatabases : ServiceFixture
{
    private readonly Dictionary<Force, string> forces = [];

    public IReadOnlyDictionary<Force, string> ForceConnectionStrings => forces;

    protected override async Task PrepareAsync()
    {
        foreach (var force in Forces.All)
        {
            forces[force] = await TestPostgres.CreateDatabaseAsync($"perforce{force}");
        }
    }

    protected override IDictionary<string, string?> Settings
    {
        get
        {
            var settings = new Dictionary<string, string?>
            {
                ["EventStore:Topology"] = "DatabasePerForce",
                ["LinkGraph:Apply"] = "Daemon",
            };
            foreach (var (force, connectionString) in forces)
            {
                settings[$"EventStore:Databases:{force.TenantId()}"] = connectionString;
            }

            return settings;
        }
    }

    protected override async Task SeedAsync()
    {
        var region = new Region(this);
        await region.ReportedAsync(Force.Hertfordshire, AnIncident.Courier("HC/CHAIN/1", phones: [Links.ChainedRegion.NumberA], couriers: [AnIncident.CourierNamed("Kai Stone", "1999-01-01", "KA11 AAA")]));
        await region.ReportedAsync(Force.Essex, AnIncident.Courier("EX/CHAIN/2", phones: [Links.ChainedRegion.NumberB], couriers: [AnIncident.CourierNamed("Lee Marsh", "1998-02-02", "ka11aaa")]));
        await region.ReportedAsync(Force.Norfolk, AnIncident.Courier("NK/CHAIN/3", phones: [Links.ChainedRegion.NumberB], couriers: [AnIncident.CourierNamed("Max Reed", "1997-03-03")]));
        await region.ReportedAsync(Force.Suffolk, AnIncident.Courier("SK/CHAIN/4", couriers: [AnIncident.CourierNamed("Max Reed", "1997-03-03"), AnIncident.CourierNamed("Ned Hale", "1996-04-04")]));
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        foreach (var connectionString in forces.Values)
        {
            await TestPostgres.DropDatabaseAsync(connectionString);
        }
    }

    /// <summary>
    /// Asks until <paramref name="done"/> holds (at most 30 s) and returns the last answer: the daemon carries a push
    /// into the region after it commits. A test that times out fails on its own assertion with the last answer.
    /// </summary>
    public static async Task<T> EventuallyAsync<T>(Func<Task<T>> ask, Func<T, bool> done)
    {
        var deadline = DateTimeOffset.UtcNow.AddSeconds(30);
        while (true)
        {
            var answer = await ask();
            if (done(answer) || DateTimeOffset.UtcNow > deadline)
            {
                return answer;
            }

            await Task.Delay(100);
        }
    }
}
