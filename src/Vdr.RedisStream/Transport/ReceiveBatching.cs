using System.Net.Sockets;

namespace Vdr.RedisStream.Transport;

/// <summary>
/// While a snapshot streams in, the primary forwards its RDB child's output in 16 KB writes, and each one woke the
/// socket engine's thread and then a pool thread: on a machine shared with the primary those wakeups preempt the
/// decoder and cost as much as decoding a chunk. SO_RCVLOWAT makes the kernel report the socket readable only once
/// <c>lowWater</c> bytes have arrived (a read that finds bytes still takes them at once). So that the last bytes of a
/// transfer are never held back for long, a timer lowers the mark to one byte when bytes wait and nothing arrived for a tick,
/// and raises it again once bytes flow. Disposing restores one byte. Linux only; elsewhere it does nothing.
/// </summary>
internal sealed class ReceiveBatching : IDisposable
{
    private readonly Socket _socket;
    private readonly Func<long> _receivedBytes;
    private readonly int _lowWater;
    private readonly Timer? _timer;
    private readonly object _gate = new();
    private long _lastReceived = -1;
    private int _current = 1;
    private bool _disposed;

    /// <summary>Starts batching on <paramref name="socket"/>; <paramref name="receivedBytes"/> counts bytes read from it so far.</summary>
    public ReceiveBatching(Socket socket, Func<long> receivedBytes, int lowWater, TimeSpan tick)
    {
        _socket = socket;
        _receivedBytes = receivedBytes;
        _lowWater = lowWater;
        if (Set(lowWater))
        {
            _timer = new Timer(static state => ((ReceiveBatching)state!).Tick(), this, tick, tick);
        }
    }

    public void Dispose()
    {
        _timer?.Dispose();
        lock (_gate)
        {
            _disposed = true;
            Set(1);
        }
    }

    /// <summary>One tick of the timer (tests call it directly).</summary>
    internal void Tick()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            var received = _receivedBytes();
            if (received != _lastReceived)
            {
                if (_current != _lowWater)
                {
                    Set(_lowWater);
                }
            }
            else if (_current != 1 && Available() > 0)
            {
                // Bytes wait below the mark and nothing came for a tick: the end of a transfer, or a pause. Lowering
                // the mark makes the kernel report the socket readable now.
                Set(1);
            }

            _lastReceived = received;
        }
    }

    private int Available()
    {
        try
        {
            return _socket.Available;
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            return 0;
        }
    }

    private bool Set(int bytes)
    {
        if (!OperatingSystem.IsLinux())
        {
            return false;
        }

        try
        {
            _socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReceiveLowWater, bytes);
            _current = bytes;
            return true;
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            return false;
        }
    }
}
