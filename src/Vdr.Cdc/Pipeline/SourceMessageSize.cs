using Vdr.RedisStream.Rdb;

namespace Vdr.Cdc.Pipeline;

/// <summary>
/// Roughly how many bytes a source message holds (its keys, values and arguments plus a fixed overhead per item):
/// enough to bound the memory of the messages buffered between the replication client and the Kafka sink.
/// </summary>
public static class SourceMessageSize
{
    private const int ItemOverhead = 16;

    public static long Estimate(SourceMessage message) => message switch
    {
        SourceMessage.Snapshot snapshot => Estimate(snapshot.Record),
        SourceMessage.Command command => Arguments(command.Args),
        SourceMessage.Transaction transaction => transaction.Commands.Sum(c => Arguments(c.Args)),
        _ => ItemOverhead,
    };

    private static long Estimate(RdbRecord record)
    {
        long bytes = ItemOverhead;
        switch (record)
        {
            case RdbStringChunk chunk:
                bytes += chunk.Bytes.Length;
                break;
            case RdbListChunk chunk:
                foreach (var item in chunk.Items)
                {
                    bytes += item.Length + ItemOverhead;
                }

                break;
            case RdbSetChunk chunk:
                foreach (var member in chunk.Members)
                {
                    bytes += member.Length + ItemOverhead;
                }

                break;
            case RdbSortedSetChunk chunk:
                foreach (var member in chunk.Members)
                {
                    bytes += member.Member.Length + 8 + ItemOverhead;
                }

                break;
            case RdbHashChunk chunk:
                foreach (var field in chunk.Fields)
                {
                    bytes += field.Field.Length + field.Value.Length + (2 * ItemOverhead);
                }

                break;
            case RdbStreamEntriesChunk chunk:
                foreach (var entry in chunk.Entries)
                {
                    bytes += ItemOverhead;
                    foreach (var pair in entry.Fields)
                    {
                        bytes += pair.Key.Length + pair.Value.Length + (2 * ItemOverhead);
                    }
                }

                break;
            case RdbFunction function:
                bytes += function.Code.Length;
                break;
            case RdbKeyStart start:
                bytes += start.Key.Length;
                break;
        }

        return bytes;
    }

    private static long Arguments(IReadOnlyList<byte[]> args)
    {
        long bytes = ItemOverhead;
        for (var i = 0; i < args.Count; i++)
        {
            bytes += args[i].Length + ItemOverhead;
        }

        return bytes;
    }
}
