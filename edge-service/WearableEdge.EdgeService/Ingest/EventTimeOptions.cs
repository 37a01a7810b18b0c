using Microsoft.Extensions.Options;

namespace WearableEdge.EdgeService.Ingest;

/// <summary>
/// Event-time checks at ingest. Section <c>Ingest</c> (shared with other ingest settings; this
/// class binds only the keys it names).
/// </summary>
public sealed class EventTimeOptions
{
    public const string SectionName = "Ingest";

    /// <summary>
    /// How far a device timestamp may lie ahead of the gateway clock before the payload is rejected
    /// as <c>timestamp-in-future</c>. Default 2 min: wearables sync their clock to the phone/gateway
    /// (NTP), so minutes of drift are a broken clock, not a real reading. A simulator replaying faster
    /// than real time stamps ahead of the wall clock and needs a larger value (or a past device start).
    /// </summary>
    public TimeSpan MaxClockSkew { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>The limit for a payload received at <paramref name="receivedAt"/>.</summary>
    /// <param name="receivedAt">Gateway time the payload arrived.</param>
    public ClockSkewLimit LimitAt(DateTimeOffset receivedAt) => new(receivedAt, MaxClockSkew);
}

/// <summary>The latest device time accepted for a payload received at <see cref="ReceivedAt"/>.</summary>
/// <param name="ReceivedAt">Gateway time the payload arrived.</param>
/// <param name="MaxClockSkew">How far ahead of <paramref name="ReceivedAt"/> a device time may be.</param>
public readonly record struct ClockSkewLimit(DateTimeOffset ReceivedAt, TimeSpan MaxClockSkew)
{
    /// <summary>The latest accepted device time.</summary>
    public DateTimeOffset Latest => ReceivedAt + MaxClockSkew;

    /// <summary>True when <paramref name="deviceTime"/> lies further ahead than the tolerance.</summary>
    /// <param name="deviceTime">A device timestamp.</param>
    public bool IsInFuture(DateTimeOffset deviceTime) => deviceTime > Latest;
}

internal sealed class EventTimeOptionsValidator : IValidateOptions<EventTimeOptions>
{
    public ValidateOptionsResult Validate(string? name, EventTimeOptions options) =>
        options.MaxClockSkew <= TimeSpan.Zero
            ? ValidateOptionsResult.Fail("Ingest:MaxClockSkew must be positive (for example 00:02:00).")
            : ValidateOptionsResult.Success;
}
