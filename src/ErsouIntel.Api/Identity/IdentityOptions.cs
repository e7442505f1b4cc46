namespace ErsouIntel.Api.Identity;

/// <summary>Section <c>Identity</c>: token lifetimes, signing keys, login lock-out.</summary>
public sealed class TokenServerOptions
{
    public const string Section = "Identity";

    /// <summary>
    /// The service's public base URL (the load balancer's), named as issuer in every token and in
    /// the discovery document, and the only issuer accepted, whatever address a request came to.
    /// Unset: the host the caller used, so a token works only where it was issued.
    /// </summary>
    public string? Issuer { get; set; }

    public TimeSpan AccessTokenLifetime { get; set; } = TimeSpan.FromMinutes(15);

    public TimeSpan RefreshTokenLifetime { get; set; } = TimeSpan.FromHours(8);

    public TimeSpan AuthorizationCodeLifetime { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>PKCS#12 file with the signing key; required outside Development and tests, the same on every instance.</summary>
    public string? SigningCertificatePath { get; set; }

    public string? SigningCertificatePassword { get; set; }

    /// <summary>PKCS#12 file with the token encryption key; required outside Development and tests.</summary>
    public string? EncryptionCertificatePath { get; set; }

    public string? EncryptionCertificatePassword { get; set; }

    /// <summary>Use throwaway keys (Development and tests only: they die with the process).</summary>
    public bool UseEphemeralKeys { get; set; }

    /// <summary>How often expired tokens and authorizations are pruned from the token server's tables.</summary>
    public TimeSpan PruneEvery { get; set; } = TimeSpan.FromHours(1);

    /// <summary>How long an account stays locked after <see cref="UserAccount.MaxFailedLogins"/> failed sign-ins.</summary>
    public TimeSpan LockoutDuration { get; set; } = TimeSpan.FromMinutes(15);
}
