using System.Globalization;
using System.Text.Json;
using Google.Protobuf;
using Google.Protobuf.Collections;
using Vdr.Cdc.Events.V1;
using Vdr.Cdc.Host.Output;

namespace Vdr.Cdc.Host.Commands;

/// <summary>
/// One change event as one JSON line (the <c>vdr-cdc tail</c> contract):
/// <c>{"topic":T,"partition":P,"offset":O,"op":"read|upsert|delete|truncate|control",
/// "source":{"replid":R,"offset":N,"end_offset":N,"index":I,"db":D,"snapshot":"true|first|last|false|none","epoch":E,"connector":C},
/// "key":&lt;bstr&gt;,"value":&lt;v&gt;,"chunk":{"index":I,"last":B},"expire_at_ms":N,
/// "command":{"name":N,"args":[&lt;bstr&gt;...],"role":"key|source|destination","split":B,"in_transaction":B},
/// "control":{"kind":K,...},"ts_ms":N}</c>; absent parts are left out. Values are encoded as by <c>vdr-cdc rdb</c>:
/// string = &lt;bstr&gt;, list/set = [&lt;bstr&gt;...], zset = [[member, score]...], hash = [[field, value(, expire_at_ms)]...],
/// stream = {"entries":[[id, [[field, value]...]]...]} or the metadata {"length":N,"last_id":I,"groups":[...]}.
/// A tombstone is <c>{"topic":T,"partition":P,"offset":O,"tombstone":true,"key":&lt;bstr&gt;}</c>.
/// </summary>
internal static class TailEventJson
{
    public static void WriteTombstone(Utf8JsonWriter json, string topic, int partition, long offset, byte[]? key)
    {
        json.WriteStartObject();
        WriteLocation(json, topic, partition, offset);
        json.WriteBoolean("tombstone"u8, true);
        if (key is not null)
        {
            JsonBytes.WriteProperty(json, "key", key);
        }

        json.WriteEndObject();
    }

    public static void WriteEvent(Utf8JsonWriter json, string topic, int partition, long offset, ChangeEvent e)
    {
        json.WriteStartObject();
        WriteLocation(json, topic, partition, offset);
        json.WriteString("op"u8, Name(e.Op.ToString()));
        json.WriteStartObject("source"u8);
        json.WriteString("replid"u8, e.Source.ReplicationId);
        json.WriteNumber("offset"u8, e.Source.Offset);
        json.WriteNumber("end_offset"u8, e.Source.EndOffset);
        json.WriteNumber("index"u8, e.Source.Index);
        json.WriteNumber("db"u8, e.Source.Db);
        json.WriteString("snapshot"u8, Name(e.Source.Snapshot.ToString()));
        json.WriteNumber("epoch"u8, e.Source.SnapshotEpoch);
        json.WriteString("connector"u8, e.Source.Connector);
        json.WriteEndObject();
        if (!e.Key.IsEmpty)
        {
            JsonBytes.WriteProperty(json, "key", e.Key.Span);
        }

        if (e.ValueCase != ChangeEvent.ValueOneofCase.None)
        {
            json.WritePropertyName("value"u8);
            WriteValue(json, e);
            json.WriteStartObject("chunk"u8);
            json.WriteNumber("index"u8, e.ChunkIndex);
            json.WriteBoolean("last"u8, e.LastChunk);
            json.WriteEndObject();
        }

        if (e.HasExpireAtMs)
        {
            json.WriteNumber("expire_at_ms"u8, e.ExpireAtMs);
        }

        if (e.Command is { } command)
        {
            json.WriteStartObject("command"u8);
            json.WriteString("name"u8, command.Name);
            json.WriteStartArray("args"u8);
            foreach (var arg in command.Args)
            {
                JsonBytes.WriteValue(json, arg.Span);
            }

            json.WriteEndArray();
            if (command.KeyRole != KeyRole.Unspecified)
            {
                json.WriteString("role"u8, Name(command.KeyRole.ToString()));
            }

            json.WriteBoolean("split"u8, command.Split);
            json.WriteBoolean("in_transaction"u8, command.InTransaction);
            json.WriteEndObject();
        }

        if (e.Control is { } control)
        {
            json.WriteStartObject("control"u8);
            json.WriteString("kind"u8, Name(control.Kind.ToString()));
            if (control.Dbs.Count > 0)
            {
                json.WriteStartArray("dbs"u8);
                foreach (var db in control.Dbs)
                {
                    json.WriteNumberValue(db);
                }

                json.WriteEndArray();
            }

            if (control.Kind == ControlKind.SnapshotEnd)
            {
                json.WriteNumber("key_count"u8, control.KeyCount);
            }

            if (!control.Payload.IsEmpty)
            {
                JsonBytes.WriteProperty(json, "payload", control.Payload.Span);
            }

            json.WriteEndObject();
        }

        json.WriteNumber("ts_ms"u8, e.TsMs);
        json.WriteEndObject();
    }

    private static void WriteLocation(Utf8JsonWriter json, string topic, int partition, long offset)
    {
        json.WriteString("topic"u8, topic);
        json.WriteNumber("partition"u8, partition);
        json.WriteNumber("offset"u8, offset);
    }

    private static void WriteValue(Utf8JsonWriter json, ChangeEvent e)
    {
        switch (e.ValueCase)
        {
            case ChangeEvent.ValueOneofCase.StringValue:
                JsonBytes.WriteValue(json, e.StringValue.Data.Span);
                break;
            case ChangeEvent.ValueOneofCase.ListValue:
                WriteArray(json, e.ListValue.Items);
                break;
            case ChangeEvent.ValueOneofCase.SetValue:
                WriteArray(json, e.SetValue.Members);
                break;
            case ChangeEvent.ValueOneofCase.SortedSetValue:
                json.WriteStartArray();
                foreach (var member in e.SortedSetValue.Members)
                {
                    json.WriteStartArray();
                    JsonBytes.WriteValue(json, member.Member.Span);
                    JsonBytes.WriteScore(json, member.Score);
                    json.WriteEndArray();
                }

                json.WriteEndArray();
                break;
            case ChangeEvent.ValueOneofCase.HashValue:
                json.WriteStartArray();
                foreach (var field in e.HashValue.Fields)
                {
                    json.WriteStartArray();
                    JsonBytes.WriteValue(json, field.Field.Span);
                    JsonBytes.WriteValue(json, field.Value.Span);
                    if (field.HasExpireAtMs)
                    {
                        json.WriteNumberValue(field.ExpireAtMs);
                    }

                    json.WriteEndArray();
                }

                json.WriteEndArray();
                break;
            case ChangeEvent.ValueOneofCase.StreamValue:
                WriteStream(json, e.StreamValue);
                break;
            case ChangeEvent.ValueOneofCase.ModuleValue:
                json.WriteStartObject();
                json.WriteString("module"u8, e.ModuleValue.ModuleName);
                json.WriteNumber("skipped_bytes"u8, e.ModuleValue.SkippedBytes);
                json.WriteEndObject();
                break;
        }
    }

    private static void WriteStream(Utf8JsonWriter json, StreamValue stream)
    {
        json.WriteStartObject();
        if (stream.Metadata is { } meta)
        {
            json.WriteNumber("length"u8, meta.Length);
            json.WriteString("last_id"u8, Id(meta.LastId));
            json.WriteStartArray("groups"u8);
            foreach (var group in meta.Groups)
            {
                json.WriteStartObject();
                JsonBytes.WriteProperty(json, "name", group.Name.Span);
                json.WriteString("last_delivered_id"u8, Id(group.LastDeliveredId));
                json.WriteNumber("pending"u8, group.Pending.Count);
                json.WriteNumber("consumers"u8, group.Consumers.Count);
                json.WriteEndObject();
            }

            json.WriteEndArray();
        }
        else
        {
            json.WriteStartArray("entries"u8);
            foreach (var entry in stream.Entries)
            {
                json.WriteStartArray();
                json.WriteStringValue(Id(entry.Id));
                json.WriteStartArray();
                foreach (var field in entry.Fields)
                {
                    json.WriteStartArray();
                    JsonBytes.WriteValue(json, field.Field.Span);
                    JsonBytes.WriteValue(json, field.Value.Span);
                    json.WriteEndArray();
                }

                json.WriteEndArray();
                json.WriteEndArray();
            }

            json.WriteEndArray();
        }

        json.WriteEndObject();
    }

    private static void WriteArray(Utf8JsonWriter json, RepeatedField<ByteString> items)
    {
        json.WriteStartArray();
        foreach (var item in items)
        {
            JsonBytes.WriteValue(json, item.Span);
        }

        json.WriteEndArray();
    }

    private static string Id(StreamId? id) => id is null ? "0-0" : string.Create(CultureInfo.InvariantCulture, $"{id.Ms}-{id.Seq}");

    /// <summary>"SnapshotBegin" → "snapshot_begin" (enum names as lower snake case).</summary>
    private static string Name(string pascal)
    {
        var builder = new System.Text.StringBuilder(pascal.Length + 4);
        for (var i = 0; i < pascal.Length; i++)
        {
            if (char.IsUpper(pascal[i]) && i > 0)
            {
                builder.Append('_');
            }

            builder.Append(char.ToLowerInvariant(pascal[i]));
        }

        return builder.ToString();
    }
}
