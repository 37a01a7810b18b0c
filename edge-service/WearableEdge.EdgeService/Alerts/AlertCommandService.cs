using Microsoft.Extensions.Logging;
using WearableEdge.Clinical.Alerts;
using WearableEdge.Contracts;
using WearableEdge.EdgeService.Storage;

namespace WearableEdge.EdgeService.Alerts;

/// <summary>How a staff command on an alert ended.</summary>
public enum AlertCommandOutcome
{
    /// <summary>Stored, with its audit row, and published.</summary>
    Done,

    /// <summary>No alert has that id.</summary>
    NotFound,

    /// <summary>The alert's status does not allow the command (for example acknowledging a resolved alert).</summary>
    Conflict,
}

/// <summary>The outcome, the alert after it (or as it is, on a conflict), and why a conflict happened.</summary>
/// <param name="Outcome">How the command ended.</param>
/// <param name="Alert">The alert after the command; null when not found.</param>
/// <param name="Error">Why the command was refused, for a conflict.</param>
public sealed record AlertCommandResult(AlertCommandOutcome Outcome, AlertMessage? Alert, string? Error = null);

/// <summary>Who sent a command, and from where (the audit trail's actor and client).</summary>
/// <param name="Name">User name or app id; <c>anonymous</c> when unknown.</param>
/// <param name="Client">Remote address and user agent for HTTP, <c>mqtt:{clientId or topic}</c> for MQTT.</param>
public sealed record AlertActor(string Name, string? Client);

/// <summary>
/// Staff commands on alerts — acknowledge, silence, resolve — from HTTP and MQTT alike. Under the
/// <see cref="AlertLedger"/> lock: check the transition (<see cref="AlertLifecycle.Next"/>), commit the
/// alert with its audit row (who, when, from which client, the note) and outbox entries, then tell
/// the alert's lifecycle tracker. Time is the gateway clock.
/// </summary>
public sealed class AlertCommandService(AlertStore store, AlertLedger ledger, EdgeMetrics metrics, TimeProvider timeProvider, ILogger<AlertCommandService> logger)
{
    /// <summary>Longest note kept in the audit trail, in characters.</summary>
    public const int MaxNoteLength = 1_000;

    /// <summary>Applies <paramref name="command"/> to alert <paramref name="alertId"/>.</summary>
    /// <param name="alertId">The alert.</param>
    /// <param name="command">What to do.</param>
    /// <param name="actor">Who, from where.</param>
    /// <param name="note">Optional note; for a silence, the required reason.</param>
    /// <param name="silenceFor">For a silence: how long, positive and at most <see cref="AlertLifecycle.MaxSilence"/>.</param>
    /// <param name="cancellationToken">Cancels the wait for the lock and the store.</param>
    public async Task<AlertCommandResult> ExecuteAsync(
        string alertId, AlertCommand command, AlertActor actor, string? note, TimeSpan? silenceFor = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(alertId);
        ArgumentNullException.ThrowIfNull(actor);
        if (command == AlertCommand.Silence)
        {
            if (silenceFor is not { } d || d <= TimeSpan.Zero || d > AlertLifecycle.MaxSilence)
            {
                throw new ArgumentOutOfRangeException(nameof(silenceFor), silenceFor, $"A silence lasts more than 0 and at most {AlertLifecycle.MaxSilence.TotalMinutes:0} minutes.");
            }

            if (string.IsNullOrWhiteSpace(note))
            {
                throw new ArgumentException("A silence needs a reason.", nameof(note));
            }
        }

        note = string.IsNullOrWhiteSpace(note) ? null : note.Trim();
        if (note is { Length: > MaxNoteLength })
        {
            note = note[..MaxNoteLength];
        }

        using var _ = await ledger.LockAsync(cancellationToken).ConfigureAwait(false);
        var open = ledger.Find(alertId);
        var current = open?.Alert ?? await store.GetAsync(alertId, cancellationToken).ConfigureAwait(false);
        if (current is null)
        {
            return new AlertCommandResult(AlertCommandOutcome.NotFound, null);
        }

        var status = AlertLifecycle.ParseStatus(current.Status);
        if (AlertLifecycle.Next(status, command) is not { } next)
        {
            return new AlertCommandResult(AlertCommandOutcome.Conflict, current, $"An alert that is {current.Status} cannot be {Past(command)}.");
        }

        var now = timeProvider.GetUtcNow();
        var (updated, action) = command switch
        {
            AlertCommand.Acknowledge => (current with
            {
                Status = next.ToWire(), AcknowledgedAt = now, AcknowledgedBy = actor.Name, SilencedUntil = null, SilenceReason = null,
            }, AlertTransition.Acknowledged),
            AlertCommand.Silence => (current with { Status = next.ToWire(), SilencedUntil = now + silenceFor!.Value, SilenceReason = note }, AlertTransition.Silenced),
            _ => (current with { Status = next.ToWire(), ResolvedAt = now, SilencedUntil = null, SilenceReason = null }, AlertTransition.Resolved),
        };

        await store.RecordAsync(new AlertTransition(updated, action, now, actor.Name, actor.Client, note), cancellationToken).ConfigureAwait(false);
        open?.Tracker?.Apply(command, now, silenceFor);
        ledger.Stored(updated, open?.Tracker);
        metrics.AlertTransition(action);
        Log.AlertTransition(logger, updated.Id, action, updated.Priority, updated.RuleId, updated.RuleVersion);
        return new AlertCommandResult(AlertCommandOutcome.Done, updated);
    }

    private static string Past(AlertCommand command) => command switch
    {
        AlertCommand.Acknowledge => "acknowledged",
        AlertCommand.Silence => "silenced",
        _ => "resolved",
    };
}
