using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace AbParts.Infrastructure.Persistence;

/// <summary>
/// What <c>dotnet ef</c> builds the context with (ADR 0028): the service's provider settings and model, with no
/// host, configuration or running database. <c>migrations add</c> never connects; commands that do (<c>database
/// update</c>, <c>migrations list</c>) use <c>ConnectionStrings__Default</c> from the environment.
/// </summary>
internal sealed class DesignTimeDbContextFactory : IDesignTimeDbContextFactory<AbPartsDbContext>
{
    public AbPartsDbContext CreateDbContext(string[] args)
    {
        var connectionString = Environment.GetEnvironmentVariable("ConnectionStrings__Default") ?? "Host=localhost;Database=abparts";
        var options = new DbContextOptionsBuilder<AbPartsDbContext>();
        AbPartsDbContext.UsePostgres(options, connectionString);
        return new AbPartsDbContext(options.Options);
    }
}
