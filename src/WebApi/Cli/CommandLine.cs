using System.CommandLine;
using System.Data.Common;
using AbParts.Application.Users;
using AbParts.Infrastructure.Persistence;
using MediatR;
using AppValidationException = AbParts.Application.Common.Exceptions.ValidationException;
using ConflictException = AbParts.Application.Common.Exceptions.ConflictException;
using DependencyUnavailableException = AbParts.Application.Common.Exceptions.DependencyUnavailableException;

namespace AbParts.WebApi.Cli;

/// <summary>
/// The product's command-line verbs (<c>./build/abparts …</c>). They read the same configuration as
/// the service: appsettings.json, then environment variables such as <c>ConnectionStrings__Default</c>
/// and <c>ABPARTS_DATA_DIR</c>.
/// </summary>
public static class CommandLine
{
    private static readonly string[] HelpOptions = ["-h", "-?", "--help", "--version"];

    /// <summary>A verb or a help request; anything else (no arguments, <c>--urls=…</c>) starts the service.</summary>
    public static bool IsCommand(string[] args) =>
        args is [var first, ..] && (!first.StartsWith('-') || HelpOptions.Contains(first));

    public static Task<int> RunAsync(string[] args)
    {
        var root = new RootCommand("AbParts Media command-line tools.");
        root.Subcommands.Add(DatabaseCommand());
        root.Subcommands.Add(UsersCommand());
        root.Subcommands.Add(MediaCommand());
        return root.Parse(args).InvokeAsync();
    }

    private static Command DatabaseCommand()
    {
        var migrate = new Command("migrate", "Apply pending migrations. Safe to repeat and to run from several processes at once.");
        migrate.SetAction((_, cancellationToken) => RunWithServicesAsync(async (services, ct) =>
        {
            var applied = await services.GetRequiredService<DatabaseMigrator>().MigrateAsync(ct);
            Console.WriteLine(applied.Count == 0
                ? "The database schema is current."
                : $"Applied {applied.Count} migration(s): {string.Join(", ", applied)}.");
            return 0;
        }, cancellationToken));
        var db = new Command("db", "Database maintenance.");
        db.Subcommands.Add(migrate);
        return db;
    }

    private static Command MediaCommand()
    {
        var sweep = new Command("sweep",
            "Remove leftovers older than Storage:Sweep:MinAge: spooled uploads, and stored objects no row references.");
        sweep.SetAction((_, cancellationToken) => RunWithServicesAsync(async (services, ct) =>
        {
            var report = await services.GetRequiredService<IMediator>().Send(new AbParts.Application.Storage.SweepOrphansCommand(), ct);
            Console.WriteLine($"Removed {report.SpooledFiles} spooled upload(s), {report.VideoObjects} video object(s), " +
                              $"{report.ImageObjects} image object(s) and {report.FileObjects} chat file object(s).");
            return 0;
        }, cancellationToken));
        var media = new Command("media", "Media store maintenance.");
        media.Subcommands.Add(sweep);
        return media;
    }

    private static Command UsersCommand()
    {
        var username = new Option<string?>("--username")
        {
            Description = "Super-admin username (default: $ABPARTS_ADMIN_USERNAME, else 'admin' while no super admin exists).",
        };
        var password = new Option<string?>("--password")
        {
            Description = "Password to set (default: $ABPARTS_ADMIN_PASSWORD, else one is generated and printed once).",
        };
        var organization = new Option<string>("--organization")
        {
            Description = "Organization of a newly created super admin.",
            DefaultValueFactory = _ => Environment.GetEnvironmentVariable("ABPARTS_ADMIN_ORGANIZATION")
                                       ?? EnsureSuperAdminCommand.DefaultOrganizationName,
        };
        var ensure = new Command("ensure-super-admin", "Create the first super admin, or reset a named super admin's password.")
        {
            username, password, organization,
        };
        ensure.SetAction((parse, cancellationToken) => RunWithServicesAsync(async (services, ct) =>
        {
            var command = new EnsureSuperAdminCommand(
                Blank(parse.GetValue(username) ?? Environment.GetEnvironmentVariable("ABPARTS_ADMIN_USERNAME")),
                Blank(parse.GetValue(password) ?? Environment.GetEnvironmentVariable("ABPARTS_ADMIN_PASSWORD")),
                parse.GetValue(organization)!);
            var result = await services.GetRequiredService<IMediator>().Send(command, ct);
            Console.WriteLine(Describe(result, command.OrganizationName));
            return 0;
        }, cancellationToken));
        var users = new Command("users", "User administration.");
        users.Subcommands.Add(ensure);
        return users;
    }

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;

    private static string Describe(EnsureSuperAdminResult result, string organization) => result switch
    {
        { Outcome: SuperAdminOutcome.Created, GeneratedPassword: { } generated } =>
            $"""
             Created super admin '{result.Username}' in organization '{organization}'.
               username: {result.Username}
               password: {generated}
             This password is shown once; store it now. Set ABPARTS_ADMIN_PASSWORD to choose your own.
             """,
        { Outcome: SuperAdminOutcome.Created } =>
            $"Created super admin '{result.Username}' in organization '{organization}' with the given password.",
        { Outcome: SuperAdminOutcome.PasswordReset } =>
            $"Reset the password of super admin '{result.Username}' to the given one.",
        _ => $"Super admin '{result.Username}' exists; nothing changed.",
    };

    /// <summary>Runs <paramref name="action"/> with the service's DI container, turning expected failures into exit codes.</summary>
    private static async Task<int> RunWithServicesAsync(Func<IServiceProvider, CancellationToken, Task<int>> action,
        CancellationToken cancellationToken)
    {
        try
        {
            var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
            {
                ContentRootPath = AppContext.BaseDirectory,
            });
            builder.Logging.ClearProviders().AddSimpleConsole(o => o.SingleLine = true)
                .AddFilter(level => level >= LogLevel.Warning); // commands print their own outcome
            builder.Services.AddApplication().AddInfrastructure(builder.Configuration);
            using var host = builder.Build();
            await using var scope = host.Services.CreateAsyncScope();
            return await action(scope.ServiceProvider, cancellationToken);
        }
        catch (AppValidationException e)
        {
            await Console.Error.WriteLineAsync(string.Join(Environment.NewLine,
                e.Errors.SelectMany(f => f.Value.Select(message => $"{f.Key}: {message}"))));
            return 2;
        }
        catch (DependencyUnavailableException e)
        {
            // The use cases' ports translate database failures; the innermost cause says how it failed.
            await Console.Error.WriteLineAsync($"error: {e.Message} ({e.GetBaseException().Message})");
            return 1;
        }
        catch (Exception e) when (e is ConflictException or InvalidOperationException or DbException)
        {
            // DbException: what the migrator (not a use case, so untranslated) fails with, whatever the provider.
            await Console.Error.WriteLineAsync($"error: {e.Message}");
            return 1;
        }
    }
}
