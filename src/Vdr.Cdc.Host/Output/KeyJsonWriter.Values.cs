using System.Buffers;
using System.Text;
using System.Text.Json;
using Vdr.RedisStream.Rdb;

namespace Vdr.Cdc.Host.Output;

/// <summary>The value encodings: strings in parts, collections, buffered sorted sets, streams.</summary>
public sealed partial class KeyJsonWriter
{
    private const int ZSetMembersInMemory = 65536;
    private readonly List<RdbScoredMember> _zsetMembers = [];
    private ScoredMemberStack? _zsetStack;
    private bool _zsetDescending = true;
    private bool _zsetLastIsOnStack;
    private readonly ArrayBufferWriter<byte> _entriesBuffer = new(1 << 16);
    private readonly Utf8JsonWriter _entriesJson;
    private readonly Decoder _utf8Validator = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true).GetDecoder();
    private char[]? _validatorChars;
    private SpillBuffer? _spill;
    private bool _stringSpillActive;
    private bool _stringIsUtf8;
    private bool _entriesStarted;

    private ScoredMemberStack ZSetStack => _zsetStack ??= new ScoredMemberStack(_options.SpillDirectory);

    private SpillBuffer Spill => _spill ??= new SpillBuffer(_options.SpillThresholdBytes, _options.SpillDirectory);

    private void WriteStringChunk(RdbKeyStart key, RdbStringChunk chunk)
    {
        if (key.Type != RdbValueType.String)
        {
            throw new InvalidOperationException($"String chunk received for a {key.Type} key.");
        }

        if (chunk.Index == 0 && chunk.IsLast)
        {
            _json.WritePropertyName("value"u8);
            JsonBytes.WriteValue(_json, chunk.Bytes);
            _valueWritten = true;
            return;
        }

        // A string in several parts: hold the parts back (bounded memory) until the last one says whether the whole
        // is valid UTF-8, then print it as a string or as base64, in segments.
        if (!_stringSpillActive)
        {
            _stringSpillActive = true;
            _stringIsUtf8 = true;
            _utf8Validator.Reset();
            Spill.Clear();
        }

        Spill.Write(chunk.Bytes);
        if (_stringIsUtf8)
        {
            _stringIsUtf8 = ContinuesValidUtf8(chunk.Bytes, chunk.IsLast);
        }

        if (!chunk.IsLast)
        {
            return;
        }

        _json.WritePropertyName("value"u8);
        if (_stringIsUtf8)
        {
            Spill.ReadBlocks(1 << 20, 1, (block, isLast) =>
            {
                _json.WriteStringValueSegment(block.Span, isLast);
                DrainIfFull();
            });
        }
        else
        {
            _json.WriteStartObject();
            _json.WritePropertyName(JsonBytes.Base64PropertyName);
            Spill.ReadBlocks(3 << 18, 3, (block, isLast) =>
            {
                _json.WriteBase64StringSegment(block.Span, isLast);
                DrainIfFull();
            });
            _json.WriteEndObject();
        }

        _valueWritten = true;
        _stringSpillActive = false;
        Spill.Clear();
    }

    private bool ContinuesValidUtf8(byte[] bytes, bool isLast)
    {
        _validatorChars ??= new char[1 << 16];
        var input = bytes.AsSpan();
        try
        {
            while (true)
            {
                _utf8Validator.Convert(input, _validatorChars, isLast, out var used, out _, out var completed);
                input = input[used..];
                if (completed || input.IsEmpty)
                {
                    return true;
                }
            }
        }
        catch (DecoderFallbackException)
        {
            return false;
        }
    }

    private void WriteBstrItems(IReadOnlyList<byte[]> items)
    {
        foreach (var item in items)
        {
            JsonBytes.WriteValue(_json, item);
        }
    }

    private void WriteHashFields(IReadOnlyList<RdbHashField> fields)
    {
        foreach (var field in fields)
        {
            _json.WriteStartArray();
            JsonBytes.WriteValue(_json, field.Field);
            JsonBytes.WriteValue(_json, field.Value);
            if (field.ExpireAtMs is { } expireAt)
            {
                _json.WriteNumberValue(expireAt);
            }

            _json.WriteEndArray();
        }
    }

    private void WriteScoredMembers(IReadOnlyList<RdbScoredMember> members)
    {
        if (_shape == ValueShape.BufferedZSet)
        {
            foreach (var member in members)
            {
                if (_zsetMembers.Count > 0 && CompareRank(_zsetMembers[^1], member) < 0)
                {
                    _zsetDescending = false;
                }

                _zsetMembers.Add(member);
            }

            // Highest first so far (Redis 5+ skiplists): move what we hold to the file stack; rank order is then
            // the stack read from the top, so a huge sorted set costs no memory.
            if (_zsetDescending && _zsetMembers.Count >= ZSetMembersInMemory)
            {
                var last = _zsetMembers[^1];
                for (var i = _zsetLastIsOnStack ? 1 : 0; i < _zsetMembers.Count; i++)
                {
                    ZSetStack.Push(_zsetMembers[i]);
                }

                _zsetMembers.Clear();
                _zsetMembers.Add(last);
                _zsetLastIsOnStack = true;
            }

            return;
        }

        foreach (var member in members)
        {
            WriteScoredMember(_json, member);
        }
    }

    private void WriteBufferedZSet()
    {
        if (_zsetLastIsOnStack)
        {
            // the first in-memory member is the copy kept only for the order check
            _zsetMembers.RemoveAt(0);
        }

        var stacked = _zsetStack is { Count: > 0 };
        if (stacked && !_zsetDescending)
        {
            // Not written highest first after all (a Redis 4 file): take it all back and sort.
            _zsetStack!.PopAll(_zsetMembers.Add);
        }

        _zsetMembers.Sort(CompareRank);
        _json.WritePropertyName("value"u8);
        _json.WriteStartArray();
        foreach (var member in _zsetMembers)
        {
            WriteScoredMember(_json, member);
            DrainIfFull();
        }

        _zsetStack?.PopAll(member =>
        {
            WriteScoredMember(_json, member);
            DrainIfFull();
        });
        _json.WriteEndArray();
        _zsetMembers.Clear();
    }

    /// <summary>Rank order as ZRANGE gives it: by score, then by member bytes (memcmp, shorter first on a common prefix).</summary>
    private static int CompareRank(RdbScoredMember a, RdbScoredMember b)
    {
        var byScore = a.Score.CompareTo(b.Score);
        return byScore != 0 ? byScore : a.Member.AsSpan().SequenceCompareTo(b.Member);
    }

    private static void WriteScoredMember(Utf8JsonWriter json, RdbScoredMember member)
    {
        json.WriteStartArray();
        JsonBytes.WriteValue(json, member.Member);
        JsonBytes.WriteScore(json, member.Score);
        json.WriteEndArray();
    }

    private void WriteStreamEntries(IReadOnlyList<RdbStreamEntry> entries)
    {
        if (!_entriesStarted)
        {
            _entriesStarted = true;
            Spill.Clear();
            _entriesJson.WriteStartArray();
        }

        foreach (var entry in entries)
        {
            _entriesJson.WriteStartArray();
            WriteStreamId(_entriesJson, entry.Id);
            _entriesJson.WriteStartArray();
            foreach (var pair in entry.Fields)
            {
                _entriesJson.WriteStartArray();
                JsonBytes.WriteValue(_entriesJson, pair.Key);
                JsonBytes.WriteValue(_entriesJson, pair.Value);
                _entriesJson.WriteEndArray();
            }

            _entriesJson.WriteEndArray();
            _entriesJson.WriteEndArray();
        }

        MoveEntriesToSpill();
    }

    private void MoveEntriesToSpill()
    {
        _entriesJson.Flush();
        Spill.Write(_entriesBuffer.WrittenSpan);
        _entriesBuffer.ResetWrittenCount();
    }

    private void WriteStreamMetadata(RdbStreamMetadata metadata)
    {
        if (!_entriesStarted)
        {
            _entriesStarted = true;
            Spill.Clear();
            _entriesJson.WriteStartArray();
        }

        _entriesJson.WriteEndArray();
        MoveEntriesToSpill();

        _json.WritePropertyName("value"u8);
        _json.WriteStartObject();
        _json.WriteNumber("length"u8, metadata.Length);
        _json.WritePropertyName("last_id"u8);
        WriteStreamId(_json, metadata.LastId);
        _json.WritePropertyName("entries"u8);

        // The entries array was written ahead into the spill buffer. Everything before it goes out first, then the
        // array straight from the spill, and its closing bracket through the writer so that it knows a value was
        // written and places the next comma.
        Drain();
        Spill.ReadBlocks(1 << 20, 1, (block, isLast) =>
        {
            if (isLast)
            {
                _output.Write(block.Span[..^1]);
                _json.WriteRawValue(block.Span[^1..], skipInputValidation: true);
            }
            else
            {
                _output.Write(block.Span);
            }
        });
        Spill.Clear();

        _json.WritePropertyName("groups"u8);
        _json.WriteStartArray();
        foreach (var group in metadata.Groups)
        {
            _json.WriteStartObject();
            JsonBytes.WriteProperty(_json, "name", group.Name);
            _json.WritePropertyName("last_delivered_id"u8);
            WriteStreamId(_json, group.LastDeliveredId);
            _json.WriteNumber("pending"u8, group.Pending.Count);
            _json.WritePropertyName("consumers"u8);
            _json.WriteStartArray();
            foreach (var consumer in group.Consumers)
            {
                _json.WriteStartObject();
                JsonBytes.WriteProperty(_json, "name", consumer.Name);
                _json.WriteNumber("pending"u8, consumer.Pending.Count);
                _json.WriteEndObject();
            }

            _json.WriteEndArray();
            _json.WriteEndObject();
        }

        _json.WriteEndArray();
        _json.WriteEndObject();
        _valueWritten = true;
    }

    private static void WriteStreamId(Utf8JsonWriter json, RdbStreamId id)
    {
        Span<byte> text = stackalloc byte[41];
        id.Ms.TryFormat(text, out var written, default, System.Globalization.CultureInfo.InvariantCulture);
        text[written++] = (byte)'-';
        id.Seq.TryFormat(text[written..], out var seqWritten, default, System.Globalization.CultureInfo.InvariantCulture);
        json.WriteStringValue(text[..(written + seqWritten)]);
    }
}
