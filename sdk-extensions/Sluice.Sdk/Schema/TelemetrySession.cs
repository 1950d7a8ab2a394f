namespace Sluice.Sdk.Schema;

/// <summary>
/// The current session and user. The sequence number is taken when an event passes the rules,
/// so the backend sees gaps only for events lost after that point (in transit or evicted).
/// </summary>
internal sealed class TelemetrySession
{
    private SessionState _state = new(Guid.NewGuid().ToString("N"));
    private UserState? _user;

    /// <summary>The current session id (32 lowercase hex characters).</summary>
    public string SessionId => Volatile.Read(ref _state).Id;

    /// <summary>The signed-in user, or null.</summary>
    public UserState? User => Volatile.Read(ref _user);

    /// <summary>Starts a new session: new id, sequence from 1.</summary>
    public void Restart() => Volatile.Write(ref _state, new SessionState(Guid.NewGuid().ToString("N")));

    /// <summary>Sets or clears the user.</summary>
    public void SetUser(UserState? user) => Volatile.Write(ref _user, user);

    /// <summary>Takes the next sequence number of the current session, with that session's id.</summary>
    public long Next(out string sessionId) => Next(0, 0, out sessionId);

    /// <summary>
    /// As <see cref="Next(out string)"/>, but first starts a new session when the previous event
    /// is more than <paramref name="timeoutTicks"/> old (0: never), as analytics SDKs do after
    /// a long idle time. A clock set back counts as activity, not as a timeout.
    /// </summary>
    public long Next(long nowTicks, long timeoutTicks, out string sessionId)
    {
        var state = Volatile.Read(ref _state);
        if (timeoutTicks > 0)
        {
            // A plain write, not an exchange: threads racing here differ by nanoseconds, and the
            // replacement below is atomic anyway. The sequence's increment is the one atomic needed.
            var last = Volatile.Read(ref state.LastActivityTicks);
            Volatile.Write(ref state.LastActivityTicks, nowTicks);
            if (last != 0 && nowTicks - last > timeoutTicks)
            {
                var fresh = new SessionState(Guid.NewGuid().ToString("N")) { LastActivityTicks = nowTicks };

                // Only one thread replaces the idle session; the others use the winner's.
                Interlocked.CompareExchange(ref _state, fresh, state);
                state = Volatile.Read(ref _state);
            }
        }

        sessionId = state.Id;
        return Interlocked.Increment(ref state.Sequence);
    }

    private sealed class SessionState(string id)
    {
        public readonly string Id = id;
        public long Sequence;
        public long LastActivityTicks;
    }
}

/// <summary>A user id and its kind, set by the app.</summary>
internal sealed record UserState(string Id, Privacy.UserKind Kind)
{
    /// <summary>The id as it may leave the process, computed once per user rather than per event (an HMAC costs microseconds).</summary>
    public string? Protected { get; set; }
}
