using System.Text.Json;
using Vdr.RedisStream.Rdb;

namespace Vdr.Cdc.Host.Output;

/// <summary>Settings of <see cref="KeyJsonWriter"/>.</summary>
public sealed class KeyJsonWriterOptions
{
    /// <summary>
    /// Writes extra properties at the start of every key object, before <c>db</c> (for example
    /// <c>(w, _) =&gt; w.WriteString("kind", "snapshot")</c>). Null: none.
    /// </summary>
    public Action<Utf8JsonWriter, RdbKeyStart>? WritePrefix { get; set; }

    /// <summary>Buffered output is handed to the stream once it exceeds this many bytes (and at <see cref="KeyJsonWriter.Flush"/>).</summary>
    public int FlushThresholdBytes { get; set; } = 64 << 10;

    /// <summary>
    /// A value that has to be held back until its end (a stream's entries, which are printed after its length and
    /// last id; a string arriving in several parts, whose UTF-8 validity is known only at its end) is kept in memory
    /// up to this many bytes, then in a temporary file.
    /// </summary>
    public int SpillThresholdBytes { get; set; } = 16 << 20;

    /// <summary>Folder for those temporary files; the system temp folder when null.</summary>
    public string? SpillDirectory { get; set; }
}
