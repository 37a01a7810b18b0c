using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace WearableEdge.DeviceSim.Formats;

/// <summary>Values the standard-format encoders write the same way: times, ids, temperatures.</summary>
internal static class WireValues
{
    /// <summary>ISO 8601 in UTC with milliseconds and <c>Z</c>, as contract v1 and both decoders accept.</summary>
    public static string Time(DateTimeOffset time) =>
        time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    /// <summary>
    /// A UUID derived from <paramref name="name"/> (RFC 9562 version 8, from SHA-256): the same
    /// device, schema and time give the same id, so the same seed gives identical payloads.
    /// </summary>
    public static string Uuid(string name)
    {
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(name), hash);
        hash[6] = (byte)((hash[6] & 0x0F) | 0x80); // version 8
        hash[8] = (byte)((hash[8] & 0x3F) | 0x80); // variant 10
        return new Guid(hash[..16], bigEndian: true).ToString("D");
    }

    /// <summary>
    /// The temperature in <paramref name="unit"/>. °C values have one decimal, so °F = °C × 1.8 + 32
    /// has at most two: rounding to two decimals loses nothing but binary noise.
    /// </summary>
    public static double Temperature(double celsius, TemperatureUnit unit) => unit switch
    {
        TemperatureUnit.Fahrenheit => Math.Round((celsius * 1.8) + 32, 2, MidpointRounding.AwayFromZero),
        _ => celsius,
    };
}
