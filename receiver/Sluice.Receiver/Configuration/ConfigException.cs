namespace Sluice.Receiver.Configuration;

/// <summary>The configuration is invalid; <see cref="Errors"/> holds every problem found, each as <c>file:line: key.path: what is wrong</c>.</summary>
internal sealed class ConfigException : Exception
{
    public ConfigException(IReadOnlyList<string> errors)
        : base(Describe(errors))
    {
        Errors = errors;
    }

    public ConfigException()
        : this([])
    {
    }

    public ConfigException(string message)
        : base(message)
    {
        Errors = [message];
    }

    public ConfigException(string message, Exception innerException)
        : base(message, innerException)
    {
        Errors = [message];
    }

    /// <summary>Every error, in file order.</summary>
    public IReadOnlyList<string> Errors { get; } = [];

    private static string Describe(IReadOnlyList<string> errors) =>
        errors.Count == 1
            ? "invalid configuration: " + errors[0]
            : $"invalid configuration ({errors.Count} errors):{Environment.NewLine}  " + string.Join(Environment.NewLine + "  ", errors);
}
