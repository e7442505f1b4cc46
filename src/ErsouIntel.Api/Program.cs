using ErsouIntel.Api.Hosting;
using ErsouIntel.Api.Identity;
using JasperFx;

var app = await ErsouIntelHost.BuildAsync(args.Length > 0 && args[0] == "admin" ? [] : args);
if (args.Length > 0 && args[0] == "admin")
{
    // `admin ...`: the contract's command line for clients and users (README, docs/security.md).
    return await AdminCommands.RunAsync(app.Services, args[1..], Console.In, Console.Out, Console.Error);
}

// With no arguments this runs the service; `dotnet run -- help` lists the operator commands (db-apply, db-assert, ...).
return await app.RunJasperFxCommands(args);
