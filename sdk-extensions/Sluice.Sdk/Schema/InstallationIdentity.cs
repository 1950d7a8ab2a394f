using System.Globalization;
using Sluice.Sdk.Diagnostics;

namespace Sluice.Sdk.Schema;

/// <summary>
/// The installation id and the session epoch counter, persisted in the data folder. The id is a
/// random GUID made on first run (never a hardware serial, so it says nothing about the
/// machine and resets with a reinstall); the epoch goes up by one per process start so the
/// backend can tell a lost session from one that never happened.
/// </summary>
internal sealed class InstallationIdentity
{
    private const string IdFileName = "installation-id";
    private const string EpochFileName = "session-epoch";

    private InstallationIdentity(string installationId, long epoch)
    {
        InstallationId = installationId;
        Epoch = epoch;
    }

    /// <summary>32 lowercase hex characters.</summary>
    public string InstallationId { get; }

    /// <summary>This process's session epoch, from 1.</summary>
    public long Epoch { get; }

    /// <summary>Loads or creates the identity; an unwritable folder gives a per-process identity rather than a failure.</summary>
    public static InstallationIdentity LoadOrCreate(string folder)
    {
        string? id = null;
        long epoch = 0;
        try
        {
            Directory.CreateDirectory(folder);
            var idPath = Path.Combine(folder, IdFileName);
            if (File.Exists(idPath))
            {
                var text = File.ReadAllText(idPath).Trim();
                if (Guid.TryParseExact(text, "N", out _))
                {
                    id = text;
                }
            }

            if (id is null)
            {
                id = Guid.NewGuid().ToString("N");
                WriteAtomically(idPath, id);
            }

            var epochPath = Path.Combine(folder, EpochFileName);
            if (File.Exists(epochPath)
                && long.TryParse(File.ReadAllText(epochPath).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var previous))
            {
                epoch = previous;
            }

            epoch++;
            WriteAtomically(epochPath, epoch.ToString(CultureInfo.InvariantCulture));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            SluiceEventSource.Log.IdentityNotPersisted(folder, ex.Message);
            id ??= Guid.NewGuid().ToString("N");
            epoch = Math.Max(epoch, 1);
        }

        return new InstallationIdentity(id, epoch);
    }

    private static void WriteAtomically(string path, string content)
    {
        var temp = path + ".tmp";
        File.WriteAllText(temp, content);
        File.Move(temp, path, overwrite: true);
    }
}
