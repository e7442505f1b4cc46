using ErsouIntel.Api.Hosting;
using ErsouIntel.Api.Identity;
using ErsouIntel.Api.Incidents.Importing;
using ErsouIntel.Api.Retention;
using JasperFx;

// `admin ...`, `import ...`, `audit-export ...`, `retention ...` and `rebuild-link-graph` are the service's own commands; anything else goes to JasperFx's (db-apply, db-assert, ...).
var command = args.Length > 0 && args[0] is "admin" or "import" or "audit-export" or "retention" or "rebuild-link-graph" ? args[0] : null;
var app = await ErsouIntelHost.BuildAsync(command is null ? args : []);
switch (command)
{
    case "admin":
        // The contract's command line for clients and users (README, docs/security.md).
        return await AdminCommands.RunAsync(app.Services, args[1..], Console.In, Console.Out, Console.Error);
    case "import":
        // A historical load in bulk (docs/performance.md).
        return await ImportCommand.RunAsync(app.Services, args[1..], Console.Out, Console.Error);
    case "audit-export":
        // The access log with its chain hashes, as a file for an auditor (docs/operations.md).
        return await ErsouIntel.Api.Audit.Exporting.AccessLogExport.RunAsync(app.Services, args[1..], Console.Out, Console.Error);
    case "retention":
        // Records past their review date (Management of Police Information), for a records manager (docs/operations.md).
        return await RetentionListing.RunAsync(app.Services, args[1..], Console.Out, Console.Error);
    case "rebuild-link-graph":
        // The link graph replayed from the events by the async daemon (docs/operations.md, "Several instances").
        return await ErsouIntel.Api.Links.LinkGraphRebuild.RunAsync(app.Services, args[1..], Console.Out, Console.Error);
}

// With no arguments this runs the service; `dotnet run -- help` lists the operator commands (db-apply, db-assert, ...).
return await app.RunJasperFxCommands(args);
