using Sluice.Sdk.Schema;

namespace Sluice.Sdk.Tests.Schema;

public sealed class RandomEventIdTests
{
    [Fact]
    public void ToString_Always_ThirtyTwoLowercaseHexCharacters()
    {
        for (var i = 0; i < 1000; i++)
        {
            Assert.Matches("^[0-9a-f]{32}$", RandomEventId.Create().ToString());
        }
    }

    [Fact]
    public void Create_ManyIds_AllDistinctAndStableText()
    {
        var ids = Enumerable.Range(0, 10_000).Select(_ => RandomEventId.Create()).ToList();

        Assert.Equal(10_000, ids.Select(id => id.ToString()).Distinct(StringComparer.Ordinal).Count());
        Assert.All(ids, id => Assert.Equal(id.ToString(), id.ToString()));
    }
}
