using System.Text;
using Sluice.Receiver.ClickHouse;

namespace Sluice.Receiver.Tests.ClickHouse;

public sealed class TableBufferTests
{
    [Theory]
    [InlineData(0u, new byte[] { 0x00 })]
    [InlineData(127u, new byte[] { 0x7F })]
    [InlineData(128u, new byte[] { 0x80, 0x01 })]
    [InlineData(16384u, new byte[] { 0x80, 0x80, 0x01 })]
    [InlineData(uint.MaxValue, new byte[] { 0xFF, 0xFF, 0xFF, 0xFF, 0x0F })]
    public void WriteVarUInt_Value_WritesLeb128(uint value, byte[] expected)
    {
        using var buffer = new TableBuffer("t", "c");

        buffer.WriteVarUInt(value);

        Assert.Equal(expected, buffer.Data.ToArray());
    }

    [Theory]
    [InlineData(0)]
    [InlineData(40)] // short path: length written after the bytes
    [InlineData(43)] // 43 chars may need up to 129 bytes: long path
    [InlineData(20_000)]
    public void WriteString_MultiByteText_PrefixesUtf8ByteLength(int chars)
    {
        string text = new('é', chars);
        using var buffer = new TableBuffer("t", "c");

        buffer.WriteString(text);

        byte[] utf8 = Encoding.UTF8.GetBytes(text);
        using var expected = new TableBuffer("t", "c");
        expected.WriteVarUInt((uint)utf8.Length);
        Assert.Equal([.. expected.Data.ToArray(), .. utf8], buffer.Data.ToArray());
    }

    [Fact]
    public void WriteFixedString16_Id_WritesBigEndian()
    {
        using var buffer = new TableBuffer("t", "c");

        buffer.WriteFixedString16(new UInt128(0x0102030405060708, 0x090A0B0C0D0E0F10));

        Assert.Equal(Enumerable.Range(1, 16).Select(i => (byte)i), buffer.Data.ToArray());
    }

    [Fact]
    public void WriteDateTime_PastUInt32Seconds_Clamps()
    {
        using var buffer = new TableBuffer("t", "c");

        buffer.WriteDateTime(1_500_000_000_999_999_999UL);
        buffer.WriteDateTime(ulong.MaxValue);

        Assert.Equal([.. BitConverter.GetBytes(1_500_000_000u), .. BitConverter.GetBytes(uint.MaxValue)], buffer.Data.ToArray());
    }

    [Fact]
    public void Write_PastInitialCapacity_GrowsAndKeepsEarlierBytes()
    {
        using var buffer = new TableBuffer("t", "c");
        for (ulong i = 0; i < 100_000; i++)
        {
            buffer.WriteUInt64(i);
            buffer.EndRow();
        }

        Assert.Equal(100_000, buffer.Rows);
        Assert.Equal(800_000, buffer.Bytes);
        Assert.Equal(99_999UL, BitConverter.ToUInt64(buffer.Data.Span[^8..]));
        Assert.Equal(1UL, BitConverter.ToUInt64(buffer.Data.Span[8..16]));

        buffer.Clear();

        Assert.Equal(0, buffer.Rows);
        Assert.Equal(0, buffer.Bytes);
    }

    [Fact]
    public void Write_PastTheDoublingRange_GrowsInStepsAndKeepsEveryByte()
    {
        // 40 MiB: past 16 MiB the buffer goes straight to its expected size (and leaves the shared pool).
        using var buffer = new TableBuffer("t", "c") { LargeCapacity = 24 * 1024 * 1024 };
        const ulong Values = 5 * 1024 * 1024;
        for (ulong i = 0; i < Values; i++)
        {
            buffer.WriteUInt64(i * 3);
        }

        Assert.Equal((int)(Values * 8), buffer.Bytes);
        ReadOnlySpan<byte> data = buffer.Data.Span;
        for (int i = 0; i < (int)Values; i += 4099)
        {
            Assert.Equal((ulong)i * 3, BitConverter.ToUInt64(data.Slice(i * 8, 8)));
        }

        Assert.Equal((Values - 1) * 3, BitConverter.ToUInt64(data[^8..]));
    }

    [Fact]
    public void Repeat_EarlierBytes_CopiesThemToTheEndAcrossGrowth()
    {
        using var buffer = new TableBuffer("t", "c");
        buffer.WriteString("first");
        int start = buffer.Bytes;
        buffer.WriteString("repeated-ü");
        int length = buffer.Bytes - start;
        for (int i = 0; i < 10_000; i++)
        {
            buffer.Repeat(start, length); // grows the buffer past its initial 64 KiB on the way
        }

        Assert.Equal(start + (length * 10_001), buffer.Bytes);
        byte[] once = buffer.Data.Span.Slice(start, length).ToArray();
        Assert.Equal(once, buffer.Data.Span[^length..].ToArray());
        Assert.Equal("repeated-ü"u8.ToArray(), once[1..]);
    }

    [Fact]
    public void Repeat_PastWhatWasWritten_ThrowsAndWritesNothing()
    {
        using var buffer = new TableBuffer("t", "c");
        buffer.WriteUInt64(7);

        Assert.Throws<ArgumentOutOfRangeException>(() => buffer.Repeat(4, 5));
        Assert.Throws<ArgumentOutOfRangeException>(() => buffer.Repeat(-1, 2));
        Assert.Equal(8, buffer.Bytes);
    }
}
