using System.Globalization;
using System.Text;

namespace ErsouIntel.Domain.Transparency;

/// <summary>C2SP tlog-tiles paths and which tiles a tree of a given size has.</summary>
public static class Tiles
{
    /// <summary>
    /// Parses a tile request path (<c>tile/L/N[.p/W]</c>, without the log prefix). Anything that is not the one
    /// canonical spelling of a hash tile (leading zeros, missing x, level over 63, width 0 or over 255, entry
    /// bundles) is rejected, so a tile has exactly one URL and caches cannot be filled with aliases.
    /// </summary>
    public static bool TryParse(string? path, out Tile tile)
    {
        tile = default;
        if (path is null || !path.StartsWith("tile/", StringComparison.Ordinal))
        {
            return false;
        }
        var parts = path["tile/".Length..].Split('/');
        if (parts.Length < 2 || !TryParseSmall(parts[0], 63, out var level))
        {
            return false;
        }
        var indexParts = parts.AsSpan(1);
        var width = Tile.FullWidth;
        var last = indexParts[^1];
        if (indexParts.Length >= 2 && indexParts[^2].EndsWith(".p", StringComparison.Ordinal))
        {
            if (!TryParseSmall(last, Tile.FullWidth - 1, out width) || width == 0)
            {
                return false;
            }
            indexParts[^2] = indexParts[^2][..^2];
            indexParts = indexParts[..^1];
        }
        long index = 0;
        for (var i = 0; i < indexParts.Length; i++)
        {
            var group = indexParts[i];
            var isLast = i == indexParts.Length - 1;
            if (!isLast)
            {
                if (group.Length != 4 || group[0] != 'x')
                {
                    return false;
                }
                group = group[1..];
            }
            if (group.Length != 3 || !group.All(char.IsAsciiDigit))
            {
                return false;
            }
            if (index > (long.MaxValue / 1000) - 1)
            {
                return false;
            }
            index = (index * 1000) + int.Parse(group, CultureInfo.InvariantCulture);
        }
        var parsed = new Tile(level, index, width);
        if (parsed.Path != path)
        {
            return false;
        }
        tile = parsed;
        return true;
    }

    /// <summary>
    /// The partial tiles of the tree of <paramref name="treeSize"/> leaves: at each tile level, the right-most
    /// tile when it holds 1..255 hashes. Full tiles are those below these, at every level.
    /// </summary>
    public static IReadOnlyList<Tile> PartialTiles(long treeSize)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(treeSize);
        var tiles = new List<Tile>();
        for (var level = 0; level * Tile.Height < 63; level++)
        {
            var nodes = treeSize >> (level * Tile.Height);
            if (nodes == 0)
            {
                break;
            }
            var width = (int)(nodes % Tile.FullWidth);
            if (width != 0)
            {
                tiles.Add(new Tile(level, nodes / Tile.FullWidth, width));
            }
        }
        return tiles;
    }

    /// <summary>The number of full tiles at <paramref name="level"/> in the tree of <paramref name="treeSize"/> leaves.</summary>
    public static long FullTileCount(int level, long treeSize)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(level);
        ArgumentOutOfRangeException.ThrowIfNegative(treeSize);
        return level * Tile.Height >= 63 ? 0 : (treeSize >> (level * Tile.Height)) / Tile.FullWidth;
    }

    internal static string EncodeIndex(long index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        var groups = new List<string>();
        do
        {
            groups.Add((index % 1000).ToString("D3", CultureInfo.InvariantCulture));
            index /= 1000;
        }
        while (index > 0);
        groups.Reverse();
        var text = new StringBuilder();
        for (var i = 0; i < groups.Count; i++)
        {
            if (i < groups.Count - 1)
            {
                text.Append('x').Append(groups[i]).Append('/');
            }
            else
            {
                text.Append(groups[i]);
            }
        }
        return text.ToString();
    }

    private static bool TryParseSmall(string text, int max, out int value)
    {
        value = 0;
        if (text.Length is 0 or > 3 || !text.All(char.IsAsciiDigit) || (text.Length > 1 && text[0] == '0'))
        {
            return false;
        }
        value = int.Parse(text, CultureInfo.InvariantCulture);
        return value <= max;
    }
}
