using WearableEdge.Clinical.Features;
using WearableEdge.Clinical.Samples;
using WearableEdge.Clinical.Scoring;

namespace WearableEdge.Clinical.Alerts;

/// <summary>
/// The alert policy for one patient: timing of every rule and the thresholds with hysteresis.
/// Built from defaults (each citing its source), overridden per rule and per patient by configuration.
/// </summary>
public sealed record AlertRuleSet
{
    /// <summary>The defaults of every rule (see each rule's documentation for its source).</summary>
    public static AlertRuleSet Default { get; } = new();

    /// <summary>
    /// NEWS2 band alerts. Default <see cref="AlertTiming.Default"/> (15 s delay, 60 s clear) with a
    /// re-alert after 10 min unacknowledged (a local choice; no source in FACTS.md).
    /// </summary>
    public AlertTiming News2 { get; init; } = AlertTiming.Default with { ReAlertAfter = TimeSpan.FromMinutes(10) };

    /// <summary>A NEWS2 total at or below this clears; above it (and not alerting) holds. Default 3.</summary>
    public int News2ClearAtOrBelowTotal { get; init; } = 3;

    /// <summary>Fast desaturation alerts. Default <see cref="SpO2AlertRule.DefaultTiming"/>.</summary>
    public AlertTiming SpO2 { get; init; } = SpO2AlertRule.DefaultTiming;

    /// <summary>Desaturation thresholds. Default <see cref="SpO2Thresholds.Default"/>.</summary>
    public SpO2Thresholds SpO2Thresholds { get; init; } = SpO2Thresholds.Default;

    /// <summary>Whether the desaturation rule runs. Default true.</summary>
    public bool SpO2Enabled { get; init; } = true;

    /// <summary>Technical alert: device off the body. Default <see cref="DeviceAlertRule.DeviceOffTiming"/>.</summary>
    public AlertTiming DeviceOff { get; init; } = DeviceAlertRule.DeviceOffTiming;

    /// <summary>Technical alert: low battery. Default <see cref="DeviceAlertRule.BatteryTiming"/>.</summary>
    public AlertTiming BatteryLow { get; init; } = DeviceAlertRule.BatteryTiming;

    /// <summary>Battery below this raises (%). Default 15.</summary>
    public double BatteryLowBelow { get; init; } = DeviceAlertRule.DefaultBatteryLowBelow;

    /// <summary>Battery at or above this clears (%). Default 20.</summary>
    public double BatteryClearAtOrAbove { get; init; } = DeviceAlertRule.DefaultBatteryClearAtOrAbove;

    /// <summary>Technical alert: no data from the wearable. Default <see cref="NoDataAlertRule.Timing"/>.</summary>
    public AlertTiming NoData { get; init; } = NoDataAlertRule.Timing;

    /// <summary>How long without any message from the wearable (gateway time) raises <c>no-data</c>; positive. Default <see cref="NoDataAlertRule.DefaultSilence"/> (2 min).</summary>
    public TimeSpan NoDataSilence
    {
        get;
        init
        {
            ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(value, TimeSpan.Zero);
            field = value;
        }
    } = NoDataAlertRule.DefaultSilence;

    /// <summary>Whether the no-data rule runs. Default true.</summary>
    public bool NoDataEnabled { get; init; } = true;

    /// <summary>
    /// The same rules with no condition delay, no clear delay, no hysteresis (clear threshold = raise
    /// threshold) and no re-alert: the baseline the alert-burden report compares against.
    /// </summary>
    public AlertRuleSet WithoutDelaysOrHysteresis() => this with
    {
        News2 = Immediate(News2),
        News2ClearAtOrBelowTotal = int.MaxValue,
        SpO2 = Immediate(SpO2),
        SpO2Thresholds = new SpO2Thresholds(SpO2Thresholds.MediumBelow, SpO2Thresholds.HighBelow, SpO2Thresholds.MediumBelow),
        DeviceOff = Immediate(DeviceOff),
        BatteryLow = Immediate(BatteryLow),
        BatteryClearAtOrAbove = BatteryLowBelow,
        NoData = Immediate(NoData),
    };

    /// <summary>The same rules with re-alerting turned off.</summary>
    public AlertRuleSet WithoutReAlert() => this with
    {
        News2 = News2 with { ReAlertAfter = null },
        SpO2 = SpO2 with { ReAlertAfter = null },
        DeviceOff = DeviceOff with { ReAlertAfter = null },
        BatteryLow = BatteryLow with { ReAlertAfter = null },
        NoData = NoData with { ReAlertAfter = null },
    };

    private static AlertTiming Immediate(AlertTiming timing) =>
        new(TimeSpan.Zero, TimeSpan.Zero) { AutoResolve = timing.AutoResolve, ReAlertAfter = null, UpdateInterval = timing.UpdateInterval };
}

/// <summary>One lifecycle decision of one alert type, with the tracker that made it (its state after the decision).</summary>
/// <param name="At">Device time of the decision.</param>
/// <param name="Type">Alert type, for example <c>desaturation</c>.</param>
/// <param name="Decision">What happened.</param>
/// <param name="Tracker">The type's tracker (live: read its state before the next observation).</param>
/// <param name="Value">The value the rule judged, if any.</param>
/// <param name="Technical">True for technical (device) alerts.</param>
public sealed record AlertEvent(DateTimeOffset At, string Type, AlertDecision Decision, AlertConditionTracker Tracker, double? Value, bool Technical);

/// <summary>
/// Every alert rule of one patient, each with its own lifecycle tracker: NEWS2 bands and fast
/// desaturation from each scored window, device-off and low battery from each device status, and
/// no-data from the time the wearable's last message arrived.
/// The one implementation of "a window becomes alert decisions", used by the edge service and by
/// the alert-burden evaluation. Pure, not thread-safe.
/// </summary>
public sealed class AlertEvaluator
{
    private readonly AlertRuleSet _rules;
    private readonly Dictionary<string, AlertConditionTracker> _trackers = new(StringComparer.Ordinal);

    // The arrival time of the last data before the silence that raised the open (or last) no-data alert.
    private DateTimeOffset? _noDataRaisedFor;

    public AlertEvaluator(AlertRuleSet rules)
    {
        ArgumentNullException.ThrowIfNull(rules);
        _rules = rules;
        _trackers[News2AlertRule.AlertType] = new AlertConditionTracker(rules.News2);
        _trackers[SpO2AlertRule.AlertType] = new AlertConditionTracker(rules.SpO2, lowerIsWorse: true);
        _trackers[DeviceAlertRule.DeviceOffType] = new AlertConditionTracker(rules.DeviceOff);
        _trackers[DeviceAlertRule.BatteryLowType] = new AlertConditionTracker(rules.BatteryLow, lowerIsWorse: true);
        _trackers[NoDataAlertRule.AlertType] = new AlertConditionTracker(rules.NoData);
    }

    /// <summary>The policy this evaluator applies.</summary>
    public AlertRuleSet Rules => _rules;

    /// <summary>Alert types this evaluator owns.</summary>
    public IEnumerable<string> Types => _trackers.Keys;

    /// <summary>Whether <paramref name="type"/> is a technical (device) alert type.</summary>
    public static bool IsTechnical(string type) => type is DeviceAlertRule.DeviceOffType or DeviceAlertRule.BatteryLowType or NoDataAlertRule.AlertType;

    /// <summary>The tracker of <paramref name="type"/>, or null for a type this evaluator does not own.</summary>
    public AlertConditionTracker? Tracker(string type) => _trackers.GetValueOrDefault(type);

    /// <summary>
    /// Evaluates one scored window at its end (device time). A window with no scored vital sign
    /// says nothing: the NEWS2 condition is unknown, neither present nor clear. The desaturation
    /// rule judges the window's latest SpO2 reading.
    /// </summary>
    public IReadOnlyList<AlertEvent> ObserveWindow(FeatureVector window, News2Score news2)
    {
        ArgumentNullException.ThrowIfNull(window);
        ArgumentNullException.ThrowIfNull(news2);
        var at = window.WindowEnd;
        var events = new List<AlertEvent>(2);
        if (news2.Components.Count > 0)
        {
            var condition = News2AlertRule.Observation(news2, _rules.News2ClearAtOrBelowTotal);
            Add(events, at, News2AlertRule.AlertType, _trackers[News2AlertRule.AlertType].Observe(at, condition), condition.Value);
        }
        else
        {
            Add(events, at, News2AlertRule.AlertType, _trackers[News2AlertRule.AlertType].Tick(at), null);
        }

        var desaturation = _trackers[SpO2AlertRule.AlertType];
        if (_rules.SpO2Enabled && window.Get(VitalSign.SpO2) is { } spO2)
        {
            var condition = SpO2AlertRule.Condition(spO2.Last, _rules.SpO2Thresholds);
            Add(events, at, SpO2AlertRule.AlertType, desaturation.Observe(at, condition), spO2.Last);
        }
        else
        {
            Add(events, at, SpO2AlertRule.AlertType, desaturation.Tick(at), null);
        }

        return events;
    }

    /// <summary>Evaluates one device status at <paramref name="at"/>: worn (null when unknown) and battery (%).</summary>
    public IReadOnlyList<AlertEvent> ObserveDevice(DateTimeOffset at, bool? worn, double batteryPercent)
    {
        var events = new List<AlertEvent>(2);
        Add(events, at, DeviceAlertRule.DeviceOffType, _trackers[DeviceAlertRule.DeviceOffType].Observe(at, DeviceAlertRule.DeviceOff(worn)), null);
        var battery = DeviceAlertRule.BatteryLow(batteryPercent, _rules.BatteryLowBelow, _rules.BatteryClearAtOrAbove);
        Add(events, at, DeviceAlertRule.BatteryLowType, _trackers[DeviceAlertRule.BatteryLowType].Observe(at, battery), batteryPercent);
        return events;
    }

    /// <summary>
    /// Evaluates the no-data rule at gateway time <paramref name="now"/>, given when the wearable's
    /// last message arrived (gateway time; null if it never sent one). Raises once per silence: an
    /// alert staff resolved while the wearable stays silent (a patient who left the ward) is not raised
    /// again until data arrives and stops again. Does nothing when the rule is turned off.
    /// </summary>
    public IReadOnlyList<AlertEvent> ObserveSilence(DateTimeOffset now, DateTimeOffset? lastDataAt)
    {
        if (!_rules.NoDataEnabled)
        {
            return [];
        }

        var tracker = _trackers[NoDataAlertRule.AlertType];
        var condition = NoDataAlertRule.Evaluate(lastDataAt, now, _rules.NoDataSilence);
        if (condition.Priority is not null && tracker.ActivePriority is null && lastDataAt == _noDataRaisedFor)
        {
            condition = AlertCondition.Hold(condition.Value);
        }

        var decision = tracker.Observe(now, condition);
        if (decision.Action == AlertAction.Raise)
        {
            _noDataRaisedFor = lastDataAt;
        }

        var events = new List<AlertEvent>(1);
        Add(events, now, NoDataAlertRule.AlertType, decision, condition.Value);
        return events;
    }

    private void Add(List<AlertEvent> events, DateTimeOffset at, string type, AlertDecision decision, double? value)
    {
        if (decision.Action != AlertAction.None)
        {
            events.Add(new AlertEvent(at, type, decision, _trackers[type], value, IsTechnical(type)));
        }
    }
}
