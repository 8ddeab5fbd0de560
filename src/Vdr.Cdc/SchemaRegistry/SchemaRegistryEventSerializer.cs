using System.Collections.Concurrent;
using System.Reflection;
using Confluent.SchemaRegistry;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using Vdr.Cdc.Events;
using Vdr.Cdc.Events.Framing;
using Vdr.Cdc.Events.V1;

namespace Vdr.Cdc.SchemaRegistry;

/// <summary>
/// Values in the Confluent Protobuf wire format. The ChangeEvent schema (its .proto text, embedded in this assembly)
/// is registered once per subject <c>&lt;topic&gt;-value</c> (TopicNameStrategy) with its imports registered as
/// references (subject = import path), through Confluent.SchemaRegistry's caching client; ids are cached per topic.
/// </summary>
public sealed class SchemaRegistryEventSerializer : IEventSerializer, IDisposable
{
    private static readonly int[] ChangeEventPath = [0];
    private readonly CachedSchemaRegistryClient _client;
    private readonly ConcurrentDictionary<string, int> _schemaIds = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, SchemaReference> _references = new(StringComparer.Ordinal);

    public SchemaRegistryEventSerializer(SchemaRegistryOptions options)
    {
        var config = new SchemaRegistryConfig
        {
            Url = options.Url,
            RequestTimeoutMs = (int)options.RequestTimeout.TotalMilliseconds,
        };
        if (options.ResolveBasicAuthUserInfo() is { Length: > 0 } userInfo)
        {
            config.BasicAuthCredentialsSource = AuthCredentialsSource.UserInfo;
            config.BasicAuthUserInfo = userInfo;
        }

        _client = new CachedSchemaRegistryClient(config);
    }

    /// <summary>The schema id registered for a topic's value subject (after <see cref="PrepareTopicAsync"/>).</summary>
    public int SchemaIdOf(string topic) => _schemaIds[topic];

    public async Task PrepareTopicAsync(string topic, CancellationToken cancellationToken)
    {
        if (_schemaIds.ContainsKey(topic))
        {
            return;
        }

        var file = ChangeEvent.Descriptor.File;
        var references = await RegisterDependenciesAsync(file, cancellationToken).ConfigureAwait(false);
        var schema = new Schema(ProtoText(file.Name), references, SchemaType.Protobuf);
        var id = await _client.RegisterSchemaAsync(topic + "-value", schema).WaitAsync(cancellationToken).ConfigureAwait(false);
        _schemaIds[topic] = id;
    }

    public byte[] Serialize(string topic, ChangeEvent change)
    {
        var bytes = Array.Empty<byte>();
        var size = Serialize(topic, change, ref bytes);
        return size == bytes.Length ? bytes : bytes[..size];
    }

    public int Serialize(string topic, ChangeEvent change, ref byte[] buffer)
    {
        var payloadSize = change.CalculateSize();
        var headerLength = WriteHeader(topic, payloadSize, ref buffer);
        change.WriteTo(buffer.AsSpan(headerLength, payloadSize));
        return headerLength + payloadSize;
    }

    public int Serialize(string topic, SnapshotReadEvent read, ref byte[] buffer)
    {
        var headerLength = WriteHeader(topic, read.CalculateSize(), ref buffer);
        read.WriteTo(buffer.AsSpan(headerLength));
        return headerLength + read.CalculateSize();
    }

    /// <summary>Makes room for the framing and a payload of <paramref name="payloadSize"/> bytes, writes the framing, returns its length.</summary>
    private int WriteHeader(string topic, int payloadSize, ref byte[] buffer)
    {
        if (!_schemaIds.TryGetValue(topic, out var schemaId))
        {
            throw new InvalidOperationException($"the schema of topic {topic} was not registered (PrepareTopicAsync was not called)");
        }

        var headerLength = ConfluentWireFormat.HeaderLength(ChangeEventPath);
        SerializationBuffer.EnsureCapacity(ref buffer, headerLength + payloadSize);
        ConfluentWireFormat.WriteHeader(buffer, schemaId, ChangeEventPath);
        return headerLength;
    }

    public void Dispose() => _client.Dispose();

    private async Task<List<SchemaReference>> RegisterDependenciesAsync(FileDescriptor file, CancellationToken cancellationToken)
    {
        var references = new List<SchemaReference>();
        foreach (var dependency in file.Dependencies)
        {
            if (!_references.TryGetValue(dependency.Name, out var reference))
            {
                var nested = await RegisterDependenciesAsync(dependency, cancellationToken).ConfigureAwait(false);
                var schema = new Schema(ProtoText(dependency.Name), nested, SchemaType.Protobuf);
                await _client.RegisterSchemaAsync(dependency.Name, schema).WaitAsync(cancellationToken).ConfigureAwait(false);
                var registered = await _client.LookupSchemaAsync(dependency.Name, schema, ignoreDeletedSchemas: true).WaitAsync(cancellationToken).ConfigureAwait(false);
                reference = new SchemaReference(dependency.Name, dependency.Name, registered.Version);
                _references[dependency.Name] = reference;
            }

            references.Add(reference);
        }

        return references;
    }

    /// <summary>The .proto source of a contract file (embedded at build time from proto/).</summary>
    internal static string ProtoText(string protoPath)
    {
        var resource = "proto/" + protoPath;
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream(resource)
            ?? throw new InvalidOperationException($"the contract file {protoPath} is not embedded in {typeof(SchemaRegistryEventSerializer).Assembly.GetName().Name}");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
