using System.IO.Pipelines;
using System.Runtime.CompilerServices;
using Vdr.RedisStream.Rdb;

namespace Vdr.RedisStream.Replication;

/// <summary>
/// Decodes the snapshot payload of a full resync with the streaming <see cref="RdbReader"/>, in batches: a batch
/// ends when the next record would have to wait for the network, or after <see cref="MaxRecords"/> records or
/// about <see cref="MaxBatchBytes"/> bytes of decoded records (<see cref="RdbRecordSize"/>), which bounds the memory
/// of the batches waiting in the client's channel. Handing records over one by one costs a synchronised channel
/// operation each, which took more time than decoding them.
/// </summary>
internal static class SnapshotDecoder
{
    public const int MaxRecords = 128;

    public const long MaxBatchBytes = 128 * 1024;

    public static async IAsyncEnumerable<(List<RdbRecord> Records, long Bytes)> ReadBatchesAsync(PipeReader payload, RdbReaderOptions options, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var reader = new RdbReader(payload, options);
        await using (reader.ConfigureAwait(false))
        {
            await foreach (var batch in reader.ReadAllAsync(cancellationToken).BatchAsync(MaxRecords, MaxBatchBytes, RdbRecordSize.Estimate, cancellationToken).ConfigureAwait(false))
            {
                yield return batch;
            }
        }
    }
}
