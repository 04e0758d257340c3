using AbParts.Application.Common.Abstractions;
using AbParts.Application.Common.Exceptions;
using AbParts.Application.Common.Security;
using AbParts.Application.Users;
using AbParts.Domain.Users;
using FluentValidation;
using MediatR;

namespace AbParts.Application.Auth;

/// <summary>
/// A bearer token for a user, issued by an operator on the command line for a script: no password, any
/// lifetime from a minute to <see cref="MaxLifetime"/>. Only someone who can run the product's verbs
/// against its database can ask for it.
/// </summary>
public sealed record IssueScriptTokenCommand(string Username, TimeSpan Lifetime) : IRequest<TokenDto>
{
    public static readonly TimeSpan MinLifetime = TimeSpan.FromMinutes(1);
    public static readonly TimeSpan MaxLifetime = TimeSpan.FromDays(30);
}

public sealed class IssueScriptTokenValidator : AbstractValidator<IssueScriptTokenCommand>
{
    public IssueScriptTokenValidator()
    {
        RuleFor(c => c.Username).Must(u => Username.TryCreate(u, out _)).WithMessage(Domain.Users.Username.Rule);
        RuleFor(c => c.Lifetime).InclusiveBetween(IssueScriptTokenCommand.MinLifetime, IssueScriptTokenCommand.MaxLifetime)
            .WithMessage($"The lifetime must be between {IssueScriptTokenCommand.MinLifetime} and {IssueScriptTokenCommand.MaxLifetime}.")
            .OverridePropertyName("ttl");
    }
}

public sealed class IssueScriptTokenHandler(IRepository<User> users, IAccessTokenIssuer tokenIssuer)
    : IRequestHandler<IssueScriptTokenCommand, TokenDto>
{
    public async Task<TokenDto> Handle(IssueScriptTokenCommand request, CancellationToken cancellationToken)
    {
        var user = await users.FirstOrDefaultAsync(new UserByUsernameSpec(Username.Create(request.Username)), cancellationToken)
                   ?? throw new NotFoundException($"User '{request.Username}' was not found.");
        var token = tokenIssuer.Issue(user, request.Lifetime);
        return new TokenDto(token.Value, "bearer", (int)token.Lifetime.TotalSeconds);
    }
}
