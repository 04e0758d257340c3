using AbParts.Application.Common.Abstractions;
using MediatR;

namespace AbParts.Application.Common.Behaviors;

/// <summary>
/// Marks a command whose whole handler is database work (rows and PostgreSQL-stored bytes) that must commit
/// or roll back together. A command that processes media is not marked: it does that work with no
/// transaction open, then writes inside <see cref="UnitOfWorkExtensions.InTransactionAsync{T}"/> (ADR 0016).
/// </summary>
#pragma warning disable CA1040 // a marker is the point: the behaviour below reacts to it
public interface ITransactionalRequest;
#pragma warning restore CA1040

/// <summary>Runs an <see cref="ITransactionalRequest"/> in one database transaction; any failure rolls everything back.</summary>
public sealed class TransactionBehavior<TRequest, TResponse>(IUnitOfWork unitOfWork)
    : IPipelineBehavior<TRequest, TResponse>
{
    public Task<TResponse> Handle(TRequest request, CancellationToken cancellationToken,
        RequestHandlerDelegate<TResponse> next)
    {
        ArgumentNullException.ThrowIfNull(next);
        return request is ITransactionalRequest
            ? unitOfWork.InTransactionAsync(() => next(), cancellationToken)
            : next();
    }
}
