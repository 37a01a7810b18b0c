using Xunit;
using System.Runtime.InteropServices;

namespace WearableEdge.IntegrationTests.Deploy;

/// <summary>
/// deploy/install.sh under DESTDIR (no root, no systemd needed), against a stand-in publish folder
/// whose "service" records the add-user call. The real binary is exercised by the proof run in
/// deploy/README.md.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class InstallScriptTests
{
    private static string Script => Path.Combine(DeployProcess.RepositoryRoot, "deploy", "install.sh");

    [Fact]
    public async Task Install_TwiceUnderDestdir_LaysOutTheGatewayAndKeepsConfigurationAndKey()
    {
        using var folder = new TempFolder();
        var (publish, root, calls) = Prepare(folder.Path);

        var first = await InstallAsync(publish, root);
        Assert.True(first.ExitCode == 0, first.Output);

        var app = Path.Combine(root, "opt", "wearable-edge");
        var etc = Path.Combine(root, "etc", "wearable-edge");
        var data = Path.Combine(root, "var", "lib", "wearable-edge");
        Assert.True(File.Exists(Path.Combine(app, "WearableEdge.EdgeService")));
        Assert.True(File.Exists(Path.Combine(app, "models", "m", "1.0.0", "model.json")));
        Assert.Equal(
            "/etc/wearable-edge/appsettings.Production.json",
            new FileInfo(Path.Combine(app, "appsettings.Production.json")).LinkTarget);
        Assert.Equal(
            await File.ReadAllTextAsync(Path.Combine(DeployProcess.RepositoryRoot, "deploy", "appsettings.Production.json"), TestContext.Current.CancellationToken),
            await File.ReadAllTextAsync(Path.Combine(etc, "appsettings.Production.json"), TestContext.Current.CancellationToken));
        Assert.Equal(
            await File.ReadAllTextAsync(Path.Combine(DeployProcess.RepositoryRoot, "deploy", "systemd", "wearable-edge.service"), TestContext.Current.CancellationToken),
            await File.ReadAllTextAsync(Path.Combine(root, "etc", "systemd", "system", "wearable-edge.service"), TestContext.Current.CancellationToken));

        // The registry's seed, empty, ready for the ward to fill in (the service runs with Devices:Registry=Enforce).
        Assert.Equal(
            await File.ReadAllTextAsync(Path.Combine(DeployProcess.RepositoryRoot, "deploy", "devices.json"), TestContext.Current.CancellationToken),
            await File.ReadAllTextAsync(Path.Combine(etc, "devices.json"), TestContext.Current.CancellationToken));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead, File.GetUnixFileMode(Path.Combine(etc, "devices.json")));

        var key = await File.ReadAllTextAsync(Path.Combine(etc, "site.key"), TestContext.Current.CancellationToken);
        Assert.True(Convert.FromBase64String(key.Trim()).Length == 32, "the site key is 32 random bytes, base64");
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead, File.GetUnixFileMode(Path.Combine(etc, "site.key")));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(data));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(etc, "initial-admin-password")));
        Assert.Contains($"add-user --user admin --role admin --Storage:DataDirectory={data}", await File.ReadAllTextAsync(calls, TestContext.Current.CancellationToken), StringComparison.Ordinal);
        Assert.Contains("skipped (DESTDIR): systemctl enable wearable-edge.service", first.Output, StringComparison.Ordinal);

        // An operator edits the configuration; a second run (an upgrade) must keep it, the key and the admin.
        await File.WriteAllTextAsync(Path.Combine(etc, "appsettings.Production.json"), "{ \"edited\": true }", TestContext.Current.CancellationToken);
        await File.WriteAllTextAsync(Path.Combine(app, "stale-file-from-an-old-version"), "x", TestContext.Current.CancellationToken);
        const string wardSeed = "{ \"devices\": [ { \"deviceId\": \"dev-001\", \"patientId\": \"P-1\" } ] }";
        await File.WriteAllTextAsync(Path.Combine(etc, "devices.json"), wardSeed, TestContext.Current.CancellationToken);

        var second = await InstallAsync(publish, root);

        Assert.True(second.ExitCode == 0, second.Output);
        Assert.Equal("{ \"edited\": true }", await File.ReadAllTextAsync(Path.Combine(etc, "appsettings.Production.json"), TestContext.Current.CancellationToken));
        Assert.Equal(key, await File.ReadAllTextAsync(Path.Combine(etc, "site.key"), TestContext.Current.CancellationToken));
        Assert.Equal(wardSeed, await File.ReadAllTextAsync(Path.Combine(etc, "devices.json"), TestContext.Current.CancellationToken));
        Assert.False(File.Exists(Path.Combine(app, "stale-file-from-an-old-version")), "an upgrade replaces the binaries folder");
        Assert.Contains("user 'admin' already exists", second.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Install_DryRun_ChangesNothing()
    {
        using var folder = new TempFolder();
        var (publish, root, calls) = Prepare(folder.Path);

        var result = await InstallAsync(publish, root, "--dry-run");

        Assert.True(result.ExitCode == 0, result.Output);
        Assert.Contains("+ install -m 0644", result.Output, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(root, "opt")));
        Assert.False(Directory.Exists(Path.Combine(root, "etc")));
        Assert.False(File.Exists(calls));
    }

    [Fact]
    public async Task Install_NoPublishedService_ExitsTwoWithThePublishCommand()
    {
        using var folder = new TempFolder();

        var result = await DeployProcess.RunAsync(
            "/bin/sh",
            [Script, "--publish-dir", Path.Combine(folder.Path, "missing")],
            new Dictionary<string, string> { ["DESTDIR"] = Path.Combine(folder.Path, "root") });

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("dotnet publish edge-service/WearableEdge.EdgeService -p:PublishProfile=linux-", result.Output, StringComparison.Ordinal);
    }

    private static Task<DeployProcess.Result> InstallAsync(string publish, string root, params string[] extra) =>
        DeployProcess.RunAsync(
            "/bin/sh",
            [Script, "--publish-dir", publish, "--admin", "admin", .. extra],
            new Dictionary<string, string> { ["DESTDIR"] = root });

    /// <summary>A stand-in publish folder: a "service" that records add-user and refuses a second one, as the real one does.</summary>
    private static (string Publish, string Root, string Calls) Prepare(string folder)
    {
        Assert.SkipUnless(RuntimeInformation.IsOSPlatform(OSPlatform.Linux), "deploy/install.sh targets Linux gateways.");
        var publish = Path.Combine(folder, "publish");
        var calls = Path.Combine(folder, "add-user-calls");
        Directory.CreateDirectory(Path.Combine(publish, "models", "m", "1.0.0"));
        File.WriteAllText(Path.Combine(publish, "models", "m", "1.0.0", "model.json"), "{}");
        File.WriteAllText(Path.Combine(publish, "appsettings.Production.json"), "{}");
        var service = Path.Combine(publish, "WearableEdge.EdgeService");
        File.WriteAllText(service, $"""
            #!/bin/sh
            if [ -e '{calls}' ]; then echo "add-user: user already exists" >&2; exit 1; fi
            read password
            [ -n "$password" ] || exit 2
            echo "$*" > '{calls}'
            """);
        File.SetUnixFileMode(service, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return (publish, Path.Combine(folder, "root"), calls);
    }
}
