using System.Text;

namespace Vdr.RedisStream.Rdb;

// The top level: header, opcodes, key prefixes, EOF and checksum.
public sealed partial class RdbReader
{
    private const byte OpKeyMetaOrSlotImport = 0xF3;
    private const byte OpSlotInfo = 0xF4;
    private const byte OpFunction2 = 0xF5;
    private const byte OpFunctionPreGa = 0xF6;
    private const byte OpModuleAux = 0xF7;
    private const byte OpIdle = 0xF8;
    private const byte OpFreq = 0xF9;
    private const byte OpAux = 0xFA;
    private const byte OpResizeDb = 0xFB;
    private const byte OpExpireTimeMs = 0xFC;
    private const byte OpExpireTime = 0xFD;
    private const byte OpSelectDb = 0xFE;
    private const byte OpEof = 0xFF;

    /// <summary>Highest REDIS-magic version accepted (newer value types fail at the type byte with a clear error).</summary>
    public const int MaxRedisVersion = 15;

    /// <summary>Valkey-magic versions accepted.</summary>
    public const int MinValkeyVersion = 80;

    public const int MaxValkeyVersion = 80;

    private bool _isValkey;
    private long _valueElements;

    private async IAsyncEnumerable<RdbRecord> ReadRecordsAsync()
    {
        yield return await ReadHeaderAsync().ConfigureAwait(false);

        var db = 0;
        long? expireAt = null;
        long? idle = null;
        int? freq = null;
        while (true)
        {
            var opOffset = BytesConsumed;
            var op = await ReadByteAsync("an opcode or value type").ConfigureAwait(false);
            switch (op)
            {
                case OpEof:
                    yield return await ReadEndAsync().ConfigureAwait(false);
                    ReleaseInput();
                    yield break;
                case OpSelectDb:
                    var dbIndex = await ReadLengthAsync("SELECTDB index").ConfigureAwait(false);
                    if (dbIndex > int.MaxValue)
                    {
                        Fail($"SELECTDB index {dbIndex} is out of range", opOffset + 1);
                    }

                    db = (int)dbIndex;
                    yield return new RdbSelectDb(db);
                    break;
                case OpResizeDb:
                    var dbSize = await ReadLengthAsync("RESIZEDB db size").ConfigureAwait(false);
                    var expiresSize = await ReadLengthAsync("RESIZEDB expires size").ConfigureAwait(false);
                    yield return new RdbResizeDb(dbSize, expiresSize);
                    break;
                case OpExpireTimeMs:
                    expireAt = await ReadInt64Async("EXPIRETIME_MS").ConfigureAwait(false);
                    break;
                case OpExpireTime:
                    expireAt = await ReadInt32Async("EXPIRETIME").ConfigureAwait(false) * 1000L;
                    break;
                case OpIdle:
                    var idleValue = await ReadLengthAsync("IDLE").ConfigureAwait(false);
                    idle = (long)Math.Min(idleValue, long.MaxValue);
                    break;
                case OpFreq:
                    freq = await ReadByteAsync("FREQ").ConfigureAwait(false);
                    break;
                case OpAux:
                    var auxKey = await ReadStringAsync("AUX key").ConfigureAwait(false);
                    var auxValue = await ReadStringAsync("AUX value").ConfigureAwait(false);
                    yield return new RdbAux(auxKey, auxValue);
                    break;
                case OpModuleAux:
                    yield return await ReadModuleAuxAsync().ConfigureAwait(false);
                    break;
                case OpFunctionPreGa:
                    var name = await ReadStringAsync("function name").ConfigureAwait(false);
                    await ReadStringAsync("function engine").ConfigureAwait(false);
                    var hasDescription = await ReadLengthAsync("function has-description flag").ConfigureAwait(false);
                    if (hasDescription != 0)
                    {
                        await ReadStringAsync("function description").ConfigureAwait(false);
                    }

                    yield return new RdbFunction(await ReadStringAsync("function code").ConfigureAwait(false), name);
                    break;
                case OpFunction2:
                    yield return new RdbFunction(await ReadStringAsync("function library code").ConfigureAwait(false));
                    break;
                case OpSlotInfo:
                    var slotId = await ReadLengthAsync("SLOT_INFO slot id").ConfigureAwait(false);
                    var slotSize = await ReadLengthAsync("SLOT_INFO slot size").ConfigureAwait(false);
                    var expiresSlotSize = await ReadLengthAsync("SLOT_INFO expires slot size").ConfigureAwait(false);
                    yield return new RdbSlotInfo(slotId, slotSize, expiresSlotSize);
                    break;
                case OpKeyMetaOrSlotImport when _isValkey:
                    await SkipSlotImportAsync().ConfigureAwait(false);
                    break;
                case OpKeyMetaOrSlotImport when Version >= 13:
                    await SkipKeyMetadataAsync().ConfigureAwait(false);
                    break;
                default:
                    var encoding = MapType(op, opOffset);
                    var key = await ReadStringAsync("key").ConfigureAwait(false);
                    var start = new RdbKeyStart(db, key, TypeOf(encoding), encoding, expireAt, idle, freq);
                    expireAt = null;
                    idle = null;
                    freq = null;
                    _valueElements = 0;
                    if (encoding == RdbEncoding.String)
                    {
                        yield return start;
                        var head = await ReadStringValueHeadAsync().ConfigureAwait(false);
                        if (head.Whole is not null)
                        {
                            _valueElements = head.Whole.Length;
                            yield return new RdbStringChunk(0, true, 0, head.Whole);
                        }
                        else
                        {
                            await foreach (var chunk in ReadBigStringValueAsync(head.Remaining, head.Decompressed, head.DecompressedLength).ConfigureAwait(false))
                            {
                                yield return chunk;
                            }
                        }

                        yield return new RdbKeyEnd(db, key, _valueElements);
                        break;
                    }

                    var first = true;
                    var skipped = false;
                    BeginValue(encoding);
                    try
                    {
                        while (await ReadValueRecordAsync().ConfigureAwait(false) is { } record)
                        {
                            if (first)
                            {
                                first = false;
                                if (IsEmptyLastChunk(record))
                                {
                                    // Redis drops empty collections when loading (RDB_LOAD_ERR_EMPTY_KEY); so do we.
                                    skipped = true;
                                    continue;
                                }

                                yield return start;
                            }

                            yield return record;
                        }
                    }
                    finally
                    {
                        await EndValueAsync().ConfigureAwait(false);
                    }

                    if (!skipped)
                    {
                        yield return new RdbKeyEnd(db, key, _valueElements);
                    }

                    break;
            }
        }
    }

    private static bool IsEmptyLastChunk(RdbRecord record) => record switch
    {
        RdbListChunk { IsLast: true, Items.Count: 0 } => true,
        RdbSetChunk { IsLast: true, Members.Count: 0 } => true,
        RdbSortedSetChunk { IsLast: true, Members.Count: 0 } => true,
        RdbHashChunk { IsLast: true, Fields.Count: 0 } => true,
        _ => false,
    };

    private async ValueTask<RdbHeader> ReadHeaderAsync()
    {
        _crcEnabled = _options.VerifyChecksum;
        await ReadIntoScratchAsync(9, "the 9-byte RDB header").ConfigureAwait(false);
        var header = _scratch.AsSpan(0, 9);
        string magic;
        int digits;
        if (header.StartsWith("REDIS"u8))
        {
            magic = "REDIS";
            digits = 4;
        }
        else if (header.StartsWith("VALKEY"u8))
        {
            magic = "VALKEY";
            digits = 3;
        }
        else
        {
            Fail($"expected the magic \"REDIS\" or \"VALKEY\", found \"{Printable(header)}\"", 0);
            return null!;
        }

        var version = 0;
        foreach (var c in header[^digits..])
        {
            if (c is < (byte)'0' or > (byte)'9')
            {
                Fail($"expected {digits} version digits after \"{magic}\", found \"{Printable(header)}\"", 9 - digits);
            }

            version = (version * 10) + (c - '0');
        }

        var supported = magic == "REDIS"
            ? version is >= 1 and <= MaxRedisVersion
            : version is >= MinValkeyVersion and <= MaxValkeyVersion;
        if (!supported)
        {
            var range = magic == "REDIS" ? $"1 to {MaxRedisVersion}" : $"{MinValkeyVersion} to {MaxValkeyVersion}";
            Fail($"unsupported RDB version {version} in a {magic} file (this reader handles {range})", 9 - digits);
        }

        Version = version;
        Magic = magic;
        _isValkey = magic == "VALKEY";
        _crcEnabled = _options.VerifyChecksum && version >= 5;
        return new RdbHeader(magic, version);
    }

    private static string Printable(ReadOnlySpan<byte> bytes)
    {
        var sb = new StringBuilder(bytes.Length);
        foreach (var b in bytes)
        {
            sb.Append(b is >= 0x20 and < 0x7F ? (char)b : '.');
        }

        return sb.ToString();
    }

    private async ValueTask<RdbEnd> ReadEndAsync()
    {
        if (Version < 5)
        {
            return new RdbEnd(0, false);
        }

        FlushCrc();
        var computed = _crc;
        var offset = BytesConsumed;
        var stored = (ulong)await ReadInt64Async("the CRC64 checksum").ConfigureAwait(false);
        if (!_crcEnabled || stored == 0)
        {
            return new RdbEnd(stored, false);
        }

        if (stored != computed)
        {
            Fail($"CRC64 mismatch: the file says 0x{stored:x16}, the content computes to 0x{computed:x16}", offset);
        }

        return new RdbEnd(stored, true);
    }

    private RdbEncoding MapType(byte type, long offset)
    {
        if (_isValkey)
        {
            if (type == 22)
            {
                return RdbEncoding.ValkeyHash2;
            }

            if (type > 21)
            {
                Fail($"unsupported value type {type} in a VALKEY{Version:D3} file", offset);
            }
        }

        switch (type)
        {
            case <= 7 or (>= 9 and <= 25):
                if (type == 6)
                {
                    Fail("module value type 6 (MODULE_PRE_GA, Redis 4.0 release candidates) cannot be read: it has no skippable structure", offset);
                }

                return (RdbEncoding)type;
            case 26 or 27:
                Fail($"unsupported value type {type} ({(type == 26 ? "STREAM_LISTPACKS_4" : "STREAM_LISTPACKS_5")}, RDB 13+): its layout is not known to this reader", offset);
                return default;
            default:
                Fail($"unknown value type or opcode {type} (0x{type:X2}) in RDB version {Version}", offset);
                return default;
        }
    }

    private static RdbValueType TypeOf(RdbEncoding encoding) => encoding switch
    {
        RdbEncoding.String => RdbValueType.String,
        RdbEncoding.List or RdbEncoding.ListZiplist or RdbEncoding.ListQuicklist or RdbEncoding.ListQuicklist2 => RdbValueType.List,
        RdbEncoding.Set or RdbEncoding.SetIntset or RdbEncoding.SetListpack => RdbValueType.Set,
        RdbEncoding.ZSet or RdbEncoding.ZSet2 or RdbEncoding.ZSetZiplist or RdbEncoding.ZSetListpack => RdbValueType.SortedSet,
        RdbEncoding.StreamListpacks or RdbEncoding.StreamListpacks2 or RdbEncoding.StreamListpacks3
            or RdbEncoding.StreamListpacks4 or RdbEncoding.StreamListpacks5 => RdbValueType.Stream,
        RdbEncoding.Module2 or RdbEncoding.ModulePreGa => RdbValueType.Module,
        _ => RdbValueType.Hash,
    };
}
