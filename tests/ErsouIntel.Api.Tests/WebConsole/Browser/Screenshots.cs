using Microsoft.Playwright;

namespace ErsouIntel.Api.Tests.WebConsole.Browser;

/// <summary>
/// The pictures in <c>docs/console.md</c>, taken by the tests from the real page on every run, always the
/// same size (the viewport, 1280×800), into <see cref="Measurements.Folder"/>.
/// </summary>
public static class Screenshots
{
    public static async Task TakeAsync(IPage page, string name)
    {
        var path = Path.Combine(Measurements.Folder, name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = false, Animations = ScreenshotAnimations.Disabled });
    }
}
