using System.Collections.Immutable;
using System.Text.Json;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using OpenIddict.Abstractions;
using OpenIddict.Core;
using OpenIddict.EntityFrameworkCore.Models;

namespace ErsouIntel.Api.Identity;

/// <summary>
/// OpenIddict's application manager with client secrets hashed by ASP.NET Core Identity's
/// password hasher (PBKDF2), the same as users' passwords, and with a switch to disable a client.
/// </summary>
public sealed class ErsouApplicationManager(
    IOpenIddictApplicationCache<OpenIddictEntityFrameworkCoreApplication> cache,
    ILogger<OpenIddictApplicationManager<OpenIddictEntityFrameworkCoreApplication>> logger,
    IOptionsMonitor<OpenIddictCoreOptions> options,
    IOpenIddictApplicationStore<OpenIddictEntityFrameworkCoreApplication> store)
    : OpenIddictApplicationManager<OpenIddictEntityFrameworkCoreApplication>(cache, logger, options, store)
{
    public const string ForceProperty = "force";
    public const string DisabledProperty = "disabled";

    private static readonly PasswordHasher<string> Hasher = new();

    protected override ValueTask<string> ObfuscateClientSecretAsync(string secret, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(Hasher.HashPassword(string.Empty, secret));

    protected override ValueTask<bool> ValidateClientSecretAsync(string secret, string comparand, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(Hasher.VerifyHashedPassword(string.Empty, comparand, secret) != PasswordVerificationResult.Failed);

    public async Task<string?> GetStringPropertyAsync(OpenIddictEntityFrameworkCoreApplication application, string name, CancellationToken cancellation)
    {
        var properties = await GetPropertiesAsync(application, cancellation);
        return properties.TryGetValue(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
    }

    public async Task<bool> IsDisabledAsync(OpenIddictEntityFrameworkCoreApplication application, CancellationToken cancellation)
    {
        var properties = await GetPropertiesAsync(application, cancellation);
        return properties.TryGetValue(DisabledProperty, out var value) && value.ValueKind == JsonValueKind.True;
    }

    public async Task DisableAsync(OpenIddictEntityFrameworkCoreApplication application, CancellationToken cancellation)
    {
        var properties = (await GetPropertiesAsync(application, cancellation)).SetItem(DisabledProperty, JsonSerializer.SerializeToElement(true));
        await Store.SetPropertiesAsync(application, properties, cancellation);
        await UpdateAsync(application, cancellation);
    }

    public static ImmutableDictionary<string, JsonElement> ForceProperties(string force) =>
        ImmutableDictionary<string, JsonElement>.Empty.Add(ForceProperty, JsonSerializer.SerializeToElement(force));
}
