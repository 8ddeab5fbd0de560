namespace Vdr.Cdc.Routing;

/// <summary>A routing rule: keys matching <see cref="KeyPattern"/> (Redis glob) go to <see cref="Topic"/>.</summary>
public sealed class TopicRoute
{
    /// <summary>Redis glob over the key bytes (as UTF-8), e.g. <c>user:*</c>.</summary>
    public string KeyPattern { get; set; } = "*";

    /// <summary>The topic the matching keys go to.</summary>
    public string Topic { get; set; } = string.Empty;

    /// <summary>Only keys of this database, when set; every database otherwise.</summary>
    public int? Db { get; set; }
}
