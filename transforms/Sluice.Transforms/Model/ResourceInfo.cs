namespace Sluice.Transforms.Model;

/// <summary>The OTLP resource an item came from; shared by every item of one resource block.</summary>
public sealed class ResourceInfo
{
    /// <summary>The resource's attributes.</summary>
    public AttributeList Attributes { get; } = new();

    /// <summary>The resource's schema URL, or empty.</summary>
    public string SchemaUrl { get; set; } = string.Empty;

    /// <summary>The value of <c>service.name</c>, or empty.</summary>
    public string ServiceName => Attributes.Get("service.name") ?? string.Empty;
}

/// <summary>The OTLP instrumentation scope an item came from; shared by every item of one scope block.</summary>
public sealed class ScopeInfo
{
    /// <summary>The scope's name, or empty.</summary>
    public string Name { get; set; } = string.Empty;

    /// <summary>The scope's version, or empty.</summary>
    public string Version { get; set; } = string.Empty;

    /// <summary>The scope's attributes.</summary>
    public AttributeList Attributes { get; } = new(0);

    /// <summary>The scope's schema URL, or empty.</summary>
    public string SchemaUrl { get; set; } = string.Empty;
}
