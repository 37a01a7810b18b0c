using WearableEdge.EdgeService.Storage;

namespace WearableEdge.EdgeService.Sync;

/// <summary>
/// Maps a pseudonym seen upstream back to a patient id. Possible only on the gateway: it needs
/// the site key and the patient ids in the local store, and neither leaves the gateway.
/// </summary>
public static class PseudonymLookup
{
    /// <summary>The patient id whose pseudonym is <paramref name="pseudonym"/>, or null when no patient in the local store has it.</summary>
    public static async Task<string?> ResolveAsync(
        EdgeDatabase database, PatientPseudonymizer pseudonymizer, string pseudonym, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(database);
        ArgumentNullException.ThrowIfNull(pseudonymizer);
        ArgumentException.ThrowIfNullOrEmpty(pseudonym);
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT patient_id FROM alerts UNION SELECT patient_id FROM sample_patients;";
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var patientId = reader.GetString(0);
            if (pseudonymizer.Pseudonymize(patientId) == pseudonym)
            {
                return patientId;
            }
        }

        return null;
    }
}
