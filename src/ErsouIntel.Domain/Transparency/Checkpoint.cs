using System.Globalization;
using System.Text;

namespace ErsouIntel.Domain.Transparency;

/// <summary>
/// A C2SP tlog-checkpoint body: origin line, tree size, base64 root hash, then optional extension lines, each
/// ending in a newline. Parsing is strict so that one tree head has one text, and so one signature.
/// </summary>
public sealed class Checkpoint
{
    private readonly byte[] _rootHash;

    /// <summary>A checkpoint for a tree head.</summary>
    public Checkpoint(string origin, long size, ReadOnlySpan<byte> rootHash, IReadOnlyList<string>? extensions = null)
    {
        if (string.IsNullOrEmpty(origin) || origin.Any(char.IsControl))
        {
            throw new ArgumentException("The origin is one non-empty line.", nameof(origin));
        }
        ArgumentOutOfRangeException.ThrowIfNegative(size);
        if (rootHash.Length != MerkleHash.Size)
        {
            throw new ArgumentException("The root is a 32-byte SHA-256 hash.", nameof(rootHash));
        }
        var lines = extensions?.ToArray() ?? [];
        if (lines.Any(l => string.IsNullOrEmpty(l) || l.Any(char.IsControl)))
        {
            throw new ArgumentException("Extension lines are non-empty single lines.", nameof(extensions));
        }
        Origin = origin;
        Size = size;
        _rootHash = rootHash.ToArray();
        Extensions = lines;
    }

    /// <summary>The log's identity, e.g. <c>example.com/log</c>.</summary>
    public string Origin { get; }

    /// <summary>Number of leaves in the tree.</summary>
    public long Size { get; }

    /// <summary>RFC 9162 root hash of the tree at <see cref="Size"/>.</summary>
    public ReadOnlyMemory<byte> RootHash => _rootHash;

    /// <summary>Opaque extension lines (the spec recommends none).</summary>
    public IReadOnlyList<string> Extensions { get; }

    /// <summary>The note text: the lines, each with its newline.</summary>
    public string ToText()
    {
        var text = new StringBuilder()
            .Append(Origin).Append('\n')
            .Append(Size.ToString(CultureInfo.InvariantCulture)).Append('\n')
            .Append(Convert.ToBase64String(_rootHash)).Append('\n');
        foreach (var line in Extensions)
        {
            text.Append(line).Append('\n');
        }
        return text.ToString();
    }

    /// <summary>Parses a checkpoint note text (the signed note's <see cref="SignedNote.Text"/>).</summary>
    public static bool TryParse(string? text, out Checkpoint? checkpoint)
    {
        checkpoint = null;
        if (text is null || !text.EndsWith('\n'))
        {
            return false;
        }
        var lines = text[..^1].Split('\n');
        if (lines.Length < 3
            || lines.Any(l => l.Length == 0 || l.Any(char.IsControl))
            || !TryParseSize(lines[1], out var size)
            || !NoteKeyName.TryDecodeBase64(lines[2], out var root)
            || root.Length != MerkleHash.Size)
        {
            return false;
        }
        checkpoint = new Checkpoint(lines[0], size, root, lines[3..]);
        return true;
    }

    /// <summary>Parses a checkpoint note text or throws <see cref="FormatException"/>.</summary>
    public static Checkpoint Parse(string text) =>
        TryParse(text, out var checkpoint) ? checkpoint! : throw new FormatException("Not a C2SP checkpoint.");

    private static bool TryParseSize(string text, out long size)
    {
        size = 0;
        // ASCII decimal, no sign, no leading zeros except "0" itself.
        return text.Length is > 0 and <= 19
            && text.All(char.IsAsciiDigit)
            && (text.Length == 1 || text[0] != '0')
            && long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out size);
    }
}
