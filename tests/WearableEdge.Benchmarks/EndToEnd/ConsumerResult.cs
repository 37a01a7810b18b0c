namespace WearableEdge.Benchmarks.EndToEnd;

/// <summary>What one consumer sustained at one load, over the measurement window.</summary>
internal sealed class ConsumerResult
{
    public required string Consumer { get; init; }

    public required int Patients { get; init; }

    public required double WindowSeconds { get; init; }

    /// <summary>Messages per second the broker acknowledged to the generator (QoS 1 PUBACK).</summary>
    public required double OfferedMessagesPerSecond { get; init; }

    public required double OfferedSamplesPerSecond { get; init; }

    public required double ReceivedMessagesPerSecond { get; init; }

    public required double ReceivedSamplesPerSecond { get; init; }

    /// <summary>Received over offered messages.</summary>
    public double ReceivedRatio => OfferedMessagesPerSecond > 0 ? ReceivedMessagesPerSecond / OfferedMessagesPerSecond : 0;

    /// <summary>CPU time (user + system) of the consumer's process per message received, µs.</summary>
    public required double CpuMicrosecondsPerMessage { get; init; }

    /// <summary>Service only: CPU per message over what the idle service uses anyway (its timers and host).</summary>
    public double? MarginalCpuMicrosecondsPerMessage { get; init; }

    /// <summary>CPU time of the consumer's process per second of wall time (1.0 = one core busy).</summary>
    public required double CpuCores { get; init; }

    public required double GeneratorCpuMicrosecondsPerMessage { get; init; }

    public required double BrokerCpuMicrosecondsPerMessage { get; init; }

    /// <summary>Busy share of all cores of the machine (/proc/stat), whoever used them.</summary>
    public required double MachineBusy { get; init; }

    /// <summary>PUBLISH packets Mosquitto sent per second to all clients ($SYS).</summary>
    public required double BrokerSentPerSecond { get; init; }

    /// <summary>Messages Mosquitto dropped in the window because a client queue was full ($SYS).</summary>
    public required double BrokerDropped { get; init; }

    public required long ResidentBytes { get; init; }

    /// <summary>Service only: resident bytes over the idle service's, per patient.</summary>
    public double? ResidentBytesPerPatient { get; init; }

    public long? ManagedHeapBytes { get; init; }

    /// <summary>Service only: the fullest each stage queue got during the window, as a share of its capacity.</summary>
    public Dictionary<string, double>? QueueFill { get; init; }

    public Dictionary<string, long>? SampleOutcomes { get; init; }

    public long? Rejected { get; init; }

    public bool? KeptUp { get; init; }

    public string? Bottleneck { get; init; }

    public int? Alerts { get; init; }

    public int? AlertsUnmatched { get; init; }

    public double? LatencyToPublishP50Ms { get; init; }

    public double? LatencyToPublishP99Ms { get; init; }

    public double? LatencyToStoreP50Ms { get; init; }

    public double? LatencyToStoreP99Ms { get; init; }

    public double GeneratorMaxLagMs { get; init; }
}
