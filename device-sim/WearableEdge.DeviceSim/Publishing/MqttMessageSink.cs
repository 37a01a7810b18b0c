using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using MQTTnet;
using MQTTnet.Adapter;
using MQTTnet.Protocol;
using WearableEdge.DeviceSim.Generation;

namespace WearableEdge.DeviceSim.Publishing;

/// <summary>
/// Publishes to an MQTT broker at QoS 1 with MQTTnet. MQTTnet 5 has no managed client
/// (FACTS.md), so connecting retries with a capped back-off here, and a publish that finds the
/// connection lost reconnects the same way and publishes again. A refusal — the broker's
/// certificate fails verification, or the credentials are wrong — is not retried: it ends the run
/// with <see cref="BrokerRefusedException"/>.
/// </summary>
internal sealed class MqttMessageSink : IMessageSink
{
    private static readonly TimeSpan FirstRetryDelay = TimeSpan.FromMilliseconds(200);
    private static readonly TimeSpan MaxRetryDelay = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan DisconnectTimeout = TimeSpan.FromSeconds(5);

    private readonly IMqttClient _client = new MqttClientFactory().CreateMqttClient();
    private readonly MqttClientOptions _clientOptions;
    private readonly TimeProvider _timeProvider;
    private readonly Uri _broker;

    public MqttMessageSink(SimulationOptions options, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(options);
        _timeProvider = timeProvider;
        var broker = options.Broker;
        _broker = broker;
        var builder = new MqttClientOptionsBuilder()
            .WithTcpServer(broker.Host, broker.IsDefaultPort || broker.Port < 0 ? (options.UseTls ? DefaultTlsPort : DefaultPort) : broker.Port)
            .WithClientId(options.ClientId)
            .WithCleanSession(true)
            .WithTimeout(TimeSpan.FromSeconds(10));
        if (options.Username is { } username)
        {
            builder = builder.WithCredentials(username, ReadPassword(options));
        }

        if (options.UseTls)
        {
            var trustChain = LoadCertificateAuthorities(options.CaFile);
            var clientCertificate = options.ClientCertificateFile is { } certificateFile && options.ClientKeyFile is { } keyFile
                ? X509Certificate2.CreateFromPemFile(certificateFile, keyFile)
                : null;
            builder = builder.WithTlsOptions(tls =>
            {
                // Fail closed: no untrusted certificates, no ignored chain errors, no custom handler.
                tls.UseTls().WithTargetHost(broker.Host);
                if (trustChain is not null)
                {
                    tls.WithTrustChain(trustChain);
                }

                if (clientCertificate is not null)
                {
                    tls.WithClientCertificates([clientCertificate]);
                }
            });
        }

        _clientOptions = builder.Build();
    }

    /// <summary>Environment variable read for the password when no password file is given.</summary>
    public const string PasswordVariable = "WEARABLEEDGE_MQTT_PASSWORD";

    private const int DefaultPort = 1883;
    private const int DefaultTlsPort = 8883;

    public async Task ConnectAsync(CancellationToken cancellationToken)
    {
        var delay = FirstRetryDelay;
        while (true)
        {
            try
            {
                var result = await _client.ConnectAsync(_clientOptions, cancellationToken).ConfigureAwait(false);
                if (result.ResultCode != MqttClientConnectResultCode.Success)
                {
                    throw new BrokerRefusedException($"The broker at {_broker} refused the connection: {result.ResultCode} {result.ReasonString}", null);
                }

                return;
            }
            catch (Exception e) when (e is not BrokerRefusedException && IsRefusal(e))
            {
                // Retrying cannot fix a certificate the CA does not vouch for or wrong credentials.
                throw new BrokerRefusedException($"The broker at {_broker} refused the connection: {e.Message}", e);
            }
            catch (Exception e) when (e is not BrokerRefusedException && !cancellationToken.IsCancellationRequested)
            {
                // The demo starts its broker at the same moment as the simulator: wait and try again.
                await Task.Delay(delay, _timeProvider, cancellationToken).ConfigureAwait(false);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, MaxRetryDelay.Ticks));
            }
        }
    }

    private static bool IsRefusal(Exception e) => e switch
    {
        // Thrown without an inner exception when the broker answered CONNACK with a refusal code.
        MqttConnectingFailedException { InnerException: null } => true,
        AuthenticationException => true,
        { InnerException: { } inner } => IsRefusal(inner),
        _ => false,
    };

    private static string? ReadPassword(SimulationOptions options)
    {
        if (options.PasswordFile is { } file)
        {
            using var reader = new StreamReader(file);
            return reader.ReadLine() ?? "";
        }

        return Environment.GetEnvironmentVariable(PasswordVariable);
    }

    private static X509Certificate2Collection? LoadCertificateAuthorities(string? caFile)
    {
        if (caFile is null)
        {
            return null;
        }

        var certificates = new X509Certificate2Collection();
        certificates.ImportFromPemFile(caFile);
        return certificates.Count > 0 ? certificates : throw new ArgumentException($"--ca-file '{caFile}' holds no PEM certificate.", nameof(caFile));
    }

    public async Task PublishAsync(OutgoingMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        var applicationMessage = new MqttApplicationMessageBuilder()
            .WithTopic(message.Topic)
            .WithPayload(message.Payload)
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
            .Build();
        MqttClientPublishResult result;
        try
        {
            result = await _client.PublishAsync(applicationMessage, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception) when (!cancellationToken.IsCancellationRequested && !_client.IsConnected)
        {
            await ConnectAsync(cancellationToken).ConfigureAwait(false);
            result = await _client.PublishAsync(applicationMessage, cancellationToken).ConfigureAwait(false);
        }

        if (!result.IsSuccess)
        {
            throw new InvalidOperationException($"The broker refused a message on {message.Topic}: {result.ReasonCode} {result.ReasonString}");
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (_client.IsConnected)
            {
                // A clean DISCONNECT, bounded: the run may be ending because the host is stopping.
                using var timeout = new CancellationTokenSource(DisconnectTimeout, _timeProvider);
                await _client.DisconnectAsync(new MqttClientDisconnectOptionsBuilder().Build(), timeout.Token).ConfigureAwait(false);
            }
        }
        finally
        {
            _client.Dispose();
        }
    }
}

/// <summary>The broker refused the simulator: TLS verification failed or the credentials were rejected. Retrying would not help.</summary>
public sealed class BrokerRefusedException(string message, Exception? innerException) : Exception(message, innerException);
