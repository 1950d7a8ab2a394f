using System.Collections.Concurrent;
using System.IO.Hashing;
using System.Text;

namespace Sluice.Sdk.Rules;

/// <summary>
/// Decides, per event, whether it is kept and at which sample rate. Product, version and
/// release channel are fixed for the process, so a decision depends only on the event name and
/// is cached per name: the common case is one dictionary lookup. New rules swap the whole state.
/// </summary>
internal sealed class RuleEngine
{
    private readonly string _product;
    private readonly Version? _productVersion;
    private readonly string _releaseChannel;
    private readonly string _installationId;
    private readonly TimeProvider _time;
    private CompiledRules _current;

    public RuleEngine(string product, string productVersion, string releaseChannel, string installationId, TimeProvider time)
    {
        _product = product;
        _productVersion = ParseVersion(productVersion);
        _releaseChannel = releaseChannel;
        _installationId = installationId;
        _time = time;
        _current = new CompiledRules(RuleSet.Empty, []);
    }

    /// <summary>The version of the rules in force; empty before any.</summary>
    public string Version => Volatile.Read(ref _current).Set.Version;

    /// <summary>Replaces the rules in force.</summary>
    public void Apply(RuleSet set)
    {
        var applicable = new List<Rule>();
        foreach (var rule in set.Rules)
        {
            if (MatchesProcess(rule.Match))
            {
                applicable.Add(rule);
            }
        }

        Volatile.Write(ref _current, new CompiledRules(set, [.. applicable]));
    }

    /// <summary>Decides for one event. Returns false to drop it; <paramref name="sampleRate"/> is the rate it was kept at.</summary>
    public RuleVerdict Evaluate(string eventName, out double sampleRate)
    {
        var rules = Volatile.Read(ref _current);
        if (rules.Applicable.Length == 0)
        {
            sampleRate = 1;
            return RuleVerdict.Keep;
        }

        var decision = rules.Decisions.GetOrAdd(eventName, static (name, state) => state.engine.Decide(state.rules, name), (engine: this, rules));
        sampleRate = decision.SampleRate;
        if (decision.Verdict != RuleVerdict.Keep || decision.Cap is null)
        {
            return decision.Verdict;
        }

        return decision.Cap.TryTake(_time.GetUtcNow()) ? RuleVerdict.Keep : RuleVerdict.DroppedByCap;
    }

    /// <summary>
    /// Where a device falls for an event name, uniformly in [0, 1): the top 53 bits of
    /// XxHash64(UTF-8 of "installationId/eventName"), seed 0. Stable across runs and releases, so a
    /// device keeps or drops an event consistently and sampled funnels stay whole.
    /// </summary>
    public static double SampleBucket(string installationId, string eventName)
    {
        var text = installationId + "/" + eventName;
        var hash = XxHash64.HashToUInt64(Encoding.UTF8.GetBytes(text));
        return (hash >> 11) * (1.0 / (1UL << 53));
    }

    private Decision Decide(CompiledRules rules, string eventName)
    {
        foreach (var rule in rules.Applicable)
        {
            if (!MatchesEvent(rule.Match.Events, eventName))
            {
                continue;
            }

            if (!rule.Enabled)
            {
                return new Decision(RuleVerdict.DroppedByRule, 1, null);
            }

            if (rule.SampleRate < 1 && SampleBucket(_installationId, eventName) >= rule.SampleRate)
            {
                return new Decision(RuleVerdict.DroppedBySampling, rule.SampleRate, null);
            }

            var cap = rule.Cap is { } c ? new CapCounter(c.Count, c.WindowSeconds) : null;
            return new Decision(RuleVerdict.Keep, rule.SampleRate, cap);
        }

        return new Decision(RuleVerdict.Keep, 1, null);
    }

    private bool MatchesProcess(RuleMatch match)
    {
        if (match.Product is { } product && !string.Equals(product, _product, StringComparison.Ordinal))
        {
            return false;
        }

        if (match.Channels is { Count: > 0 } channels && !channels.Contains(_releaseChannel, StringComparer.Ordinal))
        {
            return false;
        }

        if (match.MinVersion is { } min && (_productVersion is null || ParseVersion(min) is not { } minV || _productVersion < minV))
        {
            return false;
        }

        if (match.MaxVersion is { } max && (_productVersion is null || ParseVersion(max) is not { } maxV || _productVersion >= maxV))
        {
            return false;
        }

        return true;
    }

    internal static bool MatchesEvent(IReadOnlyList<string>? patterns, string eventName)
    {
        if (patterns is null || patterns.Count == 0)
        {
            return true;
        }

        foreach (var pattern in patterns)
        {
            if (pattern.EndsWith('*')
                ? eventName.AsSpan().StartsWith(pattern.AsSpan(0, pattern.Length - 1), StringComparison.Ordinal)
                : string.Equals(pattern, eventName, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Numeric dotted version; a pre-release or build suffix (<c>-beta</c>, <c>+sha</c>) is ignored.</summary>
    internal static Version? ParseVersion(string text)
    {
        var end = text.AsSpan().IndexOfAny('-', '+');
        var core = end >= 0 ? text.AsSpan(0, end) : text.AsSpan();
        if (!System.Version.TryParse(core.Contains('.') ? core : $"{core}.0", out var version))
        {
            return null;
        }

        // Normalize missing parts to 0 so 2.1 == 2.1.0 == 2.1.0.0.
        return new Version(version.Major, version.Minor, Math.Max(version.Build, 0), Math.Max(version.Revision, 0));
    }

    private sealed record CompiledRules(RuleSet Set, Rule[] Applicable)
    {
        public ConcurrentDictionary<string, Decision> Decisions { get; } = new(StringComparer.Ordinal);
    }

    private sealed record Decision(RuleVerdict Verdict, double SampleRate, CapCounter? Cap);

    /// <summary>Counts events in fixed windows aligned on the Unix epoch.</summary>
    private sealed class CapCounter(long cap, long windowSeconds)
    {
        private readonly Lock _lock = new();
        private long _window = long.MinValue;
        private long _count;

        public bool TryTake(DateTimeOffset now)
        {
            var window = now.ToUnixTimeSeconds() / windowSeconds;
            lock (_lock)
            {
                // A clock set back lands in another window too: start counting afresh rather than
                // leave the device capped until the clock catches up.
                if (window != _window)
                {
                    _window = window;
                    _count = 0;
                }

                if (_count >= cap)
                {
                    return false;
                }

                _count++;
                return true;
            }
        }
    }
}

/// <summary>What the rules did to an event.</summary>
internal enum RuleVerdict
{
    Keep,
    DroppedByRule,
    DroppedBySampling,
    DroppedByCap,
}
