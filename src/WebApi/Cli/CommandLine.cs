using System.CommandLine;
using System.Data.Common;
using AbParts.Infrastructure;
using AppValidationException = AbParts.Application.Common.Exceptions.ValidationException;
using ConflictException = AbParts.Application.Common.Exceptions.ConflictException;
using DependencyUnavailableException = AbParts.Application.Common.Exceptions.DependencyUnavailableException;
using InsufficientStorageException = AbParts.Application.Common.Exceptions.InsufficientStorageException;
using NotFoundException = AbParts.Application.Common.Exceptions.NotFoundException;

namespace AbParts.WebApi.Cli;

/// <summary>How a verb ends, for scripts.</summary>
public static class ExitCodes
{
    public const int Success = 0;

    /// <summary>Some items (or the whole verb) failed; the output names them.</summary>
    public const int Failed = 1;

    /// <summary>The command line or its values were wrong; nothing was done.</summary>
    public const int Usage = 2;
}

/// <summary>
/// The product's command-line verbs (<c>./build/abparts …</c>), one group per file in this folder. They
/// read the same configuration as the service: appsettings.json, then environment variables such as
/// <c>ConnectionStrings__Default</c> and <c>ABPARTS_DATA_DIR</c>, and act on the same data whether or not
/// the service runs.
/// </summary>
public static class CommandLine
{
    private static readonly string[] HelpOptions = ["-h", "-?", "--help", "--version"];

    /// <summary>A verb or a help request; anything else (no arguments, <c>--urls=…</c>) starts the service.</summary>
    public static bool IsCommand(string[] args) =>
        args is [var first, ..] && (!first.StartsWith('-') || HelpOptions.Contains(first));

    public static async Task<int> RunAsync(string[] args)
    {
        var root = new RootCommand("AbParts Media command-line tools.")
        {
            DatabaseCommands.Create(),
            UserCommands.Create(),
            TokenCommands.Create(),
            MediaCommands.Create(),
            ImageCommands.Create(),
            BackupCommands.Create(),
        };
        var parsed = root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            await parsed.InvokeAsync(); // prints the errors and the verb's help
            return ExitCodes.Usage;
        }

        return await parsed.InvokeAsync();
    }

    /// <summary>
    /// Runs <paramref name="action"/> with the service's application and infrastructure services (and what
    /// <paramref name="configure"/> adds), turning expected failures into exit codes and one line on stderr.
    /// </summary>
    public static async Task<int> RunWithServicesAsync(Func<IServiceProvider, CancellationToken, Task<int>> action,
        CancellationToken cancellationToken, Action<IServiceCollection, IConfiguration>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(action);
        try
        {
            var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
            {
                ContentRootPath = AppContext.BaseDirectory,
            });
            builder.Logging.ClearProviders().AddSimpleConsole(o => o.SingleLine = true)
                .AddFilter(level => level >= LogLevel.Warning); // verbs print their own outcome
            builder.Services.AddApplication().AddInfrastructure(builder.Configuration);
            configure?.Invoke(builder.Services, builder.Configuration);
            using var host = builder.Build();
            await using var scope = host.Services.CreateAsyncScope();
            return await action(scope.ServiceProvider, cancellationToken);
        }
        catch (AppValidationException e)
        {
            await Console.Error.WriteLineAsync(string.Join(Environment.NewLine,
                e.Errors.SelectMany(f => f.Value.Select(message => $"{f.Key}: {message}"))));
            return ExitCodes.Usage;
        }
        catch (NotFoundException e)
        {
            await Console.Error.WriteLineAsync($"error: {e.Message}");
            return ExitCodes.Usage;
        }
        catch (Exception e) when (e is DependencyUnavailableException or InsufficientStorageException)
        {
            // The use cases' ports translate database failures and a full disk; the innermost cause says how it failed
            // (for a full disk, in which file).
            await Console.Error.WriteLineAsync($"error: {e.Message} ({e.GetBaseException().Message})");
            return ExitCodes.Failed;
        }
        catch (Exception e) when (e is ConflictException or InvalidOperationException or DbException)
        {
            // DbException: what the migrator (not a use case, so untranslated) fails with, whatever the provider.
            await Console.Error.WriteLineAsync($"error: {e.Message}");
            return ExitCodes.Failed;
        }
    }

    /// <summary>A value given blank counts as not given.</summary>
    internal static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;

    /// <summary>The data directory the service would use, for verbs that keep files of their own.</summary>
    internal static string DataDirectoryOf(IServiceProvider services) => DataDirectory.Resolve(services.GetRequiredService<IConfiguration>());
}
