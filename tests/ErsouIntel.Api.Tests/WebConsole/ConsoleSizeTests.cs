using System.IO.Compression;
using System.Text.RegularExpressions;
using ErsouIntel.Api.Tests.Infrastructure;
using ErsouIntel.Api.Tests.WebConsole.Browser;

namespace ErsouIntel.Api.Tests.WebConsole;

/// <summary>Issue 17's target: the console's scripts and styles, as served, at most 300 KB compressed.</summary>
public sealed partial class ConsoleSizeTests(ServiceFixture service) : IClassFixture<ServiceFixture>
{
    private const int MostBytes = 300 * 1024;

    [Fact]
    public async Task The_scripts_and_styles_the_page_loads_are_at_most_300_KB_gzipped()
    {
        var index = await service.Http.GetStringAsync("/");
        var assets = Asset().Matches(index).Select(m => m.Groups[1].Value).Distinct().ToList();
        Assert.Contains(assets, a => a.EndsWith(".js", StringComparison.Ordinal));
        Assert.Contains(assets, a => a.EndsWith(".css", StringComparison.Ordinal));

        long total = 0;
        foreach (var asset in assets)
        {
            var bytes = await service.Http.GetByteArrayAsync(asset);
            using var packed = new MemoryStream();
            await using (var gzip = new GZipStream(packed, CompressionLevel.SmallestSize, leaveOpen: true))
            {
                await gzip.WriteAsync(bytes);
            }

            total += packed.Length;
        }

        Measurements.Record("assetsGzipBytes", total);
        Assert.InRange(total, 1, MostBytes);
    }

    /// <summary>The page's own scripts and styles: every <c>/assets/</c> address in index.html.</summary>
    [GeneratedRegex("(?:src|href)=\"(/assets/[^\"]+\\.(?:js|css))\"")]
    private static partial Regex Asset();
}
