using AbParts.Domain.Images;
using AbParts.Domain.Parts;

namespace AbParts.Domain.UnitTests;

/// <summary>Builds a valid part, optionally with images already in its gallery (STYLE §10 builders).</summary>
internal sealed class PartBuilder
{
    private string _number = "PN-001";
    private int _images;

    public PartBuilder WithNumber(string number)
    {
        _number = number;
        return this;
    }

    public PartBuilder WithImages(int count)
    {
        _images = count;
        return this;
    }

    public Part Build()
    {
        var part = Part.Create(PartNumber.Create(_number), "Oil filter", null, TestData.Now);
        for (var i = 0; i < _images; i++)
        {
            part.AddImage(ImageAssetId.New(), Part.MaxImagesCeiling);
        }

        return part;
    }
}
