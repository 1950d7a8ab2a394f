using System.Buffers;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Sluice.Transforms.Processing.Privacy;

/// <summary>
/// Finds obvious personal data in free text. Every detector is a hand-written scan with strict
/// boundaries and a checksum where one exists, because the cost of a false positive is a
/// destroyed value: a version <c>10.0.19045.1</c>, a Unix-millisecond timestamp, a hex id or
/// <c>icon@2x.png</c> must come through untouched. Runs on every string of every event, so a
/// value with none of the trigger characters costs one vectorized search.
/// </summary>
internal static class PiiScanner
{
    private static readonly SearchValues<char> Triggers = SearchValues.Create("@.:0123456789");

    // The ASCII characters IsWordChar accepts.
    private static readonly SearchValues<char> AsciiWordChars = SearchValues.Create("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz");

    // Top-level "domains" that are really file extensions: icon@2x.png, sprite@3x.webp.
    private static readonly HashSet<string> FileExtensions = new(StringComparer.OrdinalIgnoreCase)
    {
        "png", "jpg", "jpeg", "gif", "svg", "webp", "ico", "bmp", "tif", "tiff", "avif",
        "js", "mjs", "ts", "css", "map", "json", "xml", "html", "htm", "txt", "md", "pdf",
        "woff", "woff2", "ttf", "otf", "mp3", "mp4", "wav", "zip", "gz", "dll", "exe", "so", "dylib",
    };

    /// <summary>
    /// Replaces each finding in <paramref name="value"/> by <paramref name="replace"/>'s answer for
    /// it; returns the value itself (same reference) when nothing was found.
    /// </summary>
    public static string Rewrite(string value, PiiKinds kinds, Func<PiiKinds, string, string> replace)
    {
        if (kinds == PiiKinds.None || value.Length < 3 || !value.AsSpan().ContainsAny(Triggers))
        {
            return value;
        }

        if (!value.Contains('@', StringComparison.Ordinal))
        {
            kinds &= ~PiiKinds.Email;
        }

        StringBuilder? result = null;
        int copied = 0;
        int i = 0;
        while (i < value.Length)
        {
            if (TryMatchAt(value, i, kinds, out int start, out int end, out PiiKinds kind))
            {
                result ??= new StringBuilder(value.Length);
                result.Append(value, copied, start - copied);
                result.Append(replace(kind, value[start..end]));
                copied = end;
                i = end;
            }
            else
            {
                i = NextWordStart(value, i + 1);
            }
        }

        if (result is null)
        {
            return value;
        }

        result.Append(value, copied, value.Length - copied);
        return result.ToString();
    }

    /// <summary>The kinds found in <paramref name="value"/> (for tests and diagnostics).</summary>
    public static PiiKinds Find(string value, PiiKinds kinds)
    {
        PiiKinds found = PiiKinds.None;
        Rewrite(value, kinds, (kind, text) =>
        {
            found |= kind;
            return text;
        });
        return found;
    }

    /// <summary>
    /// The first position from <paramref name="from"/> on that follows no word character (or the
    /// end): every detector's match starts at such a position (see <see cref="TryMatchAt"/>), so
    /// the positions inside a word are skipped, most of them by one vectorized search.
    /// </summary>
    internal static int NextWordStart(string s, int from)
    {
        while (from > 0 && from < s.Length && IsWordChar(s[from - 1]))
        {
            int rest = s.AsSpan(from).IndexOfAnyExcept(AsciiWordChars);
            if (rest < 0)
            {
                return s.Length;
            }

            // s[from + rest] ends the ASCII run; unless it is a word character after all (a
            // letter or digit outside ASCII), the position after it follows a non-word character.
            from += rest + 1;
        }

        return Math.Min(from, s.Length);
    }

    // A match may start at i (cards, IBANs, IPs) or have its trigger at i (e-mail's '@', found
    // from the left end of the address, which lies before i only when the scan passed it as text).
    internal static bool TryMatchAt(string s, int i, PiiKinds kinds, out int start, out int end, out PiiKinds kind)
    {
        start = i;
        end = i;
        kind = PiiKinds.None;
        char c = s[i];
        bool boundary = i == 0 || !IsWordChar(s[i - 1]);

        // E-mail first: its local part may begin with a digit or letter anywhere a word starts.
        if ((kinds & PiiKinds.Email) != 0 && boundary && IsLocalPartChar(c) && c != '.' && TryEmail(s, i, out end))
        {
            kind = PiiKinds.Email;
            return true;
        }

        if ((kinds & PiiKinds.Iban) != 0 && boundary && char.IsAsciiLetterUpper(c) && TryIban(s, i, out end))
        {
            kind = PiiKinds.Iban;
            return true;
        }

        if (boundary && (i == 0 || s[i - 1] != '.') && char.IsAsciiDigit(c))
        {
            if ((kinds & PiiKinds.Ip) != 0 && TryIPv4(s, i, out end))
            {
                kind = PiiKinds.Ip;
                return true;
            }

            if ((kinds & PiiKinds.Card) != 0 && TryCard(s, i, out end))
            {
                kind = PiiKinds.Card;
                return true;
            }
        }

        if ((kinds & PiiKinds.Ip) != 0 && (i == 0 || !IsWordChar(s[i - 1]) && s[i - 1] != ':') && (char.IsAsciiHexDigit(c) || c == ':') && TryIPv6(s, i, out end))
        {
            kind = PiiKinds.Ip;
            return true;
        }

        return false;
    }

    private static bool TryEmail(string s, int start, out int end)
    {
        end = start;
        int at = start;
        while (at < s.Length && IsLocalPartChar(s[at]) && at - start <= 64)
        {
            at++;
        }

        if (at == start || at >= s.Length || s[at] != '@' || s[at - 1] == '.' || at - start > 64)
        {
            return false;
        }

        int domainEnd = at + 1;
        while (domainEnd < s.Length && (char.IsAsciiLetterOrDigit(s[domainEnd]) || s[domainEnd] == '.' || s[domainEnd] == '-'))
        {
            domainEnd++;
        }

        // A sentence may end right after the address.
        while (domainEnd > at + 1 && (s[domainEnd - 1] == '.' || s[domainEnd - 1] == '-'))
        {
            domainEnd--;
        }

        ReadOnlySpan<char> domain = s.AsSpan(at + 1, domainEnd - at - 1);
        int lastDot = domain.LastIndexOf('.');
        if (lastDot <= 0 || domain.Contains("..", StringComparison.Ordinal) || domain[0] == '-')
        {
            return false;
        }

        ReadOnlySpan<char> tld = domain[(lastDot + 1)..];
        if (tld.Length < 2 || tld.Length > 63 || tld.ContainsAnyExcept(AsciiLetters) || FileExtensions.Contains(tld.ToString()))
        {
            return false;
        }

        end = domainEnd;
        return true;
    }

    private static readonly SearchValues<char> AsciiLetters = SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz");

    private static bool TryIPv4(string s, int start, out int end)
    {
        end = start;
        int i = start;
        Span<int> octets = stackalloc int[4];
        for (int part = 0; part < 4; part++)
        {
            if (part > 0)
            {
                if (i >= s.Length || s[i] != '.')
                {
                    return false;
                }

                i++;
            }

            int digits = 0;
            int value = 0;
            while (i < s.Length && char.IsAsciiDigit(s[i]) && digits < 4)
            {
                value = value * 10 + (s[i] - '0');
                digits++;
                i++;
            }

            if (digits is 0 or > 3 || value > 255)
            {
                return false;
            }

            octets[part] = value;
        }

        // 1.2.3.4.5 is a version, 1.2.3.4a an identifier; "at 1.2.3.4." ends a sentence.
        if (i < s.Length && (IsWordChar(s[i]) || s[i] == '.' && i + 1 < s.Length && char.IsAsciiDigit(s[i + 1])))
        {
            return false;
        }

        if (octets[0] == 127 || octets[0] == 0 && octets[1] == 0 && octets[2] == 0 && octets[3] == 0)
        {
            return false;
        }

        end = i;
        return true;
    }

    // "ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255" plus one for a trailing dot.
    private const int MaxIPv6Length = 46;

    private static bool TryIPv6(string s, int start, out int end)
    {
        end = start;
        int i = start;
        int colons = 0;
        bool hex = false;
        while (i < s.Length && (char.IsAsciiHexDigit(s[i]) || s[i] == ':' || s[i] == '.'))
        {
            if (i - start > MaxIPv6Length)
            {
                // Longer than any address: a hex blob or a dotted list, not worth parsing.
                return false;
            }

            colons += s[i] == ':' ? 1 : 0;
            hex |= s[i] != ':' && s[i] != '.';
            i++;
        }

        // A trailing "." or a single trailing ":" belongs to the sentence, not the address.
        while (i > start && (s[i - 1] == '.' || s[i - 1] == ':' && (i - 2 < start || s[i - 2] != ':')))
        {
            colons -= s[i - 1] == ':' ? 1 : 0;
            i--;
        }

        ReadOnlySpan<char> token = s.AsSpan(start, i - start);
        if (!hex || colons < 2 || colons > 7 || (i < s.Length && IsWordChar(s[i])))
        {
            return false;
        }

        // Without "::" an address has all eight groups; "12:30:45" is a time, not an address.
        if (colons < 7 && !token.Contains("::", StringComparison.Ordinal))
        {
            return false;
        }

        // "a::b" is more often code than an address worth hiding; real ones have three groups or more.
        int groups = 0;
        foreach (Range group in token.Split(':'))
        {
            groups += token[group].IsEmpty ? 0 : 1;
        }

        if (groups < 3)
        {
            return false;
        }

        if (!IPAddress.TryParse(token, out IPAddress? address) || address.AddressFamily != AddressFamily.InterNetworkV6
            || IPAddress.IsLoopback(address) || address.Equals(IPAddress.IPv6None))
        {
            return false;
        }

        end = i;
        return true;
    }

    private static bool TryCard(string s, int start, out int end)
    {
        end = start;
        char first = s[start];
        if (first < '2' || first > '6')
        {
            // Card numbers start 2-6; Unix timestamps (1...) and zero-padded ids do not.
            return false;
        }

        int i = start;
        int digits = 0;
        int lastDigit = start;
        Span<byte> number = stackalloc byte[19];
        Span<int> groups = stackalloc int[19];
        int group = 0;
        while (i < s.Length)
        {
            char c = s[i];
            if (char.IsAsciiDigit(c))
            {
                if (digits == 19)
                {
                    return false;
                }

                number[digits++] = (byte)(c - '0');
                groups[group]++;
                lastDigit = i;
                i++;
            }
            else if ((c == ' ' || c == '-') && i + 1 < s.Length && char.IsAsciiDigit(s[i + 1]) && char.IsAsciiDigit(s[i - 1]))
            {
                group++;
                i++;
            }
            else
            {
                break;
            }
        }

        int after = lastDigit + 1;
        if (digits < 13 || (after < s.Length && (IsWordChar(s[after]) || s[after] == '.' && after + 1 < s.Length && char.IsAsciiDigit(s[after + 1]))))
        {
            return false;
        }

        if (group > 0 && !IsCardGrouping(groups[..(group + 1)]))
        {
            // Separated digits that are not laid out as cards print them (a date-time stamp such as
            // 20261201-190828, a phone number) are not taken for one.
            return false;
        }

        if (!Luhn(number[..digits]))
        {
            return false;
        }

        end = after;
        return true;
    }

    // How card numbers are printed: groups of four with a shorter last one (16 or 19 digits: 4-4-4-4,
    // 4-4-4-4-3), or American Express and Diners Club's 4-6-5 and 4-6-4.
    private static bool IsCardGrouping(ReadOnlySpan<int> groups)
    {
        if (groups is [4, 6, 5] or [4, 6, 4])
        {
            return true;
        }

        for (int g = 0; g < groups.Length - 1; g++)
        {
            if (groups[g] != 4)
            {
                return false;
            }
        }

        return groups[^1] is >= 1 and <= 4;
    }

    private static bool Luhn(ReadOnlySpan<byte> digits)
    {
        int sum = 0;
        bool twice = false;
        for (int i = digits.Length - 1; i >= 0; i--)
        {
            int d = digits[i];
            if (twice)
            {
                d *= 2;
                if (d > 9)
                {
                    d -= 9;
                }
            }

            sum += d;
            twice = !twice;
        }

        return sum % 10 == 0;
    }

    private static bool TryIban(string s, int start, out int end)
    {
        end = start;
        if (start + 4 > s.Length || !char.IsAsciiLetterUpper(s[start + 1]) || !char.IsAsciiDigit(s[start + 2]) || !char.IsAsciiDigit(s[start + 3]))
        {
            return false;
        }

        Span<char> compact = stackalloc char[34];
        int length = 0;
        int i = start;
        int last = start;
        while (i < s.Length)
        {
            char c = s[i];
            if (char.IsAsciiDigit(c) || char.IsAsciiLetterUpper(c))
            {
                if (length == 34)
                {
                    return false;
                }

                compact[length++] = c;
                last = i;
                i++;
            }
            else if (c == ' ' && i + 1 < s.Length && char.IsAsciiLetterOrDigit(s[i + 1]) && length % 4 == 0)
            {
                // Printed IBANs are grouped in fours: DE89 3704 0044 0532 0130 00.
                i++;
            }
            else
            {
                break;
            }
        }

        if (length < 15 || (last + 1 < s.Length && IsWordChar(s[last + 1])))
        {
            return false;
        }

        // Mod 97 of the number formed by moving the first four characters to the end, letters as 10..35.
        int remainder = 0;
        for (int k = 0; k < length; k++)
        {
            char c = compact[(k + 4) % length];
            if (char.IsAsciiDigit(c))
            {
                remainder = (remainder * 10 + (c - '0')) % 97;
            }
            else
            {
                remainder = (remainder * 100 + (c - 'A' + 10)) % 97;
            }
        }

        if (remainder != 1)
        {
            return false;
        }

        end = last + 1;
        return true;
    }

    private static bool IsWordChar(char c) => char.IsLetterOrDigit(c) || c == '_';

    private static bool IsLocalPartChar(char c) =>
        char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '%' or '+' or '-';
}
