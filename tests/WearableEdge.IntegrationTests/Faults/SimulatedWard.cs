using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace WearableEdge.IntegrationTests.Faults;

/// <summary>
/// A ward for the device simulator CLI (vitals and device status, no motion) and what it publishes:
/// with 5-sample vitals batches and a duration that is a whole number of minutes, every patient
/// publishes one 1 Hz sample per second of device time, one vitals message per 5 s and one status
/// message per minute. The sequence depends only on the options and the device start.
/// </summary>
internal sealed record SimulatedWard(int Patients, int Seed, double Speed, TimeSpan Duration, IReadOnlyList<string> Events)
{
    private const int VitalsBatch = 5;

    /// <summary>Whether the simulator also publishes 50 Hz motion; default false (vitals and status only).</summary>
    public bool Motion { get; init; }

    /// <summary>Fixed device start; null lets the simulator take the wall clock.</summary>
    public DateTimeOffset? DeviceStart { get; init; }

    public long VitalsSamples => Patients * (long)Duration.TotalSeconds;

    public long VitalsMessages => VitalsSamples / VitalsBatch;

    public long Messages => VitalsMessages + (Patients * (long)Duration.TotalMinutes);

    /// <summary>
    /// 20 patients over 20 min of device time: deteriorations of patients 1–8 (each a raise and,
    /// at full effect, an escalation) and two separate desaturations of patients 9–20 (each a raise,
    /// a resolve and a second raise): a few dozen alert transitions for the time-series store.
    /// </summary>
    public static SimulatedWard Alerting(int seed, double speed)
    {
        var events = new List<string>();
        for (var patient = 1; patient <= 8; patient++)
        {
            events.Add($"deterioration:patient-{patient:000}:{patient}m:30m");
        }

        for (var patient = 9; patient <= 20; patient++)
        {
            var onset = 1 + ((patient - 9) % 4);
            events.Add($"desaturation:patient-{patient:000}:{onset}m:2m");
            events.Add($"desaturation:patient-{patient:000}:{onset + 9}m:2m");
        }

        return new SimulatedWard(20, seed, speed, TimeSpan.FromMinutes(20), events);
    }

    public IReadOnlyList<string> Arguments(Uri broker, string clientId)
    {
        var arguments = new List<string>
        {
            "--broker", broker.ToString(),
            "--patients", Patients.ToString(CultureInfo.InvariantCulture),
            "--seed", Seed.ToString(CultureInfo.InvariantCulture),
            "--speed", Speed.ToString(CultureInfo.InvariantCulture),
            "--duration", $"{(int)Duration.TotalMinutes}m",
            "--vitals-batch", VitalsBatch.ToString(CultureInfo.InvariantCulture),
            "--client-id", clientId,
        };
        if (!Motion)
        {
            arguments.Add("--no-motion");
        }

        if (DeviceStart is { } start)
        {
            arguments.AddRange(["--device-start", start.ToString("O", CultureInfo.InvariantCulture)]);
        }

        foreach (var scenarioEvent in Events)
        {
            arguments.AddRange(["--event", scenarioEvent]);
        }

        return arguments;
    }
}

/// <summary>The device simulator CLI running as a child process, as a user runs it.</summary>
internal sealed partial class SimulatorRun : IAsyncDisposable
{
    private readonly Process _process;
    private readonly Task<string> _stdout;
    private readonly Task<string> _stderr;

    private SimulatorRun(Process process)
    {
        _process = process;
        _stdout = process.StandardOutput.ReadToEndAsync();
        _stderr = process.StandardError.ReadToEndAsync();
    }

    public static SimulatorRun Start(SimulatedWard ward, Uri broker, string clientId)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "WearableEdge.DeviceSim.dll"));
        foreach (var argument in ward.Arguments(broker, clientId))
        {
            start.ArgumentList.Add(argument);
        }

        return new SimulatorRun(Process.Start(start) ?? throw new InvalidOperationException("The simulator did not start."));
    }

    /// <summary>Waits for the simulator to finish its duration and returns its exit code, output and message count.</summary>
    /// <exception cref="TimeoutException">It ran longer than <paramref name="timeout"/>; it is killed.</exception>
    public async Task<SimulatorResult> WaitForExitAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            await _process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            _process.Kill(entireProcessTree: true);
            throw new TimeoutException($"The simulator did not finish within {timeout.TotalSeconds:0} s. Its output so far is lost with it.");
        }

        var output = await _stdout + await _stderr;
        var published = PublishedLine().Match(output);
        return new SimulatorResult(
            _process.ExitCode,
            output,
            published.Success ? long.Parse(published.Groups[1].Value, CultureInfo.InvariantCulture) : null);
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync(CancellationToken.None);
        }

        _process.Dispose();
    }

    // Program.cs: "Published {n} messages from device time {start:O}." — counts broker-acknowledged publishes.
    [GeneratedRegex(@"Published (\d+) messages")]
    private static partial Regex PublishedLine();
}

/// <param name="ExitCode">0 when it published its whole duration.</param>
/// <param name="Output">Its stdout and stderr.</param>
/// <param name="Published">Messages the broker acknowledged, from the simulator's last line; null if it printed none.</param>
internal sealed record SimulatorResult(int ExitCode, string Output, long? Published);
