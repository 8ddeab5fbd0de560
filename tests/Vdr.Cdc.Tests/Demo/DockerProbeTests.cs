using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Vdr.Cdc.Host.Demo;

namespace Vdr.Cdc.Tests.Demo;

/// <summary>The demo's Docker detection against fake engines on Unix sockets: quick, and never hanging on a silent one.</summary>
public sealed class DockerProbeTests : IDisposable
{
    private static readonly TimeSpan ProbeTimeout = TimeSpan.FromMilliseconds(300);

    // Where the fake engine answers, the probe returns as soon as it has the reply; a long timeout keeps a busy CI
    // machine (the fake's accept loop waiting for a thread) from turning an answer into "no answer".
    private static readonly TimeSpan AnswerTimeout = TimeSpan.FromSeconds(10);
    private readonly string _directory = Directory.CreateTempSubdirectory("vdr-probe-").FullName;
    private readonly CancellationTokenSource _stop = new();

    [Fact]
    public async Task FindAsync_SocketAnsweringPing_FindsIt()
    {
        var socket = Serve("docker.sock", "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nOK"u8.ToArray());
        var result = await DockerProbe.FindAsync(null, [Path.Combine(_directory, "missing.sock"), socket], AnswerTimeout, CancellationToken.None);
        Assert.Equal("unix://" + socket, result.Endpoint);
    }

    [Fact]
    public async Task FindAsync_DockerHostAnswering_FindsItAndIgnoresDefaultSockets()
    {
        var socket = Serve("custom.sock", "HTTP/1.0 200 OK\r\n\r\nOK"u8.ToArray());
        var result = await DockerProbe.FindAsync("unix://" + socket, ["/nonexistent/docker.sock"], AnswerTimeout, CancellationToken.None);
        Assert.Equal("unix://" + socket, result.Endpoint);
    }

    [Fact]
    public async Task FindAsync_SocketThatNeverAnswers_GivesUpWithinTheTimeout()
    {
        var socket = Serve("silent.sock", null);
        var watch = Stopwatch.StartNew();
        var result = await DockerProbe.FindAsync(null, [socket], ProbeTimeout, CancellationToken.None);
        Assert.Null(result.Endpoint);
        Assert.Contains("no Docker engine answers at " + socket, result.Reason, StringComparison.Ordinal);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(3), $"took {watch.Elapsed}");
    }

    [Fact]
    public async Task FindAsync_SomethingElseOnTheSocket_IsNotDocker()
    {
        var socket = Serve("web.sock", "HTTP/1.1 404 Not Found\r\n\r\n"u8.ToArray());
        var result = await DockerProbe.FindAsync(null, [socket], AnswerTimeout, CancellationToken.None);
        Assert.Null(result.Endpoint);
    }

    [Fact]
    public async Task FindAsync_NothingThere_SaysSoQuickly()
    {
        var watch = Stopwatch.StartNew();
        var none = await DockerProbe.FindAsync(null, [Path.Combine(_directory, "missing.sock")], ProbeTimeout, CancellationToken.None);
        Assert.Null(none.Endpoint);
        Assert.Contains("DOCKER_HOST is not set", none.Reason, StringComparison.Ordinal);

        var unix = await DockerProbe.FindAsync("unix:///nonexistent/docker.sock", [], ProbeTimeout, CancellationToken.None);
        Assert.Null(unix.Endpoint);
        Assert.Equal("DOCKER_HOST=unix:///nonexistent/docker.sock does not answer", unix.Reason);

        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var closedPort = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        var tcp = await DockerProbe.FindAsync($"tcp://127.0.0.1:{closedPort}", [], ProbeTimeout, CancellationToken.None);
        Assert.Null(tcp.Endpoint);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(3), $"took {watch.Elapsed}");
    }

    public void Dispose()
    {
        _stop.Cancel();
        _stop.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    /// <summary>A Unix socket server that answers every connection with <paramref name="reply"/> (null: reads and never answers).</summary>
    private string Serve(string name, byte[]? reply)
    {
        var path = Path.Combine(_directory, name);
        var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        listener.Bind(new UnixDomainSocketEndPoint(path));
        listener.Listen();
        _ = Task.Run(async () =>
        {
            using (listener)
            {
                while (!_stop.IsCancellationRequested)
                {
                    Socket client;
                    try
                    {
                        client = await listener.AcceptAsync(_stop.Token);
                    }
                    catch (OperationCanceledException)
                    {
                        return;
                    }

                    using (client)
                    {
                        var buffer = new byte[1024];
                        try
                        {
                            await client.ReceiveAsync(buffer, SocketFlags.None, _stop.Token);
                            if (reply is null)
                            {
                                await Task.Delay(Timeout.Infinite, _stop.Token);
                            }
                            else
                            {
                                await client.SendAsync(reply, SocketFlags.None);
                            }
                        }
                        catch (Exception e) when (e is OperationCanceledException or SocketException)
                        {
                            // The probe gave up or the test ended.
                        }
                    }
                }
            }
        });
        return path;
    }
}
