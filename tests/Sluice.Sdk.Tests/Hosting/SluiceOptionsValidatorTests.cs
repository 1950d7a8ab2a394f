using Sluice.Sdk.Hosting;
using Sluice.Sdk.Tests.Testing;

namespace Sluice.Sdk.Tests.Hosting;

public sealed class SluiceOptionsValidatorTests
{
    [Fact]
    public void Validate_DefaultHarnessOptions_Succeeds()
    {
        var result = new SluiceOptionsValidator().Validate(null, SdkHarness.DefaultOptions("/tmp/x"));

        Assert.True(result.Succeeded, result.FailureMessage);
    }

    [Fact]
    public void Validate_ManyProblems_ReportsEachOnce()
    {
        var options = new SluiceOptions { SchemaVersion = 3 };
        options.Channels.Add(new() { Name = "bad name", MaxEventsPerRequest = 0 });
        options.Channels.Add(new() { Name = "ok", Endpoint = new Uri("http://x"), ApiKey = "k" });
        options.Channels.Add(new() { Name = "OK", Endpoint = new Uri("http://x"), ApiKey = "k" });

        var result = new SluiceOptionsValidator().Validate(null, options);

        Assert.False(result.Succeeded);
        var failures = result.Failures!.ToList();
        Assert.Contains(failures, f => f.Contains("ProductName", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.Contains("ProductVersion", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.Contains("SchemaVersion", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.Contains("'bad name': Name", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.Contains("'bad name': Endpoint", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.Contains("'bad name': ApiKey", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.Contains("MaxEventsPerRequest", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.Contains("used twice", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.Contains("HashKey", StringComparison.Ordinal));
    }
}
