using System.Text.Json;
using WearableEdge.Contracts;
using WearableEdge.EdgeService.Storage;

namespace WearableEdge.EdgeService.Fhir;

/// <summary>
/// Reads one stored alert document by id, for rendering. A read-only query on the <c>alerts</c>
/// table that <see cref="AlertStore"/> writes; replace with the store's own get-by-id once it has one.
/// </summary>
public sealed class StoredAlertReader(EdgeDatabase database)
{
    /// <summary>The alert's latest stored document, or null when no alert has that id.</summary>
    public async Task<AlertMessage?> FindAsync(string id, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(id);
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT document FROM alerts WHERE id = $id;";
        command.Parameters.AddWithValue("$id", id);
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is string document
            ? JsonSerializer.Deserialize(document, ContractJsonContext.Default.AlertMessage)
            : null;
    }
}
