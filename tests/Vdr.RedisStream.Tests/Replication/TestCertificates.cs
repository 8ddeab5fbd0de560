using System.Diagnostics;
using Vdr.Testing;

namespace Vdr.RedisStream.Tests.Replication;

/// <summary>A throwaway CA with a server certificate (localhost, 127.0.0.1) and a client certificate, made by openssl.</summary>
internal sealed class TestCertificates : IDisposable
{
    private TestCertificates(string directory) => Directory = directory;

    public string Directory { get; }

    public string CaCert => Path.Combine(Directory, "ca.crt");

    public string ServerCert => Path.Combine(Directory, "server.crt");

    public string ServerKey => Path.Combine(Directory, "server.key");

    public string ClientCert => Path.Combine(Directory, "client.crt");

    public string ClientKey => Path.Combine(Directory, "client.key");

    public string OtherCaCert => Path.Combine(Directory, "other-ca.crt");

    public static async Task<TestCertificates> CreateAsync()
    {
        var dir = RedisServerProcess.CreateTempDirectory();
        const string Ec = "-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes";
        var script = $"""
            set -e
            cd '{dir}'
            openssl req -x509 -new {Ec} -keyout ca.key -out ca.crt -days 2 -subj '/CN=Vdr Test CA' 2>/dev/null
            openssl req -x509 -new {Ec} -keyout other-ca.key -out other-ca.crt -days 2 -subj '/CN=Other CA' 2>/dev/null
            openssl req -new {Ec} -keyout server.key -out server.csr -subj '/CN=localhost' 2>/dev/null
            printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n' > server.ext
            openssl x509 -req -in server.csr -CA ca.crt -CAkey ca.key -CAcreateserial -out server.crt -days 2 -extfile server.ext 2>/dev/null
            openssl req -new {Ec} -keyout client.key -out client.csr -subj '/CN=vdr-replica' 2>/dev/null
            printf 'extendedKeyUsage=clientAuth\n' > client.ext
            openssl x509 -req -in client.csr -CA ca.crt -CAkey ca.key -CAcreateserial -out client.crt -days 2 -extfile client.ext 2>/dev/null
            chmod 644 *.key
            """;
        var psi = new ProcessStartInfo("bash") { RedirectStandardError = true, RedirectStandardOutput = true };
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add(script);
        using var process = Process.Start(psi)!;
        var stderr = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"openssl failed: {stderr}");
        }

        return new TestCertificates(dir);
    }

    /// <summary>redis-server arguments for a TLS-only server on <paramref name="port"/>.</summary>
    public IEnumerable<string> ServerArgs(int port, bool requireClientCert) =>
    [
        "--port", "0", "--tls-port", port.ToString(System.Globalization.CultureInfo.InvariantCulture),
        "--tls-cert-file", ServerCert, "--tls-key-file", ServerKey, "--tls-ca-cert-file", CaCert,
        "--tls-auth-clients", requireClientCert ? "yes" : "no", "--repl-diskless-sync-delay", "0",
    ];

    public void Dispose()
    {
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // best effort
        }
    }
}
