using Sluice.Transforms.Model;

namespace Sluice.Transforms.Processing;

/// <summary>
/// Remembers which resource blocks a processor has already handled in a batch: items of one
/// block share one <see cref="ResourceInfo"/>, so per-resource work is done once per block, not
/// once per item. Consecutive items almost always share a block, so the last one is checked first.
/// </summary>
internal sealed class ResourceSet
{
    private readonly HashSet<ResourceInfo> _seen = new(ReferenceEqualityComparer.Instance);
    private ResourceInfo? _last;

    /// <summary>Returns true the first time <paramref name="resource"/> is seen since <see cref="Clear"/>.</summary>
    public bool Add(ResourceInfo? resource)
    {
        if (resource is null || ReferenceEquals(resource, _last))
        {
            return false;
        }

        _last = resource;
        return _seen.Add(resource);
    }

    public void Clear()
    {
        _seen.Clear();
        _last = null;
    }
}
