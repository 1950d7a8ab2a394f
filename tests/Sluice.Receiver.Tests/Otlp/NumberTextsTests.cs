using System.Globalization;
using Sluice.Receiver.Otlp;

namespace Sluice.Receiver.Tests.Otlp;

public class NumberTextsTests
{
    [Fact]
    public void Int_ManyValuesTwice_AlwaysTheInvariantText()
    {
        var texts = new NumberTexts();
        long[] values = [.. Enumerable.Range(-3000, 6000).Select(i => (long)i), long.MinValue, long.MaxValue, 1L << 40];
        for (int round = 0; round < 2; round++)
        {
            foreach (long value in values)
            {
                Assert.Equal(value.ToString(CultureInfo.InvariantCulture), texts.Int(value));
            }
        }
    }

    [Fact]
    public void Double_ManyValuesTwice_AlwaysTheRoundTripText()
    {
        var texts = new NumberTexts();
        double[] values = [.. Enumerable.Range(0, 5000).Select(i => i * 0.37), 0.0, -0.0, double.NaN, double.PositiveInfinity, double.Epsilon, 1e300];
        for (int round = 0; round < 2; round++)
        {
            foreach (double value in values)
            {
                Assert.Equal(value.ToString("R", CultureInfo.InvariantCulture), texts.Double(value));
            }
        }

        Assert.Equal("-0", texts.Double(-0.0));
        Assert.Equal("0", texts.Double(0.0));
    }

    [Fact]
    public void Int_SameValue_SameInstance()
    {
        var texts = new NumberTexts();

        Assert.Same(texts.Int(1920), texts.Int(1920));
    }
}
