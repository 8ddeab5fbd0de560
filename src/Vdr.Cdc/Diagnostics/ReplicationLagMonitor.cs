using System.Globalization;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;
using Vdr.RedisStream.Transport;

namespace Vdr.Cdc.Diagnostics;

/// <summary>
/// Runs beside the pipeline: every <see cref="ManagementOptions.LagPollInterval"/> reads the primary's
/// <c>master_repl_offset</c> (<c>INFO replication</c>, through StackExchange.Redis) for the byte lag, reads the key
/// count (<c>INFO keyspace</c>) once per snapshot for progress displays, and, when enabled, writes the heartbeat key.
/// Failures are logged once and retried; they never stop the connector.
/// </summary>
internal sealed class ReplicationLagMonitor(CdcOptions options, CdcTelemetry telemetry, ILogger logger, TimeProvider? time = null)
{
    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private readonly RedisUrl _url = RedisUrl.Parse(options.Redis.Url);
    private ConnectionMultiplexer? _connection;
    private string? _endPoint;
    private bool _infoFailing;
    private bool _heartbeatFailing;

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var management = options.Management;
        var heartbeat = management.Heartbeat;
        var key = heartbeat.KeyFor(options.Name);
        if (heartbeat.Enabled)
        {
            Log.HeartbeatEnabled(logger, key, heartbeat.Interval.TotalSeconds);
        }

        var poll = management.LagPollInterval > TimeSpan.Zero ? management.LagPollInterval : TimeSpan.FromSeconds(5);
        var tick = heartbeat.Enabled && heartbeat.Interval > TimeSpan.Zero && heartbeat.Interval < poll ? heartbeat.Interval : poll;
        var nextPoll = _time.GetTimestamp();
        var nextBeat = _time.GetTimestamp();
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                var now = _time.GetTimestamp();
                if (now >= nextPoll)
                {
                    nextPoll = now + Ticks(poll);
                    await PollAsync(cancellationToken).ConfigureAwait(false);
                }

                if (heartbeat.Enabled && now >= nextBeat)
                {
                    nextBeat = now + Ticks(heartbeat.Interval);
                    await WriteHeartbeatAsync(key, cancellationToken).ConfigureAwait(false);
                }

                await Task.Delay(tick, _time, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The connector stops.
        }
        finally
        {
            if (_connection is { } connection)
            {
                await connection.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    private long Ticks(TimeSpan span) => (long)(span.TotalSeconds * _time.TimestampFrequency);

    private async Task PollAsync(CancellationToken cancellationToken)
    {
        try
        {
            var server = await ServerAsync(cancellationToken).ConfigureAwait(false);
            var replication = await server.InfoAsync("replication").WaitAsync(cancellationToken).ConfigureAwait(false);
            if (Find(replication, "master_repl_offset") is { } offset)
            {
                telemetry.SetPrimaryOffset(offset);
            }

            if (telemetry.SnapshotProgress is { InProgress: true, StartedAt: { } started } && telemetry.NeedsExpectedSnapshotKeys(started))
            {
                var keyspace = await server.InfoAsync("keyspace").WaitAsync(cancellationToken).ConfigureAwait(false);
                var keys = keyspace.SelectMany(g => g).Where(p => p.Key.StartsWith("db", StringComparison.Ordinal)).Sum(p => KeysOf(p.Value));
                telemetry.SetExpectedSnapshotKeys(started, keys);
                Log.SnapshotExpectedKeys(logger, keys);
            }

            Recovered(ref _infoFailing, "INFO");
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            Failed(ref _infoFailing, "INFO", e);
        }
    }

    private async Task WriteHeartbeatAsync(string key, CancellationToken cancellationToken)
    {
        try
        {
            var server = await ServerAsync(cancellationToken).ConfigureAwait(false);
            var db = server.Multiplexer.GetDatabase(0);
            await db.StringSetAsync(key, _time.GetUtcNow().ToUnixTimeMilliseconds()).WaitAsync(cancellationToken).ConfigureAwait(false);
            Recovered(ref _heartbeatFailing, "the heartbeat");
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            Failed(ref _heartbeatFailing, "the heartbeat", e);
        }
    }

    /// <summary>The node the replication client is connected to (the primary, or the replica replicated from).</summary>
    private async Task<IServer> ServerAsync(CancellationToken cancellationToken)
    {
        var endPoint = telemetry.ConnectedEndpoint ?? _endPoint ?? _url.EndPoint;
        if (_connection is null || endPoint != _endPoint)
        {
            if (_connection is { } old)
            {
                await old.DisposeAsync().ConfigureAwait(false);
                _connection = null;
            }

            var config = new ConfigurationOptions
            {
                EndPoints = { endPoint },
                User = options.Redis.Username ?? _url.Username,
                Password = options.Redis.ResolvePassword() ?? _url.Password,
                Ssl = _url.UseTls,
                AbortOnConnectFail = false,
                AllowAdmin = true, // INFO
                ConnectTimeout = 5_000,
                SyncTimeout = 5_000,
                AsyncTimeout = 5_000,
                ConnectRetry = 1,
                ClientName = "vdr-cdc-monitor",
            };
            if (options.Redis.TlsServerName is { Length: > 0 } serverName)
            {
                config.SslHost = serverName;
            }

            if (options.Redis.TlsInsecure)
            {
                config.CertificateValidation += (_, _, _, _) => true;
            }
            else if (options.Redis.TlsCaFile is { Length: > 0 } ca)
            {
                config.TrustIssuer(ca);
            }

            if (options.Redis.TlsClientCertFile is { Length: > 0 } cert && options.Redis.TlsClientKeyFile is { Length: > 0 } key)
            {
                var certificate = System.Security.Cryptography.X509Certificates.X509Certificate2.CreateFromPemFile(cert, key);
                config.CertificateSelection += (_, _, _, _, _) => certificate;
            }

            _endPoint = endPoint;
            _connection = await ConnectionMultiplexer.ConnectAsync(config).WaitAsync(cancellationToken).ConfigureAwait(false);
        }

        return _connection.GetServer(_connection.GetEndPoints()[0]);
    }

    /// <summary>Logs the first failure of an operation; the next ones are quiet until it works again.</summary>
    private void Failed(ref bool failing, string operation, Exception e)
    {
        if (!failing)
        {
            failing = true;
            Log.LagPollFailed(logger, operation, _endPoint ?? _url.EndPoint, e.Message);
        }
    }

    private void Recovered(ref bool failing, string operation)
    {
        if (failing)
        {
            failing = false;
            Log.LagPollRecovered(logger, operation, _endPoint ?? _url.EndPoint);
        }
    }

    private static long? Find(IGrouping<string, KeyValuePair<string, string>>[] info, string key) =>
        info.SelectMany(g => g).Where(p => p.Key == key).Select(p => long.TryParse(p.Value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) ? v : (long?)null).FirstOrDefault();

    /// <summary><c>keys=12,expires=0,avg_ttl=0</c> → 12.</summary>
    private static long KeysOf(string value)
    {
        foreach (var part in value.Split(','))
        {
            if (part.StartsWith("keys=", StringComparison.Ordinal) && long.TryParse(part.AsSpan(5), NumberStyles.None, CultureInfo.InvariantCulture, out var keys))
            {
                return keys;
            }
        }

        return 0;
    }
}
