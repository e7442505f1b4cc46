using ErsouIntel.Api.Audit;
using ErsouIntel.Api.Audit.Exporting;
using ErsouIntel.Api.Identity;
using ErsouIntel.Api.Incidents.Importing;
using ErsouIntel.Api.Links;
using ErsouIntel.Api.Retention;

namespace ErsouIntel.Api.Hosting;

/// <summary>
/// What the executable does besides serving: the service's own commands, the local cluster's, and the
/// JasperFx commands an operator uses (db-apply, db-assert, ...), which JasperFx runs. <c>help</c> lists
/// them all from here, without building the service or reaching a database.
/// </summary>
public static class OperatorCommands
{
    public sealed record Command(string Name, string Summary, Func<IServiceProvider, string[], Task<int>> RunAsync, string? Usage = null);

    /// <summary>The service's commands: each needs the service's settings and its database.</summary>
    public static readonly Command[] Service =
    [
        new("admin", "token server clients and users: add-client, add-app, add-user, list-..., disable-... (secrets on stdin)",
            (services, args) => AdminCommands.RunAsync(services, args, Console.In, Console.Out, Console.Error), AdminCommands.Usage),
        new("import", "a historical load in bulk, from a file of one incident per line",
            (services, args) => ImportCommand.RunAsync(services, args, Console.Out, Console.Error), ImportCommand.Usage),
        new("audit-export", "the access log with its chain hashes, verified as it is written, as a file for an auditor",
            (services, args) => AccessLogExport.RunAsync(services, args, Console.Out, Console.Error), AccessLogExport.Usage),
        new("retention", "records on or past their review date (MoPI), as CSV; the listing is logged",
            (services, args) => RetentionListing.RunAsync(services, args, Console.Out, Console.Error), RetentionListing.Usage),
        new("rebuild-link-graph", "the link graph replayed from the events (LinkGraph:Apply=Daemon, instances stopped)",
            (services, args) => LinkGraphRebuild.RunAsync(services, args, Console.Out, Console.Error)),
    ];

    /// <summary>A command that needs neither the service's settings nor a database: run before any host is built.</summary>
    public sealed record OfflineCommand(string Name, string Summary, Func<string[], Task<int>> RunAsync, string Usage);

    /// <summary>The access log's tools for auditors and forces, which run where the service and its database are not.</summary>
    public static readonly OfflineCommand[] Offline =
    [
        new("log", "the access log's keys and its offline verifier: new-key --origin, verify --export --checkpoint (no database)",
            args => LogCommands.LogAsync(args, Console.Out, Console.Error), LogCommands.LogUsage),
        new("witness", "a force's witness of the access log: new-key --name, run --state --url (no database)",
            args => LogCommands.WitnessAsync(args, Console.In, Console.Out, Console.Error, ShutdownSignal()), LogCommands.WitnessUsage),
    ];

    /// <summary>JasperFx's commands that operators use; <c>help NAME</c> shows each one's options.</summary>
    public static readonly (string Name, string Summary)[] JasperFx =
    [
        ("db-apply", "create or update every table and function the service needs (run before a release)"),
        ("db-assert", "fail when the database differs from what the service needs (a release gate)"),
        ("db-patch", "write the SQL that db-apply would run, to review it first"),
        ("db-dump", "write the whole schema's DDL"),
        ("projections", "the async daemon's projections: rebuild or run them"),
        ("describe", "what the service is configured with"),
        ("check-env", "run the environment checks"),
    ];

    public const string LocalPostgresUsage = "local-postgres start|stop";

    public static Command? Find(string name) => Service.FirstOrDefault(c => c.Name == name);

    public static OfflineCommand? FindOffline(string name) => Offline.FirstOrDefault(c => c.Name == name);

    /// <summary>Cancelled by Ctrl+C or SIGTERM, so that a witness running on stops between rounds, not mid-write.</summary>
    private static CancellationToken ShutdownSignal()
    {
        var stop = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            stop.Cancel();
        };
        AppDomain.CurrentDomain.ProcessExit += (_, _) => stop.Cancel();
        return stop.Token;
    }

    public static string Help()
    {
        var lines = new List<string>
        {
            "ErsouIntel: the region's intelligence-sharing service.",
            "",
            "  (no command)         run the service; GraphQL at /graphql (README, docs/operations.md)",
            "  help [COMMAND]       this list, or one command's options",
        };
        lines.AddRange(Service.Select(c => $"  {c.Name,-20} {c.Summary}"));
        lines.AddRange(Offline.Select(c => $"  {c.Name,-20} {c.Summary}"));
        lines.Add($"  {"local-postgres",-20} start (or reuse) the run command's local cluster in .local/postgres, or stop it and the tests' one");
        lines.AddRange(JasperFx.Select(c => $"  {c.Name,-20} {c.Summary}"));
        lines.Add("");
        lines.Add("Every command but help, log, witness and local-postgres reads the service's settings: ConnectionStrings__Postgres and the");
        lines.Add("rest, listed with their environment variables in docs/operations.md.");
        return string.Join(Environment.NewLine, lines) + Environment.NewLine;
    }

    /// <summary><c>local-postgres start|stop</c>: the development clusters, without the service.</summary>
    public static async Task<int> LocalPostgresAsync(string[] args, TextWriter output, TextWriter error)
    {
        var root = RepositoryRoot.Find();
        if (root is null || OperatingSystem.IsWindows())
        {
            await error.WriteLineAsync("local-postgres works in a checkout of the repository on Linux: no ErsouIntel.sln was found above this folder.");
            return 2;
        }

        switch (args)
        {
            case ["start"]:
                await DevelopmentDatabase.ResolveAsync(new ConfigurationBuilder().Build(), output);
                return 0;
            case ["stop"]:
                foreach (var folder in new[] { "postgres", "postgres-test" })
                {
                    LocalPostgres.Stop(Path.Combine(root, ".local", folder), output);
                }

                await output.WriteLineAsync("The local clusters in .local/ are stopped (their data stays; delete .local/ to start afresh).");
                return 0;
            default:
                await error.WriteLineAsync($"usage: {LocalPostgresUsage}");
                return 2;
        }
    }
}
