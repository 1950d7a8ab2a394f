using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Sluice.Receiver.Configuration;
using Sluice.Receiver.Rules;
using Sluice.Testing;

namespace Sluice.Receiver.Tests.Rules;

public sealed class RulesStoreTests : IDisposable
{
    private const string XOff = "rules:\n  - id: x-off\n    match: {events: [X]}\n    enabled: false\n";
    private const string YOff = "rules:\n  - id: y-off\n    match: {events: [Y]}\n    enabled: false\n";

    private readonly string _folder = Path.Combine(Path.GetTempPath(), "sluice-rules-" + Guid.NewGuid().ToString("N")[..12]);

    public RulesStoreTests()
    {
        Directory.CreateDirectory(_folder);
    }

    private string FilePath => Path.Combine(_folder, "rules.yaml");

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void Open_BrokenFile_ThrowsConfigErrorNamingTheKey()
    {
        File.WriteAllText(FilePath, "rules:\n  - id: a\n    enable: false\n");

        var ex = Assert.Throws<ConfigException>(() => RulesStore.Open(FilePath));

        Assert.Contains(ex.Errors, e => e.StartsWith(FilePath + ":3: rules[0] (a).enable: unknown key; did you mean 'enabled'?", StringComparison.Ordinal));
    }

    [Fact]
    public void Open_MissingFile_ThrowsConfigError()
    {
        var ex = Assert.Throws<ConfigException>(() => RulesStore.Open(FilePath));

        Assert.Contains("cannot read the rules file", Assert.Single(ex.Errors), StringComparison.Ordinal);
    }

    [Fact]
    public void Reload_FileEdited_NewRulesInForceForEnforcementEndpointAndHeader()
    {
        File.WriteAllText(FilePath, XOff);
        var store = RulesStore.Open(FilePath);
        string before = store.Book.VersionFor("p");

        File.WriteAllText(FilePath, YOff);
        var result = store.Reload(force: true);

        Assert.True(result.Changed);
        Assert.Equal(before, result.PreviousVersion);
        Assert.NotEqual(before, store.Book.VersionFor("p"));
        Assert.Equal("y-off", Assert.Single(store.Current.Rules).Id);
        Assert.Same(store.Book.Snapshot, store.Current);
    }

    [Fact]
    public void Reload_BrokenEdit_LastGoodRulesStayAndErrorIsReportedOnce()
    {
        File.WriteAllText(FilePath, XOff);
        var store = RulesStore.Open(FilePath);
        var good = store.Book;

        File.WriteAllText(FilePath, XOff.Replace("enabled: false", "enabled: maybe", StringComparison.Ordinal));
        var result = store.Reload(force: true);

        Assert.False(result.Changed);
        Assert.Contains(result.Errors, e => e.Contains("rules[0] (x-off).enabled: expected true or false, got 'maybe'", StringComparison.Ordinal));
        Assert.Same(good, store.Book);
        Assert.Equal("x-off", Assert.Single(store.Current.Rules).Id);
        Assert.Empty(store.Reload(force: true).Errors);

        // Fixed: the fix goes into force.
        File.WriteAllText(FilePath, YOff);
        Assert.True(store.Reload(force: true).Changed);
        Assert.Equal("y-off", Assert.Single(store.Current.Rules).Id);
    }

    [Fact]
    public void Reload_FileDeleted_LastGoodRulesStay()
    {
        File.WriteAllText(FilePath, XOff);
        var store = RulesStore.Open(FilePath);

        File.Delete(FilePath);
        var result = store.Reload(force: false);

        Assert.Contains("cannot read the rules file", Assert.Single(result.Errors), StringComparison.Ordinal);
        Assert.Equal("x-off", Assert.Single(store.Current.Rules).Id);
    }

    [Fact]
    public void Reload_SameContentRewritten_IsUnchangedAndKeepsTheETag()
    {
        File.WriteAllText(FilePath, XOff);
        var store = RulesStore.Open(FilePath);
        string etag = store.Book.ETagFor("p");

        File.WriteAllText(FilePath, XOff);
        File.SetLastWriteTimeUtc(FilePath, DateTime.UtcNow.AddMinutes(1));

        Assert.False(store.Reload(force: false).Changed);
        Assert.Equal(etag, store.Book.ETagFor("p"));
        Assert.False(store.Reload(force: false).Changed);
    }

    [Fact]
    public void Reload_SizeChangedWithoutNotification_PeriodicCheckPicksItUp()
    {
        File.WriteAllText(FilePath, XOff);
        var store = RulesStore.Open(FilePath);

        File.WriteAllText(FilePath, XOff + "  - id: y-off\n    match: {events: [Y]}\n    enabled: false\n");

        Assert.True(store.Reload(force: false).Changed);
        Assert.Equal(2, store.Current.Rules.Count);
    }

    [Fact]
    public async Task Reloader_NoNotification_PeriodicCheckReloadsAfterTheInterval()
    {
        File.WriteAllText(FilePath, XOff);
        var store = RulesStore.Open(FilePath);
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        using var reloader = new RulesReloader(store, time, NullLogger<RulesReloader>.Instance, watch: false);
        await reloader.StartAsync(CancellationToken.None);
        try
        {
            File.WriteAllText(FilePath, YOff + "# longer, so the size differs\n");
            Assert.Equal("x-off", Assert.Single(store.Current.Rules).Id);

            // Only fake time moves the check: advance it until the loop has looked again.
            await Eventually.UntilAsync(
                () =>
                {
                    time.Advance(RulesReloader.CheckInterval);
                    return Task.FromResult(store.Current.Rules is [{ Id: "y-off" }]);
                },
                TimeSpan.FromSeconds(10),
                "the periodic check to reload");
        }
        finally
        {
            await reloader.StopAsync(CancellationToken.None);
        }
    }

    [Fact]
    public async Task Reloader_FileSavedWhileRunning_NewRulesWithinSeconds()
    {
        File.WriteAllText(FilePath, XOff);
        var store = RulesStore.Open(FilePath);
        using var reloader = new RulesReloader(store, TimeProvider.System, NullLogger<RulesReloader>.Instance);
        await reloader.StartAsync(CancellationToken.None);
        try
        {
            // Write elsewhere and rename over the file, as editors and config-map updates do.
            string temp = Path.Combine(_folder, "rules.yaml.tmp");
            File.WriteAllText(temp, YOff);
            File.Move(temp, FilePath, overwrite: true);

            await Eventually.UntilAsync(() => Task.FromResult(store.Current.Rules is [{ Id: "y-off" }]), TimeSpan.FromSeconds(10), "the edited rules in force");
        }
        finally
        {
            await reloader.StopAsync(CancellationToken.None);
        }
    }
}
