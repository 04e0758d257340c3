using AbParts.WebApi;
using AbParts.WebApi.Cli;

// `AbParts.WebApi db migrate` and the other verbs run a command; anything else serves HTTP.
if (CommandLine.IsCommand(args))
{
    return await CommandLine.RunAsync(args);
}

var app = WebApp.Build(args);
await app.MigrateIfConfiguredAsync(CancellationToken.None);
await app.RunAsync();
return 0;
