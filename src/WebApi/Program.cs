using AbParts.Infrastructure.Imaging;
using AbParts.WebApi;
using AbParts.WebApi.Cli;

// `AbParts.WebApi image-worker …` is an image worker process, started by the service itself (ADR 0017).
if (args is [ImageWorker.Verb, .. var workerArguments])
{
    return await ImageWorker.RunAsync(workerArguments);
}

// `AbParts.WebApi db migrate` and the other verbs run a command; anything else serves HTTP.
if (CommandLine.IsCommand(args))
{
    return await CommandLine.RunAsync(args);
}

var app = WebApp.Build(args);
await app.MigrateIfConfiguredAsync(CancellationToken.None);
await app.RunAsync();
return 0;
