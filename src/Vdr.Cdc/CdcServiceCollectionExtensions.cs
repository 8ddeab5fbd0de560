using Microsoft.Extensions.DependencyInjection;

namespace Vdr.Cdc;

/// <summary>The DI entry point of the connector.</summary>
public static class CdcServiceCollectionExtensions
{
    /// <summary>
    /// Adds the connector: <see cref="CdcOptions"/> bound from configuration section <c>Vdr:Cdc</c> (then
    /// <paramref name="configure"/>), the <see cref="RedisCdcConnector"/>, and the hosted <see cref="RedisCdcWorker"/>.
    /// </summary>
    public static IServiceCollection AddRedisCdc(this IServiceCollection services, Action<CdcOptions>? configure = null)
    {
        var builder = services.AddOptions<CdcOptions>().BindConfiguration(CdcOptions.SectionName);
        if (configure is not null)
        {
            builder.Configure(configure);
        }

        services.AddSingleton<RedisCdcConnector>();
        services.AddHostedService<RedisCdcWorker>();
        return services;
    }
}
