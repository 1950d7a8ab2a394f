namespace Sluice.Transforms.Schema;

/// <summary>One versioned schema change: its statements, ready to run against one database.</summary>
/// <param name="Version">The number the file name starts with; migrations apply in this order.</param>
/// <param name="Name">The rest of the file name, e.g. <c>initial</c>.</param>
/// <param name="Statements">The SQL statements, with the database name filled in.</param>
/// <param name="Requires">
/// Server features the migration needs (from <c>-- requires: name</c> lines, e.g. <c>map</c>); a
/// server lacking one skips the migration without recording it, so it applies once the server is upgraded.
/// </param>
internal sealed record SchemaMigration(int Version, string Name, IReadOnlyList<string> Statements, IReadOnlyList<string> Requires);
