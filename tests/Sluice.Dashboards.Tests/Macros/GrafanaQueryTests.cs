namespace Sluice.Dashboards.Tests.Macros;

/// <summary>The expansions grafana-clickhouse-datasource and Grafana produce, on a fixed range and interval.</summary>
public sealed class GrafanaQueryTests
{
    // 2026-11-20 00:00:00 UTC to 2026-11-22 12:00:00 UTC.
    private static readonly GrafanaQuery Query = new()
    {
        From = new DateTime(2026, 11, 20, 0, 0, 0, DateTimeKind.Utc),
        To = new DateTime(2026, 11, 22, 12, 0, 0, DateTimeKind.Utc),
        Interval = TimeSpan.FromMinutes(5),
        Variables = new Dictionary<string, TemplateVariable>
        {
            ["product"] = TemplateVariable.Single("editor"),
            ["os"] = TemplateVariable.Some("linux", "darwin"),
            ["version"] = TemplateVariable.AllOf(["1.0", "2.0"]),
            ["channel"] = TemplateVariable.Some("beta"),
        },
    };

    [Theory]
    [InlineData("$__timeFilter(Minute)", "Minute >= toDateTime(1795132800) AND Minute <= toDateTime(1795348800)")]
    [InlineData("$__timeFilter_ms(T)", "T >= fromUnixTimestamp64Milli(1795132800000) AND T <= fromUnixTimestamp64Milli(1795348800000)")]
    [InlineData("$__dateFilter(Day)", "Day >= toDate('2026-11-20') AND Day <= toDate('2026-11-22')")]
    [InlineData("$__dt(D, T)", "(D >= toDate('2026-11-20') AND D <= toDate('2026-11-22')) AND (T >= toDateTime(1795132800) AND T <= toDateTime(1795348800))")]
    [InlineData("$__fromTime, $__toTime", "toDateTime(1795132800), toDateTime(1795348800)")]
    [InlineData("$__timeInterval(Minute)", "toStartOfInterval(toDateTime(Minute), INTERVAL 300 second)")]
    [InlineData("intDiv(x, $__interval_s)", "intDiv(x, 300)")]
    [InlineData("$__from $__to $__interval $__interval_ms", "1795132800000 1795348800000 5m 300000")]
    public void Expand_Macro_AsThePluginWrites(string raw, string expected)
    {
        Assert.Equal(expected, Query.Expand(raw));
    }

    [Fact]
    public void Expand_SingleValue_InsertedUnquoted()
    {
        Assert.Equal("Product = 'editor'", Query.Expand("Product = '${product}'"));
        Assert.Equal("Product = 'editor'", Query.Expand("Product = '$product'"));
    }

    [Fact]
    public void Expand_MultiValue_QuotedAndJoined()
    {
        Assert.Equal("OsType IN ('linux','darwin')", Query.Expand("OsType IN (${os})"));
        Assert.Equal("c IN ('beta')", Query.Expand("c IN ($channel)"));
    }

    [Fact]
    public void Expand_ConditionalAllWithAll_BecomesTrue()
    {
        Assert.Equal("x AND 1=1 AND OsType IN ('linux','darwin')", Query.Expand("x AND $__conditionalAll(ServiceVersion IN (${version}), $version) AND $__conditionalAll(OsType IN (${os}), $os)"));
    }

    [Fact]
    public void Expand_AllWithoutConditional_ListsEveryOption()
    {
        Assert.Equal("v IN ('1.0','2.0')", Query.Expand("v IN (${version})"));
    }

    [Fact]
    public void Expand_UnknownVariable_LeftAsWritten()
    {
        Assert.Equal("'$nothing'", Query.ReplaceVariables("'$nothing'"));
    }

    [Fact]
    public void Expand_WrongArgumentCount_Throws()
    {
        var error = Assert.Throws<InvalidOperationException>(() => Query.Expand("$__timeFilter(a, b)"));
        Assert.Contains("expected 1, received 2", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Expand_UnknownMacro_Throws()
    {
        Assert.Throws<InvalidOperationException>(() => Query.Expand("$__timeGroup(t, 1h)"));
    }

    [Fact]
    public void Expand_IntervalUnderASecond_IsOneSecond()
    {
        GrafanaQuery fine = new() { From = Query.From, To = Query.To, Interval = TimeSpan.FromMilliseconds(200) };
        Assert.Equal("1", fine.Expand("$__interval_s"));
    }
}
