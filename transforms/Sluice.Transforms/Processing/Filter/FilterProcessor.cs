using System.Globalization;
using System.Text.RegularExpressions;
using Sluice.Transforms.Model;

namespace Sluice.Transforms.Processing.Filter;

/// <summary>
/// <c>filter</c>: drops items by name, attribute or severity, as the Collector's filter processor
/// is mostly used. An item matches when its name (a log record's event name, a span's or a
/// metric's name) is in <c>event_names</c> or any rule of <c>attributes</c> holds; with
/// <c>action: drop</c> (the default) matching items go, with <c>keep</c> only they stay.
/// <c>min_severity</c> drops log records below it on its own; records with no severity are kept.
/// </summary>
internal sealed class FilterProcessor : TelemetryProcessor
{
    public const string TypeName = "filter";

    private static readonly string[] Signals = ["logs", "traces", "metrics"];

    private readonly string[] _names;
    private readonly AttributeCondition[] _attributes;
    private readonly bool _keepMatching;
    private readonly byte _minSeverity;
    private readonly bool _logs;
    private readonly bool _traces;
    private readonly bool _metrics;

    public FilterProcessor(string[] names, AttributeCondition[] attributes, bool keepMatching, byte minSeverity, IReadOnlyCollection<string> signals)
    {
        _names = names;
        _attributes = attributes;
        _keepMatching = keepMatching;
        _minSeverity = minSeverity;
        _logs = signals.Contains("logs");
        _traces = signals.Contains("traces");
        _metrics = signals.Contains("metrics");
    }

    /// <summary>Dropped items since start, for the receiver's metrics.</summary>
    public long Dropped { get; private set; }

    /// <summary>
    /// Settings: <c>action</c> (drop or keep), <c>event_names</c> (exact names; a trailing
    /// <c>*</c> matches a prefix), <c>attributes</c> (list of <c>{key, value | pattern}</c>),
    /// <c>min_severity</c> (trace, debug, info, warn, error, fatal or 1-24) and <c>signals</c>
    /// (default all three).
    /// </summary>
    public static FilterProcessor Create(SettingsReader settings)
    {
        string action = settings.Choice("action", "drop", "drop", "keep");
        IReadOnlyList<string> names = settings.StringList("event_names") ?? [];
        var conditions = new List<AttributeCondition>();
        foreach (SettingsReader item in settings.MapList("attributes") ?? [])
        {
            string? key = item.String("key");
            string? value = item.String("value");
            string? patternText = item.String("pattern");
            item.ReportUnknownKeys();
            if (string.IsNullOrEmpty(key))
            {
                item.Error("key", "required: the attribute's key");
                continue;
            }

            Regex? pattern = null;
            if (patternText is not null)
            {
                if (value is not null)
                {
                    item.Error("pattern", "give value or pattern, not both");
                    continue;
                }

                try
                {
                    pattern = new Regex(patternText, RegexOptions.NonBacktracking | RegexOptions.CultureInvariant);
                }
                catch (ArgumentException ex)
                {
                    item.Error("pattern", $"not a valid regular expression: {ex.Message}");
                    continue;
                }
            }

            conditions.Add(new AttributeCondition(key, value, pattern));
        }

        byte minSeverity = 0;
        if (settings.String("min_severity") is { } severity && !TryParseSeverity(severity, out minSeverity))
        {
            settings.Error("min_severity", $"unknown severity '{severity}'; allowed: trace, debug, info, warn, error, fatal or a number 1-24");
        }

        IReadOnlyList<string> signals = settings.StringList("signals") ?? Signals;
        for (int i = 0; i < signals.Count; i++)
        {
            if (Array.IndexOf(Signals, signals[i]) < 0)
            {
                settings.Error($"signals[{i}]", $"unknown signal '{signals[i]}'; allowed: {string.Join(", ", Signals)}");
            }
        }

        if (names.Count == 0 && conditions.Count == 0 && minSeverity == 0 && !settings.Has("attributes"))
        {
            settings.Error("event_names", "the filter has nothing to match: give event_names, attributes or min_severity");
        }

        settings.ReportUnknownKeys();
        return new FilterProcessor([.. names], [.. conditions], action == "keep", minSeverity, signals.ToHashSet(StringComparer.Ordinal));
    }

    /// <summary>Severity names as OTLP numbers them (the first number of each range).</summary>
    public static bool TryParseSeverity(string text, out byte number)
    {
        number = text.ToUpperInvariant() switch
        {
            "TRACE" => 1,
            "DEBUG" => 5,
            "INFO" or "INFORMATION" => 9,
            "WARN" or "WARNING" => 13,
            "ERROR" => 17,
            "FATAL" or "CRITICAL" => 21,
            _ => 0,
        };
        if (number == 0 && byte.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out byte parsed) && parsed is >= 1 and <= 24)
        {
            number = parsed;
        }

        return number != 0;
    }

    public override void Process(TelemetryBatch batch)
    {
        if (_logs)
        {
            Dropped += batch.Logs.RemoveAll(log =>
                (_minSeverity != 0 && log.SeverityNumber != 0 && log.SeverityNumber < _minSeverity)
                || Drops(log.EventName, log.Attributes));
        }

        if (_traces)
        {
            Dropped += batch.Spans.RemoveAll(span => Drops(span.Name, span.Attributes));
        }

        if (_metrics)
        {
            Dropped += batch.Metrics.RemoveAll(point => Drops(point.Name, point.Attributes));
        }
    }

    private bool Drops(string name, AttributeList attributes)
    {
        if (_names.Length == 0 && _attributes.Length == 0)
        {
            // Only a severity threshold: nothing else decides.
            return false;
        }

        return Matches(name, attributes) != _keepMatching;
    }

    private bool Matches(string name, AttributeList attributes)
    {
        if (Rules.RuleSnapshot.MatchesEvent(_names, name) && _names.Length > 0)
        {
            return true;
        }

        foreach (AttributeCondition condition in _attributes)
        {
            if (attributes.Get(condition.Key) is { } value
                && (condition.Pattern?.IsMatch(value) ?? (condition.Value is null || string.Equals(condition.Value, value, StringComparison.Ordinal))))
            {
                return true;
            }
        }

        return false;
    }
}

/// <summary>One attribute rule of a filter: the key present with this value, a value matching the pattern, or (with neither) just present.</summary>
internal sealed record AttributeCondition(string Key, string? Value, Regex? Pattern);
