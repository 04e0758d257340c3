using System.Net.Sockets;
using AbParts.Application.Common.Abstractions;
using AbParts.Application.Common.Exceptions;
using AbParts.Application.Parts;
using AbParts.Application.Users;
using AbParts.Domain.Media;
using AbParts.Domain.Organizations;
using AbParts.Domain.Parts;
using AbParts.Domain.Users;
using AbParts.Infrastructure.Persistence;
using AbParts.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace AbParts.Infrastructure.IntegrationTests;

/// <summary>
/// The ports that reach PostgreSQL fail with the application's exceptions (ADR 0011): an unreachable
/// database is <see cref="DependencyUnavailableException"/> (503), a deadlock or serialization failure is
/// <see cref="ConflictException"/> (409), and anything else stays what it was (a 500).
/// </summary>
public sealed class DatabaseErrorTranslationTests(MigratedDatabaseFixture fixture) : IClassFixture<MigratedDatabaseFixture>
{
    // Port 9 (discard) on loopback: nothing listens, so connecting fails at once.
    private const string UnreachableDatabase = "Host=127.0.0.1;Port=9;Username=x;Password=y;Database=z;Timeout=2";

    private static readonly DateTimeOffset Now = new(2026, 11, 21, 8, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task AQueryWhileTheDatabaseIsUnreachableIsDependencyUnavailable()
    {
        await using var services = new InfrastructureServices(UnreachableDatabase);
        await using var scope = services.Scope();

        var querying = () => Repository<Part>(scope).ListAsync(new PartsPageSpec(1, 10), CancellationToken.None);

        var unavailable = (await querying.Should().ThrowAsync<DependencyUnavailableException>()).Which;
        unavailable.Message.Should().Be("The database cannot be reached. Try again shortly.");
        unavailable.RetryAfter.Should().Be(TimeSpan.FromSeconds(5));
        unavailable.GetBaseException().Should().BeOfType<SocketException>("the cause is kept for the log");
    }

    [Fact]
    public async Task ACountWhileTheDatabaseIsUnreachableIsDependencyUnavailable()
    {
        await using var services = new InfrastructureServices(UnreachableDatabase);
        await using var scope = services.Scope();

        var counting = () => Repository<Part>(scope).CountAsync(new PartsPageSpec(1, 10), CancellationToken.None);

        await counting.Should().ThrowAsync<DependencyUnavailableException>();
    }

    [Fact]
    public async Task ASaveWhileTheDatabaseIsUnreachableIsDependencyUnavailable()
    {
        await using var services = new InfrastructureServices(UnreachableDatabase);
        await using var scope = services.Scope();
        Repository<Organization>(scope).Add(Organization.Create($"Org {Guid.NewGuid()}", Now));

        var saving = () => UnitOfWork(scope).SaveChangesAsync(CancellationToken.None);

        await saving.Should().ThrowAsync<DependencyUnavailableException>();
    }

    [Fact]
    public async Task BeginningATransactionWhileTheDatabaseIsUnreachableIsDependencyUnavailable()
    {
        await using var services = new InfrastructureServices(UnreachableDatabase);
        await using var scope = services.Scope();

        var beginning = () => UnitOfWork(scope).BeginTransactionAsync(CancellationToken.None);

        await beginning.Should().ThrowAsync<DependencyUnavailableException>();
    }

    [Fact]
    public async Task ReadingThePostgresMediaStoreWhileTheDatabaseIsUnreachableIsDependencyUnavailable()
    {
        await using var services = new InfrastructureServices(UnreachableDatabase);
        await using var scope = services.Scope();

        var reading = () => PostgresStore(scope).OpenAsync(NewKey(), null, CancellationToken.None);

        await reading.Should().ThrowAsync<DependencyUnavailableException>();
    }

    [Fact]
    public async Task ASerializationFailureOnSaveIsAConflict()
    {
        var user = await SavedUserAsync();
        await using var first = fixture.Services.Scope();
        await using var second = fixture.Services.Scope();
        await using var firstTransaction = await BeginRepeatableReadAsync(first);
        await using var secondTransaction = await BeginRepeatableReadAsync(second);
        var mine = await Repository<User>(first).FirstOrDefaultAsync(new UserByIdSpec(user), CancellationToken.None);
        var theirs = await Repository<User>(second).FirstOrDefaultAsync(new UserByIdSpec(user), CancellationToken.None);
        mine!.ChangePasswordHash("first");
        await UnitOfWork(first).SaveChangesAsync(CancellationToken.None);
        await firstTransaction!.CommitAsync(CancellationToken.None);
        theirs!.ChangePasswordHash("second");

        var saving = () => UnitOfWork(second).SaveChangesAsync(CancellationToken.None);

        var conflict = (await saving.Should().ThrowAsync<ConflictException>().WithMessage(ConflictException.ConcurrentChange)).Which;
        conflict.GetBaseException().Should().BeOfType<PostgresException>()
            .Which.SqlState.Should().Be(PostgresErrorCodes.SerializationFailure);
    }

    [Fact]
    public async Task ASerializationFailureInThePostgresMediaStoreIsAConflict()
    {
        var key = NewKey();
        await using (var setup = fixture.Services.Scope())
        {
            await PostgresStore(setup).SaveAsync(key, new MemoryStream([1, 2, 3]), "image/webp", CancellationToken.None);
        }

        await using var first = fixture.Services.Scope();
        await using var second = fixture.Services.Scope();
        await using var firstTransaction = await BeginRepeatableReadAsync(first);
        await using var secondTransaction = await BeginRepeatableReadAsync(second);
        (await PostgresStore(first).StatAsync(key, CancellationToken.None)).Should().NotBeNull();
        (await PostgresStore(second).StatAsync(key, CancellationToken.None)).Should().NotBeNull();
        await PostgresStore(first).DeleteAsync(key, CancellationToken.None);
        await firstTransaction!.CommitAsync(CancellationToken.None);

        var deleting = () => PostgresStore(second).DeleteAsync(key, CancellationToken.None);

        var conflict = (await deleting.Should().ThrowAsync<ConflictException>().WithMessage(ConflictException.ConcurrentChange)).Which;
        conflict.GetBaseException().Should().BeOfType<PostgresException>()
            .Which.SqlState.Should().Be(PostgresErrorCodes.SerializationFailure);
    }

    [Fact]
    public async Task ADeadlockBetweenTwoGalleryLocksIsAConflict()
    {
        var partA = await SavedPartAsync();
        var partB = await SavedPartAsync();
        await using var first = fixture.Services.Scope();
        await using var second = fixture.Services.Scope();
        await using var firstTransaction = await UnitOfWork(first).BeginTransactionAsync(CancellationToken.None);
        await using var secondTransaction = await UnitOfWork(second).BeginTransactionAsync(CancellationToken.None);
        await Lock(first).LockAsync(partA.Value, CancellationToken.None);
        await Lock(second).LockAsync(partB.Value, CancellationToken.None);
        var attempts = new[]
        {
            Lock(first).LockAsync(partB.Value, CancellationToken.None),
            Lock(second).LockAsync(partA.Value, CancellationToken.None),
        };

        // PostgreSQL aborts one of them (releasing its locks), and the other then gets its lock.
        var bothEnded = Task.WhenAll(attempts);
        await Task.WhenAny(bothEnded, Task.Delay(TimeSpan.FromSeconds(30)));

        bothEnded.IsCompleted.Should().BeTrue("PostgreSQL breaks a deadlock after deadlock_timeout");
        var victim = attempts.Should().ContainSingle(a => a.IsFaulted).Which;
        var conflict = victim.Exception!.InnerException.Should().BeOfType<ConflictException>().Which;
        conflict.Message.Should().Be(ConflictException.ConcurrentChange);
        conflict.GetBaseException().Should().BeOfType<PostgresException>()
            .Which.SqlState.Should().Be(PostgresErrorCodes.DeadlockDetected);
        (await attempts.Single(a => !a.IsFaulted)).Should().BeTrue();
    }

    [Fact]
    public async Task ACancelledWaitForTheGalleryLockStaysACancellation()
    {
        var part = await SavedPartAsync();
        await using var first = fixture.Services.Scope();
        await using var second = fixture.Services.Scope();
        await using var firstTransaction = await UnitOfWork(first).BeginTransactionAsync(CancellationToken.None);
        await using var secondTransaction = await UnitOfWork(second).BeginTransactionAsync(CancellationToken.None);
        await Lock(first).LockAsync(part.Value, CancellationToken.None);
        using var clientGone = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));

        var waiting = () => Lock(second).LockAsync(part.Value, clientGone.Token);

        await waiting.Should().ThrowAsync<OperationCanceledException>("the web layer answers a cancelled request itself");
    }

    [Fact]
    public async Task AFailingStatementIsNotTranslated()
    {
        await using var database = await TestDatabase.CreateAsync(); // never migrated: no tables
        await using var services = new InfrastructureServices(database.ConnectionString);
        await using var scope = services.Scope();

        var querying = () => Repository<Part>(scope).ListAsync(new PartsPageSpec(1, 10), CancellationToken.None);

        (await querying.Should().ThrowAsync<PostgresException>("a defect stays a 500"))
            .Which.SqlState.Should().Be(PostgresErrorCodes.UndefinedTable);
    }

    private static IRepository<T> Repository<T>(AsyncServiceScope scope) where T : class, Domain.Common.IAggregateRoot =>
        scope.ServiceProvider.GetRequiredService<IRepository<T>>();

    private static IUnitOfWork UnitOfWork(AsyncServiceScope scope) => scope.ServiceProvider.GetRequiredService<IUnitOfWork>();

    private static IRepository<Part> Lock(AsyncServiceScope scope) => scope.ServiceProvider.GetRequiredService<IRepository<Part>>();

    private static IMediaStore PostgresStore(AsyncServiceScope scope) =>
        scope.ServiceProvider.GetRequiredService<IMediaStores>().Resolve(StorageBackend.Postgres);

    private static string NewKey() => $"images/{Guid.NewGuid():N}";

    /// <summary>A unit-of-work transaction at REPEATABLE READ, where a write to a row changed since the snapshot fails with 40001.</summary>
    private static async Task<IUnitOfWorkTransaction?> BeginRepeatableReadAsync(AsyncServiceScope scope)
    {
        var transaction = await UnitOfWork(scope).BeginTransactionAsync(CancellationToken.None);
        await scope.ServiceProvider.GetRequiredService<AbPartsDbContext>().Database
            .ExecuteSqlRawAsync("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ");
        return transaction;
    }

    private async Task<UserId> SavedUserAsync()
    {
        await using var scope = fixture.Services.Scope();
        var organization = Organization.Create($"Org {Guid.NewGuid()}", Now);
        var user = User.Create(Username.Create($"u{Guid.NewGuid():N}"[..20]), "hash", UserRole.User, organization.Id, Now);
        Repository<Organization>(scope).Add(organization);
        Repository<User>(scope).Add(user);
        await UnitOfWork(scope).SaveChangesAsync(CancellationToken.None);
        return user.Id;
    }

    private async Task<PartId> SavedPartAsync()
    {
        await using var scope = fixture.Services.Scope();
        var part = Part.Create(PartNumber.Create($"PN-{Guid.NewGuid()}"), "Pump", null, Now);
        Repository<Part>(scope).Add(part);
        await UnitOfWork(scope).SaveChangesAsync(CancellationToken.None);
        return part.Id;
    }
}
