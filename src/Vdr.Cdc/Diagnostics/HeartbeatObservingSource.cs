using System.Buffers.Text;
using System.Runtime.CompilerServices;
using System.Text;
using Vdr.Cdc.Pipeline;

namespace Vdr.Cdc.Diagnostics;

/// <summary>
/// Passes a session's messages through unchanged and tells <see cref="CdcTelemetry"/> where the connector's own
/// heartbeat writes (<c>SET &lt;key&gt; &lt;unix ms&gt;</c> in db 0) arrived, so the commit that covers them measures the lag.
/// </summary>
internal sealed class HeartbeatObservingSource(IChangeSource inner, CdcTelemetry telemetry, string key) : IChangeSource
{
    private readonly byte[] _key = Encoding.UTF8.GetBytes(key);

    public string Server => inner.Server;

    public async IAsyncEnumerable<SourceMessage> StartAsync(SourcePosition? from, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var message in inner.StartAsync(from, cancellationToken).ConfigureAwait(false))
        {
            if (message is SourceMessage.Command command && TryReadHeartbeat(command, _key, out var writtenMs))
            {
                telemetry.OnHeartbeatReceived(command.Position.Offset, writtenMs);
            }

            yield return message;
        }
    }

    public void Acknowledge(SourcePosition committed) => inner.Acknowledge(committed);

    public ValueTask DisposeAsync() => inner.DisposeAsync();

    /// <summary>True for <c>SET &lt;key&gt; &lt;integer&gt;</c> in db 0.</summary>
    internal static bool TryReadHeartbeat(SourceMessage.Command command, ReadOnlySpan<byte> key, out long writtenMs)
    {
        writtenMs = 0;
        var args = command.Args;
        return command.Db == 0
            && args.Count == 3
            && Ascii.EqualsIgnoreCase(args[0], "SET"u8)
            && args[1].AsSpan().SequenceEqual(key)
            && Utf8Parser.TryParse(args[2], out writtenMs, out var consumed)
            && consumed == args[2].Length;
    }
}
