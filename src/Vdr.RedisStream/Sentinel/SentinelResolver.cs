using System.Globalization;
using System.IO.Pipelines;
using Microsoft.Extensions.Logging;
using Vdr.RedisStream.Diagnostics;
using Vdr.RedisStream.Psync;
using Vdr.RedisStream.Replication;
using Vdr.RedisStream.Resp;
using Vdr.RedisStream.Transport;

namespace Vdr.RedisStream.Sentinel;

/// <summary>
/// Asks the configured Sentinels, in order, <c>SENTINEL get-master-addr-by-name &lt;name&gt;</c>; the first
/// answer wins. Called on every (re)connect, so a failover is followed.
/// </summary>
internal static class SentinelResolver
{
    public static async Task<(string Host, int Port)> ResolveAsync(RedisReplicaOptions options, ILogger logger, CancellationToken cancellationToken)
    {
        var name = options.SentinelMasterName!;
        var failures = new List<string>();
        foreach (var sentinel in options.Sentinels)
        {
            try
            {
                var (host, port) = ParseEndPoint(sentinel);
                var answer = await AskAsync(host, port, name, options, cancellationToken).ConfigureAwait(false);
                Log.SentinelResolved(logger, sentinel, name, $"{answer.Host}:{answer.Port}");
                return answer;
            }
            catch (RedisReplicationException ex) when (ex is not RedisAuthenticationException)
            {
                Log.SentinelFailed(logger, sentinel, name, ex.Message);
                failures.Add($"{sentinel}: {ex.Message}");
            }
        }

        throw new RedisReplicationException($"No Sentinel could tell where primary '{name}' is: {string.Join("; ", failures)}", isTransient: true);
    }

    internal static (string Host, int Port) ParseEndPoint(string endPoint)
    {
        var colon = endPoint.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(endPoint.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var port))
        {
            throw new RedisReplicationException($"Sentinel address '{endPoint}' is not host:port.", isTransient: false);
        }

        return (endPoint[..colon].Trim('[', ']'), port);
    }

    private static async Task<(string Host, int Port)> AskAsync(string host, int port, string name, RedisReplicaOptions options, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.ConnectTimeout);
        var connection = await ReplicationConnection.ConnectAsync(host, port, useTls: false, options, timeout.Token).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var input = PipeReader.Create(connection.Stream, new StreamPipeReaderOptions(leaveOpen: true));
            try
            {
                if (options.SentinelPassword is not null)
                {
                    await connection.WriteAsync(RespWriter.Command("AUTH", options.SentinelPassword), timeout.Token).ConfigureAwait(false);
                    var auth = await ProtocolLineReader.ReadLineAsync(input, false, "the Sentinel AUTH reply", timeout.Token).ConfigureAwait(false);
                    if (!auth.StartsWith('+'))
                    {
                        throw new RedisAuthenticationException($"Sentinel {host}:{port} refused AUTH: {auth.TrimStart('-')}");
                    }
                }

                await connection.WriteAsync(RespWriter.Command("SENTINEL", "get-master-addr-by-name", name), timeout.Token).ConfigureAwait(false);
                var header = await ProtocolLineReader.ReadLineAsync(input, false, "the Sentinel reply", timeout.Token).ConfigureAwait(false);
                if (header != "*2")
                {
                    throw new RedisReplicationException(
                        header is "*-1" or "$-1" ? $"Sentinel {host}:{port} does not know a primary named '{name}'." : $"Unexpected Sentinel reply '{header}'.",
                        isTransient: true);
                }

                var masterHost = await ReadBulkAsync(input, timeout.Token).ConfigureAwait(false);
                var masterPort = await ReadBulkAsync(input, timeout.Token).ConfigureAwait(false);
                if (!int.TryParse(masterPort, NumberStyles.None, CultureInfo.InvariantCulture, out var p))
                {
                    throw new RedisReplicationException($"Sentinel {host}:{port} returned an invalid port '{masterPort}'.", isTransient: true);
                }

                return (masterHost, p);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new RedisReplicationException($"Sentinel {host}:{port} did not answer within {options.ConnectTimeout.TotalSeconds:0.#} s.", isTransient: true);
            }
            finally
            {
                await input.CompleteAsync().ConfigureAwait(false);
            }
        }
    }

    private static async Task<string> ReadBulkAsync(PipeReader input, CancellationToken cancellationToken)
    {
        var header = await ProtocolLineReader.ReadLineAsync(input, false, "a Sentinel bulk string", cancellationToken).ConfigureAwait(false);
        if (!header.StartsWith('$'))
        {
            throw new RedisReplicationException($"Unexpected Sentinel reply line '{header}'.", isTransient: true);
        }

        return await ProtocolLineReader.ReadLineAsync(input, false, "a Sentinel bulk string", cancellationToken).ConfigureAwait(false);
    }
}
