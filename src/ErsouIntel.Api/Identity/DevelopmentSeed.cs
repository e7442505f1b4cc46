using ErsouIntel.Domain;

namespace ErsouIntel.Api.Identity;

/// <summary>
/// Demo clients and users for the Development environment only, listed in the README. Nothing is
/// seeded anywhere else: operators create what they need with <c>admin ...</c>.
/// </summary>
public static class DevelopmentSeed
{
    public const string Password = "ersou-dev-password";
    public const string AppClientId = "ersou-tools";
    public const string AppRedirectUri = "http://127.0.0.1:5080/callback";

    public static async Task RunAsync(IServiceProvider services, TextWriter log)
    {
        var applications = services.GetRequiredService<ErsouApplicationManager>();
        if (await applications.FindByClientIdAsync(AppClientId) is not null)
        {
            return;
        }

        async Task Admin(string[] args, string? secret = null) =>
            await AdminCommands.RunAsync(services, args, new StringReader(secret ?? ""), TextWriter.Null, log);

        foreach (var force in Forces.All)
        {
            var name = force.TenantId().ToLowerInvariant();
            await Admin(["add-client", "--client-id", $"{name}-system", "--force", force.TenantId()], $"{name}-dev-secret");
            await Admin(["add-user", "--username", $"{name}.investigator", "--role", "investigator", "--force", force.TenantId()], Password);
        }

        await Admin(["add-app", "--client-id", AppClientId, "--redirect-uri", AppRedirectUri]);
        await Admin(["add-user", "--username", "region.auditor", "--role", "auditor"], Password);
        await Admin(["add-user", "--username", "essex.auditor", "--role", "auditor", "--force", "ESSEX"], Password);
        await Admin(["add-user", "--username", "admin", "--role", "admin"], Password);
        await log.WriteLineAsync("Development: seeded demo clients and users (see README).");
    }
}
