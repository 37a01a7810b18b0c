using System.Text;
using Microsoft.Extensions.Time.Testing;
using WearableEdge.DeviceSim.CommandLine;

namespace WearableEdge.DeviceSim.Tests.CommandLine;

public sealed class ProgressDisplayTests
{
    [Fact]
    public void Format_WithDuration_DeviceTimePercentMessagesRate()
    {
        var line = ProgressDisplay.Format(
            new ProgressSnapshot(TimeSpan.FromMinutes(125), TimeSpan.FromHours(6), 120_345),
            new ProgressSnapshot(TimeSpan.FromMinutes(100), TimeSpan.FromHours(6), 114_325),
            TimeSpan.FromSeconds(5));

        Assert.Equal("progress: device time 2h05m00s of 6h00m00s (34.7 %), 120,345 messages, 1,204 msg/s", line);
    }

    [Fact]
    public void Format_WithoutDuration_NoPercent() =>
        Assert.Equal(
            "progress: device time 26h00m01s, 10 messages, 0 msg/s",
            ProgressDisplay.Format(new ProgressSnapshot(TimeSpan.FromSeconds((26 * 3600) + 1), null, 10), new ProgressSnapshot(TimeSpan.Zero, null, 10), TimeSpan.FromSeconds(5)));

    [Theory]
    [InlineData(null, true, true)]
    [InlineData(null, false, false)]
    [InlineData(true, false, true)]
    [InlineData(false, true, false)]
    public void Enabled_ExplicitElseWhenStderrIsATerminal(bool? requested, bool terminal, bool expected) =>
        Assert.Equal(expected, ProgressDisplay.Enabled(requested, terminal));

    [Fact]
    public async Task Start_EveryInterval_WritesALine()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2025, 3, 1, 0, 0, 0, TimeSpan.Zero));
        var writer = new LineWriter();
        long messages = 0;
        var display = ProgressDisplay.Start(writer, time, () => new ProgressSnapshot(TimeSpan.FromSeconds(Interlocked.Read(ref messages)), TimeSpan.FromSeconds(100), Interlocked.Read(ref messages)));
        await using (display)
        {
            Interlocked.Exchange(ref messages, 50);
            var first = writer.NextLine();
            time.Advance(ProgressDisplay.Interval);
            Assert.Equal("progress: device time 0h00m50s of 0h01m40s (50.0 %), 50 messages, 10 msg/s", await first);
        }

        Assert.Single(writer.Lines);
    }

    /// <summary>A writer that completes a wait when a line is written.</summary>
    private sealed class LineWriter : TextWriter
    {
        private readonly StringBuilder _line = new();
        private TaskCompletionSource<string> _next = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public List<string> Lines { get; } = [];

        public override Encoding Encoding => Encoding.UTF8;

        public Task<string> NextLine() => _next.Task.WaitAsync(TimeSpan.FromSeconds(10));

        public override void Write(char value)
        {
            if (value == '\n')
            {
                var line = _line.ToString().TrimEnd('\r');
                _line.Clear();
                Lines.Add(line);
                _next.TrySetResult(line);
                _next = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
            }
            else
            {
                _line.Append(value);
            }
        }
    }
}
