namespace Sluice.Transforms.Processing;

/// <summary>
/// A processor's settings are invalid. <see cref="Errors"/> holds every problem found, each as
/// <c>processors.type/name.key.path: what is wrong</c>, so an SRE fixes them all in one go.
/// </summary>
internal sealed class TransformConfigException : Exception
{
    public TransformConfigException(IReadOnlyList<string> errors)
        : base(Describe(errors))
    {
        Errors = errors;
    }

    public TransformConfigException()
        : this([])
    {
    }

    public TransformConfigException(string message)
        : base(message)
    {
        Errors = [message];
    }

    public TransformConfigException(string message, Exception innerException)
        : base(message, innerException)
    {
        Errors = [message];
    }

    /// <summary>Every error, in the order the settings were read.</summary>
    public IReadOnlyList<string> Errors { get; } = [];

    private static string Describe(IReadOnlyList<string> errors) =>
        errors.Count == 1
            ? "invalid processor settings: " + errors[0]
            : $"invalid processor settings ({errors.Count} errors):{Environment.NewLine}  " + string.Join(Environment.NewLine + "  ", errors);
}
