using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace ErsouIntel.Api.Tests.Instances;

/// <summary>
/// Token keys as in production: one signing and one encryption certificate (PKCS#12 files) that
/// every instance is given, so a token one issues the others can read. Ephemeral keys would be
/// per process. The files are deleted on dispose.
/// </summary>
public sealed class SharedTokenKeys : IDisposable
{
    private readonly DirectoryInfo folder;

    private SharedTokenKeys(DirectoryInfo folder, IReadOnlyDictionary<string, string> settings)
    {
        this.folder = folder;
        Settings = settings;
    }

    /// <summary>The <c>Identity__*Certificate*</c> environment variables pointing at the files.</summary>
    public IReadOnlyDictionary<string, string> Settings { get; }

    public static SharedTokenKeys Create()
    {
        var folder = Directory.CreateTempSubdirectory("ersou-keys-");
        var secret = Convert.ToHexString(RandomNumberGenerator.GetBytes(16));
        var settings = new Dictionary<string, string>();
        foreach (var (name, setting) in new[] { ("signing", "Signing"), ("encryption", "Encryption") })
        {
            using var rsa = RSA.Create(2048);
            var request = new CertificateRequest($"CN=ersou-test-{name}", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
            request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment, critical: false));
            using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
            var path = Path.Combine(folder.FullName, name + ".pfx");
            File.WriteAllBytes(path, certificate.Export(X509ContentType.Pkcs12, secret));
            settings[$"Identity__{setting}CertificatePath"] = path;
            settings[$"Identity__{setting}CertificatePassword"] = secret;
        }

        return new SharedTokenKeys(folder, settings);
    }

    public void Dispose() => folder.Delete(recursive: true);
}
