using ErsouIntel.Domain.Transparency;

namespace ErsouIntel.Domain.Tests.Transparency;

public class TilesTests
{
    [Theory]
    [InlineData(0, 0, 256, "tile/0/000")]
    [InlineData(0, 5, 256, "tile/0/005")]
    [InlineData(1, 1000, 256, "tile/1/x001/000")]
    [InlineData(2, 1234067, 256, "tile/2/x001/x234/067")] // the spec's example index
    [InlineData(0, 273, 112, "tile/0/273.p/112")]
    [InlineData(63, 999, 1, "tile/63/999.p/1")]
    public void Paths_are_written_and_read_back_in_the_spec_form(int level, long index, int width, string path)
    {
        var tile = new Tile(level, index, width);
        Assert.Equal(path, tile.Path);
        Assert.True(Tiles.TryParse(path, out var parsed));
        Assert.Equal(tile, parsed);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("tile/0")]
    [InlineData("tile/0/")]
    [InlineData("/tile/0/000")]
    [InlineData("tile/0/000/")]
    [InlineData("tile/0/1")]
    [InlineData("tile/0/0001")]
    [InlineData("tile/00/000")]
    [InlineData("tile/01/000")]
    [InlineData("tile/64/000")]
    [InlineData("tile/-1/000")]
    [InlineData("tile/0/x001")]
    [InlineData("tile/0/001/234")]
    [InlineData("tile/0/x001/234/067")]
    [InlineData("tile/0/x000/001")]
    [InlineData("tile/0/-01")]
    [InlineData("tile/0/+01")]
    [InlineData("tile/0/\u0661\u0662\u0663")]
    [InlineData("tile/0/000.p/0")]
    [InlineData("tile/0/000.p/256")]
    [InlineData("tile/0/000.p/05")]
    [InlineData("tile/0/000.p/")]
    [InlineData("tile/0/000.p")]
    [InlineData("tile/0/000.p/1/2")]
    [InlineData("tile/0/000.x/1")]
    [InlineData("tile/entries/000")]
    [InlineData("tile/entries/000.p/5")]
    [InlineData("tile/0/x999/x999/x999/x999/x999/x999/x999/999")]
    public void Malformed_paths_are_rejected(string? path) => Assert.False(Tiles.TryParse(path, out _));

    [Fact]
    public void A_tree_of_70000_has_the_tiles_the_spec_lists()
    {
        // tlog-tiles: "a tree of size 70,000 will be represented by 273 full level 0 tiles, one partial level 0
        // tile of width 112, one full level 1 tile, one partial level 1 tile of width 17, and one partial level 2
        // tile of width 1."
        Assert.Equal(273, Tiles.FullTileCount(0, 70_000));
        Assert.Equal(1, Tiles.FullTileCount(1, 70_000));
        Assert.Equal(0, Tiles.FullTileCount(2, 70_000));
        Assert.Equal([new Tile(0, 273, 112), new Tile(1, 1, 17), new Tile(2, 0, 1)], Tiles.PartialTiles(70_000));

        Assert.True(new Tile(0, 272, 256).IsWithin(70_000));
        Assert.False(new Tile(0, 273, 256).IsWithin(70_000));
        Assert.True(new Tile(0, 273, 112).IsWithin(70_000));
        Assert.False(new Tile(0, 273, 113).IsWithin(70_000));
        Assert.True(new Tile(1, 0, 256).IsWithin(70_000));
        Assert.True(new Tile(1, 1, 17).IsWithin(70_000));
        Assert.False(new Tile(1, 1, 18).IsWithin(70_000));
        Assert.True(new Tile(2, 0, 1).IsWithin(70_000));
        Assert.False(new Tile(2, 0, 2).IsWithin(70_000));
        Assert.False(new Tile(3, 0, 1).IsWithin(70_000));
        Assert.False(new Tile(63, 0, 1).IsWithin(long.MaxValue));
    }

    [Fact]
    public void A_tree_of_256_has_one_full_level_0_tile_and_a_level_1_tile_of_width_1()
    {
        Assert.Equal(1, Tiles.FullTileCount(0, 256));
        Assert.Equal([new Tile(1, 0, 1)], Tiles.PartialTiles(256));
        Assert.Empty(Tiles.PartialTiles(0));
    }

    [Fact]
    public void Tile_level_L_holds_tree_level_8L_nodes()
    {
        Assert.Equal([new NodeId(0, 512), new NodeId(0, 513)], new Tile(0, 2, 2).Nodes());
        var level1 = new Tile(1, 3, 256).Nodes();
        Assert.Equal(256, level1.Count);
        Assert.Equal(new NodeId(8, 768), level1[0]);
        Assert.Equal(new NodeId(8, 1023), level1[^1]);
        // Node (8, i) is the hash of leaves [256 i, 256 (i + 1)): the root of level 0 tile i, as the spec defines.
        Assert.Equal(256 * 768, level1[0].FirstLeaf);
        Assert.Equal(256, level1[0].LeafCount);
    }
}
