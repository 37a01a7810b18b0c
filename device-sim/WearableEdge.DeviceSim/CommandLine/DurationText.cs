using System.Globalization;

namespace WearableEdge.DeviceSim.CommandLine;

/// <summary>Durations as written on the command line: <c>90s</c>, <c>10m</c>, <c>2h</c>, <c>500ms</c>, <c>1h30m</c>, or <c>0</c>.</summary>
internal static class DurationText
{
    public static bool TryParse(string text, out TimeSpan duration)
    {
        duration = TimeSpan.Zero;
        if (text == "0")
        {
            return true;
        }

        var rest = text.AsSpan();
        if (rest.IsEmpty)
        {
            return false;
        }

        while (!rest.IsEmpty)
        {
            var numberLength = 0;
            while (numberLength < rest.Length && (char.IsAsciiDigit(rest[numberLength]) || rest[numberLength] == '.'))
            {
                numberLength++;
            }

            var unitLength = 0;
            while (numberLength + unitLength < rest.Length && char.IsAsciiLetter(rest[numberLength + unitLength]))
            {
                unitLength++;
            }

            if (numberLength == 0
                || !double.TryParse(rest[..numberLength], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number))
            {
                return false;
            }

            double? seconds = rest.Slice(numberLength, unitLength) switch
            {
                "ms" => number / 1000,
                "s" => number,
                "m" => number * 60,
                "h" => number * 3600,
                _ => null,
            };
            if (seconds is null || seconds.Value * TimeSpan.TicksPerSecond > TimeSpan.MaxValue.Ticks / 4)
            {
                return false;
            }

            duration += TimeSpan.FromTicks((long)Math.Round(seconds.Value * TimeSpan.TicksPerSecond));
            rest = rest[(numberLength + unitLength)..];
        }

        return true;
    }
}
