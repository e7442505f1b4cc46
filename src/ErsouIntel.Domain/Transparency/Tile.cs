using System.Globalization;
using System.Text;

namespace ErsouIntel.Domain.Transparency;

/// <summary>
/// A C2SP tlog-tiles hash tile (height 8): tile <see cref="Level"/> L, index <see cref="Index"/> N holds
/// <see cref="Width"/> consecutive tree nodes at tree level 8L, starting at node index 256N. Width 256 is a full
/// tile; 1..255 a partial one (path suffix <c>.p/W</c>).
/// </summary>
public readonly record struct Tile(int Level, long Index, int Width)
{
    /// <summary>Hashes in a full tile.</summary>
    public const int FullWidth = 256;

    /// <summary>Tree levels per tile level.</summary>
    public const int Height = 8;

    /// <summary>True for a full tile.</summary>
    public bool IsFull => Width == FullWidth;

    /// <summary>The tree level of every hash in this tile.</summary>
    public int TreeLevel => Level * Height;

    /// <summary>The stored nodes this tile holds, in the order they are served.</summary>
    public IReadOnlyList<NodeId> Nodes()
    {
        var level = TreeLevel;
        var first = Index * FullWidth;
        return [.. Enumerable.Range(0, Width).Select(i => new NodeId(level, first + i))];
    }

    /// <summary>True when every hash of this tile exists in the tree of <paramref name="treeSize"/> leaves.</summary>
    public bool IsWithin(long treeSize)
    {
        // Nodes at tree level 8L exist for indices below treeSize >> 8L; past level 62 none fit in a long.
        if (TreeLevel >= 63)
        {
            return false;
        }
        var nodesAtLevel = treeSize >> TreeLevel;
        return Index < (nodesAtLevel / FullWidth) + 1 && (Index * FullWidth) + Width <= nodesAtLevel;
    }

    /// <summary>The path under the log prefix: <c>tile/L/N</c> or <c>tile/L/N.p/W</c>, N as x001/x234/067.</summary>
    public string Path
    {
        get
        {
            var path = new StringBuilder("tile/").Append(Level.ToString(CultureInfo.InvariantCulture)).Append('/');
            path.Append(Tiles.EncodeIndex(Index));
            if (!IsFull)
            {
                path.Append(".p/").Append(Width.ToString(CultureInfo.InvariantCulture));
            }
            return path.ToString();
        }
    }
}
