namespace Vdr.Cdc.Configuration;

/// <summary>What <see cref="CdcConfigurationLoader.Load"/> found: valid options, or the problems (each naming its key).</summary>
public sealed record CdcConfigurationResult(CdcOptions? Options, IReadOnlyList<string> Errors)
{
    public bool IsValid => Options is not null && Errors.Count == 0;
}
