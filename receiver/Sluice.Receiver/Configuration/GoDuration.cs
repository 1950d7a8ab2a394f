using System.Globalization;
using System.Text;

namespace Sluice.Receiver.Configuration;

/// <summary>
/// Durations written the way the Collector (Go's <c>time.ParseDuration</c>) writes them:
/// <c>200ms</c>, <c>5s</c>, <c>1m</c>, <c>1h30m</c>, <c>1.5h</c>. SREs copy these from Collector
/// configs, so the same text must mean the same thing here.
/// </summary>
internal static class GoDuration
{
    private const long TicksPerMicrosecond = TimeSpan.TicksPerMillisecond / 1000;

    /// <summary>Parses a Go duration; a unit is required on every number except a lone <c>0</c>.</summary>
    public static bool TryParse(string text, out TimeSpan value)
    {
        value = TimeSpan.Zero;
        ReadOnlySpan<char> s = text.AsSpan().Trim();
        bool negative = false;
        if (s.Length > 0 && (s[0] == '-' || s[0] == '+'))
        {
            negative = s[0] == '-';
            s = s[1..];
        }

        if (s is "0")
        {
            return true;
        }

        if (s.IsEmpty)
        {
            return false;
        }

        // decimal keeps "0.1s" exact and makes overflow an exception rather than a wrap-around.
        decimal ticks = 0;
        try
        {
            while (!s.IsEmpty)
            {
                int digits = 0;
                while (digits < s.Length && (char.IsAsciiDigit(s[digits]) || s[digits] == '.'))
                {
                    digits++;
                }

                ReadOnlySpan<char> number = s[..digits];
                if (number.IsEmpty || number is "." || number.IndexOf('.') != number.LastIndexOf('.'))
                {
                    return false;
                }

                s = s[digits..];
                int unitLength = 0;
                while (unitLength < s.Length && !char.IsAsciiDigit(s[unitLength]) && s[unitLength] != '.')
                {
                    unitLength++;
                }

                long unitTicks = UnitTicks(s[..unitLength]);
                if (unitTicks < 0)
                {
                    return false;
                }

                s = s[unitLength..];
                decimal amount = decimal.Parse(number, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture);

                // Nanoseconds are finer than a tick (100 ns); they are rounded down, as TimeSpan must.
                ticks += unitTicks == 0 ? amount / 100 : amount * unitTicks;
            }

            ticks = decimal.Truncate(ticks);
            if (ticks > TimeSpan.MaxValue.Ticks)
            {
                return false;
            }
        }
        catch (OverflowException)
        {
            return false;
        }

        value = TimeSpan.FromTicks(negative ? -(long)ticks : (long)ticks);
        return true;
    }

    /// <summary>Formats a duration the way it would be written in the config (<c>1h30m</c>, <c>200ms</c>).</summary>
    public static string Format(TimeSpan value)
    {
        if (value == TimeSpan.Zero)
        {
            return "0s";
        }

        var builder = new StringBuilder();
        if (value < TimeSpan.Zero)
        {
            builder.Append('-');
            value = value.Duration();
        }

        if (value < TimeSpan.FromSeconds(1))
        {
            return value.Ticks % TimeSpan.TicksPerMillisecond == 0
                ? builder.Append(CultureInfo.InvariantCulture, $"{value.Ticks / TimeSpan.TicksPerMillisecond}ms").ToString()
                : builder.Append(CultureInfo.InvariantCulture, $"{value.Ticks / (decimal)TicksPerMicrosecond}us").ToString();
        }

        long hours = (long)value.TotalHours;
        if (hours > 0)
        {
            builder.Append(CultureInfo.InvariantCulture, $"{hours}h");
        }

        if (value.Minutes > 0)
        {
            builder.Append(CultureInfo.InvariantCulture, $"{value.Minutes}m");
        }

        long subMinuteTicks = value.Ticks % TimeSpan.TicksPerMinute;
        if (subMinuteTicks > 0)
        {
            builder.Append(CultureInfo.InvariantCulture, $"{subMinuteTicks / (decimal)TimeSpan.TicksPerSecond}s");
        }

        return builder.ToString();
    }

    // Ticks per unit; 0 marks nanoseconds (below one tick); -1 an unknown unit.
    private static long UnitTicks(ReadOnlySpan<char> unit) => unit switch
    {
        "ns" => 0,
        "us" or "µs" or "μs" => TicksPerMicrosecond,
        "ms" => TimeSpan.TicksPerMillisecond,
        "s" => TimeSpan.TicksPerSecond,
        "m" => TimeSpan.TicksPerMinute,
        "h" => TimeSpan.TicksPerHour,
        _ => -1,
    };
}
