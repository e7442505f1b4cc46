using ErsouIntel.Domain;
using Npgsql;

namespace ErsouIntel.Api.Storage;

/// <summary>Where the forces' events live (docs/operations.md, "A database per force").</summary>
public enum EventStoreTopology
{
    /// <summary>Every force a conjoined tenant of the one database of <c>ConnectionStrings:Postgres</c>.</summary>
    Shared,

    /// <summary>Each force's events in a database of its own; <c>ConnectionStrings:Postgres</c> is the region database.</summary>
    DatabasePerForce,
}

/// <summary>
/// The topology settings: <c>EventStore:Topology</c> (<c>Shared</c> unless set) and, for
/// <c>DatabasePerForce</c>, one connection string per force in <c>EventStore:Databases:&lt;FORCE&gt;</c>
/// (environment <c>EventStore__Databases__ESSEX</c>). The region database, <c>ConnectionStrings:Postgres</c>,
/// keeps the link graph, cases' read model, the access log and the token server's tables in both.
/// </summary>
public sealed record ForceDatabases(EventStoreTopology Topology, IReadOnlyDictionary<Force, string> Databases)
{
    public const string Section = "EventStore";

    public static ForceDatabases Shared { get; } = new(EventStoreTopology.Shared, new Dictionary<Force, string>());

    public bool PerForce => Topology == EventStoreTopology.DatabasePerForce;

    /// <summary>Reads and checks the settings; throws <see cref="InvalidOperationException"/> naming what is wrong.</summary>
    public static ForceDatabases From(IConfiguration configuration, string regionConnectionString)
    {
        var section = configuration.GetSection(Section);
        var topologyText = section["Topology"];
        var topology = EventStoreTopology.Shared;
        if (!string.IsNullOrWhiteSpace(topologyText) && !Enum.TryParse(topologyText, ignoreCase: true, out topology))
        {
            throw new InvalidOperationException($"EventStore:Topology is '{topologyText}': it is Shared (the default) or DatabasePerForce.");
        }

        var databases = new Dictionary<Force, string>();
        foreach (var entry in section.GetSection("Databases").GetChildren())
        {
            if (!Forces.TryParse(entry.Key, out var force))
            {
                throw new InvalidOperationException($"EventStore:Databases:{entry.Key} is not a force: one of {string.Join(", ", Forces.All.Select(f => f.TenantId()))}.");
            }

            if (!string.IsNullOrWhiteSpace(entry.Value))
            {
                databases[force] = entry.Value;
            }
        }

        if (topology == EventStoreTopology.Shared)
        {
            if (databases.Count > 0)
            {
                throw new InvalidOperationException("EventStore:Databases is set but EventStore:Topology is not DatabasePerForce: set both, or neither.");
            }

            return Shared;
        }

        var missing = Forces.All.Where(f => !databases.ContainsKey(f)).Select(f => f.TenantId()).ToList();
        if (missing.Count > 0)
        {
            throw new InvalidOperationException(
                $"EventStore:Topology is DatabasePerForce but no connection string is set for {string.Join(", ", missing)} " +
                "(EventStore:Databases:<FORCE>, environment EventStore__Databases__<FORCE>).");
        }

        // Two forces in one database, or a force in the region database, would make Marten keep two copies of one schema's tables apart.
        var named = databases.Select(d => (Force: d.Key.TenantId(), Where: WhereIs(d.Value)))
            .Append((Force: "the region (ConnectionStrings:Postgres)", Where: WhereIs(regionConnectionString)))
            .GroupBy(d => d.Where, StringComparer.OrdinalIgnoreCase)
            .FirstOrDefault(g => g.Count() > 1);
        if (named is not null)
        {
            throw new InvalidOperationException($"{string.Join(" and ", named.Select(n => n.Force))} name the same database ({named.Key}): each force needs one of its own, apart from the region's.");
        }

        if (!string.Equals(configuration["LinkGraph:Apply"], "Daemon", StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidOperationException(
                "EventStore:Topology is DatabasePerForce, which needs LinkGraph:Apply=Daemon: a force database's transaction cannot " +
                "update the region's link graph, so the async daemon carries each force's events into it.");
        }

        return new ForceDatabases(topology, databases);
    }

    private static string WhereIs(string connectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        return $"{builder.Database}@{builder.Host}:{builder.Port}";
    }
}
