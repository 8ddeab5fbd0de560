using Microsoft.Extensions.Options;

namespace Vdr.Cdc.Configuration;

/// <summary>
/// The source-generated validator of the DataAnnotations attributes on <see cref="CdcOptions"/> and the option
/// classes below it (<c>[ValidateObjectMembers]</c>, <c>[ValidateEnumeratedItems]</c>). Cross-field rules are in
/// <see cref="CdcOptionsRules"/>.
/// </summary>
[OptionsValidator]
public sealed partial class CdcOptionsValidator : IValidateOptions<CdcOptions>
{
}
