namespace Vdr.RedisStream.Rdb;

/// <summary>
/// Roughly how much memory a decoded record holds (its bytes plus a per-object overhead): what bounds the records
/// buffered between the decoder and its consumer. The RDB bytes a record came from say little about it: a small
/// listpack or an LZF-compressed node expands into many objects.
/// </summary>
public static class RdbRecordSize
{
    /// <summary>Per object: header, length and the reference to it.</summary>
    public const int ObjectOverhead = 32;

    public static long Estimate(RdbRecord record)
    {
        long bytes = ObjectOverhead;
        switch (record)
        {
            case RdbStringChunk chunk:
                bytes += chunk.Bytes.Length;
                break;
            case RdbListChunk chunk:
                foreach (var item in chunk.Items)
                {
                    bytes += item.Length + ObjectOverhead;
                }

                break;
            case RdbSetChunk chunk:
                foreach (var member in chunk.Members)
                {
                    bytes += member.Length + ObjectOverhead;
                }

                break;
            case RdbSortedSetChunk chunk:
                foreach (var member in chunk.Members)
                {
                    bytes += member.Member.Length + 8 + ObjectOverhead;
                }

                break;
            case RdbHashChunk chunk:
                foreach (var field in chunk.Fields)
                {
                    bytes += field.Field.Length + field.Value.Length + (2 * ObjectOverhead);
                }

                break;
            case RdbStreamEntriesChunk chunk:
                foreach (var entry in chunk.Entries)
                {
                    bytes += ObjectOverhead;
                    foreach (var pair in entry.Fields)
                    {
                        bytes += pair.Key.Length + pair.Value.Length + (2 * ObjectOverhead);
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
}
