namespace ErsouIntel.Api.Identity;

/// <summary>
/// Setting <c>Identity:Issuer</c>, checked at start-up: a mistyped name would otherwise start a
/// service whose every token is refused by the instances configured correctly.
/// </summary>
public static class PublicIssuer
{
    /// <summary>
    /// The issuer every instance names and accepts, or null when unset (each request's own host).
    /// Plain http only where the token server itself accepts plain HTTP (Development and tests).
    /// </summary>
    public static Uri? Parse(string? setting, bool allowHttp)
    {
        if (string.IsNullOrWhiteSpace(setting))
        {
            return null;
        }

        var https = allowHttp ? "an absolute http or https URL" : "an absolute https URL";
        if (!Uri.TryCreate(setting.Trim(), UriKind.Absolute, out var issuer)
            || !(issuer.Scheme == Uri.UriSchemeHttps || (allowHttp && issuer.Scheme == Uri.UriSchemeHttp)))
        {
            throw new InvalidOperationException($"Identity:Issuer must be {https}, the service's public base URL (for example https://intel.example.police.uk/); it is '{setting}'.");
        }

        // Discovery forbids a query or a fragment in an issuer; credentials would be published in every token.
        if (issuer.Query.Length > 0 || issuer.Fragment.Length > 0 || issuer.UserInfo.Length > 0)
        {
            throw new InvalidOperationException($"Identity:Issuer must be a base URL without credentials, query or fragment; it is '{setting}'.");
        }

        // One spelling on every instance: "https://intel.example" and "https://intel.example/" are one issuer.
        return issuer.AbsolutePath.EndsWith('/') ? issuer : new Uri(issuer.AbsoluteUri + "/");
    }
}
