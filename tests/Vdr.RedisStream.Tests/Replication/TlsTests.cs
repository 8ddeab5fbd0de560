using Vdr.RedisStream.Replication;
using Vdr.Testing;

namespace Vdr.RedisStream.Tests.Replication;

public sealed class TlsTests : IAsyncLifetime
{
    private TestCertificates _certs = null!;

    public async Task InitializeAsync() => _certs = await TestCertificates.CreateAsync();

    public Task DisposeAsync()
    {
        _certs.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task StartReplication_MutualTlsWithCustomCa_Replicates()
    {
        var port = FreePort.Next();
        await using var primary = await RedisServerProcess.StartAsync(_certs.ServerArgs(port, requireClientCert: true), port: port);
        await using var run = ReplicaRun.Start(ReplicaRun.Options(port, o =>
        {
            o.Url = $"rediss://127.0.0.1:{port}";
            o.TlsCaFile = _certs.CaCert;
            o.TlsClientCertFile = _certs.ClientCert;
            o.TlsClientKeyFile = _certs.ClientKey;
            o.TlsServerName = "localhost";
        }));
        await run.WaitForAsync(m => m.Any(x => x is SnapshotEndMessage), "the snapshot over TLS");
        Assert.Equal(ReplicationState.Streaming, run.Client.State);
    }

    [Theory]
    [InlineData("system-roots")]
    [InlineData("other-ca")]
    [InlineData("wrong-name")]
    [InlineData("no-client-cert")]
    public async Task StartReplication_TlsNotTrusted_FailsWithoutRetry(string variant)
    {
        var port = FreePort.Next();
        await using var primary = await RedisServerProcess.StartAsync(_certs.ServerArgs(port, requireClientCert: variant == "no-client-cert"), port: port);
        await using var run = ReplicaRun.Start(ReplicaRun.Options(port, o =>
        {
            o.Url = $"rediss://127.0.0.1:{port}";
            o.TlsCaFile = variant switch
            {
                "system-roots" => null,
                "other-ca" => _certs.OtherCaCert,
                _ => _certs.CaCert,
            };
            o.TlsServerName = variant == "wrong-name" ? "not-the-server.example" : "localhost";
            o.Reconnect = variant != "no-client-cert";
        }));
        await ConnectionTests.WaitFinishedAsync(run);
        var ex = Assert.IsAssignableFrom<RedisReplicationException>(run.Error);
        if (variant != "no-client-cert")
        {
            Assert.False(ex.IsTransient);
            Assert.Contains("TLS", ex.Message, StringComparison.Ordinal);
        }

        Assert.DoesNotContain(run.Messages, m => m is SnapshotEndMessage);
    }

    [Fact]
    public async Task StartReplication_TlsInsecure_AcceptsUntrustedCertificate()
    {
        var port = FreePort.Next();
        await using var primary = await RedisServerProcess.StartAsync(_certs.ServerArgs(port, requireClientCert: false), port: port);
        await using var run = ReplicaRun.Start(ReplicaRun.Options(port, o =>
        {
            o.Url = $"rediss://127.0.0.1:{port}";
            o.TlsInsecure = true;
        }));
        await run.WaitForAsync(m => m.Any(x => x is SnapshotEndMessage), "the snapshot over TLS");
    }
}
