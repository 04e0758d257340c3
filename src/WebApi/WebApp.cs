using AbParts.Infrastructure.Persistence;
using AbParts.Infrastructure.Storage;
using AbParts.WebApi.Endpoints;
using AbParts.WebApi.OpenApi;
using Microsoft.AspNetCore.Hosting;

namespace AbParts.WebApi;

/// <summary>Builds the HTTP service. Program.cs and the functional tests share it.</summary>
public static class WebApp
{
    public const string DefaultUrl = "http://127.0.0.1:5080";

    /// <summary>
    /// ASP.NET Core buffers multipart bodies over 64 KB on disk, in <c>ASPNETCORE_TEMP</c> or else the system's temp
    /// folder, before an upload endpoint reads them. In the upload spool instead, a body half-received when the
    /// process is killed is removed by the orphan sweep rather than left in /tmp. A variable already set wins: ASP.NET Core
    /// reads it once per process, so a process hosting several instances (the functional tests) sets it itself.
    /// </summary>
    private static void BufferUploadsInTheSpool(IConfiguration configuration)
    {
        if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable("ASPNETCORE_TEMP")))
        {
            var spool = FileUploadSpool.FolderOf(configuration);
            Directory.CreateDirectory(spool);
            Environment.SetEnvironmentVariable("ASPNETCORE_TEMP", spool);
        }
    }

    public static WebApplication Build(string[] args)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = args,
            ContentRootPath = AppContext.BaseDirectory,
            WebRootPath = WebConsole.WebRoot,
        });
        var apiUrls = builder.Configuration[WebHostDefaults.ServerUrlsKey];
        builder.WebHost.UseUrls(MetricsSetup.ListeningUrls(builder.Configuration,
            string.IsNullOrWhiteSpace(apiUrls) ? DefaultUrl : apiUrls));

        builder.WebHost.ConfigureKestrel(kestrel => kestrel.AddServerHeader = false);
        BufferUploadsInTheSpool(builder.Configuration);
        builder.Logging.ClearProviders().AddJsonConsole(options =>
        {
            options.UseUtcTimestamp = true;
            options.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ ";
        });

        builder.Services
            .AddApplication()
            .AddInfrastructure(builder.Configuration)
            .AddWebApi(builder.Configuration);

        var app = builder.Build();
        // First, so that everything after it (limits, logs, metrics) sees the client's address and scheme.
        app.UseForwardedHeaders();
        app.UseSecurityHeaders();
        app.UseAbPartsMetrics();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseAbPartsSwaggerUi();
        app.UseWebConsole();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseRateLimiter();
        app.UseGracefulShutdown();
        app.UseUploadForms();

        app.MapAbPartsOpenApi();
        app.MapHealthEndpoints();
        app.MapAuthEndpoints();
        app.MapOrganizationsEndpoints();
        app.MapUsersEndpoints();
        app.MapPartsEndpoints();
        app.MapImagesEndpoints();
        app.MapUploadsEndpoints();
        app.MapVideosEndpoints();
        app.MapChatEndpoints();
        return app;
    }

    /// <summary>Applies migrations before serving when <c>Database:ApplyMigrationsOnStartup</c> is true.</summary>
    public static async Task MigrateIfConfiguredAsync(this WebApplication app, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(app);
        if (app.Configuration.GetValue("Database:ApplyMigrationsOnStartup", false))
        {
            await using var scope = app.Services.CreateAsyncScope();
            await scope.ServiceProvider.GetRequiredService<DatabaseMigrator>().MigrateAsync(cancellationToken);
        }
    }
}
