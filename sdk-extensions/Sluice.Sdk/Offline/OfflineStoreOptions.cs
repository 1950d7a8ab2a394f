namespace Sluice.Sdk.Offline;

/// <summary>Bounds of the offline store. All channels share them; the oldest files are evicted first.</summary>
public sealed class OfflineStoreOptions
{
    /// <summary>Total bytes of all stored files.</summary>
    public long MaxBytes { get; set; } = SluiceDefaults.StoreMaxBytes;

    /// <summary>Total number of stored files.</summary>
    public int MaxFiles { get; set; } = SluiceDefaults.StoreMaxFiles;

    /// <summary>Files older than this are evicted unsent.</summary>
    public TimeSpan MaxAge { get; set; } = SluiceDefaults.StoreMaxAge;
}
