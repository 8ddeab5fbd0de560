using System.Net.Sockets;
using System.Text;
using Vdr.Testing;

namespace Vdr.RedisStream.Tests.Support;

public class RedisServerProcessTests
{
    [Fact]
    public async Task StartAsync_FreePort_AnswersPingAndDiesOnKill()
    {
        await using var server = await RedisServerProcess.StartAsync();

        using (var client = new TcpClient())
        {
            await client.ConnectAsync(server.Host, server.Port);
            var stream = client.GetStream();
            await stream.WriteAsync("PING\r\n"u8.ToArray());
            var buffer = new byte[7];
            var read = 0;
            while (read < buffer.Length)
            {
                var n = await stream.ReadAsync(buffer.AsMemory(read));
                Assert.NotEqual(0, n);
                read += n;
            }

            Assert.Equal("+PONG\r\n", Encoding.ASCII.GetString(buffer));
        }

        server.Kill();
        Assert.True(server.HasExited);
    }
}
