namespace Vdr.RedisStream.Rdb;

/// <summary>
/// Roughly how much memory a decoded record holds (its bytes plus a per-object overhead): what bounds the records
/// buffered between the decoder and its consumer. The RDB bytes a record came from say little about it: a small
/// listpack or an LZF-compressed node expands into many objects. Indexed loops: a foreach over the
/// <see cref="IReadOnlyList{T}"/> of a chunk would allocate an enumerator per record.
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
                for (var i = 0; i < chunk.Items.Count; i++)
                {
                    bytes += chunk.Items[i].Length + ObjectOverhead;
                }

                break;
            case RdbSetChunk chunk:
                for (var i = 0; i < chunk.Members.Count; i++)
                {
                    bytes += chunk.Members[i].Length + ObjectOverhead;
                }

                break;
            case RdbSortedSetChunk chunk:
                for (var i = 0; i < chunk.Members.Count; i++)
                {
                    bytes += chunk.Members[i].Member.Length + 8 + ObjectOverhead;
                }

                break;
            case RdbHashChunk chunk:
                for (var i = 0; i < chunk.Fields.Count; i++)
                {
                    var field = chunk.Fields[i];
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
