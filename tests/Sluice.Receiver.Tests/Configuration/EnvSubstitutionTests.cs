using Sluice.Receiver.Configuration;

namespace Sluice.Receiver.Tests.Configuration;

public sealed class EnvSubstitutionTests
{
    private static readonly Func<string, string?> Environment = name => name switch
    {
        "HOST" => "db.internal",
        "PORT" => "8123",
        "EMPTY" => string.Empty,
        _ => null,
    };

    [Theory]
    [InlineData("plain", "plain")]
    [InlineData("${env:HOST}", "db.internal")]
    [InlineData("${HOST}", "db.internal")]
    [InlineData("http://${env:HOST}:${env:PORT}/", "http://db.internal:8123/")]
    [InlineData("${env:UNSET:-fallback}", "fallback")]
    [InlineData("${UNSET:-}", "")]
    [InlineData("${env:UNSET:-http://a:1}", "http://a:1")]
    [InlineData("${env:HOST:-ignored}", "db.internal")]
    [InlineData("${env:EMPTY:-used}", "used")]
    [InlineData("${env:EMPTY}", "")]
    [InlineData("cost $5 and $$HOME", "cost $5 and $HOME")]
    [InlineData("trailing $", "trailing $")]
    public void Expand_References_AreReplaced(string text, string expected)
    {
        Assert.Equal(expected, EnvSubstitution.Expand(text, Environment, out string? error));
        Assert.Null(error);
    }

    [Fact]
    public void Expand_UnsetWithoutDefault_ErrorNamesVariable()
    {
        Assert.Null(EnvSubstitution.Expand("key-${env:SLUICE_API_KEY}", Environment, out string? error));
        Assert.Contains("'SLUICE_API_KEY' is not set", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("${env:HOST", "unterminated")]
    [InlineData("${file:/etc/x}", "only environment variables")]
    [InlineData("${env:1BAD}", "does not name an environment variable")]
    [InlineData("${}", "does not name an environment variable")]
    public void Expand_MalformedReference_ReturnsError(string text, string expected)
    {
        Assert.Null(EnvSubstitution.Expand(text, Environment, out string? error));
        Assert.Contains(expected, error, StringComparison.Ordinal);
    }
}
