using System.Text;
using Sluice.Receiver.Otlp;

namespace Sluice.Receiver.Tests.Otlp;

public class Utf8InternerTests
{
    [Fact]
    public void GetString_SameBytes_SameInstance()
    {
        var interner = new Utf8Interner();

        string first = interner.GetString("session.id"u8);
        string second = interner.GetString(Encoding.UTF8.GetBytes("session.id"));

        Assert.Equal("session.id", first);
        Assert.Same(first, second);
    }

    [Fact]
    public void GetString_ManyDistinctValues_EachDecodedCorrectlyEvenAfterEviction()
    {
        var interner = new Utf8Interner();
        for (int round = 0; round < 2; round++)
        {
            for (int i = 0; i < 10_000; i++)
            {
                string expected = "value-" + i.ToString(System.Globalization.CultureInfo.InvariantCulture);
                Assert.Equal(expected, interner.GetString(Encoding.UTF8.GetBytes(expected)));
            }
        }
    }

    [Theory]
    [InlineData(new byte[] { 0x61, 0xFF, 0x62 })]
    [InlineData(new byte[] { 0xC3 })]
    [InlineData(new byte[] { 0xE2, 0x82, 0xAC })]
    public void GetString_AnyBytes_AsEncodingUtf8DecodesThem(byte[] utf8)
    {
        var interner = new Utf8Interner();

        Assert.Equal(Encoding.UTF8.GetString(utf8), interner.GetString(utf8));
        Assert.Equal(Encoding.UTF8.GetString(utf8), interner.GetString(utf8));
    }

    [Fact]
    public void GetString_LongerThanTheTableTakes_DecodedEveryTime()
    {
        var interner = new Utf8Interner();
        byte[] utf8 = Encoding.UTF8.GetBytes(new string('x', Utf8Interner.MaxLength + 1));

        string first = interner.GetString(utf8);

        Assert.Equal(new string('x', Utf8Interner.MaxLength + 1), first);
        Assert.NotSame(first, interner.GetString(utf8));
        Assert.Same(string.Empty, interner.GetString([]));
    }

    [Fact]
    public void GetStringAtPosition_AlwaysTheTextOfTheBytes_AndTheSameInstanceOnARepeat()
    {
        var interner = new Utf8Interner();
        string[] texts = ["session.id", "", "user.id", "session.id", "ü", new string('x', Utf8Interner.MaxLength), new string('y', Utf8Interner.MaxLength + 1)];
        foreach (int position in new[] { 0, 1, Utf8Interner.RecentPositions - 1, Utf8Interner.RecentPositions, -1 })
        {
            foreach (string text in texts)
            {
                // Each text after another at the same position, then itself again.
                string first = interner.GetString(Encoding.UTF8.GetBytes(text), position);
                string again = interner.GetString(Encoding.UTF8.GetBytes(text), position);
                Assert.Equal(text, first);
                if (text.Length <= Utf8Interner.MaxLength)
                {
                    Assert.Same(first, again);
                }
            }
        }

        Assert.Equal("a\uFFFDb", interner.GetString([0x61, 0xFF, 0x62], 3));
    }
}
