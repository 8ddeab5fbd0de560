using System.Runtime.InteropServices;
using Confluent.Kafka;

namespace Vdr.Cdc.Kafka;

/// <summary>
/// librdkafka's built-in mock Kafka cluster (<c>rd_kafka_mock_cluster_new</c>; used by the demo and the tests), held open by a private producer for as
/// long as this object lives. Other clients (producers, consumers, the CLI) connect to it through
/// <see cref="BootstrapServers"/>. Topics are auto-created with 4 partitions on first use; <see cref="CreateTopic"/>
/// creates one with a chosen partition count through librdkafka's exported mock API (the admin API times out
/// against the mock). Known limitation of the mock: read_committed consumers still see aborted records.
/// </summary>
public sealed class MockKafkaCluster : IDisposable
{
    private readonly IProducer<byte[], byte[]> _holder;
    private readonly IntPtr _mockCluster;
    private readonly MockTopicCreate _topicCreate;
    private readonly MockClusterDestroy _destroy;
    private readonly MockPushRequestErrors _pushErrors;
    private readonly int _brokers;
    private bool _disposed;

    private MockKafkaCluster(IProducer<byte[], byte[]> holder, IntPtr mockCluster, MockTopicCreate topicCreate, MockClusterDestroy destroy, MockPushRequestErrors pushErrors, string bootstrapServers, int brokers)
    {
        _brokers = brokers;
        _pushErrors = pushErrors;
        _destroy = destroy;
        _holder = holder;
        _mockCluster = mockCluster;
        _topicCreate = topicCreate;
        BootstrapServers = bootstrapServers;
    }

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    private delegate IntPtr MockClusterNew(IntPtr rk, int brokerCount);

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    private delegate void MockClusterDestroy(IntPtr mcluster);

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    private delegate void MockPushRequestErrors(IntPtr mcluster, short apiKey, nuint count, int[] errors);

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    private delegate int MockBrokerSetRtt(IntPtr mcluster, int brokerId, int rttMs);

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    private delegate IntPtr MockClusterBootstraps(IntPtr mcluster);

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    private delegate int MockTopicCreate(IntPtr mcluster, [MarshalAs(UnmanagedType.LPUTF8Str)] string topic, int partitionCount, int replicationFactor);

    /// <summary>Comma-separated host:port list of the mock brokers.</summary>
    public string BootstrapServers { get; }

    /// <summary>"librdkafka mock cluster (3 brokers at ...)": for test output, so every run says which Kafka it used.</summary>
    public string Description => $"librdkafka mock cluster at {BootstrapServers}";

    public static MockKafkaCluster Start(int brokers = 3)
    {
        // The holder never sends anything; its handle only owns the mock cluster's thread.
        var config = new ProducerConfig { BootstrapServers = "127.0.0.1:1" };
        var holder = new ProducerBuilder<byte[], byte[]>(config).SetLogHandler((_, _) => { }).Build();
        try
        {
            var rk = LibrdkafkaNative.RawHandle(holder);
            var clusterNew = Marshal.GetDelegateForFunctionPointer<MockClusterNew>(LibrdkafkaNative.Export("rd_kafka_mock_cluster_new"));
            var bootstraps = Marshal.GetDelegateForFunctionPointer<MockClusterBootstraps>(LibrdkafkaNative.Export("rd_kafka_mock_cluster_bootstraps"));
            var destroy = Marshal.GetDelegateForFunctionPointer<MockClusterDestroy>(LibrdkafkaNative.Export("rd_kafka_mock_cluster_destroy"));
            var pushErrors = Marshal.GetDelegateForFunctionPointer<MockPushRequestErrors>(LibrdkafkaNative.Export("rd_kafka_mock_push_request_errors_array"));
            var topicCreate = Marshal.GetDelegateForFunctionPointer<MockTopicCreate>(LibrdkafkaNative.Export("rd_kafka_mock_topic_create"));
            var mcluster = clusterNew(rk, brokers);
            if (mcluster == IntPtr.Zero)
            {
                throw new InvalidOperationException("rd_kafka_mock_cluster_new failed");
            }

            var servers = Marshal.PtrToStringUTF8(bootstraps(mcluster));
            if (string.IsNullOrEmpty(servers))
            {
                destroy(mcluster);
                throw new InvalidOperationException("the mock cluster reported no bootstrap servers");
            }

            return new MockKafkaCluster(holder, mcluster, topicCreate, destroy, pushErrors, servers, brokers);
        }
        catch
        {
            holder.Dispose();
            throw;
        }
    }

    /// <summary>Creates a topic with <paramref name="partitions"/> partitions (fails if it exists already).</summary>
    public void CreateTopic(string topic, int partitions, int replicationFactor = 1)
    {
        var error = _topicCreate(_mockCluster, topic, partitions, replicationFactor);
        if (error != 0)
        {
            throw new InvalidOperationException($"rd_kafka_mock_topic_create({topic}, {partitions}) failed with librdkafka error {error} ({(ErrorCode)error})");
        }
    }

    /// <summary>
    /// Makes the next requests of Kafka API <paramref name="apiKey"/> (0 Produce, 24 AddPartitionsToTxn, 26 EndTxn...)
    /// fail with the given errors, one per request, in order: how tests obtain what the mock does not do by itself
    /// (it does not fence an older producer epoch, for instance).
    /// </summary>
    public void PushRequestErrors(short apiKey, params ErrorCode[] errors) =>
        _pushErrors(_mockCluster, apiKey, (nuint)errors.Length, [.. errors.Select(e => (int)e)]);

    /// <summary>
    /// Delays every response of every mock broker by <paramref name="rttMs"/> milliseconds
    /// (<c>rd_kafka_mock_broker_set_rtt</c>): how a benchmark or test gets brokers that are far away.
    /// </summary>
    public void SetRoundTripTime(int rttMs)
    {
        var setRtt = Marshal.GetDelegateForFunctionPointer<MockBrokerSetRtt>(LibrdkafkaNative.Export("rd_kafka_mock_broker_set_rtt"));
        for (var broker = 1; broker <= _brokers; broker++)
        {
            var error = setRtt(_mockCluster, broker, rttMs);
            if (error != 0)
            {
                throw new InvalidOperationException($"rd_kafka_mock_broker_set_rtt({broker}, {rttMs}) failed with librdkafka error {error} ({(ErrorCode)error})");
            }
        }
    }

    /// <summary>Stops the mock brokers (clients still connected to them see the brokers go down).</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _destroy(_mockCluster);
        _holder.Dispose();
    }
}
