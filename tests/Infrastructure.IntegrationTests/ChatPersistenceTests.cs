using AbParts.Application.Chat;
using AbParts.Application.Common.Abstractions;
using AbParts.Application.Files;
using AbParts.Domain.Chat;
using AbParts.Domain.Files;
using AbParts.Domain.Images;
using AbParts.Domain.Media;
using AbParts.Domain.Organizations;
using AbParts.Domain.Users;
using Ardalis.Specification;
using Microsoft.Extensions.DependencyInjection;

namespace AbParts.Infrastructure.IntegrationTests;

/// <summary>Chat files, sessions and messages round-trip through the real repositories and PostgreSQL, which holds their rules too.</summary>
public sealed class ChatPersistenceTests(MigratedDatabaseFixture fixture) : IClassFixture<MigratedDatabaseFixture>
{
    private static readonly DateTimeOffset Now = new(2026, 12, 4, 8, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task FilesASessionAndAMessageRoundTripWithTheFileIdsInTheirOrder()
    {
        var owner = await UserAsync();
        var thumbnail = await fixture.SaveAsync(ImageAsset.Create(RandomBytes(512), new ImageMetadata(640, 480), StorageBackend.Postgres, Now));
        var photo = await fixture.SaveAsync(NewFile(owner, ChatFileType.Png, StorageBackend.Postgres, "photo \"1\".png", thumbnail.Id));
        var manual = await fixture.SaveAsync(NewFile(owner, ChatFileType.Pdf, StorageBackend.Local, "Größe – manual.pdf"));
        var session = await fixture.SaveAsync(ChatSession.Start(owner, "Pump P-100", Now));
        var message = await fixture.SaveAsync(session.Post(ChatRole.Assistant, "See the manual first.", [manual, photo], Now.AddMinutes(1)));

        var loadedPhoto = await fixture.FirstAsync(new ChatFileByIdSpec(photo.Id, readOnly: true));
        var loadedManual = await fixture.FirstAsync(new ChatFileByIdSpec(manual.Id, readOnly: true));
        var loadedSession = await fixture.FirstAsync(new ChatSessionByIdSpec(session.Id));
        var loadedMessages = await fixture.ListAsync(new ChatMessagesOfSessionSpec(session.Id));

        loadedPhoto.Should().BeEquivalentTo(photo);
        loadedPhoto!.ThumbnailImageId.Should().Be(thumbnail.Id);
        loadedManual.Should().BeEquivalentTo(manual);
        loadedManual!.Location.Should().Be(StorageLocation.Create(StorageBackend.Local, manual.Location.Key));
        loadedSession.Should().BeEquivalentTo(session);
        var loaded = loadedMessages.Should().ContainSingle().Which;
        loaded.Id.Should().Be(message.Id);
        loaded.SessionId.Should().Be(session.Id);
        loaded.Role.Should().Be(ChatRole.Assistant);
        loaded.Content.Should().Be("See the manual first.");
        loaded.CreatedAt.Should().Be(Now.AddMinutes(1));
        loaded.FileIds.Should().Equal(manual.Id, photo.Id);
        (await fixture.Database.ScalarAsync<string>($"SELECT role FROM chat_messages WHERE id = '{message.Id}'")).Should().Be("assistant");
    }

    [Fact]
    public async Task TheOrderOfTheFileIdsIsKeptWhateverTheirValues()
    {
        var owner = await UserAsync();
        var files = new List<ChatFile>();
        for (var i = 0; i < 4; i++)
        {
            files.Add(await fixture.SaveAsync(NewFile(owner, ChatFileType.Text, StorageBackend.Postgres, $"{i}.txt")));
        }

        var session = await fixture.SaveAsync(ChatSession.Start(owner, null, Now));
        var given = new[] { files[3], files[1], files[0], files[2] };
        await fixture.SaveAsync(session.Post(ChatRole.User, null, given, Now));

        var loaded = await fixture.ListAsync(new ChatMessagesOfSessionSpec(session.Id));

        loaded.Single().FileIds.Should().Equal(given.Select(f => f.Id));
    }

    [Theory]
    [InlineData(true, false)]
    [InlineData(false, true)]
    public async Task TheDatabaseRefusesAThumbnailThatDoesNotMatchWhetherTheFileIsAnImage(bool isImage, bool withThumbnail)
    {
        var owner = await UserAsync();
        var thumbnail = await fixture.SaveAsync(ImageAsset.Create(RandomBytes(256), new ImageMetadata(64, 48), StorageBackend.Postgres, Now));
        var id = Guid.NewGuid();

        var inserting = () => fixture.Database.ScalarAsync<int>($"""
            INSERT INTO chat_files (id, owner_id, name, content_type, is_image, byte_size, sha256, thumbnail_image_id,
                                    created_at, storage_backend, storage_key)
            VALUES ('{id}', '{owner}', 'photo.png', 'image/png', {(isImage ? "true" : "false")}, 10, '{new string('a', 64)}',
                    {(withThumbnail ? $"'{thumbnail.Id}'" : "NULL")}, now(), 'postgres', 'files/{id:N}.png')
            """);

        await inserting.Should().ThrowAsync<Npgsql.PostgresException>().Where(e => e.ConstraintName == "ck_chat_files_thumbnail");
    }

    [Fact]
    public async Task TheSameRowWithAMatchingThumbnailIsAccepted()
    {
        var owner = await UserAsync();
        var thumbnail = await fixture.SaveAsync(ImageAsset.Create(RandomBytes(256), new ImageMetadata(64, 48), StorageBackend.Postgres, Now));
        var id = Guid.NewGuid();

        await fixture.Database.ScalarAsync<int>($"""
            INSERT INTO chat_files (id, owner_id, name, content_type, is_image, byte_size, sha256, thumbnail_image_id,
                                    created_at, storage_backend, storage_key)
            VALUES ('{id}', '{owner}', 'photo.png', 'image/png', true, 10, '{new string('a', 64)}',
                    '{thumbnail.Id}', now(), 'postgres', 'files/{id:N}.png')
            """);

        (await fixture.FirstAsync(new ChatFileByIdSpec(new ChatFileId(id), readOnly: true)))!.ThumbnailImageId.Should().Be(thumbnail.Id);
    }

    [Fact]
    public async Task DeletingASessionDeletesItsMessagesAndNoOthers()
    {
        var owner = await UserAsync();
        var session = await fixture.SaveAsync(ChatSession.Start(owner, "Going", Now));
        var other = await fixture.SaveAsync(ChatSession.Start(owner, "Staying", Now));
        await fixture.SaveAsync(session.Post(ChatRole.User, "one", [], Now));
        await fixture.SaveAsync(session.Post(ChatRole.Assistant, "two", [], Now.AddSeconds(1)));
        var kept = await fixture.SaveAsync(other.Post(ChatRole.User, "three", [], Now));

        await fixture.Database.ScalarAsync<int>($"DELETE FROM chat_sessions WHERE id = '{session.Id}'");

        (await fixture.ListAsync(new ChatMessagesOfSessionSpec(session.Id))).Should().BeEmpty();
        (await fixture.ListAsync(new ChatMessagesOfSessionSpec(other.Id))).Select(m => m.Id).Should().Equal(kept.Id);
    }

    private static ChatFile NewFile(UserId owner, ChatFileType type, StorageBackend backend, string name, ImageAssetId? thumbnail = null)
    {
        var bytes = RandomBytes(100);
        var (id, key) = ChatFile.NewKey(type);
        return ChatFile.Create(id, owner, name, type, bytes.Length, ContentHash.Of(bytes), StorageLocation.Create(backend, key), thumbnail, Now);
    }

    private async Task<UserId> UserAsync()
    {
        var organization = await fixture.SaveAsync(Organization.Create($"Org {Guid.NewGuid()}", Now));
        var user = await fixture.SaveAsync(User.Create(Username.Create($"c{Guid.NewGuid():N}"[..20]), "hash", UserRole.User, organization.Id, Now));
        return user.Id;
    }

    private static byte[] RandomBytes(int length) => System.Security.Cryptography.RandomNumberGenerator.GetBytes(length);
}
