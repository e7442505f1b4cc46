using ErsouIntel.Api.Storage;
using ErsouIntel.Domain;
using Microsoft.Extensions.Configuration;

namespace ErsouIntel.Api.Tests.DatabasePerForce;

/// <summary>The topology settings refuse what cannot work, at start, naming the setting (no database needed).</summary>
public sealed class TopologySettingsTests
{
    private const string Region = "Host=db-region;Database=ersou_region";

    private static Dictionary<string, string?> PerForce(params Force[] forces)
    {
        var settings = new Dictionary<string, string?> { ["EventStore:Topology"] = "DatabasePerForce", ["LinkGraph:Apply"] = "Daemon" };
        foreach (var force in forces)
        {
            settings[$"EventStore:Databases:{force.TenantId()}"] = $"Host=db-{force};Database=ersou_{force.TenantId().ToLowerInvariant()}";
        }

        return settings;
    }

    private static ForceDatabases Read(Dictionary<string, string?> settings) =>
        ForceDatabases.From(new ConfigurationBuilder().AddInMemoryCollection(settings).Build(), Region);

    private static string Refusal(Dictionary<string, string?> settings) => Assert.Throws<InvalidOperationException>(() => Read(settings)).Message;

    [Fact]
    public void Nothing_set_is_the_shared_store()
    {
        Assert.False(Read([]).PerForce);
    }

    [Fact]
    public void All_six_forces_with_the_daemon_is_a_database_per_force()
    {
        var forces = Read(PerForce([.. Forces.All]));

        Assert.True(forces.PerForce);
        Assert.Equal(Forces.All.Order(), forces.Databases.Keys.Order());
    }

    [Fact]
    public void A_force_without_a_database_is_named()
    {
        Assert.Contains("no connection string is set for NORFOLK, SUFFOLK", Refusal(PerForce(Force.Bedfordshire, Force.Cambridgeshire, Force.Essex, Force.Hertfordshire)), StringComparison.Ordinal);
    }

    [Fact]
    public void Without_the_daemon_the_link_graph_could_not_reach_the_region()
    {
        var settings = PerForce([.. Forces.All]);
        settings.Remove("LinkGraph:Apply");

        Assert.Contains("needs LinkGraph:Apply=Daemon", Refusal(settings), StringComparison.Ordinal);
    }

    [Fact]
    public void Two_forces_in_one_database_are_refused()
    {
        var settings = PerForce([.. Forces.All]);
        settings["EventStore:Databases:SUFFOLK"] = settings["EventStore:Databases:NORFOLK"];

        Assert.Contains("NORFOLK and SUFFOLK name the same database", Refusal(settings), StringComparison.Ordinal);
    }

    [Fact]
    public void A_force_in_the_region_database_is_refused()
    {
        var settings = PerForce([.. Forces.All]);
        settings["EventStore:Databases:ESSEX"] = Region;

        Assert.Contains("ESSEX and the region", Refusal(settings), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("EventStore:Databases:KENT", "KENT is not a force")]
    [InlineData("EventStore:Topology", "is 'Sideways'")]
    public void A_mistyped_setting_is_named(string key, string expected)
    {
        var settings = PerForce([.. Forces.All]);
        settings[key] = key.EndsWith("Topology", StringComparison.Ordinal) ? "Sideways" : "Host=db-kent";

        Assert.Contains(expected, Refusal(settings), StringComparison.Ordinal);
    }

    [Fact]
    public void Force_databases_without_the_topology_are_refused()
    {
        var settings = PerForce([.. Forces.All]);
        settings.Remove("EventStore:Topology");

        Assert.Contains("EventStore:Databases is set but EventStore:Topology is not DatabasePerForce", Refusal(settings), StringComparison.Ordinal);
    }
}
