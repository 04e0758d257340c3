using AbParts.Application.Common.Abstractions;
using AbParts.Application.Common.Exceptions;
using AbParts.Domain.Chat;
using AbParts.Domain.Files;
using AbParts.Domain.Images;
using AbParts.Domain.Organizations;
using AbParts.Domain.Parts;
using AbParts.Domain.Users;
using AbParts.Domain.Videos;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace AbParts.Infrastructure.Persistence;

public sealed class AbPartsDbContext(DbContextOptions<AbPartsDbContext> options) : DbContext(options), IUnitOfWork
{
    public DbSet<Organization> Organizations => Set<Organization>();

    public DbSet<User> Users => Set<User>();

    public DbSet<Part> Parts => Set<Part>();

    public DbSet<ImageAsset> Images => Set<ImageAsset>();

    public DbSet<VideoAsset> Videos => Set<VideoAsset>();

    public DbSet<ChatFile> ChatFiles => Set<ChatFile>();

    public DbSet<ChatSession> ChatSessions => Set<ChatSession>();

    public DbSet<ChatMessage> ChatMessages => Set<ChatMessage>();

    /// <summary>The provider settings, shared by the service's registration and <c>dotnet ef</c>.</summary>
    internal static void UsePostgres(DbContextOptionsBuilder options, string connectionString) =>
        options.UseNpgsql(connectionString, npgsql => npgsql.MigrationsHistoryTable(MigrationStatus.HistoryTable));

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(AbPartsDbContext).Assembly);
        SnakeCaseNamingConvention.Apply(modelBuilder.Model);
    }

    async Task IUnitOfWork.SaveChangesAsync(CancellationToken cancellationToken)
    {
        try
        {
            await SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException exception) when (exception.InnerException is PostgresException
                                                  {
                                                      SqlState: PostgresErrorCodes.UniqueViolation
                                                  } unique)
        {
            // Two requests raced past the handler's existence check; the unique index decided.
            throw new ConflictException(ConflictMessage(unique.ConstraintName), exception);
        }
        catch (DbUpdateConcurrencyException exception)
        {
            // Another request changed or removed the same rows first (two uploads replacing the same
            // photo both delete the old image). The transaction rolls back; the client may simply retry.
            throw new ConflictException(
                ConflictException.ConcurrentChange, exception);
        }
        catch (Exception exception) when (DatabaseErrors.Translate(exception) is { } translated)
        {
            // A deadlock or serialization failure (409), or the database out of reach (503).
            throw translated;
        }
    }

    async Task<IUnitOfWorkTransaction?> IUnitOfWork.BeginTransactionAsync(CancellationToken cancellationToken) =>
        Database.CurrentTransaction is not null
            ? null
            : new Transaction(await DatabaseErrors.TranslateAsync(() => Database.BeginTransactionAsync(cancellationToken)));

    private sealed class Transaction(Microsoft.EntityFrameworkCore.Storage.IDbContextTransaction inner) : IUnitOfWorkTransaction
    {
        public async Task CommitAsync(CancellationToken cancellationToken)
        {
            try
            {
                await inner.CommitAsync(cancellationToken);
            }
            catch (PostgresException exception) when (exception.SqlState == PostgresErrorCodes.UniqueViolation)
            {
                // A deferred unique constraint (part_images positions) is checked only now; PostgreSQL
                // has rolled the whole transaction back.
                throw new ConflictException(ConflictMessage(exception.ConstraintName), exception);
            }
            catch (Exception exception) when (DatabaseErrors.Translate(exception) is { } translated)
            {
                throw translated;
            }
        }

        public async ValueTask DisposeAsync() // rolls back unless committed
        {
            try
            {
                await inner.DisposeAsync();
            }
            catch (Exception exception) when (DatabaseErrors.Translate(exception) is { } translated)
            {
                throw translated;
            }
        }
    }

    private static string ConflictMessage(string? constraint) => constraint switch
    {
        "ix_users_username" => "The username is taken.",
        "ix_parts_part_number" => "A part with this part number already exists.",
        "ix_organizations_name" => "An organization with this name already exists.",
        "uq_part_images_part_id_position" => ConflictException.ConcurrentChange,
        _ => "The request conflicts with an existing record.",
    };
}
