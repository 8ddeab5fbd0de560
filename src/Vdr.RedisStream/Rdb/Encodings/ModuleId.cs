namespace Vdr.RedisStream.Rdb.Encodings;

/// <summary>
/// Module type ids (Redis src/module.c moduleTypeEncodeId): nine 6-bit characters from
/// <c>A-Z a-z 0-9 - _</c>, first character most significant, shifted left by 10, OR'd with a 10-bit encoding version.
/// </summary>
public static class ModuleId
{
    private const string Charset = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

    /// <summary>The 9-character module type name of <paramref name="id"/>.</summary>
    public static string Name(ulong id)
    {
        Span<char> name = stackalloc char[9];
        var bits = id >> 10;
        for (var i = 8; i >= 0; i--)
        {
            name[i] = Charset[(int)(bits & 63)];
            bits >>= 6;
        }

        return new string(name);
    }

    /// <summary>The encoding version carried in the low 10 bits.</summary>
    public static int EncodingVersion(ulong id) => (int)(id & 1023);

    /// <summary>Builds the id of a 9-character name and an encoding version (the inverse of <see cref="Name"/>).</summary>
    public static ulong Encode(string name, int encodingVersion)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (name.Length != 9)
        {
            throw new ArgumentException("A module type name has exactly 9 characters.", nameof(name));
        }

        ulong id = 0;
        foreach (var c in name)
        {
            var index = Charset.IndexOf(c, StringComparison.Ordinal);
            if (index < 0)
            {
                throw new ArgumentException($"'{c}' is not allowed in a module type name.", nameof(name));
            }

            id = (id << 6) | (uint)index;
        }

        return (id << 10) | (uint)(encodingVersion & 1023);
    }
}
