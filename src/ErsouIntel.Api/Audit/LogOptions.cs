namespace ErsouIntel.Api.Audit;

/// <summary>Section <c>Log</c>: the access log as a tree with signed checkpoints (docs/security.md, "A log that proves itself").</summary>
public sealed class LogOptions
{
    public const string Section = "Log";

    /// <summary>
    /// The log's name: the first line of every checkpoint and the name of its signing key, a schema-less URL
    /// (C2SP tlog-checkpoint), e.g. <c>intel.ersou.police.uk/access-log</c>. Required outside Development and tests;
    /// never change it once checkpoints are signed (witnesses know the log by it).
    /// </summary>
    public string? Origin { get; set; }

    /// <summary>A file holding the signing key as a C2SP signer key (<c>PRIVATE+KEY+origin+keyid+...</c>), e.g. a mounted secret.</summary>
    public string? SigningKeyFile { get; set; }

    /// <summary>The signing key itself, for platforms that pass secrets as environment variables; <see cref="SigningKeyFile"/> is preferred.</summary>
    public string? SigningKey { get; set; }

    /// <summary>The verifier keys of keys the log signed with before (rotation): earlier checkpoints stay verifiable.</summary>
    public List<string> EarlierVerifierKeys { get; set; } = [];

    /// <summary>Serve <c>/log/checkpoint</c> and <c>/log/tile/...</c> to anyone (they hold hashes only); otherwise to auditors and witnesses.</summary>
    public bool PublicTiles { get; set; }

    /// <summary>How often each instance looks for entries no checkpoint covers yet, and signs one.</summary>
    public TimeSpan CheckpointInterval { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>
    /// Keep the tree and sign checkpoints (the default). Off only to measure what the tree costs (the benchmark):
    /// with it off the log is a hash chain alone, as before.
    /// </summary>
    public bool Tree { get; set; } = true;
}
