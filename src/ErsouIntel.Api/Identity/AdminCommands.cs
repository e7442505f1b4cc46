using ErsouIntel.Api.Access;
using ErsouIntel.Domain;
using OpenIddict.Abstractions;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace ErsouIntel.Api.Identity;

/// <summary>
/// <c>admin ...</c> on the service's executable: the clients and users the contract names.
/// Secrets and passwords are read from standard input (one line), never from arguments, where
/// they would sit in shell history and process lists.
/// </summary>
public static class AdminCommands
{
    public const string Usage = """
        admin add-client --client-id ID --force FORCE        a force system (secret on stdin)
        admin add-app --client-id ID --redirect-uri URI       a people's tool: authorization code + PKCE, no secret
        admin add-user --username NAME --role investigator|auditor|admin [--force FORCE]   (password on stdin)
        admin add-witness --client-id ID --name NAME --verifier-key VKEY   a force system as a witness of the access log
        admin list-clients
        admin list-users
        admin disable-client --client-id ID
        admin disable-user --username NAME
        admin apply-identity-schema                           create the token server's tables if missing
        """;

    public const int MinSecretLength = 12;

    public static async Task<int> RunAsync(IServiceProvider services, string[] args, TextReader input, TextWriter output, TextWriter error, CancellationToken cancellation = default)
    {
        await using var scope = services.CreateAsyncScope();
        var provider = scope.ServiceProvider;
        try
        {
            var options = Options(args.Skip(1));
            await provider.GetRequiredService<IdentityStore>().EnsureSchemaAsync(cancellation);
            switch (args.FirstOrDefault())
            {
                case "add-client":
                    {
                        var clientId = Required(options, "client-id");
                        var force = Force(Required(options, "force"));
                        var secret = Secret(input, "secret");
                        var applications = provider.GetRequiredService<ErsouApplicationManager>();
                        var descriptor = new OpenIddictApplicationDescriptor
                        {
                            ClientId = clientId,
                            ClientSecret = secret,
                            ClientType = ClientTypes.Confidential,
                            DisplayName = $"{force.TenantId()} force system",
                            Permissions = { Permissions.Endpoints.Token, Permissions.GrantTypes.ClientCredentials, Permissions.Prefixes.Scope + Roles.WriteScope },
                        };
                        descriptor.Properties[ErsouApplicationManager.ForceProperty] = System.Text.Json.JsonSerializer.SerializeToElement(force.TenantId());
                        await applications.CreateAsync(descriptor, cancellation);
                        await output.WriteLineAsync($"Added force system '{clientId}' for {force.TenantId()}.");
                        return 0;
                    }

                case "add-app":
                    {
                        var clientId = Required(options, "client-id");
                        var redirect = Required(options, "redirect-uri");
                        if (!Uri.TryCreate(redirect, UriKind.Absolute, out var redirectUri))
                        {
                            throw new ArgumentException("--redirect-uri must be an absolute URI.");
                        }

                        var descriptor = new OpenIddictApplicationDescriptor
                        {
                            ClientId = clientId,
                            ClientType = ClientTypes.Public,
                            DisplayName = clientId,
                            RedirectUris = { redirectUri },
                            Permissions =
                        {
                            Permissions.Endpoints.Authorization, Permissions.Endpoints.Token,
                            Permissions.GrantTypes.AuthorizationCode, Permissions.GrantTypes.RefreshToken, Permissions.ResponseTypes.Code,
                            Permissions.Prefixes.Scope + Roles.ReadScope, Permissions.Prefixes.Scope + Roles.AuditScope, Permissions.Prefixes.Scope + Roles.AdminScope,
                            Permissions.Scopes.Roles,
                        },
                            Requirements = { Requirements.Features.ProofKeyForCodeExchange },
                        };
                        await provider.GetRequiredService<ErsouApplicationManager>().CreateAsync(descriptor, cancellation);
                        await output.WriteLineAsync($"Added app '{clientId}' (authorization code + PKCE) redirecting to {redirectUri}.");
                        return 0;
                    }

                case "add-user":
                    {
                        var username = Required(options, "username");
                        var role = Required(options, "role").ToLowerInvariant();
                        if (!UserAccount.AllRoles.Contains(role))
                        {
                            throw new ArgumentException($"--role is one of {string.Join(", ", UserAccount.AllRoles)}.");
                        }

                        Force? force = options.TryGetValue("force", out var f) ? Force(f) : null;
                        if (role == Roles.Investigator && force is null)
                        {
                            throw new ArgumentException("An investigator belongs to a force: give --force.");
                        }

                        if (role == Roles.Admin && force is not null)
                        {
                            throw new ArgumentException("An admin is region-wide: leave out --force.");
                        }

                        var password = Secret(input, "password");
                        var users = provider.GetRequiredService<UserAccounts>();
                        if (await users.FindAsync(username, cancellation) is not null)
                        {
                            throw new ArgumentException($"A user '{username}' exists already.");
                        }

                        await users.CreateAsync(username, role, force, password, cancellation);
                        await output.WriteLineAsync($"Added {role} '{username}'{(force is null ? "" : $" of {force.Value.TenantId()}")}.");
                        return 0;
                    }

                case "list-clients":
                    {
                        var applications = provider.GetRequiredService<ErsouApplicationManager>();
                        await output.WriteLineAsync("client id\ttype\tforce\tdisabled");
                        await foreach (var application in applications.ListAsync(count: null, offset: null, cancellation))
                        {
                            await output.WriteLineAsync(string.Join('\t',
                                await applications.GetClientIdAsync(application, cancellation),
                                await applications.GetClientTypeAsync(application, cancellation),
                                await applications.GetStringPropertyAsync(application, ErsouApplicationManager.ForceProperty, cancellation) ?? "-",
                                await applications.IsDisabledAsync(application, cancellation) ? "yes" : "no"));
                        }

                        return 0;
                    }

                case "list-users":
                    {
                        await output.WriteLineAsync("username\trole\tforce\tdisabled");
                        foreach (var user in await provider.GetRequiredService<UserAccounts>().ListAsync(cancellation))
                        {
                            await output.WriteLineAsync(string.Join('\t', user.Username, user.Role, user.Force?.TenantId() ?? "-", user.Disabled ? "yes" : "no"));
                        }

                        return 0;
                    }

                case "add-witness":
                    {
                        var clientId = Required(options, "client-id");
                        var name = Required(options, "name");
                        var key = Required(options, "verifier-key");
                        var applications = provider.GetRequiredService<ErsouApplicationManager>();
                        var application = await applications.FindByClientIdAsync(clientId, cancellation) ?? throw new ArgumentException($"No client '{clientId}'.");
                        if (await applications.GetStringPropertyAsync(application, ErsouApplicationManager.ForceProperty, cancellation) is null)
                        {
                            throw new ArgumentException($"'{clientId}' is not a force system: a witness is a force's system (admin add-client).");
                        }

                        await provider.GetRequiredService<Audit.Witnesses.WitnessRegistry>().AddAsync(clientId, name, key, cancellation);
                        var descriptor = new OpenIddictApplicationDescriptor();
                        await applications.PopulateAsync(descriptor, application, cancellation);
                        descriptor.Permissions.Add(Permissions.Prefixes.Scope + Roles.WitnessScope);
                        await applications.UpdateAsync(application, descriptor, cancellation);
                        await output.WriteLineAsync($"'{clientId}' is now the access log's witness '{name}': it may ask for the scope {Roles.WitnessScope}.");
                        return 0;
                    }

                case "disable-client":
                    {
                        var clientId = Required(options, "client-id");
                        var applications = provider.GetRequiredService<ErsouApplicationManager>();
                        var application = await applications.FindByClientIdAsync(clientId, cancellation) ?? throw new ArgumentException($"No client '{clientId}'.");
                        await applications.DisableAsync(application, cancellation);
                        // Refresh tokens it holds stop working too; access tokens already out expire on their short lifetime.
                        var tokens = provider.GetRequiredService<IOpenIddictTokenManager>();
                        await tokens.RevokeByApplicationIdAsync((await applications.GetIdAsync(application, cancellation))!, cancellation);
                        await output.WriteLineAsync($"Disabled client '{clientId}': it gets no new token.");
                        return 0;
                    }

                case "disable-user":
                    {
                        var username = Required(options, "username");
                        if (!await provider.GetRequiredService<UserAccounts>().DisableAsync(username, cancellation))
                        {
                            throw new ArgumentException($"No user '{username}'.");
                        }

                        await provider.GetRequiredService<IOpenIddictTokenManager>().RevokeBySubjectAsync(username, cancellation);
                        await output.WriteLineAsync($"Disabled user '{username}': they get no new token.");
                        return 0;
                    }

                case "apply-identity-schema":
                    await output.WriteLineAsync("The token server's tables are in place.");
                    return 0;

                default:
                    await error.WriteLineAsync(Usage);
                    return 2;
            }
        }
        catch (ArgumentException e)
        {
            await error.WriteLineAsync(e.Message);
            return 2;
        }
    }

    private static Dictionary<string, string> Options(IEnumerable<string> args)
    {
        var options = new Dictionary<string, string>(StringComparer.Ordinal);
        string? name = null;
        foreach (var arg in args)
        {
            if (arg.StartsWith("--", StringComparison.Ordinal))
            {
                name = arg[2..];
                options[name] = "";
            }
            else if (name is not null)
            {
                options[name] = arg;
                name = null;
            }
            else
            {
                throw new ArgumentException($"Unexpected '{arg}'. Secrets and passwords are read from standard input, not given as arguments.");
            }
        }

        return options;
    }

    private static string Required(Dictionary<string, string> options, string name) =>
        options.TryGetValue(name, out var value) && value.Length > 0 ? value : throw new ArgumentException($"--{name} is required.\n{Usage}");

    private static Force Force(string value) =>
        Forces.TryParse(value, out var force) ? force : throw new ArgumentException($"'{value}' is not a force: one of {string.Join(", ", Forces.All.Select(f => f.TenantId()))}.");

    private static string Secret(TextReader input, string what)
    {
        var secret = input.ReadLine()?.TrimEnd('\r', '\n') ?? "";
        return secret.Length >= MinSecretLength ? secret : throw new ArgumentException($"Give the {what} on standard input: at least {MinSecretLength} characters.");
    }
}
