using System.Net;
using Microsoft.AspNetCore.HttpOverrides;

namespace AbParts.WebApi;

/// <summary>
/// X-Forwarded-For and X-Forwarded-Proto are believed only from the proxies that configuration names
/// (<c>Network:KnownProxies</c>, addresses; <c>Network:KnownNetworks</c>, CIDR networks). Nothing is trusted by default,
/// not even loopback (ADR 0025): a deployment behind nginx on the same host sets <c>Network:KnownProxies</c> to 127.0.0.1.
/// </summary>
public static class TrustedProxies
{
    public const string KnownProxiesKey = "Network:KnownProxies";
    public const string KnownNetworksKey = "Network:KnownNetworks";

    public static IServiceCollection AddTrustedProxies(this IServiceCollection services, IConfiguration configuration)
    {
        var proxies = configuration.GetSection(KnownProxiesKey).Get<string[]>() ?? [];
        var networks = configuration.GetSection(KnownNetworksKey).Get<string[]>() ?? [];
        var parsedProxies = proxies.Select(p => IPAddress.TryParse(p, out var address)
            ? address
            : throw new InvalidOperationException($"{KnownProxiesKey} holds '{p}', which is not an IP address.")).ToList();
        var parsedNetworks = networks.Select(n => System.Net.IPNetwork.TryParse(n, out var network)
            ? network
            : throw new InvalidOperationException($"{KnownNetworksKey} holds '{n}', which is not a CIDR network.")).ToList();
        return services.Configure<ForwardedHeadersOptions>(options =>
        {
            // With both lists empty the middleware would believe any peer, so then it reads no header at all.
            options.ForwardedHeaders = parsedProxies.Count + parsedNetworks.Count == 0
                ? ForwardedHeaders.None
                : ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            options.KnownProxies.Clear();
            options.KnownIPNetworks.Clear();
            // Both lists start with loopback; only what configuration names is trusted.
            // ASPDEPR005: KnownNetworks is obsolete in .NET 10 (KnownIPNetworks replaces it), yet the middleware still
            // reads it and it still starts with loopback, so it must be emptied too; the warning is silenced for this line only.
#pragma warning disable ASPDEPR005
            options.KnownNetworks.Clear();
#pragma warning restore ASPDEPR005
            foreach (var proxy in parsedProxies)
            {
                options.KnownProxies.Add(proxy);
            }

            foreach (var network in parsedNetworks)
            {
                options.KnownIPNetworks.Add(network);
            }
        });
    }
}
