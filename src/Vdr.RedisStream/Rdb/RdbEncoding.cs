namespace Vdr.RedisStream.Rdb;

/// <summary>
/// The on-disk value type byte: the encoding a key was stored with. The numeric value is the byte itself.
/// Redis and Valkey give 22 and 23 different meanings; Valkey's are mapped to their own members by the reader.
/// </summary>
public enum RdbEncoding
{
    String = 0,
    List = 1,
    Set = 2,
    ZSet = 3,
    Hash = 4,
    ZSet2 = 5,
    ModulePreGa = 6,
    Module2 = 7,
    HashZipmap = 9,
    ListZiplist = 10,
    SetIntset = 11,
    ZSetZiplist = 12,
    HashZiplist = 13,
    ListQuicklist = 14,
    StreamListpacks = 15,
    HashListpack = 16,
    ZSetListpack = 17,
    ListQuicklist2 = 18,
    StreamListpacks2 = 19,
    SetListpack = 20,
    StreamListpacks3 = 21,
    HashMetadataPreGa = 22,
    HashListpackExPreGa = 23,
    HashMetadata = 24,
    HashListpackEx = 25,
    StreamListpacks4 = 26,
    StreamListpacks5 = 27,

    /// <summary>Valkey 8.1+ (RDB 80+) hash with per-field expiry; type byte 22 in a VALKEY file.</summary>
    ValkeyHash2 = 1022,
}
