using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;
using Vdr.RedisStream.Rdb;

namespace Vdr.Cdc.Host.Output;

/// <summary>
/// Turns the key records of an <see cref="RdbReader"/> (<see cref="RdbKeyStart"/>, value chunks, <see cref="RdbKeyEnd"/>)
/// into one JSON object per key, one per line, written progressively: a key with ten million elements is never held
/// in memory, its line is handed to the output stream as it grows.
/// <para>
/// Line shape (the <c>vdr-cdc rdb</c> contract):
/// <c>{"db":0,"key":&lt;bstr&gt;,"type":"string|list|set|zset|hash|stream|module","value":&lt;v&gt;,"expire_at_ms":N}</c>,
/// <c>expire_at_ms</c> only when the key has a TTL; see <see cref="JsonBytes"/> for <c>&lt;bstr&gt;</c> and scores.
/// </para>
/// <para>
/// Memory: values are streamed. Sorted sets in the skiplist encodings (RDB types 3 and 5) come highest score first
/// from Redis 5+: they go through a <see cref="ScoredMemberStack"/> (a file read back from the end) to be printed
/// in rank order; only an unordered one (Redis 4 and older) is sorted in memory. Stream entries and multi-part
/// strings are held in a <see cref="SpillBuffer"/> (memory, then a temporary file).
/// </para>
/// Not thread-safe. Writes to the stream synchronously.
/// </summary>
public sealed partial class KeyJsonWriter : IDisposable
{
    private static readonly JsonWriterOptions JsonOptions = new()
    {
        // Non-ASCII text stays readable; quotes, backslashes and control characters are still escaped.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    private readonly Stream _output;
    private readonly KeyJsonWriterOptions _options;
    private readonly ArrayBufferWriter<byte> _buffer = new(1 << 17);
    private readonly Utf8JsonWriter _json;

    private RdbKeyStart? _key;
    private ValueShape _shape;
    private bool _valueWritten;

    // Where the current line starts in _buffer; -1 once part of it has gone to the output.
    private int _lineStart;

    public KeyJsonWriter(Stream output, KeyJsonWriterOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(output);
        _output = output;
        _options = options ?? new KeyJsonWriterOptions();
        _json = new Utf8JsonWriter(_buffer, JsonOptions);
        _entriesJson = new Utf8JsonWriter(_entriesBuffer, JsonOptions);
    }

    private enum ValueShape
    {
        String,
        Array,
        BufferedZSet,
        Stream,
        Module,
    }

    /// <summary>Keys whose line is complete.</summary>
    public long KeysWritten { get; private set; }

    /// <summary>True between a key's <see cref="RdbKeyStart"/> and its <see cref="RdbKeyEnd"/>.</summary>
    public bool InKey => _key is not null;

    /// <summary>
    /// Consumes one record. Returns true when it belongs to a key (and was printed), false for records that are not
    /// part of a key (header, AUX, SELECTDB, functions, ...), which are left to the caller.
    /// </summary>
    public bool Write(RdbRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        switch (record)
        {
            case RdbKeyStart start:
                StartKey(start);
                return true;
            case RdbKeyEnd end:
                EndKey(end);
                return true;
            case RdbStringChunk chunk:
                WriteStringChunk(RequireKey(record), chunk);
                break;
            case RdbListChunk chunk:
                RequireKey(record);
                WriteBstrItems(chunk.Items);
                break;
            case RdbSetChunk chunk:
                RequireKey(record);
                WriteBstrItems(chunk.Members);
                break;
            case RdbHashChunk chunk:
                RequireKey(record);
                WriteHashFields(chunk.Fields);
                break;
            case RdbSortedSetChunk chunk:
                RequireKey(record);
                WriteScoredMembers(chunk.Members);
                break;
            case RdbStreamEntriesChunk chunk:
                RequireKey(record);
                WriteStreamEntries(chunk.Entries);
                break;
            case RdbStreamMetadata metadata:
                RequireKey(record);
                WriteStreamMetadata(metadata);
                break;
            case RdbModuleValue module:
                RequireKey(record);
                _json.WritePropertyName("value"u8);
                _json.WriteStartObject();
                _json.WriteString("module"u8, module.ModuleName);
                _json.WriteEndObject();
                _valueWritten = true;
                break;
            default:
                return false;
        }

        DrainIfFull();
        return true;
    }

    /// <summary>
    /// Writes another JSON value as a line of its own through the same buffer (for commands that interleave their
    /// own lines with key lines). Must not be called inside a key.
    /// </summary>
    public void WriteLine(Action<Utf8JsonWriter> writeValue)
    {
        ArgumentNullException.ThrowIfNull(writeValue);
        if (_key is not null)
        {
            throw new InvalidOperationException("A line cannot be written while a key is being written.");
        }

        _lineStart = _buffer.WrittenCount;
        writeValue(_json);
        EndLine();
    }

    /// <summary>Hands everything buffered to the stream and flushes it.</summary>
    public void Flush()
    {
        Drain();
        _output.Flush();
    }

    /// <summary>
    /// After an error in the middle of a key: drops what is buffered of that key's line and flushes the complete lines.
    /// If part of the line had already been handed to the stream, the output ends with that truncated line.
    /// </summary>
    public void Abandon()
    {
        _json.Flush();
        if (_key is not null && _lineStart >= 0)
        {
            _output.Write(_buffer.WrittenSpan[.._lineStart]);
        }
        else
        {
            _output.Write(_buffer.WrittenSpan);
        }

        _buffer.ResetWrittenCount();
        _json.Reset();
        ResetKeyState();
        _output.Flush();
    }

    public void Dispose()
    {
        _json.Dispose();
        _entriesJson.Dispose();
        _spill?.Dispose();
        _zsetStack?.Dispose();
    }

    private void StartKey(RdbKeyStart start)
    {
        if (_key is not null)
        {
            throw new InvalidOperationException($"Key start received while the previous key ({_key.Key.Length} bytes, db {_key.Db}) has not ended.");
        }

        _key = start;
        _valueWritten = false;
        _json.Flush();
        _lineStart = _buffer.WrittenCount;
        _json.WriteStartObject();
        _options.WritePrefix?.Invoke(_json, start);
        _json.WriteNumber("db"u8, start.Db);
        JsonBytes.WriteProperty(_json, "key", start.Key);
        _json.WriteString("type"u8, TypeName(start.Type));
        _shape = ShapeOf(start);
        if (_shape == ValueShape.Array)
        {
            _json.WritePropertyName("value"u8);
            _json.WriteStartArray();
            _valueWritten = true;
        }
    }

    private void EndKey(RdbKeyEnd end)
    {
        var key = _key ?? throw new InvalidOperationException("Key end received outside a key.");
        switch (_shape)
        {
            case ValueShape.Array:
                _json.WriteEndArray();
                break;
            case ValueShape.BufferedZSet:
                WriteBufferedZSet();
                break;
            case ValueShape.String when !_valueWritten:
                _json.WriteString("value"u8, ""u8);
                break;
            case ValueShape.Stream when !_valueWritten:
                throw new InvalidOperationException($"Stream key in db {end.Db} ended without its metadata record.");
            case ValueShape.Module when !_valueWritten:
                _json.WritePropertyName("value"u8);
                _json.WriteStartObject();
                _json.WriteEndObject();
                break;
            default:
                break;
        }

        if (key.ExpireAtMs is { } expireAt)
        {
            _json.WriteNumber("expire_at_ms"u8, expireAt);
        }

        _json.WriteEndObject();
        EndLine();
        KeysWritten++;
        ResetKeyState();
    }

    private void EndLine()
    {
        _json.Flush();
        _buffer.GetSpan(1)[0] = (byte)'\n';
        _buffer.Advance(1);
        _json.Reset();
        _lineStart = _buffer.WrittenCount;
        DrainIfFull();
    }

    private void ResetKeyState()
    {
        _key = null;
        _valueWritten = false;
        _zsetMembers.Clear();
        _zsetStack?.Clear();
        _zsetDescending = true;
        _zsetLastIsOnStack = false;
        _stringSpillActive = false;
        _spill?.Clear();
        _entriesStarted = false;
        _entriesBuffer.ResetWrittenCount();
        _entriesJson.Reset();
    }

    private RdbKeyStart RequireKey(RdbRecord record) =>
        _key ?? throw new InvalidOperationException($"{record.GetType().Name} received outside a key.");

    private void DrainIfFull()
    {
        if (_buffer.WrittenCount + _json.BytesPending >= _options.FlushThresholdBytes)
        {
            Drain();
        }
    }

    private void Drain()
    {
        _json.Flush();
        if (_buffer.WrittenCount > 0)
        {
            _output.Write(_buffer.WrittenSpan);
            _buffer.ResetWrittenCount();
        }

        _lineStart = _key is null ? 0 : -1;
    }

    private static ValueShape ShapeOf(RdbKeyStart start) => start.Type switch
    {
        RdbValueType.String => ValueShape.String,
        RdbValueType.SortedSet when start.Encoding is RdbEncoding.ZSet or RdbEncoding.ZSet2 => ValueShape.BufferedZSet,
        RdbValueType.Stream => ValueShape.Stream,
        RdbValueType.Module => ValueShape.Module,
        _ => ValueShape.Array,
    };

    /// <summary>The <c>type</c> field of a key line.</summary>
    public static string TypeName(RdbValueType type) => type switch
    {
        RdbValueType.String => "string",
        RdbValueType.List => "list",
        RdbValueType.Set => "set",
        RdbValueType.SortedSet => "zset",
        RdbValueType.Hash => "hash",
        RdbValueType.Stream => "stream",
        RdbValueType.Module => "module",
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "Unknown value type."),
    };
}
