using Microsoft.OpenApi;

namespace AbParts.WebApi.OpenApi;

public static class OpenApiSetup
{
    public const string DocumentPath = "/openapi/v1.json";

    public const string UiPath = "/swagger";

    /// <summary><c>OpenApi:Enabled</c> (default true): whether the document and its UI are served at all.</summary>
    public static bool IsEnabled(IConfiguration configuration) => configuration.GetValue("OpenApi:Enabled", true);

    /// <summary>The OpenAPI document, describing bearer authentication for every operation.</summary>
    public static IServiceCollection AddAbPartsOpenApi(this IServiceCollection services) =>
        services.AddOpenApi(options => options.AddDocumentTransformer((document, _, _) =>
        {
            document.Info = new OpenApiInfo
            {
                Title = "AbParts Media",
                Version = "v1",
                Description = "Images in PostgreSQL, videos on disk or S3. Authenticate with POST /auth/token.",
            };
            document.Components ??= new OpenApiComponents();
            document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
            document.Components.SecuritySchemes["Bearer"] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.Http,
                Scheme = "bearer",
                BearerFormat = "JWT",
                Description = "A token from POST /auth/token.",
            };
            document.Security ??= [];
            document.Security.Add(new OpenApiSecurityRequirement
            {
                [new OpenApiSecuritySchemeReference("Bearer", document)] = [],
            });
            return Task.CompletedTask;
        }));

    /// <summary>The document at <see cref="DocumentPath"/>, open to anyone, unless <c>OpenApi:Enabled</c> is false.</summary>
    public static WebApplication MapAbPartsOpenApi(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        if (IsEnabled(app.Configuration))
        {
            app.MapOpenApi(DocumentPath).AllowAnonymous();
        }

        return app;
    }

    /// <summary>Swagger UI at <c>/swagger</c>: static files, so it goes before authorization in the pipeline.</summary>
    public static WebApplication UseAbPartsSwaggerUi(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        if (!IsEnabled(app.Configuration))
        {
            return app;
        }

        // Only under its path, as the web console: the UI's middleware matches every request against regexes.
        app.UseWhen(context => context.Request.Path.StartsWithSegments(UiPath), ui => ui.UseSwaggerUI(options =>
        {
            options.SwaggerEndpoint(DocumentPath, "AbParts Media v1");
            options.RoutePrefix = UiPath.TrimStart('/');
            options.DocumentTitle = "AbParts Media API";
        }));
        return app;
    }
}
