using System.Globalization;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Vdr.Cdc.Host.Management;
using Vdr.Cdc.Kafka;
using Vdr.Cdc.Tests.Pipeline;
using Xunit.Abstractions;

namespace Vdr.Cdc.Tests.Management;

/// <summary>
/// The connector in an in-process host the way <c>vdr-cdc run</c> builds it (AddRedisCdc + AddCdcManagement), with the
/// management endpoint on a free loopback port, and an HTTP client for it.
/// </summary>
internal sealed class ManagementTestHost : IAsyncDisposable
{
    private static readonly TimeSpan StepTimeout = TimeSpan.FromSeconds(30);
    private readonly IHost _host;
    private readonly HttpClient _http;

    private ManagementTestHost(IHost host, Uri address, RedisCdcConnector connector)
    {
        _host = host;
        Connector = connector;
        _http = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(10) };
    }

    public RedisCdcConnector Connector { get; }

    public Uri Address => _http.BaseAddress!;

    public static async Task<ManagementTestHost> StartAsync(string redisEndPoint, KafkaOptions kafka, string name, ITestOutputHelper output, Action<CdcOptions>? configure = null, TextWriter? progressBar = null)
    {
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true, EnvironmentName = Environments.Production });
        builder.Services.AddSingleton<ILoggerFactory>(new TestOutputLoggerFactory(output));
        builder.Services.AddRedisCdc(o =>
        {
            o.Name = name;
            o.Redis.Url = "redis://" + redisEndPoint;
            o.Kafka = kafka;
            o.Kafka.Batch.MaxDelay = TimeSpan.FromMilliseconds(50);
            o.Management.Port = 0;
            o.Management.BindAddress = "127.0.0.1";
            o.Management.LagPollInterval = TimeSpan.FromMilliseconds(200);
            configure?.Invoke(o);
        });
        builder.Services.AddCdcManagement(progressBar ?? TextWriter.Null, interactive: progressBar is not null);
        var host = builder.Build();
        await host.StartAsync().WaitAsync(StepTimeout);
        var server = host.Services.GetRequiredService<ManagementServer>();
        Assert.NotNull(server.Address);
        var address = new UriBuilder(server.Address) { Path = "/" }.Uri;
        output.WriteLine("management endpoint: " + address);
        return new ManagementTestHost(host, address, host.Services.GetRequiredService<RedisCdcConnector>());
    }

    public async Task<(HttpStatusCode Status, string Body)> GetAsync(string path)
    {
        using var response = await _http.GetAsync(new Uri(path, UriKind.Relative));
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    /// <summary>Polls <paramref name="path"/> until it answers <paramref name="status"/>; fails with the last answer after <paramref name="timeout"/>.</summary>
    public async Task<string> WaitForStatusAsync(string path, HttpStatusCode status, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        (HttpStatusCode Status, string Body) last;
        while (true)
        {
            last = await GetAsync(path);
            if (last.Status == status)
            {
                return last.Body;
            }

            Assert.True(DateTime.UtcNow < deadline, $"{path} still answers {(int)last.Status} {last.Body} after {timeout.TotalSeconds} s (waiting for {(int)status})");
            await Task.Delay(100);
        }
    }

    /// <summary>The <c>/metrics</c> samples: series (name with labels, as written) → value.</summary>
    public async Task<Dictionary<string, double>> ScrapeAsync()
    {
        var (status, body) = await GetAsync("/metrics");
        Assert.Equal(HttpStatusCode.OK, status);
        return ParseSamples(body);
    }

    /// <summary>Parses Prometheus text format sample lines (comments skipped; a trailing timestamp is not expected).</summary>
    public static Dictionary<string, double> ParseSamples(string text)
    {
        var samples = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var line in text.Split('\n'))
        {
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            var space = line.LastIndexOf(' ');
            var value = line[(space + 1)..] switch
            {
                "+Inf" => double.PositiveInfinity,
                "-Inf" => double.NegativeInfinity,
                var v => double.Parse(v, NumberStyles.Float, CultureInfo.InvariantCulture),
            };
            samples[line[..space]] = value;
        }

        return samples;
    }

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        using var timeout = new CancellationTokenSource(StepTimeout);
        await _host.StopAsync(timeout.Token);
        _host.Dispose();
    }
}
