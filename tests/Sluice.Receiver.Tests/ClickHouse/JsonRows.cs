using System.Globalization;
using System.Text.Json;

namespace Sluice.Receiver.Tests.ClickHouse;

/// <summary>Reads <c>FORMAT JSONEachRow</c> answers; 64-bit integers may arrive quoted, as 18.16 does by default.</summary>
internal static class JsonRows
{
    public static List<JsonElement> Parse(string jsonEachRow)
    {
        var rows = new List<JsonElement>();
        foreach (string line in jsonEachRow.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            using var doc = JsonDocument.Parse(line);
            rows.Add(doc.RootElement.Clone());
        }

        return rows;
    }

    public static string Str(this JsonElement row, string name) => row.GetProperty(name).GetString()!;

    public static ulong U64(this JsonElement row, string name) => ToU64(row.GetProperty(name));

    public static long I64(this JsonElement row, string name)
    {
        var e = row.GetProperty(name);
        return e.ValueKind == JsonValueKind.String ? long.Parse(e.GetString()!, CultureInfo.InvariantCulture) : e.GetInt64();
    }

    public static double F64(this JsonElement row, string name) => row.GetProperty(name).GetDouble();

    public static string[] Strings(this JsonElement row, string name) =>
        [.. row.GetProperty(name).EnumerateArray().Select(e => e.GetString()!)];

    public static ulong[] U64s(this JsonElement row, string name) =>
        [.. row.GetProperty(name).EnumerateArray().Select(ToU64)];

    public static double[] F64s(this JsonElement row, string name) =>
        [.. row.GetProperty(name).EnumerateArray().Select(e => e.GetDouble())];

    public static string[][] StringArrays(this JsonElement row, string name) =>
        [.. row.GetProperty(name).EnumerateArray().Select(a => a.EnumerateArray().Select(e => e.GetString()!).ToArray())];

    private static ulong ToU64(JsonElement e) =>
        e.ValueKind == JsonValueKind.String ? ulong.Parse(e.GetString()!, CultureInfo.InvariantCulture) : e.GetUInt64();
}
