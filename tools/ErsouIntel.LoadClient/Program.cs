using System.Globalization;
using ErsouIntel.Api.Hosting;

namespace ErsouIntel.LoadClient;

/// <summary>
/// The crash-safety load client (scripts/crash-test.sh):
/// <c>send</c> pushes deterministic incidents from six force systems and records what was acknowledged;
/// <c>verify</c> checks in PostgreSQL that every acknowledged incident is stored exactly once, the
/// link graph and matches caught up, and the access-log chain is valid.
/// </summary>
public static class Program
{
    private const string Usage =
        """
        usage:
          ErsouIntel.LoadClient send --url URL --count N --ack-file FILE
                 [--seed 42] [--run-tag TAG] [--batch 100] [--request-timeout 60] [--retry-for 300] [--deadline 1800]
                 [--secrets-file FILE]   (lines 'client-id=secret'; default: the Development secrets '<force>-dev-secret')
          ErsouIntel.LoadClient verify --connection-string CS --ack-file FILE [--settle 10]
                 (or the connection string in ConnectionStrings__Postgres, which keeps its password out of process lists)
        times are in seconds.
        """;

    public static async Task<int> Main(string[] args)
    {
        using var cancel = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            cancel.Cancel();
        };

        try
        {
            if (args.Length == 0 || args[0] is "help" or "--help" or "-h")
            {
                await Console.Out.WriteLineAsync(Usage);
                return args.Length == 0 ? 2 : 0;
            }

            var options = CommandOptions.Parse(args[1..]);
            switch (args[0])
            {
                case "send":
                    var count = Int(options, "count", null);
                    var seed = Int(options, "seed", 42);
                    var send = new SendOptions(
                        new Uri(options.Required("url").TrimEnd('/') + "/"),
                        count,
                        seed,
                        options.GetValueOrDefault("run-tag") ?? string.Create(CultureInfo.InvariantCulture, $"s{seed}"),
                        Int(options, "batch", 100),
                        options.Required("ack-file"),
                        TimeSpan.FromSeconds(Int(options, "request-timeout", 60)),
                        TimeSpan.FromSeconds(Int(options, "retry-for", 300)),
                        TimeSpan.FromSeconds(Int(options, "deadline", 1800)),
                        options.TryGetValue("secrets-file", out var secrets) ? ReadSecrets(secrets) : new Dictionary<string, string>());
                    if (send.Count < 1 || send.BatchSize is < 1 or > 500)
                    {
                        throw new ArgumentException("--count is at least 1 and --batch 1 to 500.");
                    }

                    return await Sender.RunAsync(send, Console.Out, cancel.Token);
                case "verify":
                    var connectionString = options.GetValueOrDefault("connection-string") ?? Environment.GetEnvironmentVariable("ConnectionStrings__Postgres")
                        ?? throw new ArgumentException("verify needs --connection-string (or ConnectionStrings__Postgres).");
                    return await Verifier.RunAsync(new VerifyOptions(connectionString, options.Required("ack-file"), TimeSpan.FromSeconds(Int(options, "settle", 10))), Console.Out, cancel.Token);
                default:
                    throw new ArgumentException($"Unknown mode '{args[0]}'.");
            }
        }
        catch (ArgumentException e)
        {
            await Console.Error.WriteLineAsync(e.Message);
            await Console.Error.WriteLineAsync(Usage);
            return 2;
        }
        catch (Exception e) when (e is InvalidOperationException or HttpRequestException or Npgsql.NpgsqlException or IOException or OperationCanceledException)
        {
            await Console.Error.WriteLineAsync($"{args[0]}: {e.GetType().Name}: {e.Message}");
            return 1;
        }
    }

    private static int Int(CommandOptions options, string name, int? fallback)
    {
        if (!options.TryGetValue(name, out var text))
        {
            return fallback ?? throw new ArgumentException($"--{name} is required.");
        }

        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new ArgumentException($"--{name} takes a whole number, not '{text}'.");
    }

    private static Dictionary<string, string> ReadSecrets(string path) =>
        File.ReadLines(path)
            .Select(line => line.Trim())
            .Where(line => line.Length > 0 && !line.StartsWith('#'))
            .Select(line => line.Split('=', 2))
            .Where(parts => parts.Length == 2)
            .ToDictionary(parts => parts[0].Trim(), parts => parts[1].Trim(), StringComparer.Ordinal);
}
