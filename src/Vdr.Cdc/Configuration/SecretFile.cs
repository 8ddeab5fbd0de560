using System.Text;

namespace Vdr.Cdc.Configuration;

/// <summary>
/// Reads secrets from files (Kubernetes secrets mounted as files, Docker secrets): the whole file as UTF-8,
/// without one trailing newline (<c>\n</c> or <c>\r\n</c>), which editors and <c>echo</c> add.
/// </summary>
public static class SecretFile
{
    /// <summary>The secret in <paramref name="path"/>.</summary>
    /// <exception cref="CdcConfigurationException">The file cannot be read.</exception>
    public static string Read(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        string text;
        try
        {
            text = File.ReadAllText(path, Encoding.UTF8);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw new CdcConfigurationException($"Cannot read the secret file {path}: {e.Message}", e);
        }

        return TrimNewline(text);
    }

    /// <summary><see cref="Read"/> when <paramref name="path"/> is set, null otherwise.</summary>
    public static string? ReadOptional(string? path) => string.IsNullOrEmpty(path) ? null : Read(path);

    /// <summary>The text without one trailing <c>\n</c> or <c>\r\n</c>.</summary>
    public static string TrimNewline(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.EndsWith("\r\n", StringComparison.Ordinal))
        {
            return text[..^2];
        }

        return text.EndsWith('\n') ? text[..^1] : text;
    }
}
