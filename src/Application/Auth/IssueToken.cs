using AbParts.Application.Common.Abstractions;
using AbParts.Application.Common.Exceptions;
using AbParts.Application.Common.Security;
using AbParts.Application.Users;
using AbParts.Domain.Users;
using FluentValidation;
using MediatR;

namespace AbParts.Application.Auth;

public sealed record IssueTokenCommand(string Username, string Password) : IRequest<TokenDto>;

/// <summary>The OAuth-style token response the clients expect.</summary>
public sealed record TokenDto(string AccessToken, string TokenType, int ExpiresIn);

public sealed class IssueTokenValidator : AbstractValidator<IssueTokenCommand>
{
    public IssueTokenValidator()
    {
        RuleFor(c => c.Username).NotEmpty().MaximumLength(256);
        RuleFor(c => c.Password).NotEmpty().MaximumLength(1024);
    }
}

/// <summary>
/// Checks the password and issues a bearer token. An unknown user costs the same hash verification
/// as a wrong password, so timing does not reveal which usernames exist.
/// </summary>
public sealed class IssueTokenHandler(IRepository<User> users, IPasswordHasher passwordHasher,
    IAccessTokenIssuer tokenIssuer, IUnitOfWork unitOfWork) : IRequestHandler<IssueTokenCommand, TokenDto>
{
    public async Task<TokenDto> Handle(IssueTokenCommand request, CancellationToken cancellationToken)
    {
        var user = Username.TryCreate(request.Username, out var username)
            ? await users.FirstOrDefaultAsync(new UserByUsernameSpec(username), cancellationToken)
            : null;
        var check = passwordHasher.Verify(user?.PasswordHash ?? Decoy(), request.Password);
        if (user is null || check == PasswordCheck.Failed)
        {
            throw new AuthenticationFailedException();
        }

        if (check == PasswordCheck.SuccessRehashNeeded)
        {
            user.RehashPassword(passwordHasher.Hash(request.Password));
            await unitOfWork.SaveChangesAsync(cancellationToken);
        }

        var token = tokenIssuer.Issue(user);
        return new TokenDto(token.Value, "bearer", (int)token.Lifetime.TotalSeconds);
    }

    private static string? _decoyHash;

    /// <summary>A real hash of a random password, made once, so verifying against it costs what a real check costs.</summary>
    private string Decoy() => _decoyHash ??= passwordHasher.Hash(Guid.NewGuid().ToString());
}
