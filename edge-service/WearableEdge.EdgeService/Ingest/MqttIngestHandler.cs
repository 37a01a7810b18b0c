using System.Buffers;
using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MQTTnet;
using WearableEdge.Clinical.Samples;
using WearableEdge.Contracts;
using WearableEdge.EdgeService.Api;
using WearableEdge.EdgeService.Devices;
using WearableEdge.EdgeService.Scoring;
using WearableEdge.EdgeService.Storage;

namespace WearableEdge.EdgeService.Ingest;

/// <summary>
/// Turns each received MQTT message into samples for the feature stage, or into a counted dead
/// letter. Nothing that a payload contains can make this throw: ingest keeps running.
/// MQTTnet calls it one message at a time and acknowledges (QoS 1) when it returns, so waiting
/// on the full sample queue pushes back on the broker instead of dropping samples.
/// </summary>
public sealed class MqttIngestHandler(
    ChannelWriter<WearableSample> samples,
    ChannelWriter<ModelInput> modelInputs,
    DeadLetterQueue deadLetters,
    RawSampleQueue rawSamples,
    PatientBoard board,
    DeviceGate devices,
    EdgeMetrics metrics,
    TimeProvider timeProvider,
    IHostApplicationLifetime lifetime,
    IOptions<PayloadLimitOptions> limits,
    ILogger<MqttIngestHandler> logger,
    IOptions<EventTimeOptions>? eventTime = null)
{
    public Task HandleAsync(MqttApplicationMessageReceivedEventArgs e)
    {
        ArgumentNullException.ThrowIfNull(e);
        return HandleAsync(e.ApplicationMessage.Topic, e.ApplicationMessage.Payload);
    }

    /// <summary>
    /// Handles one message: each ends accepted on its stream or rejected under exactly one reason
    /// (both counted on <see cref="EdgeMetrics"/> and per patient on the <see cref="PatientBoard"/>).
    /// </summary>
    public async Task HandleAsync(string? topic, ReadOnlySequence<byte> payload)
    {
        var maxBytes = limits.Value.MaxPayloadBytes;
        DecodedPayload decoded;
        try
        {
            // The size limit comes first: a too-large payload is never parsed.
            decoded = payload.Length > maxBytes
                ? new DecodedPayload.Rejected(RejectReason.TooLarge, $"payload of {payload.Length} bytes exceeds {maxBytes}")
                : PayloadDecoder.Decode(topic!, payload, (eventTime?.Value ?? new EventTimeOptions()).LimitAt(timeProvider.GetUtcNow()));
            // Devices:Registry=Enforce: the patient from the registry, or unknown-device / no-consent.
            decoded = devices.Admit(decoded);
        }
        catch (Exception exception)
        {
            Log.IngestHandlerFailed(logger, exception, StreamOf(topic));
            decoded = new DecodedPayload.Rejected(RejectReason.InternalError, exception.GetType().Name);
        }

        switch (decoded)
        {
            case DecodedPayload.Vitals vitals:
                metrics.MessageAccepted(Topics.VitalsStream);
                board.RecordMessageAccepted(vitals.PatientId);
                foreach (var sample in vitals.Samples)
                {
                    // The raw record keeps what arrived; the windows drop duplicates and count them.
                    rawSamples.Enqueue(sample);
                    // Waits while the feature stage is behind (back-pressure), but not past shutdown:
                    // an unacknowledged QoS 1 message is sent again by the broker after a restart.
                    await samples.WriteAsync(sample, lifetime.ApplicationStopping).ConfigureAwait(false);
                }

                break;
            case DecodedPayload.Motion motion:
                metrics.MessageAccepted(Topics.MotionStream);
                board.RecordMessageAccepted(motion.PatientId);
                board.RecordMotion(motion.PatientId, motion.DeviceTime, motion.MagnitudeStdDev);

                // The fall model's input; waits while model scoring is behind, as vitals do.
                await modelInputs.WriteAsync(
                    new ModelInput.Motion(motion.PatientId, motion.DeviceTime, motion.SampleRateHz, motion.X, motion.Y, motion.Z),
                    lifetime.ApplicationStopping).ConfigureAwait(false);
                break;
            case DecodedPayload.Device device:
                metrics.MessageAccepted(Topics.DeviceStream);
                board.RecordMessageAccepted(device.PatientId);
                board.RecordDevice(device.PatientId, device.Status);
                break;
            case DecodedPayload.Rejected rejected:
                metrics.MessageRejected(rejected.Reason);
                if (topic is not null && Topics.TryParseWearableTopic(topic, out var patientId, out _))
                {
                    board.RecordMessageRejected(patientId, rejected.Reason);
                }

                Log.PayloadRejected(logger, StreamOf(topic), rejected.Reason);
                if (rejected.Reason == DeviceRejectReason.NoConsent)
                {
                    // Counted only: data of a patient without consent is not kept, not even as a dead letter.
                    break;
                }

                deadLetters.Enqueue(new DeadLetterMessage
                {
                    SchemaVersion = ContractVersion.V1,
                    Topic = topic ?? "",
                    Reason = rejected.Reason,
                    Detail = rejected.Detail,
                    ReceivedAt = timeProvider.GetUtcNow(),
                    // A too-large payload keeps only its head: the dead-letter queue must stay small.
                    PayloadBase64 = Convert.ToBase64String(
                        (rejected.Reason == RejectReason.TooLarge ? payload.Slice(0, Math.Min(payload.Length, PayloadLimitOptions.DeadLetterPrefixBytes)) : payload).ToArray()),
                });
                break;
        }
    }

    /// <summary>The stream part of a topic, for logs: never the patient id.</summary>
    private static string StreamOf(string? topic)
    {
        var slash = topic?.LastIndexOf('/') ?? -1;
        return slash >= 0 ? topic![(slash + 1)..] : "?";
    }
}
