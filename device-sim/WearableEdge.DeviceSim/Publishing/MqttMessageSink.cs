using System.Security.Cryptography.X509Certificates;
using MQTTnet;
using WearableEdge.DeviceSim.Generation;

namespace WearableEdge.DeviceSim.Publishing;

/// <summary>
/// Publishes to an MQTT broker at QoS 1 with MQTTnet over <see cref="SimulationOptions.Connections"/>
/// connections (never more than <see cref="SimulationOptions.Patients"/>), as a gateway sees patients
/// whose wearables share a phone or hub: each patient stays on one connection
/// (<see cref="ConnectionAssignment"/>), so a patient's messages keep their order. One connection
/// uses <see cref="SimulationOptions.ClientId"/>; several use <c>{ClientId}-1</c> … <c>{ClientId}-N</c>.
/// A refusal by the broker ends the run with <see cref="BrokerRefusedException"/>.
/// </summary>
internal sealed class MqttMessageSink : IMessageSink
{
    private readonly MqttConnection[] _connections;
    private readonly ConnectionAssignment _assignment;

    public MqttMessageSink(SimulationOptions options, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        var count = Math.Clamp(Math.Min(options.Connections, options.Patients), 1, SimulationOptions.MaxConnections);
        _assignment = new ConnectionAssignment(count);
        _connections = new MqttConnection[count];
        for (var k = 0; k < count; k++)
        {
            _connections[k] = new MqttConnection(ClientOptions(options, ClientId(options.ClientId, k, count)), options.Broker, timeProvider);
        }
    }

    /// <summary>Environment variable read for the password when no password file is given.</summary>
    public const string PasswordVariable = "WEARABLEEDGE_MQTT_PASSWORD";

    private const int DefaultPort = 1883;
    private const int DefaultTlsPort = 8883;

    /// <summary>
    /// Most publishes <see cref="PublishAllAsync"/> keeps unacknowledged per connection; default 1
    /// (each waits for the previous one's PUBACK). Above 1 the publishes of a connection are started in
    /// order and MQTTnet sends them in that order (its send lock is first-come first-served), so a
    /// patient's messages still arrive in order; the load generator uses this to offer more than one
    /// round trip per message allows.
    /// </summary>
    public int MaxInFlight { get; init; } = 1;

    /// <summary>Connections this sink opens.</summary>
    public int ConnectionCount => _connections.Length;

    /// <summary>The client id of connection <paramref name="index"/> (zero-based) of <paramref name="count"/>.</summary>
    public static string ClientId(string clientId, int index, int count) =>
        count == 1 ? clientId : $"{clientId}-{(index + 1).ToString(System.Globalization.CultureInfo.InvariantCulture)}";

    public Task ConnectAsync(CancellationToken cancellationToken) =>
        Task.WhenAll(_connections.Select(c => c.ConnectAsync(cancellationToken)));

    public Task PublishAsync(OutgoingMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        return _connections[_assignment.ConnectionOf(message.Topic)].PublishAsync(message, cancellationToken);
    }

    /// <summary>Publishes on every connection side by side, each connection's messages one by one in order.</summary>
    public Task PublishAllAsync(IReadOnlyList<OutgoingMessage> messages, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(messages);
        if (_connections.Length == 1)
        {
            return PublishInOrderAsync(_connections[0], messages, MaxInFlight, cancellationToken);
        }

        var perConnection = new List<OutgoingMessage>?[_connections.Length];
        foreach (var message in messages)
        {
            (perConnection[_assignment.ConnectionOf(message.Topic)] ??= []).Add(message);
        }

        return Task.WhenAll(perConnection
            .Select((batch, k) => batch is null ? Task.CompletedTask : PublishInOrderAsync(_connections[k], batch, MaxInFlight, cancellationToken)));
    }

    private static async Task PublishInOrderAsync(MqttConnection connection, IReadOnlyList<OutgoingMessage> messages, int maxInFlight, CancellationToken cancellationToken)
    {
        if (maxInFlight <= 1)
        {
            foreach (var message in messages)
            {
                await connection.PublishAsync(message, cancellationToken).ConfigureAwait(false);
            }

            return;
        }

        var inFlight = new Queue<Task>(maxInFlight);
        try
        {
            foreach (var message in messages)
            {
                if (inFlight.Count == maxInFlight)
                {
                    await inFlight.Dequeue().ConfigureAwait(false);
                }

                inFlight.Enqueue(connection.PublishAsync(message, cancellationToken));
            }
        }
        finally
        {
            // Every started publish is awaited, also when one failed: none is left unobserved.
            await Task.WhenAll(inFlight).ConfigureAwait(false);
        }
    }

    private static MqttClientOptions ClientOptions(SimulationOptions options, string clientId)
    {
        var broker = options.Broker;
        var builder = new MqttClientOptionsBuilder()
            .WithTcpServer(broker.Host, broker.IsDefaultPort || broker.Port < 0 ? (options.UseTls ? DefaultTlsPort : DefaultPort) : broker.Port)
            .WithClientId(clientId)
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

        return builder.Build();
    }

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

    public async ValueTask DisposeAsync()
    {
        List<Exception>? errors = null;
        foreach (var connection in _connections)
        {
            try
            {
                await connection.DisposeAsync().ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                (errors ??= []).Add(e);
            }
        }

        if (errors is not null)
        {
            throw new AggregateException("Closing the MQTT connections failed.", errors);
        }
    }
}

/// <summary>The broker refused the simulator: TLS verification failed or the credentials were rejected. Retrying would not help.</summary>
public sealed class BrokerRefusedException(string message, Exception? innerException) : Exception(message, innerException);
