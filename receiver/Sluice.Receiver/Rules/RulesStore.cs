using System.Security.Cryptography;
using System.Text;
using Sluice.Receiver.Configuration;
using Sluice.Transforms.Processing.Rules;

namespace Sluice.Receiver.Rules;

/// <summary>
/// The rules in force: loaded from <c>extensions.sluice_rules.file</c> at start (a broken file
/// stops the start, like a config error) and reloaded on change, where a broken edit is refused
/// and the last good rules stay in force. Serves the endpoint, the export responses' version
/// header and, as the <see cref="IRuleSource"/>, the server's own <c>sluice_rules</c> enforcement,
/// so all three always agree.
/// </summary>
internal sealed class RulesStore : IRuleSource
{
    private readonly Lock _reloadLock = new();
    private RuleBook _book;
    private byte[] _contentHash;
    private FileStamp _stamp;

    private RulesStore(string path, RuleBook book, byte[] contentHash, FileStamp stamp)
    {
        Path = path;
        _book = book;
        _contentHash = contentHash;
        _stamp = stamp;
    }

    /// <summary>The rules file, a full path.</summary>
    public string Path { get; }

    /// <summary>The rules in force.</summary>
    public RuleBook Book => Volatile.Read(ref _book);

    /// <inheritdoc />
    public RuleSnapshot Current => Book.Snapshot;

    /// <summary>Loads the file; a broken or missing file stops the start.</summary>
    /// <exception cref="ConfigException">The file cannot be read or is invalid; every problem is listed.</exception>
    public static RulesStore Open(string path)
    {
        var stamp = FileStamp.Of(path);
        byte[] content = Read(path);
        var book = new RuleBook(RulesFile.Parse(Decode(content, path), path));
        return new RulesStore(path, book, SHA256.HashData(content), stamp);
    }

    /// <summary>
    /// Reloads when the file's size, time or content changed since the last look. Never throws:
    /// a file that cannot be read or does not validate leaves the rules in force as they are.
    /// </summary>
    /// <param name="force">Read the file even if its size and time look unchanged (a change notification arrived).</param>
    public ReloadResult Reload(bool force)
    {
        lock (_reloadLock)
        {
            FileStamp stamp = default;
            byte[] content;
            try
            {
                stamp = FileStamp.Of(Path);
                if (!force && stamp == _stamp)
                {
                    return ReloadResult.Unchanged;
                }

                content = Read(Path);
            }
            catch (ConfigException ex)
            {
                // A missing or unreadable file is reported once, until it changes again.
                _stamp = stamp;
                return ReloadResult.Failed(ex.Errors);
            }

            // Editors touch files without changing them; and a save can keep size and time to the
            // second, which is why a notification forces a read and the content decides.
            byte[] hash = SHA256.HashData(content);
            if (hash.AsSpan().SequenceEqual(_contentHash))
            {
                _stamp = stamp;
                return ReloadResult.Unchanged;
            }

            IReadOnlyList<TelemetryRule> rules;
            try
            {
                rules = RulesFile.Parse(Decode(content, Path), Path);
            }
            catch (ConfigException ex)
            {
                // Remember the broken content so it is reported once, not at every check.
                _stamp = stamp;
                _contentHash = hash;
                return ReloadResult.Failed(ex.Errors);
            }

            var previous = Book;
            var book = new RuleBook(rules);
            _stamp = stamp;
            _contentHash = hash;
            Volatile.Write(ref _book, book);
            return ReloadResult.Loaded(previous.Version, book.Version, rules.Count);
        }
    }

    private static byte[] Read(string path)
    {
        try
        {
            return File.ReadAllBytes(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new ConfigException([$"{path}: cannot read the rules file: {ex.Message}"]);
        }
    }

    private static string Decode(byte[] content, string path)
    {
        try
        {
            return new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true).GetString(content).TrimStart('\uFEFF');
        }
        catch (DecoderFallbackException)
        {
            throw new ConfigException([$"{path}: the rules file is not UTF-8 text"]);
        }
    }

    /// <summary>What the file looked like at the last check: cheap to compare on every poll.</summary>
    private readonly record struct FileStamp(long Length, DateTime LastWriteUtc)
    {
        public static FileStamp Of(string path)
        {
            try
            {
                var info = new FileInfo(path);
                return info.Exists ? new FileStamp(info.Length, info.LastWriteTimeUtc) : default;
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                throw new ConfigException([$"{path}: cannot read the rules file: {ex.Message}"]);
            }
        }
    }
}

/// <summary>What a reload did.</summary>
internal sealed record ReloadResult
{
    public static ReloadResult Unchanged { get; } = new();

    /// <summary>New rules are in force.</summary>
    public bool Changed { get; private init; }

    /// <summary>The file changed but could not be used: why (the previous rules stay in force).</summary>
    public IReadOnlyList<string> Errors { get; private init; } = [];

    public string PreviousVersion { get; private init; } = string.Empty;

    public string Version { get; private init; } = string.Empty;

    public int RuleCount { get; private init; }

    public static ReloadResult Loaded(string previousVersion, string version, int ruleCount) =>
        new() { Changed = true, PreviousVersion = previousVersion, Version = version, RuleCount = ruleCount };

    public static ReloadResult Failed(IReadOnlyList<string> errors) => new() { Errors = errors };
}
