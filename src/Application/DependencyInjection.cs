using System.Text.Json;
using AbParts.Application.Common.Abstractions;
using AbParts.Application.Common.Behaviors;
using AbParts.Application.Common.Mappings;
using AutoMapper;
using FluentValidation;
using MediatR;

namespace Microsoft.Extensions.DependencyInjection;

public static class ApplicationDependencyInjection
{
    /// <summary>Registers the mediator, the pipeline (logging, validation, transaction), handlers, validators, mappings and the storage policy.</summary>
    public static IServiceCollection AddApplication(this IServiceCollection services)
    {
        var assembly = typeof(ApplicationDependencyInjection).Assembly;

        // MediatR 5.1 (the version that restores here) has no DI extension: wire it by hand.
        services.AddScoped<ServiceFactory>(provider => provider.GetRequiredService);
        services.AddScoped<IMediator, Mediator>();
        services.AddTransient(typeof(IPipelineBehavior<,>), typeof(LoggingBehavior<,>));
        services.AddTransient(typeof(IPipelineBehavior<,>), typeof(ValidationBehavior<,>));
        services.AddTransient(typeof(IPipelineBehavior<,>), typeof(TransactionBehavior<,>));
        services.AddSingleton<StoragePolicy>();
        services.AddScoped<AbParts.Application.Images.ImageStorage>();
        services.AddScoped<AbParts.Application.Images.ImageVersions>();
        services.AddScoped<AbParts.Application.Videos.VideoStorage>();
        services.AddScoped<AbParts.Application.Files.ChatFileAccess>();
        services.AddScoped<AbParts.Application.Files.ChatFileRemoval>();
        services.AddScoped<AbParts.Application.Users.UserAdministration>();
        RegisterClosedImplementations(services, assembly, typeof(IRequestHandler<,>), ServiceLifetime.Transient);
        RegisterClosedImplementations(services, assembly, typeof(IValidator<>), ServiceLifetime.Singleton);

        // A rule stops at its first failure, so a later check never sees a value an earlier one refused
        // (a missing field would otherwise reach .Trim() and fail as a 500).
        ValidatorOptions.Global.DefaultRuleLevelCascadeMode = CascadeMode.Stop;

        // Messages name fields as clients send them: 'part_number', not 'Part Number'.
        ValidatorOptions.Global.DisplayNameResolver = (_, member, _) =>
            member is null ? null : JsonNamingPolicy.SnakeCaseLower.ConvertName(member.Name);

        services.AddAutoMapper(MappingConfiguration.AddProfiles);
        return services;
    }

    private static void RegisterClosedImplementations(IServiceCollection services, System.Reflection.Assembly assembly,
        Type openInterface, ServiceLifetime lifetime)
    {
        var implementations = assembly.GetTypes().Where(t => t is { IsClass: true, IsAbstract: false, IsGenericTypeDefinition: false });
        foreach (var type in implementations)
        {
            foreach (var contract in type.GetInterfaces()
                         .Where(i => i.IsGenericType && i.GetGenericTypeDefinition() == openInterface))
            {
                services.Add(new ServiceDescriptor(contract, type, lifetime));
            }
        }
    }
}
