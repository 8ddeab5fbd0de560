using System.IO.Pipelines;
using System.Runtime.CompilerServices;
using Vdr.RedisStream.Rdb;

namespace Vdr.RedisStream.Replication;

/// <summary>Decodes the snapshot payload of a full resync with the streaming <see cref="RdbReader"/>.</summary>
internal static class SnapshotDecoder
{
    public static async IAsyncEnumerable<RdbRecord> ReadAsync(PipeReader payload, RdbReaderOptions options, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var reader = new RdbReader(payload, options);
        await using (reader.ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                yield return reader.Current;
            }
        }
    }
}
