using System.Security.Cryptography.X509Certificates;
using ErsouIntel.Api.Access;
using ErsouIntel.Api.WebConsole;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.EntityFrameworkCore;
using OpenIddict.Validation.AspNetCore;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace ErsouIntel.Api.Identity;

/// <summary>The embedded token server (OpenIddict, stores in PostgreSQL through EF Core) and the validation of its tokens.</summary>
public static class IdentitySetup
{
    public const string LoginScheme = "ErsouLogin";

    public static IServiceCollection AddTokenServer(this IServiceCollection services, IConfiguration configuration, IHostEnvironment environment, string connectionString)
    {
        var settings = configuration.GetSection(TokenServerOptions.Section).Get<TokenServerOptions>() ?? new TokenServerOptions();
        // Throwaway keys and plain HTTP are for Development and tests, never by accident elsewhere.
        var relaxed = environment.IsDevelopment() || environment.IsEnvironment("Testing");
        var issuer = PublicIssuer.Parse(settings.Issuer, allowHttp: relaxed);
        services.Configure<TokenServerOptions>(configuration.GetSection(TokenServerOptions.Section));

        services.AddDbContext<IdentityStore>(options =>
        {
            options.UseNpgsql(connectionString, npgsql => npgsql.MigrationsHistoryTable("__ef_migrations", IdentityStore.Schema));
            options.UseOpenIddict();
        });

        services.AddOpenIddict()
            .AddCore(core =>
            {
                core.UseEntityFrameworkCore().UseDbContext<IdentityStore>();
                core.ReplaceApplicationManager<OpenIddict.EntityFrameworkCore.Models.OpenIddictEntityFrameworkCoreApplication, ErsouApplicationManager>();
            })
            .AddServer(server =>
            {
                server.SetTokenEndpointUris("/connect/token")
                    .SetAuthorizationEndpointUris("/connect/authorize");
                server.AllowClientCredentialsFlow()
                    .AllowAuthorizationCodeFlow()
                    .RequireProofKeyForCodeExchange()
                    .AllowRefreshTokenFlow();
                // S256 only: with "plain" the challenge is the verifier itself, so whoever sees the authorization
                // request (a proxy log, a browser history) can redeem the code. Neither accepted nor advertised.
                server.Configure(options => options.CodeChallengeMethods.Remove(CodeChallengeMethods.Plain));
                server.RegisterScopes(Scopes.OpenId, Scopes.OfflineAccess, Roles.WriteScope, Roles.ReadScope, Roles.AuditScope, Roles.AdminScope, Roles.WitnessScope);
                server.SetAccessTokenLifetime(settings.AccessTokenLifetime)
                    .SetRefreshTokenLifetime(settings.RefreshTokenLifetime)
                    .SetAuthorizationCodeLifetime(settings.AuthorizationCodeLifetime);
                if (issuer is not null)
                {
                    // Validation through UseLocalServer takes the server's issuer, so every instance accepts exactly this one.
                    server.SetIssuer(issuer);
                }

                if (relaxed && (settings.UseEphemeralKeys || string.IsNullOrEmpty(settings.SigningCertificatePath)))
                {
                    server.AddEphemeralEncryptionKey().AddEphemeralSigningKey();
                }
                else
                {
                    server.AddSigningCertificate(Load(settings.SigningCertificatePath, settings.SigningCertificatePassword, "SigningCertificatePath"))
                        .AddEncryptionCertificate(Load(settings.EncryptionCertificatePath, settings.EncryptionCertificatePassword, "EncryptionCertificatePath"));
                }

                var aspNetCore = server.UseAspNetCore()
                    .EnableTokenEndpointPassthrough()
                    .EnableAuthorizationEndpointPassthrough();
                if (relaxed)
                {
                    aspNetCore.DisableTransportSecurityRequirement();
                }
            })
            .AddValidation(validation =>
            {
                validation.UseLocalServer();
                validation.UseAspNetCore();
            });

        services.AddAuthentication(options =>
            {
                options.DefaultScheme = ExternalIssuers.SelectorScheme;
            })
            .AddExternalIssuers(configuration)
            .AddConsoleCookie(environment.IsDevelopment())
            .AddConsoleProviders(configuration, relaxed)
            .AddCookie(LoginScheme, options =>
            {
                options.LoginPath = "/account/login";
                options.Cookie.Name = "ersou.login";
                options.Cookie.HttpOnly = true;
                options.Cookie.SameSite = SameSiteMode.Lax;
                options.Cookie.SecurePolicy = relaxed ? CookieSecurePolicy.SameAsRequest : CookieSecurePolicy.Always;
                options.ExpireTimeSpan = TimeSpan.FromMinutes(30);
                options.SlidingExpiration = false;
            });
        services.AddAuthorization();
        // Cookies and antiforgery tokens are protected with a key ring every instance shares.
        services.AddSharedDataProtection();
        services.AddAntiforgery(options => options.Cookie.Name = "ersou.antiforgery");
        services.AddConsoleAntiforgery();
        services.AddScoped<UserAccounts>();
        services.AddHostedService<TokenPruning>();
        services.AddScoped(provider => (ErsouApplicationManager)provider.GetRequiredService<OpenIddict.Abstractions.IOpenIddictApplicationManager>());
        return services;
    }

    private static X509Certificate2 Load(string? path, string? password, string setting)
    {
        if (string.IsNullOrEmpty(path))
        {
            throw new InvalidOperationException($"Identity:{setting} is required outside Development and tests: every instance must sign with the same key.");
        }

        return X509CertificateLoader.LoadPkcs12FromFile(path, password);
    }
}
