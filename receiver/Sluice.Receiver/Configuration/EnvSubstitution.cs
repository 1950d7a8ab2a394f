using System.Text;

namespace Sluice.Receiver.Configuration;

/// <summary>
/// Expands <c>${env:VAR}</c>, <c>${env:VAR:-default}</c> and the short <c>${VAR}</c> /
/// <c>${VAR:-default}</c> in a scalar, as the Collector does; <c>$$</c> is a literal <c>$</c>.
/// Unlike the Collector, an unset variable without a default is an error rather than an empty
/// string: an empty API key or endpoint found at start is far cheaper than one found in production.
/// A default applies when the variable is unset or empty, as in the shell.
/// </summary>
internal static class EnvSubstitution
{
    /// <summary>Returns the expanded text, or null with <paramref name="error"/> saying what is wrong.</summary>
    public static string? Expand(string text, Func<string, string?> environment, out string? error)
    {
        error = null;
        if (!text.Contains('$', StringComparison.Ordinal))
        {
            return text;
        }

        var result = new StringBuilder(text.Length);
        int i = 0;
        while (i < text.Length)
        {
            char c = text[i];
            if (c != '$' || i + 1 >= text.Length)
            {
                result.Append(c);
                i++;
                continue;
            }

            char next = text[i + 1];
            if (next == '$')
            {
                result.Append('$');
                i += 2;
                continue;
            }

            if (next != '{')
            {
                result.Append(c);
                i++;
                continue;
            }

            int close = text.IndexOf('}', i + 2);
            if (close < 0)
            {
                error = $"unterminated '${{' in '{text}'; write ${{env:NAME}} or ${{env:NAME:-default}} (a literal $ is $$)";
                return null;
            }

            string? value = Resolve(text[(i + 2)..close], environment, out error);
            if (value is null)
            {
                return null;
            }

            result.Append(value);
            i = close + 1;
        }

        return result.ToString();
    }

    private static string? Resolve(string reference, Func<string, string?> environment, out string? error)
    {
        error = null;
        string body = reference.StartsWith("env:", StringComparison.Ordinal) ? reference[4..] : reference;
        int separator = body.IndexOf(":-", StringComparison.Ordinal);
        string name = separator < 0 ? body : body[..separator];
        string? fallback = separator < 0 ? null : body[(separator + 2)..];

        if (!IsVariableName(name))
        {
            error = name.Contains(':', StringComparison.Ordinal)
                ? $"unsupported '${{{reference}}}': only environment variables are supported (${{env:NAME}}, ${{env:NAME:-default}})"
                : $"'${{{reference}}}' does not name an environment variable (letters, digits and _, not starting with a digit)";
            return null;
        }

        string? value = environment(name);
        if (!string.IsNullOrEmpty(value))
        {
            return value;
        }

        if (fallback is not null)
        {
            return fallback;
        }

        if (value is not null)
        {
            // Set but empty, without a default: the user set it, so honour it.
            return value;
        }

        error = $"environment variable '{name}' is not set and has no default; set it or write ${{env:{name}:-default}}";
        return null;
    }

    private static bool IsVariableName(string name)
    {
        if (name.Length == 0 || char.IsAsciiDigit(name[0]))
        {
            return false;
        }

        foreach (char c in name)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c != '_')
            {
                return false;
            }
        }

        return true;
    }
}
