using System.ComponentModel.DataAnnotations;
using Vdr.Cdc.Configuration;

namespace Vdr.Cdc.SchemaRegistry;

/// <summary>Optional Confluent Schema Registry (section <c>Vdr:Cdc:SchemaRegistry</c>); unset URL = raw Protobuf values.</summary>
public sealed class SchemaRegistryOptions
{
    /// <summary>Registry URL(s), comma-separated. When set, values use the Confluent Protobuf wire format.</summary>
    public string? Url { get; set; }

    /// <summary>Basic auth <c>user:password</c>, when the registry needs it.</summary>
    public string? BasicAuthUserInfo { get; set; }

    /// <summary>File holding the basic auth <c>user:password</c> (a mounted secret), read at start; one trailing newline is ignored.</summary>
    public string? BasicAuthUserInfoFile { get; set; }

    /// <summary>Request timeout. Default 30 s.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:10:00")]
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary><see cref="BasicAuthUserInfo"/>, else the content of <see cref="BasicAuthUserInfoFile"/>, else null.</summary>
    public string? ResolveBasicAuthUserInfo() => BasicAuthUserInfo ?? SecretFile.ReadOptional(BasicAuthUserInfoFile);
}
