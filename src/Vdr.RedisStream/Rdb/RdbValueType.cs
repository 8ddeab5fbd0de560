namespace Vdr.RedisStream.Rdb;

/// <summary>The Redis data type of a key, whatever its encoding.</summary>
public enum RdbValueType
{
    String,
    List,
    Set,
    SortedSet,
    Hash,
    Stream,
    Module,
}
