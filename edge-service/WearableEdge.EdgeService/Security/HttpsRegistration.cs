using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
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
        services.AddOptions<KestrelServerOptions>().Configure<IOptions<HttpsOptions>>((kestrel, https) =>
        {
            if (https.Value.Enabled)
            {
                var certificate = https.Value.LoadCertificate();
                kestrel.ConfigureHttpsDefaults(defaults => defaults.ServerCertificate = certificate);
            }
        });
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
        var https = app.ApplicationServices.GetRequiredService<IOptions<HttpsOptions>>().Value;
        if (https.Enabled)
        {
            app.UseHsts();
            app.UseWhen(ArrivedBeyondLoopbackInPlain, branch => branch.UseHttpsRedirection());
        }
        else if (!https.AllowPlainHttpBeyondLoopback)
        {
            app.UseWhen(ArrivedBeyondLoopbackInPlain, branch => branch.Run(context =>
            {
                context.Response.StatusCode = StatusCodes.Status421MisdirectedRequest;
                return context.Response.WriteAsync("Plain HTTP is served on loopback only.", context.RequestAborted);
            }));
        }

        return app;
    }

    private static bool ArrivedBeyondLoopbackInPlain(HttpContext context) =>
        !context.Request.IsHttps && context.Connection.LocalIpAddress is { } local && !HttpEndpointPolicy.IsLoopback(local);

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
