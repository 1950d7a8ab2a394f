using System.Diagnostics;
using Sluice.Testing;

namespace Sluice.Dashboards.Tests.Json;

/// <summary>
/// Every dashboard JSON type-checks against the Dashboard type of npm @grafana/schema (dashboards/schema-check,
/// installed by <c>./sluice test</c> with <c>npm ci</c>), and a broken copy is refused naming the key.
/// </summary>
public sealed class DashboardSchemaTests
{
    private static readonly string CheckFolder = Path.Combine(RepositoryRoot.Find(), "dashboards", "schema-check");

    [Fact]
    public async Task SchemaCheck_ShippedDashboards_Conform()
    {
        (int exitCode, string output) = await RunCheckAsync(DashboardFile.Folder);

        Assert.True(exitCode == 0, output);
        Assert.Contains("3 dashboards conform", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("\"schemaVersion\": 41", "\"schemaVersion\": \"41\"", "schemaVersion")]
    [InlineData("\"gridPos\": {", "\"gridPosition\": {", "gridPosition")]
    [InlineData("\"refresh\": 2,", "\"refresh\": 7,", "refresh")]
    public async Task SchemaCheck_BrokenCopy_FailsNamingTheKey(string original, string replacement, string key)
    {
        string folder = Path.Combine(Path.GetTempPath(), "sluice-dashboards-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(folder);
        try
        {
            string text = await File.ReadAllTextAsync(Path.Combine(DashboardFile.Folder, "product-usage.json"));
            Assert.Contains(original, text, StringComparison.Ordinal);
            int at = text.IndexOf(original, StringComparison.Ordinal);
            await File.WriteAllTextAsync(Path.Combine(folder, "broken.json"), string.Concat(text.AsSpan(0, at), replacement, text.AsSpan(at + original.Length)));

            (int exitCode, string output) = await RunCheckAsync(folder);

            Assert.NotEqual(0, exitCode);
            Assert.Contains("broken.json", output, StringComparison.Ordinal);
            Assert.Contains(key, output, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static async Task<(int ExitCode, string Output)> RunCheckAsync(string folder)
    {
        Assert.True(
            Directory.Exists(Path.Combine(CheckFolder, "node_modules", "@grafana", "schema")),
            $"@grafana/schema is not installed: run `npm ci` in {CheckFolder} (./sluice test does)");
        var start = new ProcessStartInfo("node")
        {
            WorkingDirectory = CheckFolder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("check.mjs");
        start.ArgumentList.Add(folder);
        using var process = Process.Start(start)!;
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout + await stderr);
    }
}
