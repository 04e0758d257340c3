using System.Text.Json;
using AbParts.Application.Common.Security;
using AbParts.Infrastructure;
using AbParts.WebApi;
using AbParts.WebApi.Auth;
using AbParts.WebApi.Endpoints;
using AbParts.WebApi.ErrorHandling;
using AbParts.WebApi.OpenApi;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

public static class WebApiDependencyInjection
{
    /// <summary>Registers HTTP concerns: JSON conventions, ProblemDetails, bearer authentication, role policies, trusted proxies, sign-in limits, OpenAPI.</summary>
    public static IServiceCollection AddWebApi(this IServiceCollection services, IConfiguration configuration)
    {
        services.ConfigureHttpJsonOptions(options =>
        {
            options.SerializerOptions.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower;
            options.SerializerOptions.DictionaryKeyPolicy = null;
        });
        // Image workers run this service's own executable (its image-worker verb), wherever it was loaded from.
        services.PostConfigure<AbParts.Infrastructure.Imaging.ImageWorkerOptions>(options =>
        {
            if (string.IsNullOrEmpty(options.WorkerAssembly))
            {
                options.WorkerAssembly = typeof(WebApp).Assembly.Location;
            }
        });
        // Malformed JSON or query values reach the exception handler, which answers with ProblemDetails.
        services.Configure<RouteHandlerOptions>(options => options.ThrowOnBadRequest = true);
        services.AddProblemDetails(options => options.CustomizeProblemDetails = context =>
        {
            var problem = context.ProblemDetails;
            var status = problem.Status ?? context.HttpContext.Response.StatusCode;
            if (problem.Type is null || problem.Type.StartsWith("https://tools.ietf.org", StringComparison.Ordinal))
            {
                problem.Type = ProblemTypes.ForStatus(status);
            }

            problem.Instance ??= context.HttpContext.Request.Path;
            problem.Extensions["trace_id"] = context.HttpContext.TraceIdentifier;
            problem.Extensions.Remove("traceId");
        });
        services.AddExceptionHandler<ProblemDetailsExceptionHandler>();

        services.AddHttpContextAccessor();
        services.AddScoped<ICurrentUser, HttpCurrentUser>();
        services.AddAccessTokens(configuration);
        services.AddSignedUrls(configuration);
        services.AddAuthentication(BearerAuthentication.SchemeName)
            .AddAbPartsBearer()
            .AddScheme<AuthenticationSchemeOptions, SignedUrlAuthenticationHandler>(SignedUrlAuthenticationHandler.SchemeName, null);
        services.AddAuthorizationBuilder()
            .SetFallbackPolicy(new Microsoft.AspNetCore.Authorization.AuthorizationPolicyBuilder()
                .RequireAuthenticatedUser().Build())
            .AddPolicy(Policies.SuperAdmin, policy => policy.RequireRole(Policies.SuperAdmin))
            .AddPolicy(Policies.MediaReader, policy => policy
                .AddAuthenticationSchemes(SignedUrlAuthenticationHandler.SchemeName, BearerAuthentication.SchemeName)
                .RequireAuthenticatedUser());
        services.AddTrustedProxies(configuration);
        services.AddRateLimits(configuration);
        services.AddGracefulShutdown(configuration);
        services.AddSingleton<ImageCache>();
        services.AddAbPartsOpenApi();
        services.AddHostedService<SweepService>();
        services.AddSingleton<VideoPlaybackCache>();
        services.AddAbPartsMetrics(configuration);
        return services;
    }

    private static void AddSignedUrls(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<SignedUrlOptions>()
            .Bind(configuration.GetSection(SignedUrlOptions.SectionName))
            .PostConfigure(options =>
            {
                if (string.IsNullOrEmpty(options.Key))
                {
                    options.Key = DataDirectory.LoadOrCreateSecret(configuration, "signed-url-key");
                }
            })
            .ValidateDataAnnotations()
            .Validate(options => System.Text.Encoding.UTF8.GetByteCount(options.Key ?? string.Empty) >= JwtOptions.MinKeyBytes,
                $"{SignedUrlOptions.SectionName}:Key must be at least {JwtOptions.MinKeyBytes} bytes.")
            .ValidateOnStart();
        services.AddSingleton<UrlSigner>();
        services.AddSingleton<ImageLinkSigner>();
    }

    /// <summary>The JWT settings and the token issuer: what sign-in and the <c>token issue</c> verb need.</summary>
    public static IServiceCollection AddAccessTokens(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<JwtOptions>()
            .Bind(configuration.GetSection(JwtOptions.SectionName))
            .PostConfigure(options =>
            {
                if (string.IsNullOrEmpty(options.SigningKey))
                {
                    options.SigningKey = DataDirectory.LoadOrCreateSecret(configuration, "jwt-signing-key");
                }
            })
            .ValidateDataAnnotations()
            .Validate(options => options.SigningKeyBytes().Length >= JwtOptions.MinKeyBytes,
                $"{JwtOptions.SectionName}:SigningKey must be at least {JwtOptions.MinKeyBytes} bytes (256 bits) for HS256.")
            .ValidateOnStart();
        services.AddSingleton<IAccessTokenIssuer, JwtTokenIssuer>();
        return services;
    }
}
