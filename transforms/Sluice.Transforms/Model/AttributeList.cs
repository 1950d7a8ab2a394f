namespace Sluice.Transforms.Model;

/// <summary>
/// Attributes as two parallel lists of strings, the shape they take in ClickHouse
/// (<c>Array(String)</c> keys and values). Non-string OTLP values are rendered as text:
/// booleans as <c>true</c>/<c>false</c>, numbers in invariant culture, bytes as base64,
/// arrays and key/value lists as JSON.
/// </summary>
public sealed class AttributeList
{
    private string[] _keys;
    private string[] _values;

    /// <summary>Creates an empty list.</summary>
    public AttributeList(int capacity = 8)
    {
        _keys = capacity == 0 ? [] : new string[capacity];
        _values = capacity == 0 ? [] : new string[capacity];
    }

    /// <summary>The number of attributes.</summary>
    public int Count { get; private set; }

    /// <summary>The keys, in insertion order; only the first <see cref="Count"/> are valid.</summary>
    public ReadOnlySpan<string> Keys => _keys.AsSpan(0, Count);

    /// <summary>The values, parallel to <see cref="Keys"/>.</summary>
    public ReadOnlySpan<string> Values => _values.AsSpan(0, Count);

    /// <summary>Appends an attribute (no check for an existing key: OTLP keys are unique by contract).</summary>
    public void Add(string key, string value)
    {
        if (Count == _keys.Length)
        {
            int size = Math.Max(4, Count * 2);
            Array.Resize(ref _keys, size);
            Array.Resize(ref _values, size);
        }

        _keys[Count] = key;
        _values[Count] = value;
        Count++;
    }

    /// <summary>Returns the value of <paramref name="key"/>, or null.</summary>
    public string? Get(string key)
    {
        int i = IndexOf(key);
        return i < 0 ? null : _values[i];
    }

    /// <summary>The index of <paramref name="key"/>, or -1.</summary>
    public int IndexOf(string key)
    {
        for (int i = 0; i < Count; i++)
        {
            if (string.Equals(_keys[i], key, StringComparison.Ordinal))
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>Sets <paramref name="key"/> to <paramref name="value"/>, adding it when absent.</summary>
    public void Set(string key, string value)
    {
        int i = IndexOf(key);
        if (i < 0)
        {
            Add(key, value);
        }
        else
        {
            _values[i] = value;
        }
    }

    /// <summary>Replaces the value at <paramref name="index"/> (which must be below <see cref="Count"/>).</summary>
    public void SetAt(int index, string value)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)index, (uint)Count, nameof(index));
        _values[index] = value;
    }

    /// <summary>Removes <paramref name="key"/>; returns whether it was there. Keeps the order of the rest.</summary>
    public bool Remove(string key)
    {
        int i = IndexOf(key);
        if (i < 0)
        {
            return false;
        }

        RemoveAt(i);
        return true;
    }

    /// <summary>Removes the attribute at <paramref name="index"/> (which must be below <see cref="Count"/>). Keeps the order of the rest.</summary>
    public void RemoveAt(int index)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)index, (uint)Count, nameof(index));
        int i = index;
        Array.Copy(_keys, i + 1, _keys, i, Count - i - 1);
        Array.Copy(_values, i + 1, _values, i, Count - i - 1);
        Count--;
        _keys[Count] = null!;
        _values[Count] = null!;
    }

    /// <summary>Empties the list, keeping its capacity for reuse.</summary>
    public void Clear()
    {
        Array.Clear(_keys, 0, Count);
        Array.Clear(_values, 0, Count);
        Count = 0;
    }
}
