namespace Vdr.Cdc.SchemaRegistry;

/// <summary>Optional Confluent Schema Registry (section <c>Vdr:Cdc:SchemaRegistry</c>); unset URL = raw Protobuf values.</summary>
public sealed class SchemaRegistryOptions
{
    /// <summary>Registry URL(s), comma-separated. When set, values use the Confluent Protobuf wire format.</summary>
    public string? Url { get; set; }

    /// <summary>Basic auth <c>user:password</c>, when the registry needs it.</summary>
    public string? BasicAuthUserInfo { get; set; }

    /// <summary>Request timeout. Default 30 s.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(30);
}
