using System.Net;
using System.Net.Sockets;
using Vdr.RedisStream.Transport;

namespace Vdr.RedisStream.Tests.Transport;

public sealed class ReceiveBatchingTests : IAsyncLifetime
{
    private const int LowWater = 64 * 1024;
    private static readonly TimeSpan Never = TimeSpan.FromHours(1);
    private Socket _sender = null!;
    private Socket _receiver = null!;

    public async Task InitializeAsync()
    {
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(1);
        _receiver = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        var accept = listener.AcceptAsync();
        await _receiver.ConnectAsync(listener.LocalEndPoint!);
        _sender = await accept;
    }

    public Task DisposeAsync()
    {
        _sender.Dispose();
        _receiver.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task FewBytes_AreHeldBackUntilDispose_ThenReadAtOnce()
    {
        if (!OperatingSystem.IsLinux())
        {
            return; // SO_RCVLOWAT with epoll is Linux behaviour
        }

        var batching = new ReceiveBatching(_receiver, () => 0, LowWater, Never);
        var buffer = new byte[LowWater];
        var read = _receiver.ReceiveAsync(buffer.AsMemory(), SocketFlags.None).AsTask();
        _sender.Send(new byte[1000]);

        // The mark holds the read back: this fails if the option is not applied.
        await Task.Delay(300);
        Assert.False(read.IsCompleted);

        batching.Dispose();
        Assert.Equal(1000, await read.WaitAsync(TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public async Task BytesUpToTheMark_AreReportedWithoutATick()
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        using var batching = new ReceiveBatching(_receiver, () => 0, LowWater, Never);
        var buffer = new byte[4 * LowWater];
        var read = _receiver.ReceiveAsync(buffer.AsMemory(), SocketFlags.None).AsTask();
        _sender.Send(new byte[2 * LowWater]);
        Assert.True(await read.WaitAsync(TimeSpan.FromSeconds(5)) >= LowWater);
    }

    [Fact]
    public async Task TheEndOfATransfer_IsReleasedByTheTick_AndTheMarkReturnsOnceBytesFlow()
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        // A transfer's last bytes stay below the mark and nothing follows them: a tick that sees no progress while
        // bytes wait lowers the mark, and the read completes. (The timer never fires here: the test ticks.)
        long received = 0;
        using var batching = new ReceiveBatching(_receiver, () => received, LowWater, Never);
        var buffer = new byte[LowWater];
        var read = _receiver.ReceiveAsync(buffer.AsMemory(), SocketFlags.None).AsTask();
        _sender.Send(new byte[1000]);
        batching.Tick();
        await Task.Delay(300);
        Assert.False(read.IsCompleted);
        batching.Tick();
        var n = await read.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal(1000, n);

        // Bytes flowed: the next tick raises the mark again, and a small write is held back again until a tick
        // sees it waiting.
        received += n;
        batching.Tick();
        var next = _receiver.ReceiveAsync(buffer.AsMemory(), SocketFlags.None).AsTask();
        _sender.Send(new byte[10]);
        await Task.Delay(300);
        Assert.False(next.IsCompleted);
        batching.Tick();
        Assert.Equal(10, await next.WaitAsync(TimeSpan.FromSeconds(5)));
    }
}
