using Sluice.Sdk.Delivery;
using Sluice.Sdk.Health;
using Sluice.Sdk.Offline;
using Sluice.Sdk.Privacy;
using Sluice.Sdk.Rules;
using Sluice.Sdk.Schema;

namespace Sluice.Sdk;

/// <summary>
/// Everything the SDK keeps for the life of the process: identity, session, privacy policy,
/// rules, the shared offline store and the channels. Built once from validated options; the
/// processor and the public <see cref="SluiceTelemetry"/> API share it.
/// </summary>
internal sealed class SluiceRuntime : IAsyncDisposable
{
    private readonly HttpMessageInvoker _http;
    private readonly bool _ownsHttp;
    private int _stopped;

    public SluiceRuntime(SluiceOptions options, TimeProvider time, HttpMessageHandler? network = null)
    {
        Options = options;
        Time = time;
        DataFolder = ResolveDataFolder(options);
        Identity = InstallationIdentity.LoadOrCreate(DataFolder);
        Privacy = new PrivacyFilter(options.Privacy);
        Rules = new RuleEngine(options.ProductName, options.ProductVersion, options.ReleaseChannel, Identity.InstallationId, time);

        _ownsHttp = network is null;
        network ??= new SocketsHttpHandler
        {
            // Receivers sit behind load balancers whose addresses change.
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            AutomaticDecompression = System.Net.DecompressionMethods.None,
        };
        _http = new HttpMessageInvoker(network, disposeHandler: _ownsHttp);

        var first = options.Channels[0];
        var rulesEndpoint = options.Rules.Endpoint ?? first.Endpoint!;
        RulesClient = new RulesClient(Rules, _http, rulesEndpoint, options.Rules.ApiKey ?? first.ApiKey, options.ProductName, options.ProductVersion, options.ReleaseChannel, DataFolder, options.Rules.PollInterval, time);
        RulesClient.LoadCache();

        Store = new OfflineStore(Path.Combine(DataFolder, "offline"), options.OfflineStore, time);
        var channels = new List<DeliveryChannel>();
        foreach (var channelOptions in options.Channels)
        {
            var sender = new ChannelSender(_http, channelOptions, time, RulesClient.OnAnnouncedVersion);
            channels.Add(new DeliveryChannel(channelOptions, Store, sender, time, Random.Shared));
        }

        Channels = channels;
        Store.Open(channels.Select(c => c.Name));
    }

    public SluiceOptions Options { get; }

    public TimeProvider Time { get; }

    public string DataFolder { get; }

    public InstallationIdentity Identity { get; }

    public TelemetrySession Session { get; } = new();

    public PrivacyFilter Privacy { get; }

    public RuleEngine Rules { get; }

    public RulesClient RulesClient { get; }

    public RuleCounters RuleCounters { get; } = new();

    public OfflineStore Store { get; }

    public IReadOnlyList<DeliveryChannel> Channels { get; }

    /// <summary>Starts the background loops: sending (from what earlier runs left, too) and rule polling.</summary>
    public void Start()
    {
        foreach (var channel in Channels)
        {
            channel.Start();
        }

        if (Options.Rules.Enabled)
        {
            RulesClient.Start();
        }
    }

    /// <summary>Stops the loops; idempotent. Unsent parts stay on disk for the next run.</summary>
    public async ValueTask StopAsync()
    {
        if (Interlocked.Exchange(ref _stopped, 1) != 0)
        {
            return;
        }

        await RulesClient.DisposeAsync().ConfigureAwait(false);
        foreach (var channel in Channels)
        {
            await channel.DisposeAsync().ConfigureAwait(false);
        }

        _http.Dispose();
    }

    public ValueTask DisposeAsync() => StopAsync();

    internal static string ResolveDataFolder(SluiceOptions options)
    {
        if (!string.IsNullOrEmpty(options.DataFolder))
        {
            return options.DataFolder;
        }

        var appData = Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData);
        var root = string.IsNullOrEmpty(appData) ? Path.GetTempPath() : appData;
        return Path.Combine(root, "Sluice", Sanitize(options.ProductName));
    }

    private static string Sanitize(string name)
    {
        var chars = name.ToCharArray();
        for (var i = 0; i < chars.Length; i++)
        {
            if (!char.IsAsciiLetterOrDigit(chars[i]) && chars[i] is not '-' and not '_' and not '.')
            {
                chars[i] = '_';
            }
        }

        return new string(chars);
    }
}
