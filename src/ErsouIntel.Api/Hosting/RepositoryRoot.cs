namespace ErsouIntel.Api.Hosting;

/// <summary>Finds the checkout this process runs from, by walking up to <c>ErsouIntel.sln</c>.</summary>
public static class RepositoryRoot
{
    public static string? Find()
    {
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "ErsouIntel.sln")))
                {
                    return dir.FullName;
                }
            }
        }

        return null;
    }
}
