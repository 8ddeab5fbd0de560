using Vdr.RedisStream.Rdb.Encodings;

namespace Vdr.RedisStream.Rdb;

// Module values (type 7), MODULE_AUX, KEY_META and Valkey SLOT_IMPORT: skipped through their self-describing layout.
public sealed partial class RdbReader
{
    private const int ModuleOpEof = 0;
    private const int ModuleOpSInt = 1;
    private const int ModuleOpUInt = 2;
    private const int ModuleOpFloat = 3;
    private const int ModuleOpDouble = 4;
    private const int ModuleOpString = 5;

    private async ValueTask<RdbRecord?> ReadModuleValueAsync()
    {
        var valueOffset = BytesConsumed;
        var id = await ReadLengthAsync("module type id").ConfigureAwait(false);
        var name = ModuleId.Name(id);
        await SkipModuleOpcodesAsync($"module value of type {name}").ConfigureAwait(false);
        return LastOfValue(new RdbModuleValue(name, id, BytesConsumed - valueOffset));
    }

    private async ValueTask<RdbModuleAux> ReadModuleAuxAsync()
    {
        var id = await ReadLengthAsync("MODULE_AUX module id").ConfigureAwait(false);
        var name = ModuleId.Name(id);
        var whenOffset = BytesConsumed;
        var whenOpcode = await ReadLengthAsync("MODULE_AUX when opcode").ConfigureAwait(false);
        if (whenOpcode != ModuleOpUInt)
        {
            Fail($"MODULE_AUX of {name}: expected the 'when' field as UINT opcode 2, found opcode {whenOpcode}", whenOffset);
        }

        var when = await ReadLengthAsync("MODULE_AUX when").ConfigureAwait(false);
        await SkipModuleOpcodesAsync($"MODULE_AUX data of {name}").ConfigureAwait(false);
        return new RdbModuleAux(name, id, when);
    }

    /// <summary>Skips a module opcode stream (SINT, UINT, FLOAT, DOUBLE, STRING) up to its EOF opcode.</summary>
    private async ValueTask SkipModuleOpcodesAsync(string what)
    {
        while (true)
        {
            var offset = BytesConsumed;
            var opcode = await ReadLengthAsync($"{what}: opcode").ConfigureAwait(false);
            switch (opcode)
            {
                case ModuleOpEof:
                    return;
                case ModuleOpSInt or ModuleOpUInt:
                    await ReadLengthAsync($"{what}: integer").ConfigureAwait(false);
                    break;
                case ModuleOpFloat:
                    await SkipAsync(4, $"{what}: float").ConfigureAwait(false);
                    break;
                case ModuleOpDouble:
                    await SkipAsync(8, $"{what}: double").ConfigureAwait(false);
                    break;
                case ModuleOpString:
                    await SkipStringAsync($"{what}: string").ConfigureAwait(false);
                    break;
                default:
                    Fail($"{what}: unknown module opcode {opcode} (expected 0-5)", offset);
                    break;
            }
        }
    }

    /// <summary>Redis 8.6+ KEY_META (opcode 243 in RDB 13+): class count, then per class 4 bytes and an opcode stream.</summary>
    private async ValueTask SkipKeyMetadataAsync()
    {
        var classes = await ReadLengthAsync("KEY_META class count").ConfigureAwait(false);
        for (ulong i = 0; i < classes; i++)
        {
            await SkipAsync(4, "KEY_META class spec").ConfigureAwait(false);
            await SkipModuleOpcodesAsync("KEY_META class data").ConfigureAwait(false);
        }
    }

    /// <summary>Valkey 9 SLOT_IMPORT (opcode 243 in VALKEY files): job name, range count, start/end per range.</summary>
    private async ValueTask SkipSlotImportAsync()
    {
        await SkipStringAsync("SLOT_IMPORT job name").ConfigureAwait(false);
        var ranges = await ReadLengthAsync("SLOT_IMPORT range count").ConfigureAwait(false);
        for (ulong i = 0; i < ranges; i++)
        {
            await ReadLengthAsync("SLOT_IMPORT range start").ConfigureAwait(false);
            await ReadLengthAsync("SLOT_IMPORT range end").ConfigureAwait(false);
        }
    }
}
