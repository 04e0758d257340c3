using System.CommandLine;
using AbParts.Application.Users;
using MediatR;

namespace AbParts.WebApi.Cli;

/// <summary><c>users ensure-super-admin</c> and <c>users create</c>.</summary>
internal static class UserCommands
{
    public static Command Create() => new("users", "User administration.") { EnsureSuperAdmin(), CreateUser() };

    private static Command EnsureSuperAdmin()
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
        ensure.SetAction((parse, cancellationToken) => CommandLine.RunWithServicesAsync(async (services, ct) =>
        {
            var command = new EnsureSuperAdminCommand(
                CommandLine.Blank(parse.GetValue(username) ?? Environment.GetEnvironmentVariable("ABPARTS_ADMIN_USERNAME")),
                CommandLine.Blank(parse.GetValue(password) ?? Environment.GetEnvironmentVariable("ABPARTS_ADMIN_PASSWORD")),
                parse.GetValue(organization)!);
            var result = await services.GetRequiredService<IMediator>().Send(command, ct);
            Console.WriteLine(Describe(result, command.OrganizationName));
            return ExitCodes.Success;
        }, cancellationToken));
        return ensure;
    }

    private static Command CreateUser()
    {
        var username = new Option<string>("--username") { Required = true, Description = "The new user's username." };
        var password = new Option<string?>("--password")
        {
            Description = "The password (default: $ABPARTS_USER_PASSWORD; a command line is visible to other local users).",
        };
        var organization = new Option<Guid>("--organization-id") { Required = true, Description = "The organization's id." };
        var role = new Option<string>("--role")
        {
            Description = "user, admin or super_admin.",
            DefaultValueFactory = _ => "user",
        };
        var create = new Command("create", "Create a user; prints the new user's id.") { username, password, organization, role };
        create.SetAction((parse, cancellationToken) => CommandLine.RunWithServicesAsync(async (services, ct) =>
        {
            var user = await services.GetRequiredService<IMediator>().Send(new CreateUserCommand(parse.GetValue(username)!,
                CommandLine.Blank(parse.GetValue(password) ?? Environment.GetEnvironmentVariable("ABPARTS_USER_PASSWORD")) ?? string.Empty,
                parse.GetValue(organization), parse.GetValue(role)!), ct);
            Console.WriteLine(user.Id);
            return ExitCodes.Success;
        }, cancellationToken));
        return create;
    }

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
}
