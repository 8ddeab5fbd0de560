using System.Runtime.CompilerServices;

namespace Vdr.RedisStream.Replication;

/// <summary>Groups the items of an async sequence for handing over through a channel.</summary>
public static class AsyncBatches
{
    /// <summary>
    /// Batches of <paramref name="source"/>'s items: a batch ends when the next item is not ready yet (nothing waits
    /// for a batch to fill), or at <paramref name="maxItems"/> items, or once its items' <paramref name="size"/> reach
    /// <paramref name="maxBytes"/>. One channel operation per item costs more than the items' own work. Each batch
    /// comes with its items' total size, so a consumer that bounds memory need not measure them again.
    /// </summary>
    public static async IAsyncEnumerable<(List<T> Items, long Bytes)> BatchAsync<T>(this IAsyncEnumerable<T> source, int maxItems, long maxBytes, Func<T, long> size, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var items = source.GetAsyncEnumerator(cancellationToken);
        await using (items.ConfigureAwait(false))
        {
            // Each batch starts with room for as many items as the one before: a full batch never grows its list
            // step by step, and a trickle of single items does not reserve room for maxItems.
            var batch = new List<T>();
            long bytes = 0;
            while (true)
            {
                var next = items.MoveNextAsync();
                if (!next.IsCompleted && batch.Count > 0)
                {
                    yield return (batch, bytes);
                    batch = new List<T>(Math.Min(maxItems, batch.Count));
                    bytes = 0;
                }

                if (!await next.ConfigureAwait(false))
                {
                    break;
                }

                batch.Add(items.Current);
                bytes += size(items.Current);
                if (batch.Count >= maxItems || bytes >= maxBytes)
                {
                    yield return (batch, bytes);
                    batch = new List<T>(Math.Min(maxItems, batch.Count));
                    bytes = 0;
                }
            }

            if (batch.Count > 0)
            {
                yield return (batch, bytes);
            }
        }
    }
}
