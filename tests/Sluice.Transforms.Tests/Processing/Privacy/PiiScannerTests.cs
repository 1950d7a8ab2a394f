using System.Text;
using Sluice.Transforms.Processing.Privacy;

namespace Sluice.Transforms.Tests.Processing.Privacy;

public class PiiScannerTests
{
    [Theory]
    [InlineData("contact alice.smith+news@example.co.uk now", "Email")]
    [InlineData("mailto:bob@mail-server.example.org.", "Email")]
    [InlineData("from 203.0.113.77 at noon", "Ip")]
    [InlineData("peer=192.168.1.20:8080", "Ip")]
    [InlineData("addr 2001:db8:85a3::8a2e:370:7334 refused", "Ip")]
    [InlineData("[fe80::1ff:fe23:4567:890a]:443", "Ip")]
    [InlineData("2001:0db8:0000:0000:0000:ff00:0042:8329", "Ip")]
    [InlineData("card 4111 1111 1111 1111 declined", "Card")]
    [InlineData("5500-0000-0000-0004", "Card")]
    [InlineData("amex 3782 822463 10005", "Card")]
    [InlineData("amex=378282246310005;", "Card")]
    [InlineData("IBAN DE89 3704 0044 0532 0130 00 for rent", "Iban")]
    [InlineData("GB82WEST12345698765432", "Iban")]
    public void Find_ObviousPii_IsFound(string text, string expected)
    {
        Assert.Equal(Enum.Parse<PiiKinds>(expected), PiiScanner.Find(text, PiiKinds.All));
    }

    [Theory]
    [InlineData("icon@2x.png")]
    [InlineData("@scope/package@1.2.3")]
    [InlineData("user@localhost")]
    [InlineData("Windows 10.0.19045.1234")]
    [InlineData("version 1.2.3.4.5")]
    [InlineData("v1.2.3.4")]
    [InlineData("256.1.1.1")]
    [InlineData("127.0.0.1")]
    [InlineData("bind 0.0.0.0")]
    [InlineData("::1")]
    [InlineData("at 12:30:45 UTC")]
    [InlineData("std::vector<int>")]
    [InlineData("a::b")]
    [InlineData("00:1a:2b:3c:4d:5e")]
    [InlineData("ts=1732550400000")]
    [InlineData("1732550400000000000")]
    [InlineData("4111111111111112")]
    [InlineData("0.4111111111111111")]
    [InlineData("id 41111111111111111111111")]
    [InlineData("order-4111111111111111x")]
    [InlineData("run 20261201-190828-full")]
    [InlineData("call 4111 111 111 1111 1")]
    [InlineData("3fa85f64-5717-4562-b3fc-2c963f66afa6")]
    [InlineData("4bf92f3577b34da6a3ce929d0e0e4736")]
    [InlineData("DE89370400440532013001")]
    [InlineData("ABCD1234")]
    [InlineData("")]
    [InlineData("😀@😀.😀")]
    [InlineData("ünïcödé ∑ 𝄞 ok")]
    public void Find_LookalikesThatAreNotPii_AreLeftAlone(string text)
    {
        Assert.Equal(PiiKinds.None, PiiScanner.Find(text, PiiKinds.All));
    }

    [Fact]
    public void Rewrite_SeveralFindings_ReplacesEachAndKeepsTheRest()
    {
        string result = PiiScanner.Rewrite("mail a@b.io from 10.1.2.3, card 4111111111111111.", PiiKinds.All, (kind, _) => $"<{kind}>");

        Assert.Equal("mail <Email> from <Ip>, card <Card>.", result);
    }

    [Fact]
    public void Rewrite_KindNotAsked_IsLeftAlone()
    {
        string result = PiiScanner.Rewrite("a@b.io 10.1.2.3", PiiKinds.Ip, (kind, _) => "x");

        Assert.Equal("a@b.io x", result);
    }

    [Fact]
    public void Rewrite_NothingFound_ReturnsTheSameInstance()
    {
        string text = "nothing to see here, version 2.0";

        Assert.Same(text, PiiScanner.Rewrite(text, PiiKinds.All, (_, _) => "x"));
    }

    [Theory]
    [InlineData("a.")]
    [InlineData("1.")]
    [InlineData("a:")]
    [InlineData("1")]
    [InlineData("@")]
    public void Rewrite_HugeHostileRepetitions_FinishesAndFindsNothing(string unit)
    {
        string text = new StringBuilder().Insert(0, unit, 200_000).ToString();

        Assert.Same(text, PiiScanner.Rewrite(text, PiiKinds.All, (_, _) => "x"));
    }

    [Fact]
    public void Rewrite_HugeValueWithOneAddress_FindsIt()
    {
        string text = new string('x', 100_000) + " carol@example.com " + new string('y', 100_000);

        string result = PiiScanner.Rewrite(text, PiiKinds.All, (_, _) => "[email]");

        Assert.Contains(" [email] ", result, StringComparison.Ordinal);
        Assert.Equal(text.Length - "carol@example.com".Length + "[email]".Length, result.Length);
    }

    [Fact]
    public void Rewrite_SkippingInsideWords_FindsWhatTryingEveryPositionFinds()
    {
        // Fragments that start, end or break matches, ASCII and not (Arabic-Indic digits and
        // accented letters are word characters outside ASCII), and whole findings of each kind.
        string[] parts =
        [
            "a", "Z", "x_", "0", "7", "42", ".", "@", ":", "::", "-", " ", "/", "+", "%", "é", "\u0663", "GB", "DE",
            "alice@example.com", "203.0.113.77", "2001:db8::1", "4111 1111 1111 1111", "378282246310005",
            "GB82WEST12345698765432", "DE89 3704 0044 0532 0130 00", "v1.2.3", "icon@2x.png", "fe80::1",
        ];
        var random = new Random(20261202);
        var text = new StringBuilder();
        int findings = 0;
        for (int n = 0; n < 20_000; n++)
        {
            text.Clear();
            for (int k = random.Next(1, 12); k > 0; k--)
            {
                text.Append(parts[random.Next(parts.Length)]);
            }

            string value = text.ToString();
            string expected = RewriteTryingEveryPosition(value, PiiKinds.All);
            Assert.Equal(expected, PiiScanner.Rewrite(value, PiiKinds.All, Mark));
            findings += expected == value ? 0 : 1;
        }

        Assert.True(findings > 5_000, $"only {findings} of the 20 000 values had a finding: the test would miss differences");
    }

    [Theory]
    [InlineData("", 0, 0)]
    [InlineData("ab", 0, 0)]
    [InlineData("abc", 1, 3)]
    [InlineData("ab cd", 1, 3)]
    [InlineData("ab cd", 3, 3)]
    [InlineData("ab\u0663c d", 1, 5)]
    [InlineData("ab.", 1, 3)]
    [InlineData(" x", 1, 1)]
    public void NextWordStart_IsTheFirstPositionAfterANonWordCharacter(string s, int from, int expected)
    {
        Assert.Equal(expected, PiiScanner.NextWordStart(s, from));
    }

    private static string Mark(PiiKinds kind, string text) => $"[{kind}:{text}]";

    // The scan before NextWordStart: a match tried at every position.
    private static string RewriteTryingEveryPosition(string value, PiiKinds kinds)
    {
        if (value.Length < 3 || !value.Any("@.:0123456789".Contains))
        {
            return value;
        }

        if (!value.Contains('@', StringComparison.Ordinal))
        {
            kinds &= ~PiiKinds.Email;
        }

        var result = new StringBuilder();
        int copied = 0;
        for (int i = 0; i < value.Length;)
        {
            if (PiiScanner.TryMatchAt(value, i, kinds, out int start, out int end, out PiiKinds kind))
            {
                result.Append(value, copied, start - copied).Append(Mark(kind, value[start..end]));
                copied = i = end;
            }
            else
            {
                i++;
            }
        }

        return result.Append(value, copied, value.Length - copied).ToString();
    }
}
