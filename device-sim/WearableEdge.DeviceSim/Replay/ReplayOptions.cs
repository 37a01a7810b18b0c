namespace WearableEdge.DeviceSim.Replay;

/// <summary>What <c>replay</c> reads; the broker, pacing, seed and ground-truth path are <see cref="SimulationOptions"/>.</summary>
/// <param name="DataDirectory">PhysioNet 2019 folder: its <c>patients/*.psv</c>, or <c>*.psv</c> in the folder itself.</param>
/// <param name="Patients">Replay the first N stays in file-name order (ordinal); null replays every stay.</param>
internal sealed record ReplayOptions(string DataDirectory, int? Patients);
