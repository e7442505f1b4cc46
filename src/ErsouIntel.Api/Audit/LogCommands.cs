using ErsouIntel.Api.Audit.Checkpoints;
using ErsouIntel.Api.Audit.Verifying;
using ErsouIntel.Api.Audit.Witnesses;

namespace ErsouIntel.Api.Audit;

/// <summary>
/// <c>log ...</c> and <c>witness ...</c>: the commands that auditors and forces run away from the service, with no
/// settings and no database (a force's witness host has neither), so they are dispatched before the host is built.
/// </summary>
public static class LogCommands
{
    public static readonly string LogUsage = string.Join(Environment.NewLine, NewKeyCommand.LogUsage, OfflineLogVerification.Usage.TrimEnd());

    public static readonly string WitnessUsage = string.Join(Environment.NewLine, NewKeyCommand.WitnessUsage, WitnessRun.Usage.TrimEnd());

    public static async Task<int> LogAsync(string[] args, TextWriter output, TextWriter error) => args switch
    {
        ["new-key", .. var rest] => await NewKeyCommand.LogAsync(rest, output, error),
        ["verify", .. var rest] => await OfflineLogVerification.RunAsync(rest, output, error),
        _ => await UsageAsync(error, LogUsage),
    };

    public static async Task<int> WitnessAsync(string[] args, TextReader input, TextWriter output, TextWriter error, CancellationToken cancellation) => args switch
    {
        ["new-key", .. var rest] => await NewKeyCommand.WitnessAsync(rest, output, error),
        ["run", .. var rest] => await WitnessRun.RunAsync(rest, input, output, error, cancellation: cancellation),
        _ => await UsageAsync(error, WitnessUsage),
    };

    private static async Task<int> UsageAsync(TextWriter error, string usage)
    {
        await error.WriteLineAsync(usage);
        return 2;
    }
}
