using System.Globalization;

namespace Vdr.RedisStream.Replication;

/// <summary>
/// Where a consumer resumes: the replication id, the offset (bytes of the command stream after the snapshot, as
/// Redis counts master_repl_offset) and the db selected at that point (Redis does not resend SELECT on resume).
/// </summary>
public readonly record struct ReplicationPosition(string ReplicationId, long Offset, int Db)
{
    /// <summary>"replid:offset:db", the form <see cref="Parse"/> reads.</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{ReplicationId}:{Offset}:{Db}");

    /// <summary>Parses "replid:offset" or "replid:offset:db".</summary>
    /// <exception cref="FormatException">Not of that form.</exception>
    public static ReplicationPosition Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var parts = text.Split(':');
        if (parts.Length is < 2 or > 3 || parts[0].Length == 0
            || !long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var offset)
            || (parts.Length == 3 && !int.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out _)))
        {
            throw new FormatException($"'{text}' is not a replication position; expected <replid>:<offset>[:<db>] with a non-negative offset and db");
        }

        var db = parts.Length == 3 ? int.Parse(parts[2], CultureInfo.InvariantCulture) : 0;
        return new ReplicationPosition(parts[0], offset, db);
    }
}
