using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Vdr.RedisStream.Replication;

namespace Vdr.RedisStream.Transport;

internal sealed partial class ReplicationConnection
{
    /// <summary>
    /// TLS settings: the server name (SNI and certificate name check), the client certificate for mutual TLS, and
    /// validation against the system roots or, with a CA file, against that CA only (a custom trust root).
    /// </summary>
    internal static SslClientAuthenticationOptions CreateTlsOptions(string host, RedisReplicaOptions options)
    {
        var tls = new SslClientAuthenticationOptions
        {
            TargetHost = options.TlsServerName ?? host,
            CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
        };

        if (options.TlsClientCertFile is not null)
        {
            var cert = options.TlsClientKeyFile is null
                ? X509Certificate2.CreateFromPemFile(options.TlsClientCertFile)
                : X509Certificate2.CreateFromPemFile(options.TlsClientCertFile, options.TlsClientKeyFile);
            tls.ClientCertificates = [cert];
            tls.LocalCertificateSelectionCallback = (_, _, _, _, _) => cert;
        }

        if (options.TlsInsecure)
        {
            tls.RemoteCertificateValidationCallback = (_, _, _, _) => true;
            return tls;
        }

        if (options.TlsCaFile is not null)
        {
            var roots = new X509Certificate2Collection();
            roots.ImportFromPemFile(options.TlsCaFile);
            if (roots.Count == 0)
            {
                throw new RedisReplicationException($"The TLS CA file '{options.TlsCaFile}' holds no PEM certificate.", isTransient: false);
            }

            tls.RemoteCertificateValidationCallback = (_, certificate, _, errors) =>
                ValidateAgainstCustomRoots(certificate, errors, roots);
        }

        return tls;
    }

    private static bool ValidateAgainstCustomRoots(X509Certificate? certificate, SslPolicyErrors errors, X509Certificate2Collection roots)
    {
        if (certificate is null || (errors & (SslPolicyErrors.RemoteCertificateNotAvailable | SslPolicyErrors.RemoteCertificateNameMismatch)) != 0)
        {
            return false;
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(roots);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        var leaf = certificate as X509Certificate2 ?? X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
        return chain.Build(leaf);
    }
}
