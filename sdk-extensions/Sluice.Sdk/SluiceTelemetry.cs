using Microsoft.Extensions.Logging;
using Sluice.Sdk.Events;
using Sluice.Sdk.Privacy;
using Sluice.Sdk.Schema;

namespace Sluice.Sdk;

/// <summary>
/// The app's handle on the SDK: typed Part B events, custom events, the user and the session.
/// Every method returns at once: events go through the OpenTelemetry log pipeline, are queued
/// in memory and sent in the background. Plain <see cref="ILogger"/> calls are events too.
/// </summary>
public sealed class SluiceTelemetry
{
    /// <summary>Logger category of events tracked through this class.</summary>
    public const string Category = "Sluice.Events";

    private readonly SluiceRuntime _runtime;
    private readonly ILogger _logger;

    internal SluiceTelemetry(SluiceRuntime runtime, ILoggerFactory loggers)
    {
        _runtime = runtime;
        _logger = loggers.CreateLogger(Category);
    }

    /// <summary>The installation id sent as <c>device.id</c>.</summary>
    public string InstallationId => _runtime.Identity.InstallationId;

    /// <summary>The current session id.</summary>
    public string SessionId => _runtime.Session.SessionId;

    /// <summary>Sets the signed-in user; external users' ids are always hashed before they leave the process.</summary>
    /// <param name="userId">The user id, or null when signed out.</param>
    /// <param name="kind">Who the user is, for the privacy policy.</param>
    public void SetUser(string? userId, UserKind kind = UserKind.External) =>
        _runtime.Session.SetUser(userId is null ? null : new UserState(userId, kind));

    /// <summary>Starts a new session (for example after a long time in the background).</summary>
    public void StartNewSession() => _runtime.Session.Restart();

    /// <summary>Tracks a page or screen view.</summary>
    /// <param name="view">The view.</param>
    /// <param name="properties">Part C, custom properties.</param>
    /// <param name="eventName">The event name rules and channels match on; default <c>page_view</c>.</param>
    public void TrackPageView(PageView view, IEnumerable<KeyValuePair<string, object?>>? properties = null, string? eventName = null)
    {
        ArgumentNullException.ThrowIfNull(view);
        var attributes = Start(SluiceAttributes.EventKinds.PageView, properties, fields: 4);
        attributes.Add(new(SluiceAttributes.PageName, view.Name));
        AddIf(attributes, SluiceAttributes.UrlFull, view.Uri?.ToString());
        AddIf(attributes, SluiceAttributes.PageReferrer, view.Referrer);
        if (view.LoadTime is { } load)
        {
            attributes.Add(new(SluiceAttributes.PageLoadMilliseconds, load.TotalMilliseconds));
        }

        Emit(LogLevel.Information, eventName ?? SluiceAttributes.EventKinds.PageView, attributes, null);
    }

    /// <summary>Tracks a user action.</summary>
    /// <param name="action">The action.</param>
    /// <param name="properties">Part C, custom properties.</param>
    /// <param name="eventName">The event name; default <c>user_action</c>.</param>
    public void TrackAction(UserAction action, IEnumerable<KeyValuePair<string, object?>>? properties = null, string? eventName = null)
    {
        ArgumentNullException.ThrowIfNull(action);
        var attributes = Start(SluiceAttributes.EventKinds.UserAction, properties, fields: 3);
        attributes.Add(new(SluiceAttributes.ActionName, action.Name));
        attributes.Add(new(SluiceAttributes.ActionTarget, action.Target));
        AddIf(attributes, SluiceAttributes.ActionPage, action.Page);
        Emit(LogLevel.Information, eventName ?? SluiceAttributes.EventKinds.UserAction, attributes, null);
    }

    /// <summary>Tracks an error.</summary>
    /// <param name="error">The error.</param>
    /// <param name="properties">Part C, custom properties.</param>
    /// <param name="eventName">The event name; default <c>error</c>.</param>
    public void TrackError(ErrorEvent error, IEnumerable<KeyValuePair<string, object?>>? properties = null, string? eventName = null)
    {
        ArgumentNullException.ThrowIfNull(error);
        var attributes = Start(SluiceAttributes.EventKinds.Error, properties, fields: 4);
        attributes.Add(new(SluiceAttributes.ExceptionType, error.Type));
        attributes.Add(new(SluiceAttributes.ExceptionMessage, error.Message));
        AddIf(attributes, SluiceAttributes.ExceptionStacktrace, error.StackTrace);
        attributes.Add(new(SluiceAttributes.ErrorHandled, error.Handled));
        Emit(error.Handled ? LogLevel.Error : LogLevel.Critical, eventName ?? SluiceAttributes.EventKinds.Error, attributes, null);
    }

    /// <summary>Tracks a performance measurement.</summary>
    /// <param name="measurement">The measurement.</param>
    /// <param name="properties">Part C, custom properties.</param>
    /// <param name="eventName">The event name; default <c>measurement</c>.</param>
    public void TrackMeasurement(Measurement measurement, IEnumerable<KeyValuePair<string, object?>>? properties = null, string? eventName = null)
    {
        ArgumentNullException.ThrowIfNull(measurement);
        var attributes = Start(SluiceAttributes.EventKinds.Measurement, properties, fields: 3);
        attributes.Add(new(SluiceAttributes.MeasurementName, measurement.Name));
        attributes.Add(new(SluiceAttributes.MeasurementValue, measurement.Value));
        attributes.Add(new(SluiceAttributes.MeasurementUnit, measurement.Unit));
        Emit(LogLevel.Information, eventName ?? SluiceAttributes.EventKinds.Measurement, attributes, null);
    }

    /// <summary>Tracks a feature usage.</summary>
    /// <param name="usage">The usage.</param>
    /// <param name="properties">Part C, custom properties.</param>
    /// <param name="eventName">The event name; default <c>feature_usage</c>.</param>
    public void TrackFeatureUsage(FeatureUsage usage, IEnumerable<KeyValuePair<string, object?>>? properties = null, string? eventName = null)
    {
        ArgumentNullException.ThrowIfNull(usage);
        var attributes = Start(SluiceAttributes.EventKinds.FeatureUsage, properties, fields: 2);
        attributes.Add(new(SluiceAttributes.FeatureName, usage.Name));
        AddIf(attributes, SluiceAttributes.FeatureOutcome, usage.Outcome);
        Emit(LogLevel.Information, eventName ?? SluiceAttributes.EventKinds.FeatureUsage, attributes, null);
    }

    /// <summary>Tracks a custom event with no Part B.</summary>
    /// <param name="eventName">The event name.</param>
    /// <param name="properties">Part C, custom properties.</param>
    /// <param name="level">The severity.</param>
    public void TrackEvent(string eventName, IEnumerable<KeyValuePair<string, object?>>? properties = null, LogLevel level = LogLevel.Information)
    {
        ArgumentException.ThrowIfNullOrEmpty(eventName);
        Emit(level, eventName, Start(null, properties, fields: 0), null);
    }

    /// <summary>Emits a list built elsewhere (the health report) as an event.</summary>
    internal void Emit(LogLevel level, string eventName, List<KeyValuePair<string, object?>> attributes, Exception? exception) =>
        Emit(level, eventName, Start(null, attributes, fields: 0), exception);

    private void Emit(LogLevel level, string eventName, EventState state, Exception? exception)
    {
        if (!_logger.IsEnabled(level))
        {
            return;
        }

        // The state is the attribute list itself: OpenTelemetry exports it as attributes, and
        // the body is the event name (no formatted text that could carry clear values).
        state.Name = eventName;
        _logger.Log(level, new EventId(0, eventName), state, exception, static (state, _) => state.Name);
    }

    private static EventState Start(string? kind, IEnumerable<KeyValuePair<string, object?>>? properties, int fields)
    {
        // Sized once for the kind, the properties and the Part B fields, so an event is one
        // exact array rather than a list and its spare capacity.
        var count = 0;
        var collection = properties as ICollection<KeyValuePair<string, object?>>;
        if (collection is not null)
        {
            count = collection.Count;
        }
        else if (properties is not null && !properties.TryGetNonEnumeratedCount(out count))
        {
            count = 4;
        }

        var state = new EventState((kind is null ? 0 : 1) + count + fields);
        if (kind is not null)
        {
            state.Add(new(SluiceAttributes.EventKind, kind));
        }

        if (collection is not null)
        {
            state.AddRange(collection);
        }
        else if (properties is not null)
        {
            foreach (var property in properties)
            {
                state.Add(property);
            }
        }

        return state;
    }

    private static void AddIf(EventState attributes, string key, string? value)
    {
        if (value is not null)
        {
            attributes.Add(new(key, value));
        }
    }

    /// <summary>An event's attributes and name, handed to the logger as its state.</summary>
    private sealed class EventState(int capacity) : IReadOnlyList<KeyValuePair<string, object?>>
    {
        private KeyValuePair<string, object?>[] _items = new KeyValuePair<string, object?>[capacity];
        private int _count;

        public string Name { get; set; } = string.Empty;

        public int Count => _count;

        public KeyValuePair<string, object?> this[int index] =>
            (uint)index < (uint)_count ? _items[index] : throw new ArgumentOutOfRangeException(nameof(index));

        public void Add(KeyValuePair<string, object?> item)
        {
            if (_count == _items.Length)
            {
                Array.Resize(ref _items, Math.Max(4, _items.Length * 2));
            }

            _items[_count++] = item;
        }

        public void AddRange(ICollection<KeyValuePair<string, object?>> items)
        {
            if (_items.Length - _count < items.Count)
            {
                Array.Resize(ref _items, _count + items.Count);
            }

            items.CopyTo(_items, _count);
            _count += items.Count;
        }

        public IEnumerator<KeyValuePair<string, object?>> GetEnumerator()
        {
            for (var i = 0; i < _count; i++)
            {
                yield return _items[i];
            }
        }

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
    }
}
