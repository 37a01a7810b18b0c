using WearableEdge.DeviceSim.CommandLine;

namespace WearableEdge.DeviceSim.Tests.CommandLine;

public sealed class SimulatorCommandLineSecurityTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("sim-cli-").FullName;

    private string File(string name)
    {
        var path = Path.Combine(_directory, name);
        System.IO.File.WriteAllText(path, "x");
        return path;
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void Parse_TlsAndCredentials_SetsThem()
    {
        string ca = File("ca.pem"), cert = File("client.pem"), key = File("client.key"), password = File("password");

        var options = SimulatorCommandLine.Parse(
        [
            "--broker", "mqtts://gateway.local", "--ca-file", ca, "--cert", cert, "--key", key,
            "--username", "patient-001", "--password-file", password,
        ]).Options!;

        Assert.Equal("mqtts", options.Broker.Scheme);
        Assert.Equal(ca, options.CaFile);
        Assert.Equal(cert, options.ClientCertificateFile);
        Assert.Equal(key, options.ClientKeyFile);
        Assert.Equal("patient-001", options.Username);
        Assert.Equal(password, options.PasswordFile);
    }

    [Fact]
    public void Parse_CaFileWithPlainBroker_NamesTheTlsOptions()
    {
        var result = SimulatorCommandLine.Parse(["--broker", "mqtt://gateway.local", "--ca-file", File("ca.pem")]);

        Assert.Null(result.Options);
        Assert.Contains("mqtts://", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_CertWithoutKey_Fails()
    {
        var result = SimulatorCommandLine.Parse(["--broker", "mqtts://gateway.local", "--cert", File("client.pem")]);

        Assert.Equal("--cert and --key go together.", result.Error);
    }

    [Fact]
    public void Parse_PasswordFileWithoutUsername_Fails() =>
        Assert.Equal("--password-file needs --username.", SimulatorCommandLine.Parse(["--password-file", File("password")]).Error);

    [Fact]
    public void Parse_MissingCaFile_NamesTheOption()
    {
        var result = SimulatorCommandLine.Parse(["--broker", "mqtts://gateway.local", "--ca-file", Path.Combine(_directory, "absent.pem")]);

        Assert.StartsWith("--ca-file: no such file", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_PasswordOnCommandLine_IsNotAnOption() =>
        Assert.StartsWith("Unrecognized command or argument '--password'.", SimulatorCommandLine.Parse(["--password", "secret"]).Error, StringComparison.Ordinal);
}
