using Microsoft.Extensions.Logging;
using StackExchange.Redis;
using Vdr.Cdc.Diagnostics;
using Vdr.RedisStream.Transport;

namespace Vdr.Cdc.Keys;

/// <summary>Reads the source server's command table once at connect, falling back to the built-in table.</summary>
public static class CommandTableProvider
{
    public static async Task<CommandKeyTable> LoadAsync(RedisSourceOptions options, ILogger logger, CancellationToken cancellationToken)
    {
        var url = RedisUrl.Parse(options.Url);
        var config = new ConfigurationOptions
        {
            EndPoints = { url.EndPoint },
            User = options.Username ?? url.Username,
            Password = options.ResolvePassword() ?? url.Password,
            Ssl = url.UseTls,
            AbortOnConnectFail = true,
            ConnectTimeout = (int)options.ConnectTimeout.TotalMilliseconds,
            ClientName = "vdr-cdc-keys",
        };
        if (options.TlsInsecure)
        {
            config.CertificateValidation += (_, _, _, _) => true;
        }

        try
        {
            await using var connection = await ConnectionMultiplexer.ConnectAsync(config).WaitAsync(cancellationToken).ConfigureAwait(false);
            var table = await CommandTableLoader.LoadAsync(connection.GetDatabase(), url.EndPoint, cancellationToken).ConfigureAwait(false);
            Log.KeyTable(logger, table.Source);
            return table;
        }
        catch (Exception e) when (e is RedisException or TimeoutException or InvalidCastException)
        {
            Log.KeyTableFallback(logger, e.Message);
            Log.KeyTable(logger, BuiltInKeyTable.Table.Source);
            return BuiltInKeyTable.Table;
        }
    }
}
