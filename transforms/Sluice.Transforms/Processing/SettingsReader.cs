using System.Globalization;

namespace Sluice.Transforms.Processing;

/// <summary>
/// Reads one map of a processor's raw YAML settings (scalars as strings, maps as
/// <c>IReadOnlyDictionary&lt;string, object?&gt;</c>, lists as <c>IReadOnlyList&lt;object?&gt;</c>) and
/// collects every problem with its key path instead of stopping at the first, so a factory can
/// report them all at once. Reading a key marks it known; <see cref="ReportUnknownKeys"/> then
/// names the rest.
/// </summary>
internal sealed class SettingsReader
{
    private readonly IReadOnlyDictionary<string, object?> _settings;
    private readonly List<string> _errors;
    private readonly HashSet<string> _known = new(StringComparer.Ordinal);

    public SettingsReader(string path, IReadOnlyDictionary<string, object?>? settings, List<string> errors)
    {
        Path = path;
        _settings = settings ?? new Dictionary<string, object?>(StringComparer.Ordinal);
        _errors = errors;
    }

    /// <summary>The key path of this map, e.g. <c>processors.attributes/scrub.actions[2]</c>.</summary>
    public string Path { get; }

    /// <summary>How many errors have been recorded so far (by this reader or any sharing its list).</summary>
    public int ErrorCount => _errors.Count;

    public bool Has(string key)
    {
        _known.Add(key);
        return _settings.TryGetValue(key, out object? value) && value is not null;
    }

    public void Error(string key, string message) => _errors.Add($"{Join(Path, key)}: {message}");

    /// <summary>Reports every key not read so far, with the keys this map allows.</summary>
    public void ReportUnknownKeys()
    {
        foreach (string key in _settings.Keys)
        {
            if (!_known.Contains(key))
            {
                Error(key, $"unknown key; allowed: {string.Join(", ", _known.Order(StringComparer.Ordinal))}");
            }
        }
    }

    public string? String(string key)
    {
        _known.Add(key);
        if (!_settings.TryGetValue(key, out object? value) || value is null)
        {
            return null;
        }

        if (value is string text)
        {
            return text;
        }

        Error(key, $"expected a value, got {Describe(value)}");
        return null;
    }

    public string String(string key, string defaultValue) => String(key) ?? defaultValue;

    /// <summary>A string that must be one of <paramref name="allowed"/>.</summary>
    public string Choice(string key, string defaultValue, params string[] allowed)
    {
        string? text = String(key);
        if (text is null)
        {
            return defaultValue;
        }

        if (Array.IndexOf(allowed, text) < 0)
        {
            Error(key, $"unknown value '{text}'; allowed: {string.Join(", ", allowed)}");
            return defaultValue;
        }

        return text;
    }

    public bool Bool(string key, bool defaultValue)
    {
        string? text = String(key);
        if (text is null)
        {
            return defaultValue;
        }

        switch (text)
        {
            case "true" or "True" or "TRUE":
                return true;
            case "false" or "False" or "FALSE":
                return false;
            default:
                Error(key, $"expected true or false, got '{text}'");
                return defaultValue;
        }
    }

    public double Double(string key, double defaultValue, double min, double max)
    {
        string? text = String(key);
        if (text is null)
        {
            return defaultValue;
        }

        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) || double.IsNaN(value))
        {
            Error(key, $"expected a number, got '{text}'");
            return defaultValue;
        }

        if (value < min || value > max)
        {
            Error(key, $"must be between {min.ToString(CultureInfo.InvariantCulture)} and {max.ToString(CultureInfo.InvariantCulture)}, got {text}");
            return defaultValue;
        }

        return value;
    }

    public int Int(string key, int defaultValue, int min, int max)
    {
        string? text = String(key);
        if (text is null)
        {
            return defaultValue;
        }

        if (!int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out int value))
        {
            Error(key, $"expected a whole number, got '{text}'");
            return defaultValue;
        }

        if (value < min || value > max)
        {
            Error(key, $"must be between {min} and {max}, got {value}");
            return defaultValue;
        }

        return value;
    }

    public TimeSpan Duration(string key, TimeSpan defaultValue, TimeSpan min, TimeSpan max)
    {
        string? text = String(key);
        if (text is null)
        {
            return defaultValue;
        }

        if (!TryParseDuration(text, out TimeSpan value))
        {
            Error(key, $"expected a duration such as 200ms, 5s, 1m or 1h30m, got '{text}'");
            return defaultValue;
        }

        if (value < min || value > max)
        {
            Error(key, $"must be between {min} and {max}, got {text}");
            return defaultValue;
        }

        return value;
    }

    /// <summary>A list of plain values; null when the key is absent.</summary>
    public IReadOnlyList<string>? StringList(string key)
    {
        _known.Add(key);
        if (!_settings.TryGetValue(key, out object? value) || value is null)
        {
            return null;
        }

        if (value is not IReadOnlyList<object?> items)
        {
            Error(key, $"expected a list of values, got {Describe(value)}");
            return null;
        }

        var result = new List<string>(items.Count);
        for (int i = 0; i < items.Count; i++)
        {
            if (items[i] is string text)
            {
                result.Add(text);
            }
            else
            {
                Error($"{key}[{i}]", $"expected a value, got {Describe(items[i])}");
            }
        }

        return result;
    }

    /// <summary>A nested map; null when the key is absent.</summary>
    public SettingsReader? Map(string key)
    {
        _known.Add(key);
        if (!_settings.TryGetValue(key, out object? value) || value is null)
        {
            return null;
        }

        if (value is not IReadOnlyDictionary<string, object?> map)
        {
            Error(key, $"expected a mapping (key: value), got {Describe(value)}");
            return null;
        }

        return new SettingsReader(Join(Path, key), map, _errors);
    }

    /// <summary>A list of maps, each read by its own reader with path <c>key[i]</c>; null when the key is absent.</summary>
    public IReadOnlyList<SettingsReader>? MapList(string key)
    {
        _known.Add(key);
        if (!_settings.TryGetValue(key, out object? value) || value is null)
        {
            return null;
        }

        if (value is not IReadOnlyList<object?> items)
        {
            Error(key, $"expected a list, got {Describe(value)}");
            return null;
        }

        var result = new List<SettingsReader>(items.Count);
        for (int i = 0; i < items.Count; i++)
        {
            if (items[i] is IReadOnlyDictionary<string, object?> map)
            {
                result.Add(new SettingsReader($"{Join(Path, key)}[{i}]", map, _errors));
            }
            else
            {
                Error($"{key}[{i}]", $"expected a mapping (key: value), got {Describe(items[i])}");
            }
        }

        return result;
    }

    /// <summary>Go-style durations as the Collector writes them: <c>200ms</c>, <c>5s</c>, <c>1h30m</c>, <c>1.5h</c>.</summary>
    public static bool TryParseDuration(string text, out TimeSpan value)
    {
        value = TimeSpan.Zero;
        ReadOnlySpan<char> s = text.AsSpan().Trim();
        if (s is "0")
        {
            return true;
        }

        if (s.IsEmpty)
        {
            return false;
        }

        double ticks = 0;
        while (!s.IsEmpty)
        {
            int digits = 0;
            while (digits < s.Length && (char.IsAsciiDigit(s[digits]) || s[digits] == '.'))
            {
                digits++;
            }

            if (digits == 0 || !double.TryParse(s[..digits], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out double number))
            {
                return false;
            }

            s = s[digits..];
            int unitLength = 0;
            while (unitLength < s.Length && char.IsAsciiLetter(s[unitLength]))
            {
                unitLength++;
            }

            double unitTicks = s[..unitLength] switch
            {
                "ns" => 0.01,
                "us" => 10,
                "ms" => TimeSpan.TicksPerMillisecond,
                "s" => TimeSpan.TicksPerSecond,
                "m" => TimeSpan.TicksPerMinute,
                "h" => TimeSpan.TicksPerHour,
                _ => -1,
            };
            if (unitTicks < 0)
            {
                return false;
            }

            ticks += number * unitTicks;
            s = s[unitLength..];
        }

        if (ticks > TimeSpan.MaxValue.Ticks)
        {
            return false;
        }

        value = TimeSpan.FromTicks((long)ticks);
        return true;
    }

    private static string Join(string path, string key) => path.Length == 0 ? key : path + "." + key;

    private static string Describe(object? value) => value switch
    {
        null => "an empty value",
        string text => $"'{text}'",
        IReadOnlyDictionary<string, object?> => "a mapping",
        IReadOnlyList<object?> => "a list",
        _ => value.GetType().Name,
    };
}
