using System.ComponentModel.DataAnnotations;

namespace Vdr.Cdc.Routing;

/// <summary>A routing rule: keys matching <see cref="KeyPattern"/> (Redis glob) go to <see cref="Topic"/>.</summary>
public sealed class TopicRoute
{
    /// <summary>Redis glob over the key bytes (as UTF-8), e.g. <c>user:*</c>.</summary>
    [Required(ErrorMessage = "{0}: is required: a Redis glob such as user:*")]
    public string KeyPattern { get; set; } = "*";

    /// <summary>The topic the matching keys go to.</summary>
    [Required(ErrorMessage = "{0}: is required")]
    [RegularExpression("^[A-Za-z0-9._-]{1,249}$", ErrorMessage = "{0}: must be 1 to 249 of the characters Kafka allows in topic names: A-Z a-z 0-9 . _ -")]
    public string Topic { get; set; } = string.Empty;

    /// <summary>Only keys of this database, when set; every database otherwise.</summary>
    [Range(0, 10_000)]
    public int? Db { get; set; }
}
