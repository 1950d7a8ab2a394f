using Sluice.Sdk.Privacy;
using Sluice.Sdk.Schema;
using Sluice.Sdk.Tests.Testing;

namespace Sluice.Sdk.Tests.Privacy;

public sealed class PrivacyFilterTests
{
    [Fact]
    public void Hash_SameValueSameKey_IsStableAndNotClear()
    {
        var filter = new PrivacyFilter(Options());

        var first = filter.Hash("alice@contoso.com");

        Assert.Equal(first, new PrivacyFilter(Options()).Hash("alice@contoso.com"));
        Assert.NotEqual(first, filter.Hash("bob@contoso.com"));
        Assert.DoesNotContain("alice", first, StringComparison.Ordinal);
        Assert.StartsWith("1:", first, StringComparison.Ordinal);
    }

    [Fact]
    public void Hash_DifferentProductKey_GivesDifferentHash()
    {
        var other = Options();
        other.HashKey = Convert.ToBase64String(new byte[32]);

        Assert.NotEqual(new PrivacyFilter(Options()).Hash("alice"), new PrivacyFilter(other).Hash("alice"));
    }

    [Fact]
    public void ActionFor_ByNameAndByClassification_NameWins()
    {
        var options = Options();
        options.Classifications["email"] = "EUII";
        options.Classifications["phone"] = "EUII";
        options.Classifications["ssn"] = "Unlisted";
        options.ClassificationActions["EUII"] = PrivacyAction.Drop;
        options.Attributes["email"] = PrivacyAction.Hash;

        var filter = new PrivacyFilter(options);

        Assert.Equal(PrivacyAction.Hash, filter.ActionFor("email"));
        Assert.Equal(PrivacyAction.Drop, filter.ActionFor("phone"));
        Assert.Equal(PrivacyAction.Hash, filter.ActionFor("ssn"));
        Assert.Equal(PrivacyAction.Keep, filter.ActionFor("plan"));
    }

    [Theory]
    [InlineData(UserKind.External, false)]
    [InlineData(UserKind.Internal, true)]
    [InlineData(UserKind.Test, false)]
    public void ProtectUserId_PolicyKeepsInternalInClear_OnlyInternalInClear(UserKind kind, bool clear)
    {
        var options = Options();
        options.ClearUserIdKinds.Add(UserKind.Internal);

        var sent = new PrivacyFilter(options).ProtectUserId(new UserState("u-42", kind));

        Assert.Equal(clear, sent == "u-42");
    }

    [Fact]
    public void ProtectUserId_ExternalEvenIfListed_IsHashed()
    {
        var options = Options();
        options.ClearUserIdKinds.Add(UserKind.External);

        Assert.NotEqual("u-42", new PrivacyFilter(options).ProtectUserId(new UserState("u-42", UserKind.External)));
    }

    [Fact]
    public void Hash_NoKey_NeverFallsBackToClearText()
    {
        Assert.Equal("redacted", new PrivacyFilter(new PrivacyOptions()).Hash("alice"));
    }

    private static PrivacyOptions Options() => new() { HashKey = SdkHarness.Key };
}
