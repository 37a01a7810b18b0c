using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace WearableEdge.Benchmarks.EndToEnd;

/// <summary>
/// An MQTT 3.1.1 subscriber on a bare socket that does no work per message beyond framing it and
/// acknowledging it (QoS 1 PUBACK, written in one batch per socket read): what the broker can
/// deliver when the client costs next to nothing. It decodes no topic or payload, only the last
/// byte of the topic, to tell vitals from motion.
/// </summary>
internal sealed class RawMqttSubscriber : IDisposable
{
    private readonly Socket _socket = new(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
    private long _messages;
    private long _vitals;

    public long Messages => Interlocked.Read(ref _messages);

    /// <summary>Messages whose topic ends in <c>s</c> (<c>…/vitals</c>); the rest are motion.</summary>
    public long Vitals => Interlocked.Read(ref _vitals);

    public async Task ConnectAsync(int port, string clientId, string topicFilter, CancellationToken cancellationToken)
    {
        _socket.ReceiveBufferSize = 1024 * 1024;
        _socket.SendBufferSize = 1024 * 1024;
        _socket.NoDelay = true;
        await _socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port), cancellationToken).ConfigureAwait(false);

        var id = Encoding.UTF8.GetBytes(clientId);
        var connect = new List<byte> { 0x00, 0x04, (byte)'M', (byte)'Q', (byte)'T', (byte)'T', 0x04, 0x02, 0x00, 60 };
        AppendString(connect, id);
        await SendPacketAsync(0x10, connect, cancellationToken).ConfigureAwait(false);
        var connack = await ReceiveExactlyAsync(4, cancellationToken).ConfigureAwait(false);
        if (connack[0] != 0x20 || connack[3] != 0)
        {
            throw new InvalidOperationException($"The broker refused the raw connection (CONNACK code {connack[3]}).");
        }

        var subscribe = new List<byte> { 0x00, 0x01 };
        AppendString(subscribe, Encoding.UTF8.GetBytes(topicFilter));
        subscribe.Add(0x01);
        await SendPacketAsync(0x82, subscribe, cancellationToken).ConfigureAwait(false);
        var suback = await ReceiveExactlyAsync(5, cancellationToken).ConfigureAwait(false);
        if (suback[0] != 0x90 || suback[4] > 0x02)
        {
            throw new InvalidOperationException("The broker refused the raw subscription.");
        }
    }

    /// <summary>Reads, counts and acknowledges until cancelled; sends a PINGREQ every 30 s.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var buffer = new byte[4 * 1024 * 1024];
        var acks = new byte[buffer.Length];
        var filled = 0;
        var lastPing = System.Diagnostics.Stopwatch.GetTimestamp();
        while (!cancellationToken.IsCancellationRequested)
        {
            int read;
            try
            {
                read = await _socket.ReceiveAsync(buffer.AsMemory(filled), SocketFlags.None, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                break;
            }

            if (read == 0)
            {
                throw new InvalidOperationException("The broker closed the raw connection.");
            }

            filled += read;
            var at = 0;
            var ackLength = 0;
            while (TryFrame(buffer.AsSpan(at, filled - at), out var header, out var length, out var bodyOffset))
            {
                if ((header >> 4) == 3)
                {
                    var body = buffer.AsSpan(at + bodyOffset, length);
                    var topicLength = BinaryPrimitives.ReadUInt16BigEndian(body);
                    if (body[1 + topicLength] == (byte)'s')
                    {
                        _vitals++;
                    }

                    // A QoS 1 PUBLISH is at least 7 bytes and its PUBACK 4, so one read's acknowledgements always fit.
                    if (((header >> 1) & 3) > 0)
                    {
                        acks[ackLength] = 0x40;
                        acks[ackLength + 1] = 0x02;
                        acks[ackLength + 2] = body[2 + topicLength];
                        acks[ackLength + 3] = body[3 + topicLength];
                        ackLength += 4;
                    }

                    _messages++;
                }

                at += bodyOffset + length;
            }

            if (ackLength > 0)
            {
                await _socket.SendAsync(acks.AsMemory(0, ackLength), SocketFlags.None, cancellationToken).ConfigureAwait(false);
            }

            // Keep the unframed tail; grow never (4 MiB exceeds any benchmark message).
            buffer.AsSpan(at, filled - at).CopyTo(buffer);
            filled -= at;
            if (System.Diagnostics.Stopwatch.GetElapsedTime(lastPing) > TimeSpan.FromSeconds(30))
            {
                lastPing = System.Diagnostics.Stopwatch.GetTimestamp();
                await _socket.SendAsync(new byte[] { 0xC0, 0x00 }, SocketFlags.None, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    public void Dispose() => _socket.Dispose();

    /// <summary>One complete packet at the start of <paramref name="data"/>: fixed header byte, remaining length, where the body starts.</summary>
    private static bool TryFrame(ReadOnlySpan<byte> data, out byte header, out int length, out int bodyOffset)
    {
        header = 0;
        length = 0;
        bodyOffset = 0;
        if (data.Length < 2)
        {
            return false;
        }

        header = data[0];
        var multiplier = 1;
        for (var i = 1; i < 5; i++)
        {
            if (i >= data.Length)
            {
                return false;
            }

            length += (data[i] & 0x7F) * multiplier;
            multiplier *= 128;
            if ((data[i] & 0x80) == 0)
            {
                bodyOffset = i + 1;
                return data.Length >= bodyOffset + length;
            }
        }

        throw new InvalidOperationException("Malformed MQTT remaining length.");
    }

    private static void AppendString(List<byte> packet, byte[] text)
    {
        packet.Add((byte)(text.Length >> 8));
        packet.Add((byte)text.Length);
        packet.AddRange(text);
    }

    private async Task SendPacketAsync(byte header, List<byte> body, CancellationToken cancellationToken)
    {
        var packet = new List<byte> { header };
        var remaining = body.Count;
        do
        {
            var digit = (byte)(remaining % 128);
            remaining /= 128;
            packet.Add(remaining > 0 ? (byte)(digit | 0x80) : digit);
        }
        while (remaining > 0);
        packet.AddRange(body);
        await _socket.SendAsync(packet.ToArray(), SocketFlags.None, cancellationToken).ConfigureAwait(false);
    }

    private async Task<byte[]> ReceiveExactlyAsync(int count, CancellationToken cancellationToken)
    {
        var bytes = new byte[count];
        var filled = 0;
        while (filled < count)
        {
            var read = await _socket.ReceiveAsync(bytes.AsMemory(filled), SocketFlags.None, cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                throw new InvalidOperationException("The broker closed the raw connection during set-up.");
            }

            filled += read;
        }

        return bytes;
    }
}
