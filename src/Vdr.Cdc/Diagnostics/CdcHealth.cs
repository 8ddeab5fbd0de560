namespace Vdr.Cdc.Diagnostics;

/// <summary>The outcome of a health evaluation of <see cref="CdcTelemetry"/>: healthy or not, and why (no secrets, no values).</summary>
public readonly record struct CdcHealth(bool IsHealthy, string Description);
