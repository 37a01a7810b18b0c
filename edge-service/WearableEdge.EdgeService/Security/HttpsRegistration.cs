using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.HttpsPolicy;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace WearableEdge.EdgeService.Security;

/// <summary>HTTPS with the configured certificate, HSTS, and plain HTTP on loopback only (section <c>Https</c>).</summary>
public static class HttpsRegistration
{
    /// <summary>
    /// Binds and validates <see cref="HttpsOptions"/> against the configured listen addresses
    /// (call after the default URL is set) and gives Kestrel the certificate for every https:// address.
    /// </summary>
    public static WebApplicationBuilder AddEdgeHttps(this WebApplicationBuilder builder, string defaultUrl)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(HttpListenAddresses.From(builder.Configuration, defaultUrl));
        services.AddOptions<HttpsOptions>().BindConfiguration(HttpsOptions.SectionName).ValidateOnStart();
        services.AddSingleton<IValidateOptions<HttpsOptions>, HttpsOptionsValidator>();
        // The certificate is loaded when Kestrel binds an https:// address, after the options were validated.
        services.AddOptions<KestrelServerOptions>().Configure<IOptions<HttpsOptions>>((kestrel, https) =>
            kestrel.ConfigureHttpsDefaults(defaults =>
            {
                if (https.Value.Enabled)
                {
                    defaults.ServerCertificate = https.Value.LoadCertificate();
                }
            }));
        services.AddOptions<HstsOptions>().Configure<IOptions<HttpsOptions>>((hsts, https) => hsts.MaxAge = https.Value.HstsMaxAge);
        services.AddHostedService<HttpsStartupNotice>();
        return builder;
    }

    /// <summary>
    /// With a certificate: HSTS on HTTPS responses, and a plain-HTTP request that arrived on a
    /// non-loopback address is redirected to HTTPS (loopback keeps plain HTTP for local health checks).
    /// Without one: a plain request from beyond loopback is refused (421) unless
    /// <c>Https:AllowPlainHttpBeyondLoopback</c>, a second line behind the start-up check.
    /// </summary>
    public static IApplicationBuilder UseEdgeHttps(this IApplicationBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);

        // HSTS only ever goes on HTTPS responses, and there are HTTPS requests only with a certificate.
        app.UseHsts();
        app.UseWhen(ArrivedBeyondLoopbackInPlain, branch => branch.Use(async (context, next) =>
        {
            var https = context.RequestServices.GetRequiredService<IOptions<HttpsOptions>>().Value;
            if ((https.Enabled || context.RequestServices.GetRequiredService<HttpListenAddresses>().KestrelCertificate) && HttpsPort(context) is { } port)
            {
                var request = context.Request;
                context.Response.StatusCode = StatusCodes.Status308PermanentRedirect;
                context.Response.Headers.Location = $"https://{new HostString(request.Host.Host, port)}{request.PathBase}{request.Path}{request.QueryString}";
                return;
            }

            if (!https.AllowPlainHttpBeyondLoopback)
            {
                context.Response.StatusCode = StatusCodes.Status421MisdirectedRequest;
                await context.Response.WriteAsync("Plain HTTP is served on loopback only; use HTTPS.", context.RequestAborted).ConfigureAwait(false);
                return;
            }

            await next(context).ConfigureAwait(false);
        }));
        return app;
    }

    private static bool ArrivedBeyondLoopbackInPlain(HttpContext context) =>
        !context.Request.IsHttps && context.Connection.LocalIpAddress is { } local && !HttpEndpointPolicy.IsLoopback(local);

    private static int? HttpsPort(HttpContext context)
    {
        var addresses = context.RequestServices.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
        foreach (var address in addresses)
        {
            var binding = BindingAddress.Parse(address);
            if (string.Equals(binding.Scheme, "https", StringComparison.OrdinalIgnoreCase))
            {
                return binding.Port;
            }
        }

        return null;
    }

    private sealed class HttpsStartupNotice(IOptions<HttpsOptions> options, TimeProvider time, ILogger<HttpsStartupNotice> logger) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            var https = options.Value;
            if (https.Enabled)
            {
                using var certificate = https.LoadCertificate();
                var notAfter = new DateTimeOffset(certificate.NotAfter.ToUniversalTime(), TimeSpan.Zero);
                Log.HttpsCertificateLoaded(logger, certificate.Subject, certificate.Thumbprint, notAfter, https.HstsMaxAge);
                if (notAfter - time.GetUtcNow() < TimeSpan.FromDays(30))
                {
                    Log.HttpsCertificateExpiresSoon(logger, certificate.Subject, notAfter);
                }
            }
            else if (https.AllowPlainHttpBeyondLoopback)
            {
                Log.PlainHttpBeyondLoopbackAllowed(logger);
            }

            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
