using Microsoft.Extensions.Options;

namespace WearableEdge.EdgeService.Ingest;

/// <summary>
/// The payload size limit. Section <c>Ingest</c>, key <c>MaxPayloadBytes</c>. A larger message is
/// rejected before it is parsed, counted under <c>payload-too-large</c> and dead-lettered with only
/// its first <see cref="DeadLetterPrefixBytes"/> bytes kept.
/// </summary>
public sealed class PayloadLimitOptions
{
    public const string SectionName = "Ingest";

    /// <summary>Bytes of a too-large payload kept in its dead letter, for diagnosis.</summary>
    public const int DeadLetterPrefixBytes = 1024;

    /// <summary>
    /// Largest payload accepted, in bytes; default and ceiling <see cref="PayloadDecoder.MaxPayloadBytes"/>
    /// (256 KiB; 600 vitals samples, the per-message maximum, with all five vital signs take about 69 KB as compact JSON). It can be lowered, not raised
    /// above the decoder's own ceiling.
    /// </summary>
    public int MaxPayloadBytes { get; set; } = PayloadDecoder.MaxPayloadBytes;
}

internal sealed class PayloadLimitOptionsValidator : IValidateOptions<PayloadLimitOptions>
{
    public ValidateOptionsResult Validate(string? name, PayloadLimitOptions options) =>
        options.MaxPayloadBytes is < 1024 or > PayloadDecoder.MaxPayloadBytes
            ? ValidateOptionsResult.Fail($"Ingest:MaxPayloadBytes must be 1024–{PayloadDecoder.MaxPayloadBytes}, not {options.MaxPayloadBytes}")
            : ValidateOptionsResult.Success;
}
