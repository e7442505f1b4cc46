using ErsouIntel.Api.Hosting;
using ErsouIntel.Domain.Transparency;

namespace ErsouIntel.Api.Audit.Checkpoints;

/// <summary>
/// <c>log new-key --origin ORIGIN</c> and <c>witness new-key --name NAME</c>: a new Ed25519 key, no database. The signer
/// key goes to standard output alone, so that <c>&gt; file</c> puts nothing else in the secret; the verifier key, which
/// is public and is what the operator hands on (Log:EarlierVerifierKeys, auditors' <c>--vkey</c>, <c>admin add-witness
/// --verifier-key</c>), goes to standard error.
/// </summary>
public static class NewKeyCommand
{
    public const string LogUsage = "log new-key --origin ORIGIN   a new signing key for the access log's checkpoints (Log:SigningKeyFile) on stdout, its verifier key on stderr";

    public const string WitnessUsage = "witness new-key --name NAME   a new witness key (cosignature/v1) on stdout, its verifier key for admin add-witness --verifier-key on stderr";

    public static Task<int> LogAsync(string[] args, TextWriter output, TextWriter error) =>
        RunAsync(args, "origin", NoteKeyName.Ed25519Type, LogUsage, output, error);

    public static Task<int> WitnessAsync(string[] args, TextWriter output, TextWriter error) =>
        RunAsync(args, "name", NoteKeyName.CosignatureV1Type, WitnessUsage, output, error);

    private static async Task<int> RunAsync(string[] args, string option, byte type, string usage, TextWriter output, TextWriter error)
    {
        string name;
        try
        {
            var options = CommandOptions.Parse(args, refuseRepeats: true);
            if (options.Names.FirstOrDefault(n => n != option) is { } unknown)
            {
                throw new ArgumentException($"Unknown option --{unknown}.");
            }

            name = options.Required(option);
            if (!NoteKeyName.IsValid(name))
            {
                throw new ArgumentException($"--{option} '{name}' is not a key name: no spaces, no '+', not empty.");
            }
        }
        catch (ArgumentException e)
        {
            await error.WriteLineAsync($"{usage.Split(' ')[0]} new-key: {e.Message}");
            await error.WriteLineAsync(usage);
            return 2;
        }

        var key = NoteSigner.Generate(name, type);
        await output.WriteLineAsync(key.ToPrivateKeyText());
        await error.WriteLineAsync(key.Verifier.ToString());
        return 0;
    }
}
