using Microsoft.Extensions.FileProviders;
using Microsoft.Net.Http.Headers;

namespace ErsouIntel.Api.WebConsole;

/// <summary>
/// Serves the console that the build put beside the service (<c>console/</c>, from the repository's
/// <c>console/</c> folder): <c>/</c> is its page, <c>/assets/</c> its content-hashed scripts and
/// styles. Only these two paths: anything else (a mistyped API path included) stays a plain 404.
/// </summary>
public static class ConsoleAssets
{
    /// <summary>
    /// The console's policy: its own scripts and styles only (no inline script, no other origin),
    /// calls to this service only, images it draws itself (the chart's PNG export is a blob).
    /// </summary>
    public const string ContentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; connect-src 'self'; " +
        "font-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    public static string Folder => Path.Combine(AppContext.BaseDirectory, "console");

    public static WebApplication MapConsole(this WebApplication app)
    {
        if (!File.Exists(Path.Combine(Folder, "index.html")))
        {
            app.Logger.LogWarning("The console is not built ({Folder} has no index.html): / answers 404. The .NET build builds it with npm.", Folder);
            return app;
        }

        var files = new PhysicalFileProvider(Folder);
        app.MapGet("/", async http =>
        {
            http.Response.Headers.ContentSecurityPolicy = ContentSecurityPolicy;
            http.Response.ContentType = "text/html; charset=utf-8";
            await http.Response.SendFileAsync(files.GetFileInfo("index.html"), http.RequestAborted);
        });

        app.UseWhen(http => http.Request.Path.StartsWithSegments("/assets"), branch =>
        {
            branch.UseResponseCompression();
            branch.UseStaticFiles(new StaticFileOptions
            {
                FileProvider = new PhysicalFileProvider(Path.Combine(Folder, "assets")),
                RequestPath = "/assets",
                OnPrepareResponse = context =>
                {
                    // Names carry a hash of their content, so an asset never changes under its name.
                    context.Context.Response.Headers[HeaderNames.CacheControl] = "public, max-age=31536000, immutable";
                    context.Context.Response.Headers.ContentSecurityPolicy = ContentSecurityPolicy;
                },
            });
        });
        return app;
    }

    public static IServiceCollection AddConsoleAssets(this IServiceCollection services) =>
        services.AddResponseCompression(options =>
        {
            // Static public files only (this is used on /assets alone), so compressing over HTTPS leaks nothing.
            options.EnableForHttps = true;
            options.MimeTypes = ["text/javascript", "application/javascript", "text/css"];
        });
}
