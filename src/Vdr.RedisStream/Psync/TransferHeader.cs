using System.Globalization;
using System.Text;
using Vdr.RedisStream.Replication;

namespace Vdr.RedisStream.Psync;

/// <summary>The bulk preamble of the snapshot: <c>$&lt;len&gt;</c> (disk) or <c>$EOF:&lt;40 bytes&gt;</c> (diskless).</summary>
internal sealed record TransferHeader(long Length, byte[]? EofMark)
{
    public const int EofMarkLength = 40;

    public bool IsDiskless => EofMark is not null;

    public static TransferHeader Parse(string line)
    {
        if (line.StartsWith("$EOF:", StringComparison.Ordinal))
        {
            var mark = line[5..];
            if (mark.Length != EofMarkLength)
            {
                throw new RedisReplicationException($"Malformed diskless transfer header '{line}': expected $EOF: followed by {EofMarkLength} characters.", isTransient: false);
            }

            return new TransferHeader(-1, Encoding.ASCII.GetBytes(mark));
        }

        if (line.StartsWith('$'))
        {
            if (!long.TryParse(line.AsSpan(1), NumberStyles.None, CultureInfo.InvariantCulture, out var length))
            {
                throw new RedisReplicationException($"Malformed snapshot transfer header '{line}': expected $<length>.", isTransient: false);
            }

            return new TransferHeader(length, null);
        }

        if (line.StartsWith('-'))
        {
            // The primary aborted the transfer (for example its BGSAVE failed): try again later.
            throw new RedisReplicationException($"The server aborted the snapshot transfer: {line.TrimStart('-')}", isTransient: true);
        }

        throw new RedisReplicationException($"Unexpected snapshot transfer header '{line}': expected $<length> or $EOF:<mark>.", isTransient: false);
    }
}
