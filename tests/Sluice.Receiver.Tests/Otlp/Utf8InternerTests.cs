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
}
