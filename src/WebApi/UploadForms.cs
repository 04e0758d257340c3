using AbParts.Infrastructure.Storage;
using AbParts.WebApi.Endpoints;
using Microsoft.AspNetCore.Http.Features;

namespace AbParts.WebApi;

/// <summary>
/// A full disk while ASP.NET Core buffers an upload's form (in the upload spool, see <see cref="WebApp"/>) is a 507 like
/// any other (ADR 0037). Minimal API binding answers every <see cref="IOException"/> from reading a form with an empty
/// 400, as if the client had sent a broken body; the form feature of an upload route is therefore wrapped, so that
/// reading it throws <see cref="Application.Common.Exceptions.InsufficientStorageException"/> instead, which binding
/// leaves to the exception handler.
/// </summary>
public static class UploadForms
{
    /// <summary>After routing, so the route's form options apply: wraps the form feature of upload routes (<see cref="UploadRoutes"/>).</summary>
    public static WebApplication UseUploadForms(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.Use((context, next) =>
        {
            // Asking for the content type makes the request's form feature, with the route's form options.
            if (context.GetEndpoint()?.Metadata.GetMetadata<UploadRoutes.Marker>() is not null && context.Request.HasFormContentType)
            {
                context.Features.Set<IFormFeature>(new DiskFullFormFeature(context.Features.GetRequiredFeature<IFormFeature>()));
            }

            return next(context);
        });
        return app;
    }

    /// <summary>The request's own form feature, with a full disk translated by <see cref="DiskErrors"/>.</summary>
    private sealed class DiskFullFormFeature(IFormFeature inner) : IFormFeature
    {
        public bool HasFormContentType => inner.HasFormContentType;

        public IFormCollection? Form
        {
            get => inner.Form;
            set => inner.Form = value;
        }

        public IFormCollection ReadForm()
        {
            try
            {
                return inner.ReadForm();
            }
            catch (IOException exception) when (DiskErrors.Translate(exception) is { } full)
            {
                throw full;
            }
        }

        public async Task<IFormCollection> ReadFormAsync(CancellationToken cancellationToken)
        {
            try
            {
                return await inner.ReadFormAsync(cancellationToken);
            }
            catch (IOException exception) when (DiskErrors.Translate(exception) is { } full)
            {
                throw full;
            }
        }
    }
}
