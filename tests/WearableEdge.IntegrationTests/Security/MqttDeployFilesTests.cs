using System.Text.Json;
using WearableEdge.IntegrationTests.Faults;
using Xunit;

namespace WearableEdge.IntegrationTests.Security;

/// <summary>Static checks of what is committed: no MQTT secret in configuration, and a Mosquitto configuration that is closed by default.</summary>
public sealed class MqttDeployFilesTests
{
    private static readonly string[] SecretKeys = ["Password"];

    public static TheoryData<string> CommittedJsonConfigurations()
    {
        var root = ReliabilityReport.RepositoryRoot;
        var data = new TheoryData<string>();
        foreach (var file in Directory.EnumerateFiles(root, "*.json", SearchOption.AllDirectories)
                     .Where(f => Path.GetFileName(f).StartsWith("appsettings", StringComparison.OrdinalIgnoreCase))
                     .Where(f => !f.Split(Path.DirectorySeparatorChar).Any(part => part is "bin" or "obj" or ".git" or "node_modules")))
        {
            data.Add(Path.GetRelativePath(root, file));
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(CommittedJsonConfigurations))]
    public void CommittedConfiguration_HasNoMqttPassword(string relativePath)
    {
        using var document = JsonDocument.Parse(
            File.ReadAllText(Path.Combine(ReliabilityReport.RepositoryRoot, relativePath)),
            new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        if (!document.RootElement.TryGetProperty("Mqtt", out var mqtt))
        {
            return;
        }

        foreach (var key in SecretKeys)
        {
            Assert.False(
                mqtt.TryGetProperty(key, out var value) && value.ValueKind == JsonValueKind.String && value.GetString()!.Length > 0,
                $"{relativePath} sets Mqtt:{key}; give it through the environment (Mqtt__{key}) or Mqtt:PasswordFile instead.");
        }
    }

    [Fact]
    public void CommittedConfiguration_AtLeastTheServiceDefaultsAreChecked() =>
        Assert.Contains(Path.Combine("edge-service", "WearableEdge.EdgeService", "appsettings.json"), CommittedJsonConfigurations().Select(row => row.Data));

    [Fact]
    public void MosquittoConf_RefusesAnonymousAndEveryListenerUsesTls()
    {
        var lines = File.ReadAllLines(Path.Combine(MqttSecureBroker.DeployFolder, "mosquitto.conf"))
            .Select(l => l.Trim())
            .Where(l => l.Length > 0 && !l.StartsWith('#'))
            .ToList();

        Assert.Contains("allow_anonymous false", lines);
        Assert.Contains("per_listener_settings false", lines);
        Assert.Contains(lines, l => l.StartsWith("password_file ", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("acl_file ", StringComparison.Ordinal));
        var listeners = lines.Select((line, index) => (line, index)).Where(l => l.line.StartsWith("listener ", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(listeners);
        for (var i = 0; i < listeners.Count; i++)
        {
            var end = i + 1 < listeners.Count ? listeners[i + 1].index : lines.Count;
            var block = lines[listeners[i].index..end];
            Assert.True(
                block.Any(l => l.StartsWith("certfile ", StringComparison.Ordinal)) && block.Any(l => l.StartsWith("keyfile ", StringComparison.Ordinal)),
                $"'{listeners[i].line}' has no TLS certificate: every listener must be TLS.");
        }
    }
}
