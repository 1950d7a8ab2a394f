using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Sluice.Dashboards.Tests.Macros;

/// <summary>A dashboard variable's current state: its values and whether "All" is selected.</summary>
/// <param name="Values">The selected values; for "All", every option's value.</param>
/// <param name="Multi">Whether the variable allows several values (its value is then an array).</param>
/// <param name="All">Whether "All" is selected (current value <c>$__all</c>).</param>
internal sealed record TemplateVariable(IReadOnlyList<string> Values, bool Multi, bool All)
{
    public static TemplateVariable Single(string value) => new([value], Multi: false, All: false);

    public static TemplateVariable AllOf(IReadOnlyList<string> options) => new(options, Multi: true, All: true);

    public static TemplateVariable Some(params string[] values) => new(values, Multi: true, All: false);
}

/// <summary>
/// Turns a panel's rawSql into what ClickHouse receives, in the order Grafana does it:
/// the data source's front end first resolves <c>$__conditionalAll</c>, then Grafana's template
/// service replaces variables (formatted by the data source), then the plugin's back end expands
/// its macros. Written from reading grafana-clickhouse-datasource (src/data/CHDatasource.ts:
/// applyTemplateVariables, applyConditionalAll, getMacroArgs, format; pkg/macros/macros.go) and
/// grafana/sqlds (macro matching); the behaviours each step reproduces are in its comment.
/// </summary>
internal sealed class GrafanaQuery
{
    // Grafana's template-service pattern: $name, [[name]] or [[name:fmt]], ${name}, ${name.field} or ${name:fmt}.
    private static readonly Regex VariablePattern = new(@"\$(\w+)|\[\[(\w+?)(?::(\w+))?\]\]|\$\{(\w+)(?:\.([^:^\}]+))?(?::([^\}]+))?\}", RegexOptions.CultureInvariant);

    // The variable named in $__conditionalAll's second argument: ${name} or $name.
    private static readonly Regex ConditionalVariable = new(@"(?<=\$\{)\w+(?=\})|(?<=\$)\w+", RegexOptions.CultureInvariant);

    private static readonly Regex MacroName = new(@"\$__(\w+)", RegexOptions.CultureInvariant);

    public required DateTime From { get; init; }

    public required DateTime To { get; init; }

    /// <summary>The panel's interval (Grafana derives it from the range and the panel's width).</summary>
    public required TimeSpan Interval { get; init; }

    public IReadOnlyDictionary<string, TemplateVariable> Variables { get; init; } = new Dictionary<string, TemplateVariable>();

    /// <summary>The SQL ClickHouse receives for <paramref name="rawSql"/>.</summary>
    public string Expand(string rawSql) => ExpandMacros(ReplaceVariables(ApplyConditionalAll(rawSql)));

    /// <summary>
    /// <c>$__conditionalAll(phrase, $var)</c>: from the last occurrence backwards, arguments split at
    /// commas on the first bracket level; the phrase becomes <c>1=1</c> when the variable's current
    /// value is empty or <c>$__all</c>, else stays as written. Text with other than two arguments
    /// stops the resolution (left as is, as the plugin does).
    /// </summary>
    public string ApplyConditionalAll(string sql)
    {
        const string Macro = "$__conditionalAll(";
        int index = sql.LastIndexOf(Macro, StringComparison.Ordinal);
        while (index >= 0)
        {
            List<string> args = MacroArguments(sql, index + Macro.Length - 1);
            if (args.Count != 2)
            {
                return sql;
            }

            string phrase = args[0];
            Match name = ConditionalVariable.Match(args[1].Trim());
            if (name.Success && Variables.TryGetValue(name.Value, out TemplateVariable? variable)
                && (variable.All || string.Join(',', variable.Values).Length == 0))
            {
                phrase = "1=1";
            }

            string whole = Macro + args[0] + "," + args[1] + ")";
            int at = sql.IndexOf(whole, StringComparison.Ordinal);
            sql = string.Concat(sql.AsSpan(0, at), phrase, sql.AsSpan(at + whole.Length));
            index = sql.LastIndexOf(Macro, StringComparison.Ordinal);
        }

        return sql;
    }

    /// <summary>
    /// Grafana's template service with the plugin's formatter: a multi-value variable (and "All"
    /// without a custom all value, which stands for every option) becomes <c>'a','b'</c>; a
    /// single value is inserted as it is, unquoted. Unknown names (the <c>$__</c> macros among
    /// them) are left for the back end. Built-ins: <c>$__from</c>/<c>$__to</c> (epoch ms),
    /// <c>$__interval</c>, <c>$__interval_ms</c>.
    /// </summary>
    public string ReplaceVariables(string sql) => VariablePattern.Replace(sql, match =>
    {
        string name = match.Groups[1].Success ? match.Groups[1].Value : match.Groups[2].Success ? match.Groups[2].Value : match.Groups[4].Value;
        string? format = match.Groups[3].Success ? match.Groups[3].Value : match.Groups[6].Success ? match.Groups[6].Value : null;
        if (format is not null || match.Groups[5].Success)
        {
            throw new NotSupportedException($"variable format or field in {match.Value}: the dashboards use the data source's default format only");
        }

        switch (name)
        {
            case "__from":
                return Milliseconds(From);
            case "__to":
                return Milliseconds(To);
            case "__interval_ms":
                return ((long)Interval.TotalMilliseconds).ToString(CultureInfo.InvariantCulture);
            case "__interval":
                return GrafanaDuration(Interval);
        }

        if (!Variables.TryGetValue(name, out TemplateVariable? variable))
        {
            return match.Value;
        }

        return variable.Multi ? "'" + string.Join("','", variable.Values) + "'" : variable.Values[0];
    });

    /// <summary>
    /// The plugin's back-end macros (pkg/macros/macros.go), matched as sqlds matches them: <c>$__name</c>
    /// with an optional parenthesised argument list, arguments split at commas and trimmed.
    /// Times are whole seconds in UTC (<c>toDateTime(unix)</c>), dates <c>toDate('yyyy-MM-dd')</c>,
    /// and <c>$__timeInterval</c> / <c>$__interval_s</c> use the interval in whole seconds, at least 1.
    /// </summary>
    public string ExpandMacros(string sql)
    {
        var output = new StringBuilder(sql.Length + 256);
        int position = 0;
        for (Match match = MacroName.Match(sql); match.Success; match = MacroName.Match(sql, position))
        {
            output.Append(sql, position, match.Index - position);
            position = match.Index + match.Length;
            List<string> args = [];
            if (position < sql.Length && sql[position] == '(')
            {
                int close = ClosingParenthesis(sql, position);
                args = [.. SplitTopLevel(sql[(position + 1)..close]).Select(a => a.Trim())];
                position = close + 1;
            }

            output.Append(Macro(match.Groups[1].Value, args));
        }

        output.Append(sql, position, sql.Length - position);
        return output.ToString();
    }

    private string Macro(string name, List<string> args)
    {
        long seconds = Math.Max((long)Interval.TotalSeconds, 1);
        return name switch
        {
            "fromTime" => DateTimeOf(From),
            "toTime" => DateTimeOf(To),
            "fromTime_ms" => DateTime64Of(From),
            "toTime_ms" => DateTime64Of(To),
            "timeFilter" => Expect(args, 1, name) is var c ? $"{c[0]} >= {DateTimeOf(From)} AND {c[0]} <= {DateTimeOf(To)}" : null!,
            "timeFilter_ms" => Expect(args, 1, name) is var m ? $"{m[0]} >= {DateTime64Of(From)} AND {m[0]} <= {DateTime64Of(To)}" : null!,
            "dateFilter" => Expect(args, 1, name) is var d ? $"{d[0]} >= {DateOf(From)} AND {d[0]} <= {DateOf(To)}" : null!,
            "dateTimeFilter" or "dt" => Expect(args, 2, name) is var dt
                ? $"({dt[0]} >= {DateOf(From)} AND {dt[0]} <= {DateOf(To)}) AND ({dt[1]} >= {DateTimeOf(From)} AND {dt[1]} <= {DateTimeOf(To)})"
                : null!,
            "timeInterval" => Expect(args, 1, name) is var t ? $"toStartOfInterval(toDateTime({t[0]}), INTERVAL {seconds} second)" : null!,
            "timeInterval_ms" => Expect(args, 1, name) is var tm
                ? $"toStartOfInterval(toDateTime64({tm[0]}, 3), INTERVAL {Math.Max((long)Interval.TotalMilliseconds, 1)} millisecond)"
                : null!,
            "interval_s" => seconds.ToString(CultureInfo.InvariantCulture),
            _ => throw new InvalidOperationException($"unknown macro $__{name}: grafana-clickhouse-datasource would pass it to ClickHouse unexpanded"),
        };
    }

    private static List<string> Expect(List<string> args, int count, string name) =>
        args.Count == count ? args : throw new InvalidOperationException($"$__{name}: unexpected number of arguments: expected {count}, received {args.Count}");

    private static string DateTimeOf(DateTime time) => "toDateTime(" + new DateTimeOffset(time, TimeSpan.Zero).ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture) + ")";

    private static string DateTime64Of(DateTime time) => "fromUnixTimestamp64Milli(" + Milliseconds(time) + ")";

    private static string DateOf(DateTime time) => "toDate('" + time.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) + "')";

    private static string Milliseconds(DateTime time) => new DateTimeOffset(time, TimeSpan.Zero).ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture);

    private static string GrafanaDuration(TimeSpan interval) =>
        interval.TotalHours >= 1 && interval.TotalHours % 1 == 0 ? $"{(int)interval.TotalHours}h"
        : interval.TotalMinutes >= 1 && interval.TotalMinutes % 1 == 0 ? $"{(int)interval.TotalMinutes}m"
        : interval.TotalSeconds >= 1 && interval.TotalSeconds % 1 == 0 ? $"{(int)interval.TotalSeconds}s"
        : $"{(int)interval.TotalMilliseconds}ms";

    // The data source's getMacroArgs: from the opening bracket, count brackets; a comma on level 1
    // ends an argument; the bracket that returns to level 0 ends the list. Unbalanced: no arguments.
    private static List<string> MacroArguments(string sql, int open)
    {
        var args = new List<string>();
        int depth = 0;
        int start = open + 1;
        for (int i = open; i < sql.Length; i++)
        {
            char c = sql[i];
            if (c == '(')
            {
                depth++;
            }
            else if (c == ')')
            {
                depth--;
            }

            if (c == ',' && depth == 1)
            {
                args.Add(sql[start..i]);
                start = i + 1;
            }

            if ((c == '(' || c == ')' || c == ',') && depth == 0)
            {
                args.Add(sql[start..i]);
                return args;
            }
        }

        return [];
    }

    private static int ClosingParenthesis(string sql, int open)
    {
        int depth = 0;
        for (int i = open; i < sql.Length; i++)
        {
            depth += sql[i] == '(' ? 1 : sql[i] == ')' ? -1 : 0;
            if (depth == 0)
            {
                return i;
            }
        }

        throw new InvalidOperationException("unbalanced parentheses after a macro at " + open.ToString(CultureInfo.InvariantCulture));
    }

    private static IEnumerable<string> SplitTopLevel(string args)
    {
        int depth = 0;
        int start = 0;
        for (int i = 0; i < args.Length; i++)
        {
            depth += args[i] == '(' ? 1 : args[i] == ')' ? -1 : 0;
            if (args[i] == ',' && depth == 0)
            {
                yield return args[start..i];
                start = i + 1;
            }
        }

        if (args.Length > 0)
        {
            yield return args[start..];
        }
    }
}
