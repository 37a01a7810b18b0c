namespace WearableEdge.EdgeService.Sync;

/// <summary>
/// Decides, when the outbox hands entries to a dispatcher, which of them must not leave the gateway:
/// the patient's consent no longer covers them. Withheld entries are marked <c>withheld</c> in the
/// same transaction as the claim, never sent, and kept locally until the synced-entry retention
/// purges them (docs/consent.md).
/// </summary>
public interface IOutboxWithholding
{
    /// <summary>Whether entries of <paramref name="target"/> are checked at all; false keeps the claim as it always was.</summary>
    bool AppliesTo(string target);

    /// <summary>Whether the entry about <paramref name="patientId"/> at device time <paramref name="eventAt"/> must not be sent to <paramref name="target"/>.</summary>
    bool Withholds(string target, string patientId, DateTimeOffset eventAt);

    /// <summary>Counts entries just withheld.</summary>
    void Withheld(string target, string kind, int count);
}
