namespace Vdr.Cdc.Configuration;

/// <summary>Console log format.</summary>
public enum LogFormat
{
    /// <summary>One human-readable line per entry.</summary>
    Text,

    /// <summary>One JSON object per line (message, template arguments, category, event id, timestamp).</summary>
    Json,
}
