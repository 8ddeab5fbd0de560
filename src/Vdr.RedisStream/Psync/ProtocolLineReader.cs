using System.Buffers;
using System.IO.Pipelines;
using System.Text;
using Vdr.RedisStream.Replication;
using Vdr.RedisStream.Resp;

namespace Vdr.RedisStream.Psync;

/// <summary>Reads the single-line replies of the handshake (<c>+OK</c>, <c>-ERR ...</c>, <c>$EOF:...</c>).</summary>
internal static class ProtocolLineReader
{
    private const int MaxLineBytes = 64 * 1024;

    /// <summary>
    /// Reads one line without its line ending. With <paramref name="skipEmptyLines"/>, bare newlines (the
    /// primary's keepalives while it prepares the snapshot) are skipped.
    /// </summary>
    public static async ValueTask<string> ReadLineAsync(PipeReader input, bool skipEmptyLines, string waitingFor, CancellationToken cancellationToken)
    {
        while (true)
        {
            var result = await input.ReadAsync(cancellationToken).ConfigureAwait(false);
            var buffer = result.Buffer;
            var position = buffer.PositionOf((byte)'\n');
            if (position is null)
            {
                if (buffer.Length > MaxLineBytes)
                {
                    input.AdvanceTo(buffer.Start);
                    throw new RespProtocolException(0, $"a reply line shorter than {MaxLineBytes} bytes while waiting for {waitingFor}", $"{buffer.Length} bytes without a newline");
                }

                input.AdvanceTo(buffer.Start, buffer.End);
                if (result.IsCompleted)
                {
                    throw new RedisReplicationException($"The server closed the connection while we waited for {waitingFor}.", isTransient: true);
                }

                continue;
            }

            var lineBytes = buffer.Slice(0, position.Value);
            var line = Encoding.UTF8.GetString(lineBytes.IsSingleSegment ? lineBytes.FirstSpan : lineBytes.ToArray()).TrimEnd('\r');
            input.AdvanceTo(buffer.GetPosition(1, position.Value));
            if (line.Length == 0 && skipEmptyLines)
            {
                continue;
            }

            return line;
        }
    }
}
