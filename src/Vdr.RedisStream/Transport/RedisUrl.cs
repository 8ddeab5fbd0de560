using System.Globalization;

namespace Vdr.RedisStream.Transport;

/// <summary>
/// A parsed <c>redis://[user:password@]host:port</c> or <c>rediss://</c> (TLS) address. User and password are
/// percent-decoded; a lone password may be given as <c>redis://:password@host</c>. The default port is 6379.
/// </summary>
public sealed record RedisUrl(string Host, int Port, bool UseTls, string? Username, string? Password)
{
    public const int DefaultPort = 6379;

    public string EndPoint => Host.Contains(':', StringComparison.Ordinal) ? $"[{Host}]:{Port}" : $"{Host}:{Port}";

    /// <exception cref="FormatException">The text is not a redis:// or rediss:// URL with a host.</exception>
    public static RedisUrl Parse(string url)
    {
        ArgumentNullException.ThrowIfNull(url);
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri))
        {
            throw new FormatException($"'{Redact(url)}' is not a URL; expected redis://[user:password@]host:port or rediss://...");
        }

        var tls = uri.Scheme switch
        {
            "redis" => false,
            "rediss" => true,
            _ => throw new FormatException($"Unsupported scheme '{uri.Scheme}' in '{Redact(url)}'; expected redis:// or rediss://"),
        };
        if (string.IsNullOrEmpty(uri.Host))
        {
            throw new FormatException($"No host in '{Redact(url)}'");
        }

        var port = uri.IsDefaultPort || uri.Port < 0 ? DefaultPort : uri.Port;
        string? user = null;
        string? password = null;
        if (!string.IsNullOrEmpty(uri.UserInfo))
        {
            var colon = uri.UserInfo.IndexOf(':', StringComparison.Ordinal);
            if (colon < 0)
            {
                // redis://password@host is the legacy form used by many clients.
                password = Uri.UnescapeDataString(uri.UserInfo);
            }
            else
            {
                user = Uri.UnescapeDataString(uri.UserInfo[..colon]);
                password = Uri.UnescapeDataString(uri.UserInfo[(colon + 1)..]);
                if (user.Length == 0)
                {
                    user = null;
                }
            }
        }

        var host = uri.Host.StartsWith('[') ? uri.Host[1..^1] : uri.Host;
        return new RedisUrl(host, port, tls, user, password);
    }

    public override string ToString() => $"{(UseTls ? "rediss" : "redis")}://{(Username is null && Password is null ? string.Empty : (Username ?? string.Empty) + ":***@")}{EndPoint}";

    internal static string Redact(string url)
    {
        var at = url.LastIndexOf('@');
        var scheme = url.IndexOf("://", StringComparison.Ordinal);
        return at > 0 && scheme >= 0 && at > scheme ? url[..(scheme + 3)] + "***" + url[at..] : url;
    }

    internal static string FormatPort(int port) => port.ToString(CultureInfo.InvariantCulture);
}
