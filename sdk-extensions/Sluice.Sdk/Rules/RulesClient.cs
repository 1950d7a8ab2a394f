using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Sluice.Sdk.Diagnostics;

namespace Sluice.Sdk.Rules;

/// <summary>
/// Keeps the rule engine current: loads the cached rules at start (so an app that starts
/// offline applies the last rules it saw), then polls <c>GET /v1/rules</c> with If-None-Match,
/// and fetches at once when a receiver announces a different rule-set version.
/// </summary>
internal sealed class RulesClient : IAsyncDisposable
{
    private const string CacheFileName = "rules.json";

    private readonly RuleEngine _engine;
    private readonly HttpMessageInvoker _http;
    private readonly Uri _requestUri;
    private readonly string? _apiKey;
    private readonly string _cachePath;
    private readonly TimeSpan _pollInterval;
    private readonly TimeProvider _time;
    private readonly CancellationTokenSource _stop = new();
    private readonly SemaphoreSlim _wake = new(0, 1);
    private string? _etag;
    private Task? _loop;

    public RulesClient(RuleEngine engine, HttpMessageInvoker http, Uri endpoint, string? apiKey, string product, string version, string releaseChannel, string dataFolder, TimeSpan pollInterval, TimeProvider time)
    {
        _engine = engine;
        _http = http;
        _apiKey = apiKey;
        _cachePath = Path.Combine(dataFolder, CacheFileName);
        _pollInterval = pollInterval;
        _time = time;
        var query = $"v1/rules?product={Uri.EscapeDataString(product)}&version={Uri.EscapeDataString(version)}&channel={Uri.EscapeDataString(releaseChannel)}";
        _requestUri = new Uri(EnsureTrailingSlash(endpoint), query);
    }

    /// <summary>The address polled, for diagnostics and tests.</summary>
    public Uri RequestUri => _requestUri;

    /// <summary>Applies the cached rules, if any. Never throws.</summary>
    public void LoadCache()
    {
        try
        {
            if (!File.Exists(_cachePath))
            {
                return;
            }

            var cached = JsonSerializer.Deserialize(File.ReadAllBytes(_cachePath), RulesJsonContext.Default.CachedRules);
            if (cached is null)
            {
                return;
            }

            var set = RuleSet.Parse(JsonSerializer.SerializeToUtf8Bytes(cached.Document, RulesJsonContext.Default.JsonElement));
            _engine.Apply(set);
            _etag = cached.ETag;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or JsonException or FormatException)
        {
            SluiceEventSource.Log.RulesUnusable(_cachePath, ex.Message);
        }
    }

    /// <summary>Starts polling.</summary>
    public void Start() => _loop = Task.Run(PollLoopAsync);

    /// <summary>Called with each export response's <c>Sluice-Rules-Version</c>; a different version triggers a fetch now.</summary>
    public void OnAnnouncedVersion(string version)
    {
        if (!string.Equals(version, _engine.Version, StringComparison.Ordinal) && _wake.CurrentCount == 0)
        {
            try
            {
                _wake.Release();
            }
            catch (SemaphoreFullException)
            {
                // Another response already asked for a fetch.
            }
        }
    }

    /// <summary>Fetches once; returns whether new rules were applied. Never throws but for cancellation.</summary>
    public async Task<bool> FetchAsync(CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, _requestUri);
        if (!string.IsNullOrEmpty(_apiKey))
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _apiKey);
        }

        if (_etag is not null && EntityTagHeaderValue.TryParse(_etag, out var tag))
        {
            request.Headers.IfNoneMatch.Add(tag);
        }

        try
        {
            using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30), _time);
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
            using var response = await _http.SendAsync(request, timeout.Token).ConfigureAwait(false);
            if (response.StatusCode == HttpStatusCode.NotModified)
            {
                return false;
            }

            if (!response.IsSuccessStatusCode)
            {
                SluiceEventSource.Log.RulesFetchFailed(_requestUri.ToString(), ((int)response.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture));
                return false;
            }

            var body = await response.Content.ReadAsByteArrayAsync(timeout.Token).ConfigureAwait(false);
            var set = RuleSet.Parse(body);
            _engine.Apply(set);
            _etag = response.Headers.ETag?.ToString();
            SaveCache(body);
            return true;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException or IOException or FormatException)
        {
            SluiceEventSource.Log.RulesFetchFailed(_requestUri.ToString(), ex.Message);
            return false;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        if (_loop is not null)
        {
            try
            {
                await _loop.ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // Stopping.
            }
        }

        _stop.Dispose();
        _wake.Dispose();
    }

    private async Task PollLoopAsync()
    {
        var token = _stop.Token;
        while (!token.IsCancellationRequested)
        {
            await FetchAsync(token).ConfigureAwait(false);

            // Wait for the poll interval, or less when a receiver announces new rules.
            using var delay = CancellationTokenSource.CreateLinkedTokenSource(token);
            var timer = Task.Delay(_pollInterval, _time, delay.Token);
            var woken = _wake.WaitAsync(delay.Token);
            await Task.WhenAny(timer, woken).ConfigureAwait(false);
            await delay.CancelAsync().ConfigureAwait(false);
            await Task.WhenAll(Swallow(timer), Swallow(woken)).ConfigureAwait(false);
        }
    }

    private static async Task Swallow(Task task)
    {
        try
        {
            await task.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // The other wait won.
        }
    }

    private void SaveCache(byte[] body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            var bytes = JsonSerializer.SerializeToUtf8Bytes(new CachedRules(_etag, document.RootElement.Clone()), RulesJsonContext.Default.CachedRules);
            var temp = _cachePath + ".tmp";
            File.WriteAllBytes(temp, bytes);
            File.Move(temp, _cachePath, overwrite: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            SluiceEventSource.Log.RulesUnusable(_cachePath, ex.Message);
        }
    }

    private static Uri EnsureTrailingSlash(Uri uri) => uri.AbsoluteUri.EndsWith('/') ? uri : new Uri(uri.AbsoluteUri + "/");
}
