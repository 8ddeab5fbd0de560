using Vdr.RedisStream.Replication;

namespace Vdr.RedisStream.Hosting;

/// <summary>Where the hosted replica starts (null: full sync).</summary>
public sealed record ReplicaStartPosition(ReplicationPosition? Position);
