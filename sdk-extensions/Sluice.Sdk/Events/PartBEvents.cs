namespace Sluice.Sdk.Events;

/// <summary>Part B: a page or screen was shown.</summary>
public sealed record PageView
{
    /// <summary>The page or screen name.</summary>
    public required string Name { get; init; }

    /// <summary>The page's address, when it has one.</summary>
    public Uri? Uri { get; init; }

    /// <summary>The page it was reached from.</summary>
    public string? Referrer { get; init; }

    /// <summary>Time until the page was usable.</summary>
    public TimeSpan? LoadTime { get; init; }
}

/// <summary>Part B: the user did something.</summary>
public sealed record UserAction
{
    /// <summary>The action, for example <c>click</c>, <c>drag</c>, <c>shortcut</c>.</summary>
    public required string Name { get; init; }

    /// <summary>What it was done on, for example a button id.</summary>
    public required string Target { get; init; }

    /// <summary>The page or screen it happened on.</summary>
    public string? Page { get; init; }
}

/// <summary>Part B: an error or exception.</summary>
public sealed record ErrorEvent
{
    /// <summary>The exception type or error code.</summary>
    public required string Type { get; init; }

    /// <summary>The error message. Avoid user data here: messages are not filtered by attribute name.</summary>
    public required string Message { get; init; }

    /// <summary>The stack trace.</summary>
    public string? StackTrace { get; init; }

    /// <summary>Whether the app could carry on.</summary>
    public bool Handled { get; init; } = true;

    /// <summary>Describes an exception.</summary>
    /// <param name="exception">The exception.</param>
    /// <param name="handled">Whether the app could carry on.</param>
    public static ErrorEvent From(Exception exception, bool handled = true)
    {
        ArgumentNullException.ThrowIfNull(exception);
        return new ErrorEvent
        {
            Type = exception.GetType().FullName ?? exception.GetType().Name,
            Message = exception.Message,
            StackTrace = exception.StackTrace,
            Handled = handled,
        };
    }
}

/// <summary>Part B: a performance measurement.</summary>
public sealed record Measurement
{
    /// <summary>What was measured, for example <c>startup</c>.</summary>
    public required string Name { get; init; }

    /// <summary>The value.</summary>
    public required double Value { get; init; }

    /// <summary>UCUM unit, for example <c>ms</c>, <c>By</c>, <c>1</c>.</summary>
    public required string Unit { get; init; }
}

/// <summary>Part B: a feature was used.</summary>
public sealed record FeatureUsage
{
    /// <summary>The feature.</summary>
    public required string Name { get; init; }

    /// <summary>How it was used, for example <c>opened</c>, <c>completed</c>, <c>abandoned</c>.</summary>
    public string? Outcome { get; init; }
}
