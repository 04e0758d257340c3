using AbParts.Application.Organizations;
using AbParts.Application.Parts;
using AbParts.Application.UnitTests.Support;
using AbParts.Application.Users;
using AbParts.Domain.Common;
using AbParts.Domain.Images;
using AbParts.Domain.Parts;
using AbParts.Domain.Users;

namespace AbParts.Application.UnitTests.Common;

public sealed class MappingTests
{
    private static readonly (Type Source, Type Destination)[] Maps =
        ((AutoMapper.Internal.IGlobalConfiguration)TestMapper.Configuration).GetAllTypeMaps().Select(m => (m.SourceType, m.DestinationType)).ToArray();

    private static bool IsDomainType(Type type) => type.Assembly == typeof(IAggregateRoot).Assembly;

    private static bool IsEntity(Type type) => IsDomainType(type) && typeof(IAggregateRoot).IsAssignableFrom(type);

    [Fact]
    public void TheConfigurationIsValid()
    {
        var asserting = () => TestMapper.Configuration.AssertConfigurationIsValid();

        asserting.Should().NotThrow();
    }

    [Fact]
    public void MapsEveryAggregateWithAResponse()
    {
        var sources = Maps.Select(m => m.Source);

        sources.Should().Contain([typeof(Domain.Organizations.Organization), typeof(User), typeof(Part)]);
    }

    [Fact]
    public void MapsAnOrganizationToItsDto()
    {
        var organization = Fakes.Organization("Acme");

        var dto = TestMapper.Instance.Map<OrganizationDto>(organization);

        dto.Should().Be(new OrganizationDto(organization.Id.Value, "Acme", Fakes.Now));
    }

    [Fact]
    public void MapsAUserToItsDtoWithTheRoleAsItsWireName()
    {
        var organization = Fakes.Organization();
        var user = Fakes.User("Root", organization, UserRole.SuperAdmin);

        var dto = TestMapper.Instance.Map<UserDto>(user);

        dto.Should().Be(new UserDto(user.Id.Value, "root", "super_admin", organization.Id.Value, Fakes.Now));
    }

    [Fact]
    public void MapsAPartToItsDtoWithItsImageCount()
    {
        var part = Part.Create(PartNumber.Create("PN-001"), "Oil filter", "Fits model X", Fakes.Now);
        part.AddImage(ImageAssetId.New(), 10);
        part.AddImage(ImageAssetId.New(), 10);

        var dto = TestMapper.Instance.Map<PartDto>(part);

        dto.Should().BeEquivalentTo(new PartDto(part.Id.Value, "PN-001", "Oil filter", "Fits model X", 2, Fakes.Now),
            options => options.Excluding(d => d.Gallery), "the gallery's versions come from ImageVersions, not the part");
    }

    [Fact]
    public void MapsAListOfEntities()
    {
        var parts = new List<Part> { Fakes.Part("PN-001"), Fakes.Part("PN-002") };

        var dtos = TestMapper.Instance.Map<List<PartDto>>(parts);

        dtos.Select(d => d.Id).Should().Equal(parts.Select(p => p.Id.Value));
    }

    [Fact]
    public void MapsAContentHashToItsHexDigits()
    {
        var hash = ContentHash.Of([1, 2, 3]);

        var text = TestMapper.Instance.Map<string>(hash);

        text.Should().Be(hash.Value);
    }

    [Fact]
    public void NoMapsTypeGraphRecurses()
    {
        var recursions = MappingGraph.Recursions(Maps);

        recursions.Should().BeEmpty();
    }

    [Fact]
    public void NoMapGoesFromARequestToAnEntity()
    {
        var requestToEntity = Maps.Where(m =>
            (m.Source.Name.EndsWith("Command", StringComparison.Ordinal)
             || m.Source.Name.EndsWith("Query", StringComparison.Ordinal)
             || m.Source.Name.EndsWith("Request", StringComparison.Ordinal))
            && IsEntity(m.Destination));

        requestToEntity.Should().BeEmpty();
    }

    [Fact]
    public void NoMapProducesADomainType()
    {
        var intoTheDomain = Maps.Where(m => IsDomainType(m.Destination)).Select(m => $"{m.Source.Name} -> {m.Destination.Name}");

        intoTheDomain.Should().BeEmpty("entities change only through their methods (STYLE §8)");
    }

    [Fact]
    public void EveryEntityMapsToADto()
    {
        var entityMaps = Maps.Where(m => IsEntity(m.Source)).ToList();

        entityMaps.Should().NotBeEmpty();
        entityMaps.Should().OnlyContain(m => m.Destination.Name.EndsWith("Dto", StringComparison.Ordinal));
    }
}
