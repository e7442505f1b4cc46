namespace ErsouIntel.Domain.Transparency;

/// <summary>
/// One signature line of a C2SP signed note: <c>— name base64(keyid || signature)</c>.
/// <see cref="Signature"/> excludes the 4-byte key id.
/// </summary>
public sealed record NoteSignature(string KeyName, uint KeyId, ReadOnlyMemory<byte> Signature)
{
    internal const string Prefix = "\u2014 ";

    /// <summary>The line as it appears in the note, with its final newline.</summary>
    public string ToLine()
    {
        var bytes = new byte[4 + Signature.Length];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(bytes, KeyId);
        Signature.Span.CopyTo(bytes.AsSpan(4));
        return $"{Prefix}{KeyName} {Convert.ToBase64String(bytes)}\n";
    }

    /// <summary>Parses one signature line, without its newline.</summary>
    public static bool TryParseLine(string line, out NoteSignature? signature)
    {
        ArgumentNullException.ThrowIfNull(line);
        signature = null;
        if (!line.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return false;
        }
        var rest = line[Prefix.Length..];
        var space = rest.IndexOf(' ', StringComparison.Ordinal);
        if (space <= 0)
        {
            return false;
        }
        var name = rest[..space];
        if (!NoteKeyName.IsValid(name)
            || !NoteKeyName.TryDecodeBase64(rest[(space + 1)..], out var bytes)
            || bytes.Length < 5)
        {
            return false;
        }
        signature = new NoteSignature(
            name, System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(bytes), bytes.AsMemory(4));
        return true;
    }
}
