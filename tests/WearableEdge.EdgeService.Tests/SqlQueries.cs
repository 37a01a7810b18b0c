using System.Globalization;
using WearableEdge.EdgeService.Storage;

namespace WearableEdge.EdgeService.Tests;

/// <summary>Reads the store directly, so tests check what is on disk rather than what the store says about itself.</summary>
internal static class SqlQueries
{
    public static async Task<long> CountAsync(EdgeDatabase database, string sql, params (string Name, object Value)[] parameters)
    {
        var value = await ScalarAsync(database, sql, parameters);
        return Convert.ToInt64(value, CultureInfo.InvariantCulture);
    }

    public static async Task<object?> ScalarAsync(EdgeDatabase database, string sql, params (string Name, object Value)[] parameters)
    {
        var ct = TestContext.Current.CancellationToken;
        await using var connection = await database.OpenAsync(ct);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        var result = await command.ExecuteScalarAsync(ct);
        return result is DBNull ? null : result;
    }

    public static async Task ExecuteAsync(EdgeDatabase database, string sql)
    {
        var ct = TestContext.Current.CancellationToken;
        await using var connection = await database.OpenAsync(ct);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(ct);
    }
}
