using Vdr.RedisStream.Rdb;

namespace Vdr.Cdc.Pipeline;

/// <summary>
/// Roughly how much memory a source message holds (<see cref="RdbRecordSize"/> for snapshot records, the arguments
/// of commands): enough to bound the messages buffered between the replication client and the Kafka sink.
/// </summary>
public static class SourceMessageSize
{
    public static long Estimate(SourceMessage message) => message switch
    {
        SourceMessage.Snapshot snapshot => RdbRecordSize.Estimate(snapshot.Record),
        SourceMessage.SnapshotBatch snapshot => snapshot.EstimatedBytes,
        SourceMessage.Command command => Arguments(command.Args),
        SourceMessage.Transaction transaction => transaction.Commands.Sum(c => Arguments(c.Args)),
        _ => RdbRecordSize.ObjectOverhead,
    };

    private static long Arguments(IReadOnlyList<byte[]> args)
    {
        long bytes = RdbRecordSize.ObjectOverhead;
        for (var i = 0; i < args.Count; i++)
        {
            bytes += args[i].Length + RdbRecordSize.ObjectOverhead;
        }

        return bytes;
    }
}
