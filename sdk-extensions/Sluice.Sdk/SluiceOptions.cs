using Sluice.Sdk.Delivery;
using Sluice.Sdk.Offline;
using Sluice.Sdk.Privacy;
using Sluice.Sdk.Rules;

namespace Sluice.Sdk;

/// <summary>Options of the Sluice SDK; bindable from configuration (section <c>Sluice</c> by convention).</summary>
public sealed class SluiceOptions
{
    /// <summary>The product's name, sent as <c>service.name</c>. Required.</summary>
    public string ProductName { get; set; } = string.Empty;

    /// <summary>The product's version, sent as <c>service.version</c>. Required.</summary>
    public string ProductVersion { get; set; } = string.Empty;

    /// <summary>The product's release channel (<c>stable</c>, <c>beta</c>, ...); rules match on it.</summary>
    public string ReleaseChannel { get; set; } = SluiceDefaults.ReleaseChannel;

    /// <summary>Common-schema version to emit: 2 (default) or 1 for backends that still read version 1.</summary>
    public int SchemaVersion { get; set; } = 2;

    /// <summary>
    /// Folder for the installation id, the rules cache and the offline store. Default: a
    /// <c>Sluice/&lt;product&gt;</c> folder in the user's local app data, or in the temp folder
    /// where there is none.
    /// </summary>
    public string? DataFolder { get; set; }

    /// <summary>Where events go: at least one channel.</summary>
    public IList<ChannelOptions> Channels { get; } = [];

    /// <summary>What counts as sensitive, and what happens to it.</summary>
    public PrivacyOptions Privacy { get; set; } = new();

    /// <summary>Dynamic telemetry: where rules come from and how often.</summary>
    public RulesOptions Rules { get; set; } = new();

    /// <summary>Bounds of the offline store, shared by all channels.</summary>
    public OfflineStoreOptions OfflineStore { get; set; } = new();

    /// <summary>A new session starts when the app has sent no event for this long; <see cref="TimeSpan.Zero"/>: one session per process.</summary>
    public TimeSpan SessionTimeout { get; set; } = SluiceDefaults.SessionTimeout;

    /// <summary>How often the SDK emits its own health event; <see cref="TimeSpan.Zero"/> turns it off.</summary>
    public TimeSpan HealthReportInterval { get; set; } = SluiceDefaults.HealthReportInterval;

    /// <summary>Adds a channel and returns it for chaining.</summary>
    /// <param name="name">The channel's name; also its offline-store folder.</param>
    /// <param name="endpoint">The receiver's base address, for example <c>http://localhost:4318</c>.</param>
    /// <param name="apiKey">The key sent as <c>Authorization: Bearer</c>.</param>
    public ChannelOptions AddChannel(string name, Uri endpoint, string apiKey)
    {
        var channel = new ChannelOptions { Name = name, Endpoint = endpoint, ApiKey = apiKey };
        Channels.Add(channel);
        return channel;
    }
}
