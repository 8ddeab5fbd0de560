namespace Vdr.RedisStream.Rdb.Encodings;

/// <summary>
/// Walks the listpack of one stream node (Redis src/t_stream.c): the master entry (count, deleted, number of
/// master fields, the fields, 0), then entries (flags, ms-diff, seq-diff, [field count, field/value pairs] or
/// [values of the master fields], lp-count). Deleted entries are skipped.
/// </summary>
internal struct StreamNode
{
    private CompactCursor _cursor;
    private byte[][] _masterFields;
    private RdbStreamId _master;
    private long _expectedEntries;
    private long _seenEntries;

    public enum FillState
    {
        Done,
        Full,
    }

    public static StreamNode Open(ReadOnlySpan<byte> lp, RdbStreamId master, in BlobContext context)
    {
        var node = new StreamNode { _master = master, _cursor = CompactCursor.Open(lp, isZiplist: false, context) };
        var count = node.NextInteger(lp, context, "master entry count");
        var deleted = node.NextInteger(lp, context, "master deleted count");
        var fieldCount = node.NextInteger(lp, context, "master field count");
        if (count < 0 || deleted < 0 || fieldCount < 0 || fieldCount > lp.Length)
        {
            context.Fail($"stream master entry has invalid counts (count {count}, deleted {deleted}, fields {fieldCount})", Listpack.HeaderSize);
        }

        node._masterFields = new byte[fieldCount][];
        for (var i = 0; i < fieldCount; i++)
        {
            node._masterFields[i] = node.NextEntry(lp, context, "master field").ToBytes(lp);
        }

        if (node.NextInteger(lp, context, "master entry terminator") != 0)
        {
            context.Fail("stream master entry does not end with 0", Listpack.HeaderSize);
        }

        node._expectedEntries = count + deleted;
        return node;
    }

    /// <summary>Adds entries to <paramref name="chunk"/> until the node ends or the chunk is full.</summary>
    public FillState Fill(ReadOnlySpan<byte> lp, in BlobContext context, ChunkBuffer<RdbStreamEntry> chunk, ref long added, out RdbStreamEntry pending)
    {
        while (_cursor.Next(lp, context, out var flagsEntry))
        {
            if (!flagsEntry.IsInteger)
            {
                context.Fail("stream entry flags are not an integer", flagsEntry.Offset);
            }

            var flags = flagsEntry.Integer;
            var msDiff = NextInteger(lp, context, "entry ms-diff");
            var seqDiff = NextInteger(lp, context, "entry seq-diff");
            var id = new RdbStreamId(unchecked(_master.Ms + (ulong)msDiff), unchecked(_master.Seq + (ulong)seqDiff));
            var deleted = (flags & StreamFlagDeleted) != 0;
            KeyValuePair<byte[], byte[]>[] fields;
            if ((flags & StreamFlagSameFields) != 0)
            {
                fields = deleted ? [] : new KeyValuePair<byte[], byte[]>[_masterFields.Length];
                for (var i = 0; i < _masterFields.Length; i++)
                {
                    var value = NextEntry(lp, context, "entry value");
                    if (!deleted)
                    {
                        fields[i] = new KeyValuePair<byte[], byte[]>(_masterFields[i], value.ToBytes(lp));
                    }
                }
            }
            else
            {
                var count = NextInteger(lp, context, "entry field count");
                if (count < 0 || count > lp.Length)
                {
                    context.Fail($"stream entry field count {count} is invalid", 0);
                }

                fields = deleted ? [] : new KeyValuePair<byte[], byte[]>[count];
                for (var i = 0; i < count; i++)
                {
                    var field = NextEntry(lp, context, "entry field");
                    var value = NextEntry(lp, context, "entry value");
                    if (!deleted)
                    {
                        fields[i] = new KeyValuePair<byte[], byte[]>(field.ToBytes(lp), value.ToBytes(lp));
                    }
                }
            }

            NextInteger(lp, context, "entry lp-count");
            _seenEntries++;
            if (deleted)
            {
                continue;
            }

            var entry = new RdbStreamEntry(id, fields);
            if (chunk.IsFull)
            {
                pending = entry;
                return FillState.Full;
            }

            chunk.Add(entry, fields.Length * 16);
            added++;
        }

        if (_seenEntries != _expectedEntries)
        {
            context.Fail($"stream node master entry announces {_expectedEntries} entries (live + deleted) but {_seenEntries} were found", Listpack.HeaderSize);
        }

        pending = null!;
        return FillState.Done;
    }

    private const int StreamFlagDeleted = 1;
    private const int StreamFlagSameFields = 2;

    private CompactEntry NextEntry(ReadOnlySpan<byte> lp, in BlobContext context, string what)
    {
        if (!_cursor.Next(lp, context, out var entry))
        {
            context.Fail($"stream node listpack ended where the {what} was expected", lp.Length - 1);
        }

        return entry;
    }

    private long NextInteger(ReadOnlySpan<byte> lp, in BlobContext context, string what)
    {
        var entry = NextEntry(lp, context, what);
        if (entry.IsInteger)
        {
            return entry.Integer;
        }

        if (System.Buffers.Text.Utf8Parser.TryParse(lp.Slice(entry.Offset, entry.Length), out long value, out var consumed) && consumed == entry.Length)
        {
            return value;
        }

        context.Fail($"stream {what} is not an integer", entry.Offset);
        return 0;
    }
}
