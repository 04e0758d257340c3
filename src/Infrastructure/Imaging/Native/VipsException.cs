namespace AbParts.Infrastructure.Imaging.Native;

/// <summary>A libvips call failed; the message is libvips' own error text, cleaned (<see cref="VipsRuntime.TakeError"/>).</summary>
internal sealed class VipsException : Exception
{
    public VipsException()
        : base("libvips reported an error without details.")
    {
    }

    public VipsException(string message)
        : base(message)
    {
    }

    public VipsException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
