using ErsouIntel.Api.Hosting;
using JasperFx;

// The table of what the executable does is OperatorCommands; this only dispatches. Nothing here prints a
// stack trace: an operator gets one sentence saying what is missing.
switch (args)
{
    case ["help" or "--help" or "-h" or "-?" or "?"]:
        Console.Write(OperatorCommands.Help());
        return 0;
    case ["help" or "--help", var name] when OperatorCommands.Find(name) is { } known:
        Console.WriteLine(known.Usage ?? known.Summary);
        return 0;
    case ["help" or "--help", var name] when OperatorCommands.FindOffline(name) is { } offline:
        Console.WriteLine(offline.Usage);
        return 0;
    case [var name, .. var rest] when OperatorCommands.FindOffline(name) is { } offline:
        try
        {
            return await offline.RunAsync(rest);
        }
        catch (OperationCanceledException)
        {
            return 0;
        }
    case ["local-postgres", .. var rest]:
        return await OperatorCommands.LocalPostgresAsync(rest, Console.Out, Console.Error);
}

var command = args.Length > 0 ? OperatorCommands.Find(args[0]) : null;
try
{
    var app = await ErsouIntelHost.BuildAsync(command is null ? args : [], quiet: args.Length > 0);
    if (command is not null)
    {
        return await command.RunAsync(app.Services, args[1..]);
    }

    if (args.Length == 0)
    {
        // Served directly rather than through JasperFx's `run`, which prints a line for each assembly it searches.
        await app.StartAsync();
        ErsouIntelHost.AnnounceEndpoint(app, Console.Out);
        await app.WaitForShutdownAsync();
        return 0;
    }

    // JasperFx's commands (db-apply, db-assert, ...): OperatorCommands.JasperFx.
    return await app.RunJasperFxCommands(args);
}
catch (Exception e) when (e is not OperationCanceledException)
{
    Console.Error.WriteLine($"ErsouIntel could not start: {e.Message}");
    Console.Error.WriteLine("Settings and their environment variables: docs/operations.md; `help` lists the commands.");
    return 1;
}
