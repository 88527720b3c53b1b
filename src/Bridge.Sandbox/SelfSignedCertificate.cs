using System.Net;
using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Bridge.Sandbox;

/// <summary>Certificates for the HTTPS fakes, made in-process: no file, no machine store, no trust changes on the machine.</summary>
public static class SelfSignedCertificate
{
    /// <summary>
    /// An ECDSA P-256 server certificate for <c>127.0.0.1</c> and <c>localhost</c>, valid from a day ago for a year.
    /// </summary>
    public static X509Certificate2 CreateForLoopback(string subjectName = "CN=Bridge Sandbox", TimeProvider? timeProvider = null)
    {
        var now = (timeProvider ?? TimeProvider.System).GetUtcNow();
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(subjectName, key, HashAlgorithmName.SHA256);

        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        names.AddDnsName("localhost");
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false)); // server auth

        using var created = request.CreateSelfSigned(now.AddDays(-1), now.AddYears(1));

        // CreateSelfSigned binds an ephemeral key that SslStream on Linux cannot always use; a PFX round trip gives
        // a certificate whose private key Kestrel can load. The password only lives for this round trip.
        var password = Convert.ToHexString(RandomNumberGenerator.GetBytes(16));
        return X509CertificateLoader.LoadPkcs12(created.Export(X509ContentType.Pfx, password), password);
    }

    /// <summary>
    /// A handler that trusts exactly <paramref name="certificate"/> (compared by SHA-256 thumbprint) and nothing else:
    /// no machine trust store change and no "accept any certificate" switch that could leak into production code.
    /// </summary>
    public static HttpMessageHandler CreateTrustingHandler(X509Certificate2 certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        var pinned = certificate.GetCertHash(HashAlgorithmName.SHA256);
        return new SocketsHttpHandler
        {
            SslOptions = new SslClientAuthenticationOptions
            {
                RemoteCertificateValidationCallback = (_, presented, _, errors) =>
                    presented is not null
                    // The host name must still match (127.0.0.1 / localhost are in the certificate); only the
                    // chain is allowed to be untrusted, because the certificate is its own issuer.
                    && (errors & ~SslPolicyErrors.RemoteCertificateChainErrors) == SslPolicyErrors.None
                    && presented.GetCertHash(HashAlgorithmName.SHA256).AsSpan().SequenceEqual(pinned),
            },
        };
    }
}
