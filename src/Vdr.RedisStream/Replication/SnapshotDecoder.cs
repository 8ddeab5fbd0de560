using System.Runtime.CompilerServices;
using Vdr.RedisStream.Psync;
using Vdr.RedisStream.Rdb;

namespace Vdr.RedisStream.Replication;

/// <summary>
/// Decodes the snapshot payload of a full resync with the streaming <see cref="RdbReader"/>, in batches: a batch
/// ends when the next record would have to wait for the network, or after <see cref="MaxRecords"/> records or
/// <see cref="MaxPayloadBytes"/> bytes of payload. Handing records over one by one costs a synchronised channel
/// operation each, which took more time than decoding them.
/// </summary>
internal static class SnapshotDecoder
{
    public const int MaxRecords = 128;

    public const long MaxPayloadBytes = 128 * 1024;

    public static async IAsyncEnumerable<List<RdbRecord>> ReadBatchesAsync(RdbPayloadReader payload, RdbReaderOptions options, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var reader = new RdbReader(payload, options);
        await using (reader.ConfigureAwait(false))
        {
            var batch = new List<RdbRecord>(MaxRecords);
            var batchStart = payload.Consumed;
            while (true)
            {
                var next = reader.ReadAsync(cancellationToken);
                if (!next.IsCompleted && batch.Count > 0)
                {
                    yield return batch;
                    batch = new List<RdbRecord>(MaxRecords);
                    batchStart = payload.Consumed;
                }

                if (!await next.ConfigureAwait(false))
                {
                    break;
                }

                batch.Add(reader.Current);
                if (batch.Count >= MaxRecords || payload.Consumed - batchStart >= MaxPayloadBytes)
                {
                    yield return batch;
                    batch = new List<RdbRecord>(MaxRecords);
                    batchStart = payload.Consumed;
                }
            }

            if (batch.Count > 0)
            {
                yield return batch;
            }
        }
    }
}
