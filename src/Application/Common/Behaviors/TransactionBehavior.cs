using AbParts.Application.Common.Abstractions;
using MediatR;

namespace AbParts.Application.Common.Behaviors;

/// <summary>Marks a command whose writes (rows and PostgreSQL-stored bytes) must commit or roll back together.</summary>
#pragma warning disable CA1040 // a marker is the point: the behaviour below reacts to it
public interface ITransactionalRequest;
#pragma warning restore CA1040

/// <summary>Runs an <see cref="ITransactionalRequest"/> in one database transaction; any failure rolls everything back.</summary>
public sealed class TransactionBehavior<TRequest, TResponse>(IUnitOfWork unitOfWork)
    : IPipelineBehavior<TRequest, TResponse>
{
    public async Task<TResponse> Handle(TRequest request, CancellationToken cancellationToken,
        RequestHandlerDelegate<TResponse> next)
    {
        ArgumentNullException.ThrowIfNull(next);
        if (request is not ITransactionalRequest)
        {
            return await next();
        }

        await using var transaction = await unitOfWork.BeginTransactionAsync(cancellationToken);
        var response = await next();
        if (transaction is not null)
        {
            await transaction.CommitAsync(cancellationToken);
        }

        return response;
    }
}
