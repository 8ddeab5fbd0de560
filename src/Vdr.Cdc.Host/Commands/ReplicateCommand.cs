using System.CommandLine;
using Vdr.RedisStream.Replication;

namespace Vdr.Cdc.Host.Commands;

/// <summary>
/// <c>vdr-cdc replicate --redis &lt;url&gt; [--from &lt;replid&gt;:&lt;offset&gt;[:&lt;db&gt;]] [--snapshot-only]</c>:
/// connects as a replica and prints the snapshot and the command stream as JSON lines (like
/// <c>redis-cli --replica</c>, but decoded and resumable).
/// </summary>
public static class ReplicateCommand
{
    public static Command Create()
    {
        var redis = new Option<string>("--redis") { Description = "redis://[user:password@]host:port, or rediss:// for TLS", Required = true };
        var from = new Option<string?>("--from") { Description = "Resume after this position: <replid>:<offset>[:<db>] (as printed in \"offset\" and \"replid\")" };
        var snapshotOnly = new Option<bool>("--snapshot-only") { Description = "Exit 0 after the snapshot (snapshot_end)" };
        var tlsCa = new Option<string?>("--tls-ca") { Description = "PEM CA file that signs the server certificate" };
        var tlsCert = new Option<string?>("--tls-cert") { Description = "PEM client certificate (mutual TLS)" };
        var tlsKey = new Option<string?>("--tls-key") { Description = "PEM private key of the client certificate" };
        var tlsServerName = new Option<string?>("--tls-server-name") { Description = "Name expected in the server certificate (default: the URL host)" };
        var tlsInsecure = new Option<bool>("--tls-insecure") { Description = "Do not validate the server certificate (tests only)" };
        var noReconnect = new Option<bool>("--no-reconnect") { Description = "Stop at the first connection loss instead of reconnecting" };

        var command = new Command("replicate", "Replicate from a Redis server and print the snapshot and the command stream as JSON lines.")
        {
            redis, from, snapshotOnly, tlsCa, tlsCert, tlsKey, tlsServerName, tlsInsecure, noReconnect,
        };
        command.SetAction((parse, cancellationToken) =>
        {
            var options = new RedisReplicaOptions
            {
                Url = parse.GetValue(redis)!,
                TlsCaFile = parse.GetValue(tlsCa),
                TlsClientCertFile = parse.GetValue(tlsCert),
                TlsClientKeyFile = parse.GetValue(tlsKey),
                TlsServerName = parse.GetValue(tlsServerName),
                TlsInsecure = parse.GetValue(tlsInsecure),
                Reconnect = !parse.GetValue(noReconnect),
            };
            return ReplicateRunner.RunAsync(options, parse.GetValue(from), parse.GetValue(snapshotOnly), Console.OpenStandardOutput(), Console.Error, cancellationToken);
        });
        return command;
    }
}
