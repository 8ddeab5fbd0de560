using System.Reflection;
using System.Runtime.InteropServices;
using Confluent.Kafka;

namespace Vdr.Cdc.Kafka;

/// <summary>
/// The copy of librdkafka that Confluent.Kafka loaded, for the few exported functions its API does not expose
/// (the mock cluster, produce through a topic handle), and the <c>rd_kafka_t</c> behind a Confluent client.
/// </summary>
internal static class LibrdkafkaNative
{
    private static readonly Lazy<IntPtr> Library = new(() => NativeLibrary.Load(LoadedLibraryPath()));

    /// <summary>The address of an exported librdkafka function.</summary>
    public static IntPtr Export(string name) => NativeLibrary.GetExport(Library.Value, name);

    /// <summary>The <c>rd_kafka_t*</c> of a Confluent.Kafka client (valid while the client is not disposed).</summary>
    public static IntPtr RawHandle(IClient client)
    {
        var handle = client.Handle;
        var property = handle.GetType().GetProperty("LibrdkafkaHandle", BindingFlags.Instance | BindingFlags.NonPublic | BindingFlags.Public)
            ?? throw new InvalidOperationException("Confluent.Kafka's Handle has no LibrdkafkaHandle property (library changed?)");
        var safeHandle = (SafeHandle)(property.GetValue(handle) ?? throw new InvalidOperationException("no librdkafka handle"));
        return safeHandle.DangerousGetHandle();
    }

    /// <summary>The path of the librdkafka shared library Confluent.Kafka loaded (so we bind to the same copy).</summary>
    private static string LoadedLibraryPath()
    {
        if (File.Exists("/proc/self/maps"))
        {
            foreach (var line in File.ReadLines("/proc/self/maps"))
            {
                var index = line.IndexOf('/', StringComparison.Ordinal);
                if (index >= 0 && line.Contains("librdkafka", StringComparison.Ordinal))
                {
                    return line[index..];
                }
            }
        }

        throw new InvalidOperationException("librdkafka is not loaded in this process (/proc/self/maps has no librdkafka)");
    }
}
