using AbParts.Application.Common.Abstractions;
using AbParts.Application.Common.Behaviors;
using MediatR;
using Moq;

namespace AbParts.Application.UnitTests.Common;

public sealed class TransactionBehaviorTests
{
    private sealed record Transactional : IRequest<int>, ITransactionalRequest;

    private sealed record Plain : IRequest<int>;

    private readonly Mock<IUnitOfWork> _unitOfWork = new();
    private readonly Mock<IUnitOfWorkTransaction> _transaction = new();

    public TransactionBehaviorTests() =>
        _unitOfWork.Setup(u => u.BeginTransactionAsync(It.IsAny<CancellationToken>())).ReturnsAsync(_transaction.Object);

    [Fact]
    public async Task CommitsATransactionalRequestThatSucceeds()
    {
        var behavior = new TransactionBehavior<Transactional, int>(_unitOfWork.Object);

        var result = await behavior.Handle(new Transactional(), CancellationToken.None, () => Task.FromResult(7));

        result.Should().Be(7);
        _transaction.Verify(t => t.CommitAsync(It.IsAny<CancellationToken>()), Times.Once);
        _transaction.Verify(t => t.DisposeAsync(), Times.Once);
    }

    [Fact]
    public async Task DisposesWithoutCommittingWhenTheHandlerFails()
    {
        var behavior = new TransactionBehavior<Transactional, int>(_unitOfWork.Object);

        var handling = () => behavior.Handle(new Transactional(), CancellationToken.None,
            () => Task.FromException<int>(new InvalidOperationException("boom")));

        await handling.Should().ThrowAsync<InvalidOperationException>();
        _transaction.Verify(t => t.CommitAsync(It.IsAny<CancellationToken>()), Times.Never);
        _transaction.Verify(t => t.DisposeAsync(), Times.Once);
    }

    [Fact]
    public async Task LeavesOtherRequestsAlone()
    {
        var behavior = new TransactionBehavior<Plain, int>(_unitOfWork.Object);

        await behavior.Handle(new Plain(), CancellationToken.None, () => Task.FromResult(1));

        _unitOfWork.Verify(u => u.BeginTransactionAsync(It.IsAny<CancellationToken>()), Times.Never);
    }

    [Fact]
    public async Task JoinsAnOuterTransactionWithoutCommittingIt()
    {
        _unitOfWork.Setup(u => u.BeginTransactionAsync(It.IsAny<CancellationToken>())).ReturnsAsync((IUnitOfWorkTransaction?)null);
        var behavior = new TransactionBehavior<Transactional, int>(_unitOfWork.Object);

        var result = await behavior.Handle(new Transactional(), CancellationToken.None, () => Task.FromResult(3));

        result.Should().Be(3);
        _transaction.Verify(t => t.CommitAsync(It.IsAny<CancellationToken>()), Times.Never);
    }
}
