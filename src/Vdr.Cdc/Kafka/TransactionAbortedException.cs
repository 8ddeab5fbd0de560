namespace Vdr.Cdc.Kafka;

/// <summary>
/// The open transaction had to be aborted (Kafka said TxnRequiresAbort); everything since the last commit is
/// discarded and the pipeline resumes from the last committed position.
/// </summary>
public sealed class TransactionAbortedException : Exception
{
    public TransactionAbortedException(string message)
        : base(message)
    {
    }

    public TransactionAbortedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
