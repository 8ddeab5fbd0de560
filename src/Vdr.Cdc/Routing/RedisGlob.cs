namespace Vdr.Cdc.Routing;

/// <summary>
/// Redis-style glob matching over key bytes (the rules of <c>KEYS</c>/<c>SCAN MATCH</c>): <c>*</c>, <c>?</c>,
/// <c>[abc]</c>, <c>[^a]</c>, <c>[a-z]</c> and <c>\</c> escapes, byte-wise and case-sensitive.
/// </summary>
public static class RedisGlob
{
    public static bool IsMatch(ReadOnlySpan<byte> pattern, ReadOnlySpan<byte> text)
    {
        while (!pattern.IsEmpty)
        {
            switch (pattern[0])
            {
                case (byte)'*':
                    while (pattern.Length > 1 && pattern[1] == (byte)'*')
                    {
                        pattern = pattern[1..];
                    }

                    if (pattern.Length == 1)
                    {
                        return true;
                    }

                    for (var i = 0; i <= text.Length; i++)
                    {
                        if (IsMatch(pattern[1..], text[i..]))
                        {
                            return true;
                        }
                    }

                    return false;
                case (byte)'?':
                    if (text.IsEmpty)
                    {
                        return false;
                    }

                    text = text[1..];
                    pattern = pattern[1..];
                    break;
                case (byte)'[':
                    if (text.IsEmpty || !MatchClass(ref pattern, text[0]))
                    {
                        return false;
                    }

                    text = text[1..];
                    break;
                case (byte)'\\' when pattern.Length >= 2:
                    if (text.IsEmpty || text[0] != pattern[1])
                    {
                        return false;
                    }

                    text = text[1..];
                    pattern = pattern[2..];
                    break;
                default:
                    if (text.IsEmpty || text[0] != pattern[0])
                    {
                        return false;
                    }

                    text = text[1..];
                    pattern = pattern[1..];
                    break;
            }
        }

        return text.IsEmpty;
    }

    /// <summary>Matches one byte against the class at the start of <paramref name="pattern"/> and consumes the class.</summary>
    private static bool MatchClass(ref ReadOnlySpan<byte> pattern, byte c)
    {
        pattern = pattern[1..];
        var negate = !pattern.IsEmpty && pattern[0] == (byte)'^';
        if (negate)
        {
            pattern = pattern[1..];
        }

        var matched = false;
        while (!pattern.IsEmpty && pattern[0] != (byte)']')
        {
            if (pattern[0] == (byte)'\\' && pattern.Length >= 2)
            {
                matched |= pattern[1] == c;
                pattern = pattern[2..];
            }
            else if (pattern.Length >= 3 && pattern[1] == (byte)'-' && pattern[2] != (byte)']')
            {
                var (lo, hi) = pattern[0] <= pattern[2] ? (pattern[0], pattern[2]) : (pattern[2], pattern[0]);
                matched |= c >= lo && c <= hi;
                pattern = pattern[3..];
            }
            else
            {
                matched |= pattern[0] == c;
                pattern = pattern[1..];
            }
        }

        if (!pattern.IsEmpty)
        {
            pattern = pattern[1..]; // the closing ']'
        }

        return negate ? !matched : matched;
    }
}
