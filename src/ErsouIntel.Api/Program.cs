using ErsouIntel.Api.Hosting;
using JasperFx;

var app = await ErsouIntelHost.BuildAsync(args);
// With no arguments this runs the service; `dotnet run -- help` lists the operator commands (db-apply, db-assert, ...).
return await app.RunJasperFxCommands(args);
