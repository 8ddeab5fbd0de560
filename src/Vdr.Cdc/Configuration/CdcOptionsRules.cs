using System.Globalization;
using Microsoft.Extensions.Options;
using Vdr.RedisStream.Transport;

namespace Vdr.Cdc.Configuration;

/// <summary>
/// The cross-field rules of <see cref="CdcOptions"/> (the single-field ones are attributes checked by
/// <see cref="CdcOptionsValidator"/>). Every failure names the full key, what is wrong and what is accepted.
/// Files named by the options (TLS, secrets) must exist; secrets are never quoted. Run together with the
/// attribute validator by <see cref="CdcOptionsValidation"/>.
/// </summary>
public sealed class CdcOptionsRules : IValidateOptions<CdcOptions>
{
    private const string Root = CdcOptions.SectionName;

    // Set by the connector itself: a pass-through value would break exactly-once or contradict another key.
    private static readonly (string Setting, string Instead)[] ReservedProducerSettings =
    [
        ("bootstrap.servers", Root + ":Kafka:BootstrapServers"),
        ("transactional.id", Root + ":Name"),
        ("enable.idempotence", "nothing (the transactional producer needs it)"),
        ("transaction.timeout.ms", Root + ":Kafka:TransactionTimeout"),
    ];

    public ValidateOptionsResult Validate(string? name, CdcOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = Check(options);
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    /// <summary>Every rule's failures, in key order.</summary>
    public static List<string> Check(CdcOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new List<string>();
        CheckRedis(options.Redis, errors);
        CheckKafka(options.Kafka, errors);
        CheckSchemaRegistry(options.SchemaRegistry, errors);
        return errors;
    }

    private static void CheckRedis(RedisSourceOptions redis, List<string> errors)
    {
        const string Key = Root + ":Redis";
        RedisUrl? url = null;
        if (!string.IsNullOrWhiteSpace(redis.Url))
        {
            try
            {
                url = RedisUrl.Parse(redis.Url);
            }
            catch (FormatException e)
            {
                errors.Add($"{Key}:Url: {e.Message}");
            }
        }

        NotBoth(errors, Key + ":Password", redis.Password, Key + ":PasswordFile", redis.PasswordFile);
        FileExists(errors, Key + ":PasswordFile", redis.PasswordFile);
        NotBoth(errors, Key + ":SentinelPassword", redis.SentinelPassword, Key + ":SentinelPasswordFile", redis.SentinelPasswordFile);
        FileExists(errors, Key + ":SentinelPasswordFile", redis.SentinelPasswordFile);

        FileExists(errors, Key + ":TlsCaFile", redis.TlsCaFile);
        FileExists(errors, Key + ":TlsClientCertFile", redis.TlsClientCertFile);
        FileExists(errors, Key + ":TlsClientKeyFile", redis.TlsClientKeyFile);
        if (string.IsNullOrEmpty(redis.TlsClientCertFile) != string.IsNullOrEmpty(redis.TlsClientKeyFile))
        {
            errors.Add($"{Key}:TlsClientCertFile and {Key}:TlsClientKeyFile: give both (mutual TLS) or neither.");
        }

        var tlsSettings = new[] { redis.TlsCaFile, redis.TlsClientCertFile, redis.TlsClientKeyFile, redis.TlsServerName }.Any(s => !string.IsNullOrEmpty(s)) || redis.TlsInsecure;
        if (url is { UseTls: false } && tlsSettings)
        {
            errors.Add($"{Key}:Url: TLS settings are given but the URL is redis://; accepted: a rediss:// URL for TLS, or no Tls* settings.");
        }

        if (redis.Sentinels.Count > 0 && string.IsNullOrWhiteSpace(redis.SentinelMasterName))
        {
            errors.Add($"{Key}:SentinelMasterName: is required when {Key}:Sentinels is set: the primary's name as configured in Sentinel.");
        }

        if (redis.Sentinels.Count == 0 && !string.IsNullOrWhiteSpace(redis.SentinelMasterName))
        {
            errors.Add($"{Key}:Sentinels: is required when {Key}:SentinelMasterName is set: one or more host:port.");
        }

        for (var i = 0; i < redis.Sentinels.Count; i++)
        {
            if (!IsHostPort(redis.Sentinels[i]))
            {
                errors.Add($"{Key}:Sentinels:{i}: '{redis.Sentinels[i]}' is not host:port; accepted: e.g. sentinel-0.sentinel:26379.");
            }
        }

        if (redis.ReconnectInitialDelay > redis.ReconnectMaxDelay)
        {
            errors.Add($"{Key}:ReconnectInitialDelay: {redis.ReconnectInitialDelay:c} is greater than {Key}:ReconnectMaxDelay ({redis.ReconnectMaxDelay:c}); accepted: at most the maximum delay.");
        }

        if (!string.IsNullOrEmpty(redis.SpoolDirectory) && !Directory.Exists(redis.SpoolDirectory))
        {
            errors.Add($"{Key}:SpoolDirectory: directory '{redis.SpoolDirectory}' does not exist; accepted: an existing writable directory.");
        }

        CheckFilter(redis.Filter, errors);
    }

    private static void CheckFilter(SourceFilterOptions filter, List<string> errors)
    {
        const string Key = Root + ":Redis:Filter";
        foreach (var (list, name) in new[] { (filter.IncludeKeys, "IncludeKeys"), (filter.ExcludeKeys, "ExcludeKeys") })
        {
            for (var i = 0; i < list.Count; i++)
            {
                if (string.IsNullOrEmpty(list[i]))
                {
                    errors.Add($"{Key}:{name}:{i}: is empty; accepted: a Redis glob such as user:* or cache:[ab]*.");
                }
            }
        }

        foreach (var (list, name) in new[] { (filter.IncludeCommands, "IncludeCommands"), (filter.ExcludeCommands, "ExcludeCommands") })
        {
            for (var i = 0; i < list.Count; i++)
            {
                if (string.IsNullOrWhiteSpace(list[i]) || list[i].Any(char.IsWhiteSpace))
                {
                    errors.Add($"{Key}:{name}:{i}: '{list[i]}' is not a command name; accepted: a name such as SET or HSET (case-insensitive).");
                }
            }
        }
    }

    private static void CheckKafka(Kafka.KafkaOptions kafka, List<string> errors)
    {
        const string Key = Root + ":Kafka";
        if (!string.IsNullOrWhiteSpace(kafka.BootstrapServers))
        {
            foreach (var server in kafka.BootstrapServers.Split(',', StringSplitOptions.TrimEntries))
            {
                if (!IsHostPort(server.Contains("://", StringComparison.Ordinal) ? server[(server.IndexOf("://", StringComparison.Ordinal) + 3)..] : server))
                {
                    errors.Add($"{Key}:BootstrapServers: '{server}' is not host:port; accepted: host:port[,host:port...].");
                }
            }
        }

        if (kafka.ReplicationFactor == 0)
        {
            errors.Add($"{Key}:ReplicationFactor: 0 is not a replication factor; accepted: -1 (the broker's default) or 1 and more.");
        }

        foreach (var (name, delay) in new[] { ("MaxDelay", kafka.Batch.MaxDelay), ("SnapshotMaxDelay", kafka.Batch.SnapshotMaxDelay) })
        {
            if (delay > kafka.TransactionTimeout / 2)
            {
                errors.Add($"{Key}:Batch:{name}: {delay:c} is more than half of {Key}:TransactionTimeout ({kafka.TransactionTimeout:c}); accepted: at most {(kafka.TransactionTimeout / 2):c}, so a transaction commits well inside the timeout.");
            }
        }

        foreach (var (section, settings) in new[] { ("Producer", kafka.Producer), ("Consumer", kafka.Consumer) })
        {
            foreach (var (setting, instead) in ReservedProducerSettings)
            {
                if (settings.ContainsKey(setting))
                {
                    errors.Add($"{Key}:{section}:{setting}: is set by the connector; accepted: remove it (use {instead}).");
                }
            }

            foreach (var setting in kafka.SecretFiles.Keys.Where(settings.ContainsKey))
            {
                errors.Add($"{Key}:{section}:{setting}: is also given by {Key}:SecretFiles:{setting}; accepted: one of the two.");
            }
        }

        foreach (var (setting, path) in kafka.SecretFiles)
        {
            FileExists(errors, $"{Key}:SecretFiles:{setting}", path);
        }

        for (var i = 0; i < kafka.Routes.Count; i++)
        {
            var route = kafka.Routes[i];
            if (route.Topic == kafka.TopicPrefix + ".progress")
            {
                errors.Add($"{Key}:Routes:{i}:Topic: '{route.Topic}' is the progress topic; accepted: any other topic name.");
            }
        }
    }

    private static void CheckSchemaRegistry(SchemaRegistry.SchemaRegistryOptions registry, List<string> errors)
    {
        const string Key = Root + ":SchemaRegistry";
        if (!string.IsNullOrWhiteSpace(registry.Url))
        {
            foreach (var url in registry.Url.Split(',', StringSplitOptions.TrimEntries))
            {
                if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
                {
                    errors.Add($"{Key}:Url: '{url}' is not an http(s) URL; accepted: http://host:port or https://host:port, comma-separated.");
                }
            }
        }

        NotBoth(errors, Key + ":BasicAuthUserInfo", registry.BasicAuthUserInfo, Key + ":BasicAuthUserInfoFile", registry.BasicAuthUserInfoFile);
        FileExists(errors, Key + ":BasicAuthUserInfoFile", registry.BasicAuthUserInfoFile);
        if (string.IsNullOrWhiteSpace(registry.Url) && (!string.IsNullOrEmpty(registry.BasicAuthUserInfo) || !string.IsNullOrEmpty(registry.BasicAuthUserInfoFile)))
        {
            errors.Add($"{Key}:Url: is required when basic auth is set; accepted: the registry URL, or no BasicAuthUserInfo*.");
        }
    }

    private static void NotBoth(List<string> errors, string firstKey, string? first, string secondKey, string? second)
    {
        if (!string.IsNullOrEmpty(first) && !string.IsNullOrEmpty(second))
        {
            errors.Add($"{firstKey} and {secondKey}: both are set; accepted: one of the two.");
        }
    }

    private static void FileExists(List<string> errors, string key, string? path)
    {
        if (!string.IsNullOrEmpty(path) && !File.Exists(path))
        {
            errors.Add($"{key}: file '{path}' does not exist; accepted: the path of a readable file.");
        }
    }

    private static bool IsHostPort(string text)
    {
        var colon = text.LastIndexOf(':');
        return colon > 0
            && int.TryParse(text.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var port)
            && port is > 0 and < 65536;
    }
}
