using Google.Protobuf;
using Vdr.Cdc.Events.Framing;
using Vdr.Cdc.Events.V1;

namespace Vdr.Cdc.Events.Consuming;

/// <summary>
/// Turns the value of a connector's Kafka record into a <see cref="ChangeEvent"/>, whatever the framing: raw
/// Protobuf (a serialized ChangeEvent never starts with a 0 byte: field tags start at 1) or the Confluent Schema
/// Registry wire format (magic 0, 4-byte schema id, message-index array that must name ChangeEvent, the first message
/// of its file). A null value is a tombstone. Anything else throws <see cref="ChangeEventRecordException"/> naming the
/// record: <see cref="RecordProblem.NotAChangeEvent"/> for bytes that are not an event, and
/// <see cref="RecordProblem.FutureVersion"/> for an event this reader cannot interpret safely: a contract version
/// above <see cref="SupportedContractVersion"/>, or an enum value it does not know (a new op, control kind, snapshot
/// marker or key role). Unknown fields alone are accepted: adding fields is the compatible way to extend the contract.
/// </summary>
public static class ChangeEventDecoder
{
    /// <summary>The highest <c>Source.contract_version</c> this library understands (0 counts as 1).</summary>
    public const uint SupportedContractVersion = 1;

    /// <summary>Decodes one record; throws <see cref="ChangeEventRecordException"/> for a value that is not a usable event.</summary>
    public static DecodedRecord Decode(RecordLocation location, byte[]? key, ReadOnlySpan<byte> value, bool isNull) => Decode(location, key, value, isNull, null);

    /// <summary>Decodes one record given as arrays (a null value is a tombstone); the record keeps the value array.</summary>
    public static DecodedRecord Decode(RecordLocation location, byte[]? key, byte[]? value) => Decode(location, key, value, value is null, value);

    private static DecodedRecord Decode(RecordLocation location, byte[]? key, ReadOnlySpan<byte> value, bool isNull, byte[]? array)
    {
        if (isNull)
        {
            return new DecodedRecord(location, key, null, ValueFraming.None);
        }

        if (value.IsEmpty)
        {
            throw new ChangeEventRecordException(location, RecordProblem.NotAChangeEvent, "the value is empty (a tombstone has a null value)");
        }

        var framing = ValueFraming.Protobuf;
        int? schemaId = null;
        if (value[0] == ConfluentWireFormat.MagicByte)
        {
            int[] indexes;
            int headerLength;
            try
            {
                (var id, indexes, headerLength) = ConfluentWireFormat.ReadHeader(value);
                schemaId = id;
            }
            catch (FormatException e)
            {
                throw new ChangeEventRecordException(location, RecordProblem.NotAChangeEvent, e.Message, e);
            }

            if (indexes is not [0])
            {
                throw new ChangeEventRecordException(location, RecordProblem.NotAChangeEvent,
                    $"the Schema Registry message-index path [{string.Join(", ", indexes)}] does not name ChangeEvent (expected [0])");
            }

            framing = ValueFraming.SchemaRegistry;
            value = value[headerLength..];
        }

        ChangeEvent change;
        try
        {
            change = ChangeEvent.Parser.ParseFrom(value);
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new ChangeEventRecordException(location, RecordProblem.NotAChangeEvent, $"{value.Length} bytes do not parse as a ChangeEvent ({e.Message})", e);
        }

        Validate(location, change);
        return new DecodedRecord(location, key, change, framing, schemaId, array);
    }

    private static void Validate(RecordLocation location, ChangeEvent change)
    {
        if (change.Source is not { } source)
        {
            throw new ChangeEventRecordException(location, RecordProblem.NotAChangeEvent, "the value parses as Protobuf but has no source (every change event has one)");
        }

        if (source.ContractVersion > SupportedContractVersion)
        {
            throw new ChangeEventRecordException(location, RecordProblem.FutureVersion,
                $"contract version {source.ContractVersion}; this reader supports up to {SupportedContractVersion} (upgrade the consumer)");
        }

        Known(location, "op", change.Op);
        Known(location, "source.snapshot", source.Snapshot);
        if (change.Control is { } control)
        {
            Known(location, "control.kind", control.Kind);
        }

        if (change.Command is { } command)
        {
            Known(location, "command.key_role", command.KeyRole);
        }

        if (change.Op == Op.Unspecified)
        {
            throw new ChangeEventRecordException(location, RecordProblem.NotAChangeEvent, "op is OP_UNSPECIFIED (never produced)");
        }
    }

    private static void Known<T>(RecordLocation location, string field, T value)
        where T : struct, Enum
    {
        if (!Enum.IsDefined(value))
        {
            throw new ChangeEventRecordException(location, RecordProblem.FutureVersion,
                $"{field} has the value {Convert.ToInt32(value, System.Globalization.CultureInfo.InvariantCulture)}, unknown to this reader (upgrade the consumer)");
        }
    }
}
