namespace WearableEdge.DeviceSim.Generation;

/// <summary>One message ready to publish: its topic and its JSON payload (contract v1, Open mHealth or FHIR R4).</summary>
internal sealed record OutgoingMessage(string Topic, byte[] Payload);
