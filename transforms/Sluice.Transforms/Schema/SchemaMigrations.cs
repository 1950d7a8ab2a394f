using System.Globalization;
using System.Reflection;
using System.Text;

namespace Sluice.Transforms.Schema;

/// <summary>
/// Loads the ClickHouse migrations embedded in this assembly (<c>Schema/Migrations/NNNN_name.sql</c>).
/// A file holds statements separated by lines that hold only <c>;</c>, and names the target
/// database as <c>{database}</c>. A line <c>-- requires: feature</c> marks a migration that only
/// servers with that feature get (the portable schema runs everywhere; extras such as Map
/// aliases only where the server has them).
/// </summary>
internal static class SchemaMigrations
{
    private const string ResourcePrefix = "Sluice.Schema.Migrations.";
    private const string DatabasePlaceholder = "{database}";
    private const string RequiresPrefix = "-- requires:";

    /// <summary>Every migration, in version order, with <paramref name="database"/> filled in.</summary>
    /// <exception cref="ArgumentException">The database name is not a plain identifier.</exception>
    public static IReadOnlyList<SchemaMigration> Load(string database)
    {
        if (!IsIdentifier(database))
        {
            // The name is pasted into DDL: allow only what needs no quoting.
            throw new ArgumentException($"Database name '{database}' must be letters, digits and underscores, not starting with a digit.", nameof(database));
        }

        var assembly = typeof(SchemaMigrations).Assembly;
        var migrations = new List<SchemaMigration>();
        foreach (string resource in assembly.GetManifestResourceNames())
        {
            if (resource.StartsWith(ResourcePrefix, StringComparison.Ordinal) && resource.EndsWith(".sql", StringComparison.Ordinal))
            {
                migrations.Add(Parse(resource[ResourcePrefix.Length..^4], Read(assembly, resource), database));
            }
        }

        migrations.Sort((a, b) => a.Version.CompareTo(b.Version));
        for (int i = 1; i < migrations.Count; i++)
        {
            if (migrations[i].Version == migrations[i - 1].Version)
            {
                throw new InvalidOperationException($"Two migrations share version {migrations[i].Version}.");
            }
        }

        return migrations;
    }

    /// <summary>Whether <paramref name="name"/> can stand in SQL unquoted.</summary>
    public static bool IsIdentifier(string name)
    {
        if (string.IsNullOrEmpty(name) || char.IsAsciiDigit(name[0]))
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

    internal static SchemaMigration Parse(string fileName, string text, string database)
    {
        int underscore = fileName.IndexOf('_', StringComparison.Ordinal);
        if (underscore <= 0 || !int.TryParse(fileName.AsSpan(0, underscore), NumberStyles.None, CultureInfo.InvariantCulture, out int version))
        {
            throw new InvalidOperationException($"Migration '{fileName}' must be named NNNN_name.sql.");
        }

        var statements = new List<string>();
        var requires = new List<string>();
        var current = new StringBuilder();
        foreach (string line in text.Split('\n'))
        {
            string trimmed = line.Trim();
            if (trimmed.StartsWith(RequiresPrefix, StringComparison.OrdinalIgnoreCase))
            {
                requires.Add(trimmed[RequiresPrefix.Length..].Trim());
            }
            else if (trimmed == ";")
            {
                Flush(current, statements);
            }
            else if (trimmed.Length > 0 && !trimmed.StartsWith("--", StringComparison.Ordinal))
            {
                current.AppendLine(line.TrimEnd('\r').Replace(DatabasePlaceholder, database, StringComparison.Ordinal));
            }
        }

        Flush(current, statements);
        return new SchemaMigration(version, fileName[(underscore + 1)..], statements, requires);
    }

    private static void Flush(StringBuilder current, List<string> statements)
    {
        string statement = current.ToString().Trim();
        if (statement.Length > 0)
        {
            statements.Add(statement);
        }

        current.Clear();
    }

    private static string Read(Assembly assembly, string resource)
    {
        using var stream = assembly.GetManifestResourceStream(resource)
            ?? throw new InvalidOperationException($"Resource '{resource}' vanished.");
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return reader.ReadToEnd();
    }
}
