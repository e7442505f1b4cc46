using ErsouIntel.Api.Hosting;

namespace ErsouIntel.Api.Tests.Infrastructure;

public static class ApiBuild
{
    /// <summary>
    /// The API's build beside this test assembly's configuration: the test project references the
    /// API project, so building the tests builds it into <c>src/ErsouIntel.Api/bin/&lt;config&gt;/net10.0</c>.
    /// </summary>
    public static string Dll()
    {
        var root = RepositoryRoot.Find() ?? throw new InvalidOperationException("The repository root (ErsouIntel.sln) was not found above " + AppContext.BaseDirectory);
        var framework = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var configuration = framework.Parent?.Name ?? "Debug";
        var dll = Path.Combine(root, "src", "ErsouIntel.Api", "bin", configuration, framework.Name, "ErsouIntel.Api.dll");
        return File.Exists(dll) && File.Exists(Path.ChangeExtension(dll, ".runtimeconfig.json"))
            ? dll
            : throw new InvalidOperationException($"No build of the service at {dll}: build the test project (dotnet test does).");
    }
}
