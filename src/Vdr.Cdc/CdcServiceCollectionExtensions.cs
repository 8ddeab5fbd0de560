using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Vdr.Cdc.Configuration;

namespace Vdr.Cdc;

/// <summary>The DI entry point of the connector.</summary>
public static class CdcServiceCollectionExtensions
{
    /// <summary>
    /// Adds the connector: <see cref="CdcOptions"/> bound from configuration section <c>Vdr:Cdc</c> (then
    /// <paramref name="configure"/>) and validated when the host starts (<see cref="CdcOptionsValidation"/>: a bad
    /// value stops the start with an <see cref="OptionsValidationException"/> naming each key), the
    /// <see cref="RedisCdcConnector"/>, and the hosted <see cref="RedisCdcWorker"/>.
    /// </summary>
    public static IServiceCollection AddRedisCdc(this IServiceCollection services, Action<CdcOptions>? configure = null)
    {
        var builder = services.AddOptions<CdcOptions>().BindConfiguration(CdcOptions.SectionName).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<CdcOptions>, CdcOptionsValidation>());
        if (configure is not null)
        {
            builder.Configure(configure);
        }

        services.AddSingleton<RedisCdcConnector>();
        services.AddHostedService<RedisCdcWorker>();
        return services;
    }
}
