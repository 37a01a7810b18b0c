namespace WearableEdge.DeviceSim.Generation;

/// <summary>One message ready to publish: its topic and its contract-v1 JSON payload.</summary>
internal sealed record OutgoingMessage(string Topic, byte[] Payload);
