using System.Globalization;
using System.Text;
using Vdr.RedisStream.Replication;

namespace Vdr.Cdc.Host.Management;

/// <summary>
/// One reading of the snapshot's progress with its rates: the fraction done comes from bytes read of the announced
/// RDB size (disk-based transfer), else from keys read of the keys the primary reported (diskless transfer), else it
/// is unknown. Rendered as a terminal progress bar or as the values of a log line.
/// </summary>
internal readonly record struct SnapshotProgressView(SnapshotProgress Progress, long ExpectedKeys, double KeysPerSecond, double BytesPerSecond)
{
    /// <summary>Fraction done in [0, 1], or null when neither the size nor the key count is known.</summary>
    public double? Fraction => Progress switch
    {
        { BytesTotal: > 0 } p => Math.Clamp((double)p.BytesRead / p.BytesTotal, 0, 1),
        _ when ExpectedKeys > 0 => Math.Clamp((double)Progress.Keys / ExpectedKeys, 0, 1),
        _ => null,
    };

    /// <summary>Time left at the current rate, or null when unknown.</summary>
    public TimeSpan? Eta
    {
        get
        {
            if (Progress is { BytesTotal: > 0 } p)
            {
                return BytesPerSecond > 0 ? TimeSpan.FromSeconds(Math.Max(0, p.BytesTotal - p.BytesRead) / BytesPerSecond) : null;
            }

            return ExpectedKeys > 0 && KeysPerSecond > 0 ? TimeSpan.FromSeconds(Math.Max(0, ExpectedKeys - Progress.Keys) / KeysPerSecond) : null;
        }
    }

    public string PercentText => Fraction is { } f ? (f * 100).ToString("0.0", CultureInfo.InvariantCulture) + " %" : "?";

    public string EtaText => Eta is { } eta ? FormatDuration(eta) : "?";

    /// <summary><c>snapshot [#########-----------]  45.2 %  12.0/26.5 MiB  81234 keys  40500 keys/s  ETA 00:00:17</c>.</summary>
    public string RenderBar(int barWidth)
    {
        var text = new StringBuilder("snapshot [");
        var filled = Fraction is { } f ? (int)Math.Round(f * barWidth) : 0;
        text.Append('#', filled).Append(Fraction is null ? '?' : '-', barWidth - filled).Append("] ");
        text.Append(PercentText.PadLeft(7)).Append("  ");
        text.Append(Mebibytes(Progress.BytesRead));
        if (Progress.BytesTotal > 0)
        {
            text.Append('/').Append(Mebibytes(Progress.BytesTotal));
        }

        text.Append(" MiB  ").Append(Progress.Keys.ToString(CultureInfo.InvariantCulture));
        if (ExpectedKeys > 0)
        {
            text.Append('/').Append(ExpectedKeys.ToString(CultureInfo.InvariantCulture));
        }

        text.Append(" keys  ").Append(Math.Round(KeysPerSecond).ToString(CultureInfo.InvariantCulture)).Append(" keys/s  ETA ").Append(EtaText);
        return text.ToString();
    }

    private static string Mebibytes(long bytes) => (bytes / (1024.0 * 1024)).ToString("0.0", CultureInfo.InvariantCulture);

    private static string FormatDuration(TimeSpan span) => span >= TimeSpan.FromDays(1)
        ? span.ToString(@"d\.hh\:mm\:ss", CultureInfo.InvariantCulture)
        : span.ToString(@"hh\:mm\:ss", CultureInfo.InvariantCulture);
}
