using System.Diagnostics.Metrics;

namespace WearableEdge.EdgeService.Tests;

/// <summary>Creates meters for <see cref="EdgeMetrics"/> without a DI container.</summary>
internal sealed class TestMeterFactory : IMeterFactory
{
    private readonly List<Meter> _meters = [];

    public static EdgeMetrics NewMetrics() => new(new TestMeterFactory());

    public Meter Create(MeterOptions options)
    {
        var meter = new Meter(options);
        _meters.Add(meter);
        return meter;
    }

    public void Dispose()
    {
        foreach (var meter in _meters)
        {
            meter.Dispose();
        }
    }
}
