namespace Vdr.Cdc.Events;

/// <summary>The reusable value buffer of <see cref="IEventSerializer.Serialize(string, V1.ChangeEvent, ref byte[])"/>.</summary>
public static class SerializationBuffer
{
    /// <summary>Replaces <paramref name="buffer"/> by an exactly sized array when it is empty, or by a doubled one when it is too small.</summary>
    public static void EnsureCapacity(ref byte[] buffer, int size)
    {
        if (buffer.Length >= size)
        {
            return;
        }

        buffer = buffer.Length == 0 ? new byte[size] : new byte[Math.Max(size, (int)Math.Min(Array.MaxLength, buffer.Length * 2L))];
    }
}
