using System.Diagnostics;
using System.IO.Compression;
using System.Net;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using WearableEdge.IntegrationTests.Fixtures;

namespace WearableEdge.IntegrationTests.Faults;

/// <summary>How the proxy answers a write.</summary>
internal enum StoreAnswer
{
    /// <summary>Forwards it to the real store, verbatim, and returns the store's answer.</summary>
    Forward,

    /// <summary>HTTP 500, as a store that is failing.</summary>
    ServerError,

    /// <summary>HTTP 429 with <c>Retry-After</c>, as a store that sheds load.</summary>
    TooManyRequests,
}

/// <summary>One write request as the proxy saw it.</summary>
/// <param name="ReceivedAt">When it arrived, from the proxy's start.</param>
/// <param name="AnsweredAt">When the proxy answered it.</param>
/// <param name="Status">The HTTP status it got.</param>
/// <param name="Points">The line-protocol points it carried, as <c>measurement,tags timestamp</c>.</param>
internal sealed record ProxiedWrite(TimeSpan ReceivedAt, TimeSpan AnsweredAt, int Status, IReadOnlyList<string> Points);

/// <summary>
/// A small HTTP proxy (Kestrel on a free loopback port) in front of a real time-series store that
/// answers writes (<c>/api/v2/write</c>) as the test says: holds the first one, fails with 500, sheds
/// with 429 and <c>Retry-After</c>, or forwards it verbatim (method, path, query string, headers
/// including <c>Content-Encoding: gzip</c>, body). Every write is recorded with its points.
/// </summary>
internal sealed class FaultInjectingProxy : IAsyncDisposable
{
    private const string WritePath = "/api/v2/write";
    private const int PortAttempts = 3;

    private static readonly HashSet<string> HopByHopHeaders = new(StringComparer.OrdinalIgnoreCase)
    {
        "Host", "Connection", "Content-Length", "Transfer-Encoding", "Keep-Alive", "Expect",
    };

    private readonly Uri _upstream;
    private readonly HttpClient _forwarder = new(new SocketsHttpHandler { AutomaticDecompression = DecompressionMethods.None });
    private readonly long _started = Stopwatch.GetTimestamp();
    private readonly Lock _gate = new();
    private readonly List<ProxiedWrite> _writes = [];
    private readonly TaskCompletionSource _releaseHeld = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private TaskCompletionSource _written = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private WebApplication? _app;
    private bool _holdFirstWrite;
    private StoreAnswer _answer = StoreAnswer.Forward;
    private int _tooManyRequestsLeft;
    private TimeSpan _retryAfter;

    private FaultInjectingProxy(Uri upstream) => _upstream = upstream;

    /// <summary><c>http://127.0.0.1:{port}/</c>: give it to the service as the store's URL.</summary>
    public Uri BaseUri { get; private set; } = null!;

    /// <summary>Every write so far, in arrival order.</summary>
    public IReadOnlyList<ProxiedWrite> Writes
    {
        get
        {
            lock (_gate)
            {
                return [.. _writes];
            }
        }
    }

    /// <summary>One line per write: arrival, answer, status and how many points, alert points first.</summary>
    public string Log => string.Join(Environment.NewLine, Writes.Select(w => string.Create(
        System.Globalization.CultureInfo.InvariantCulture,
        $"{w.ReceivedAt.TotalSeconds,8:0.000} s -> {w.AnsweredAt.TotalSeconds,8:0.000} s  {w.Status}  {w.Points.Count(p => p.StartsWith("alert,", StringComparison.Ordinal))} alert + {w.Points.Count(p => !p.StartsWith("alert,", StringComparison.Ordinal))} other points")));

    /// <summary>Time since the proxy started, on the clock of <see cref="ProxiedWrite.ReceivedAt"/>.</summary>
    public TimeSpan Now => Stopwatch.GetElapsedTime(_started);

    public static async Task<FaultInjectingProxy> StartAsync(Uri upstream, CancellationToken cancellationToken)
    {
        var proxy = new FaultInjectingProxy(upstream);
        for (var attempt = 1; ; attempt++)
        {
            var url = $"http://127.0.0.1:{FreePort.Next()}";
            var builder = WebApplication.CreateSlimBuilder();
            builder.Logging.ClearProviders();
            builder.WebHost.UseUrls(url);
            var app = builder.Build();
            app.Run(proxy.HandleAsync);
            try
            {
                await app.StartAsync(cancellationToken);
                proxy._app = app;
                proxy.BaseUri = new Uri(url + "/");
                return proxy;
            }
            catch (IOException) when (attempt < PortAttempts)
            {
                // The free port was taken before Kestrel bound it: try another.
                await app.DisposeAsync();
            }
        }
    }

    /// <summary>Holds the next write unanswered until <see cref="ReleaseHeldWrite"/>; the service's dispatcher waits on it meanwhile.</summary>
    public void HoldFirstWrite()
    {
        lock (_gate)
        {
            _holdFirstWrite = true;
        }
    }

    /// <summary>Lets the held write go on; it is then answered like any other write.</summary>
    public void ReleaseHeldWrite() => _releaseHeld.TrySetResult();

    /// <summary>Answers every following write with <paramref name="answer"/>.</summary>
    public void AnswerWith(StoreAnswer answer)
    {
        lock (_gate)
        {
            _answer = answer;
        }
    }

    /// <summary>Answers the next <paramref name="requests"/> writes with 429 and <c>Retry-After</c>, then forwards.</summary>
    public void ShedNext(int requests, TimeSpan retryAfter)
    {
        lock (_gate)
        {
            _answer = StoreAnswer.TooManyRequests;
            _tooManyRequestsLeft = requests;
            _retryAfter = retryAfter;
        }
    }

    /// <summary>Waits until the writes recorded so far satisfy <paramref name="condition"/>.</summary>
    public async Task WaitForWritesAsync(
        Func<IReadOnlyList<ProxiedWrite>, bool> condition, TimeSpan timeout, string what, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        while (true)
        {
            var next = Volatile.Read(ref _written).Task;
            if (condition(Writes))
            {
                return;
            }

            try
            {
                await next.WaitAsync(deadline.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new TimeoutException($"{what} did not happen within {timeout.TotalSeconds:0} s; {Writes.Count} writes arrived.");
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        _releaseHeld.TrySetResult();
        if (_app is not null)
        {
            await _app.StopAsync(CancellationToken.None);
            await _app.DisposeAsync();
        }

        _forwarder.Dispose();
    }

    private async Task HandleAsync(HttpContext context)
    {
        var receivedAt = Now;
        var request = context.Request;
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer, context.RequestAborted);
        var body = buffer.ToArray();
        var isWrite = request.Path.Equals(WritePath, StringComparison.Ordinal);
        if (!isWrite)
        {
            await ForwardAsync(context, body);
            return;
        }

        bool hold;
        lock (_gate)
        {
            hold = _holdFirstWrite;
            _holdFirstWrite = false;
        }

        if (hold)
        {
            await _releaseHeld.Task.WaitAsync(context.RequestAborted);
        }

        StoreAnswer answer;
        TimeSpan retryAfter;
        lock (_gate)
        {
            answer = _answer;
            retryAfter = _retryAfter;
            if (answer == StoreAnswer.TooManyRequests && --_tooManyRequestsLeft <= 0)
            {
                _answer = StoreAnswer.Forward;
            }
        }

        int status;
        switch (answer)
        {
            case StoreAnswer.ServerError:
                status = StatusCodes.Status500InternalServerError;
                context.Response.StatusCode = status;
                context.Response.ContentType = "application/json";
                await context.Response.WriteAsync("""{"code":"internal error","message":"injected by the fault test"}""");
                break;
            case StoreAnswer.TooManyRequests:
                status = StatusCodes.Status429TooManyRequests;
                context.Response.StatusCode = status;
                context.Response.Headers.RetryAfter = ((int)retryAfter.TotalSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture);
                context.Response.ContentType = "application/json";
                await context.Response.WriteAsync("""{"code":"too many requests","message":"injected by the fault test"}""");
                break;
            default:
                status = await ForwardAsync(context, body);
                break;
        }

        var write = new ProxiedWrite(receivedAt, Now, status, PointsOf(body, request.Headers.ContentEncoding.ToString()));
        lock (_gate)
        {
            _writes.Add(write);
        }

        Interlocked.Exchange(ref _written, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
    }

    private async Task<int> ForwardAsync(HttpContext context, byte[] body)
    {
        var request = context.Request;
        var target = new Uri(_upstream, request.Path.Value + request.QueryString.Value);
        using var forward = new HttpRequestMessage(new HttpMethod(request.Method), target);
        if (body.Length > 0 || !HttpMethods.IsGet(request.Method))
        {
            forward.Content = new ByteArrayContent(body);
        }

        foreach (var (name, values) in request.Headers)
        {
            if (HopByHopHeaders.Contains(name))
            {
                continue;
            }

            if (!forward.Headers.TryAddWithoutValidation(name, (IEnumerable<string?>)values))
            {
                forward.Content?.Headers.TryAddWithoutValidation(name, (IEnumerable<string?>)values);
            }
        }

        using var response = await _forwarder.SendAsync(forward, context.RequestAborted);
        context.Response.StatusCode = (int)response.StatusCode;
        if (response.Content.Headers.ContentType is { } contentType)
        {
            context.Response.ContentType = contentType.ToString();
        }

        var answer = await response.Content.ReadAsByteArrayAsync(context.RequestAborted);
        if (answer.Length > 0)
        {
            // Never for VictoriaMetrics' 204 No Content, whose body Kestrel refuses.
            await context.Response.Body.WriteAsync(answer, context.RequestAborted);
        }

        return (int)response.StatusCode;
    }

    /// <summary>The points of a line-protocol body, each as its series (measurement and tags) and timestamp.</summary>
    private static List<string> PointsOf(byte[] body, string contentEncoding)
    {
        var text = contentEncoding.Contains("gzip", StringComparison.OrdinalIgnoreCase)
            ? Encoding.UTF8.GetString(Gunzip(body))
            : Encoding.UTF8.GetString(body);
        return [.. text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(line => line[..line.IndexOf(' ', StringComparison.Ordinal)] + " " + line[(line.LastIndexOf(' ') + 1)..])];
    }

    private static byte[] Gunzip(byte[] body)
    {
        using var input = new GZipStream(new MemoryStream(body), CompressionMode.Decompress);
        using var output = new MemoryStream();
        input.CopyTo(output);
        return output.ToArray();
    }
}
