using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using WearableEdge.Clinical.Alerts;
using WearableEdge.Clinical.Samples;
using WearableEdge.Clinical.Scoring;
using WearableEdge.Contracts;
using WearableEdge.EdgeService.Storage;

namespace WearableEdge.EdgeService.Api;

/// <summary>
/// <c>GET /api/ward</c>: one tile per patient for the nurse dashboard — latest vitals, NEWS2 with
/// the parameters it used, the condition model's risk with its interval, the last hour of
/// one-minute means, device status and the number of open alerts. Read from the in-memory
/// <see cref="PatientBoard"/> (a view) and the alert store (the record).
/// </summary>
public static class WardEndpoints
{
    public static IEndpointRouteBuilder MapWardApi(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        endpoints.MapGet("/api/ward", WardAsync)
            .WithName("GetWard")
            .WithSummary("One tile per patient: latest vitals, NEWS2 with its parameters, model risk with its interval, 1 h trend, device, open alerts.")
            .Produces<IReadOnlyList<WardPatientView>>(StatusCodes.Status200OK, "application/json");
        return endpoints;
    }

    private static async Task<IResult> WardAsync(PatientBoard board, AlertStore alerts, CancellationToken cancellationToken)
    {
        var open = (await alerts.GetActiveAsync(cancellationToken).ConfigureAwait(false))
            .GroupBy(a => a.PatientId, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        IReadOnlyList<WardPatientView> ward = [.. board.All.Select(p => ToView(p, open.GetValueOrDefault(p.PatientId)))];
        return Results.Json(ward, WardJsonContext.Default.IReadOnlyListWardPatientView);
    }

    internal static WardPatientView ToView(PatientSnapshot patient, int openAlerts)
    {
        ArgumentNullException.ThrowIfNull(patient);
        var vitals = patient.LatestWindow is { } window
            ? new WardVitalsView(
                Last(window, VitalSign.HeartRate),
                Last(window, VitalSign.SpO2),
                Last(window, VitalSign.RespirationRate),
                Last(window, VitalSign.Temperature),
                Last(window, VitalSign.SystolicBp),
                window.WindowEnd)
            : null;
        var news2 = patient.News2 is { } score
            ? new WardNews2View(
                score.Total,
                score.Band.ToString(),
                [.. score.Components.Select(c => new WardNews2ParameterView(VitalSignCodes.Name(c.Parameter), c.Value, VitalSignCodes.Ucum(c.Parameter), c.Points))],
                score.NotAssessed,
                News2.Version)
            : null;
        var risk = patient.Risk is { } model
            ? new WardRiskView(
                model.Model.Id,
                model.Model.Version,
                Math.Round(model.Probability.Probability, 4),
                Math.Round(model.Probability.Lower, 4),
                Math.Round(model.Probability.Upper, 4),
                model.WindowEnd,
                model.Priority?.ToWire())
            : null;
        var trend = VitalSignCodes.All.ToDictionary(
            VitalSignCodes.Name,
            sign => (IReadOnlyList<double[]>)[.. patient.Minutes
                .Where(m => m.Vitals.ContainsKey(VitalSignCodes.Name(sign)))
                .Select(m => new[] { m.MinuteStart.ToUnixTimeMilliseconds(), m.Vitals[VitalSignCodes.Name(sign)].Mean })],
            StringComparer.Ordinal);
        var device = patient.Device is { } status
            ? new WardDeviceView(status.DeviceId, status.BatteryPercent, status.SignalQuality, status.WearStatus, status.Ts ?? patient.DeviceSeenAt)
            : null;
        return new WardPatientView(patient.PatientId, vitals, news2, risk, trend, device, openAlerts);
    }

    private static double? Last(Clinical.Features.FeatureVector window, VitalSign sign) =>
        window.Get(sign) is { } summary ? Math.Round(summary.Last, 2) : null;
}

/// <summary>One patient tile of <c>GET /api/ward</c>.</summary>
/// <param name="PatientId">The local patient id.</param>
/// <param name="Vitals">Last value of each vital sign in the latest alert window; null before the first window.</param>
/// <param name="News2">NEWS2 of the latest window with the parameters it used; null before the first window.</param>
/// <param name="Risk">The latest condition-model score; null until the model has scored the patient (it needs an hour of data).</param>
/// <param name="Trend">Per vital sign, up to 60 one-minute means as <c>[epochMilliseconds, value]</c>, oldest first.</param>
/// <param name="Device">The wearable's latest status; null before the first status message.</param>
/// <param name="OpenAlerts">Alerts of the patient that are not resolved.</param>
public sealed record WardPatientView(
    string PatientId,
    WardVitalsView? Vitals,
    WardNews2View? News2,
    WardRiskView? Risk,
    IReadOnlyDictionary<string, IReadOnlyList<double[]>> Trend,
    WardDeviceView? Device,
    int OpenAlerts);

/// <summary>Latest vitals in canonical units (/min, %, /min, °C, mmHg) and the device time of the window end.</summary>
public sealed record WardVitalsView(double? HeartRate, double? SpO2, double? RespirationRate, double? Temperature, double? SystolicBp, DateTimeOffset At);

/// <summary>NEWS2 (RCP 2017, Chart 1) over the parameters a wearable gives, and what it could not assess.</summary>
public sealed record WardNews2View(int Total, string Band, IReadOnlyList<WardNews2ParameterView> Parameters, IReadOnlyList<string> NotAssessed, string ScoringVersion);

public sealed record WardNews2ParameterView(string Name, double Value, string Unit, int Points);

/// <summary>A calibrated probability (0–1) with its uncertainty interval, from a model, at the window end (device time).</summary>
public sealed record WardRiskView(string ModelId, string Version, double Probability, double Lower, double Upper, DateTimeOffset At, string? Priority);

public sealed record WardDeviceView(string DeviceId, double BatteryPercent, double SignalQuality, WearStatus WearStatus, DateTimeOffset? LastSeenAt);

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    UseStringEnumConverter = true)]
[JsonSerializable(typeof(IReadOnlyList<WardPatientView>))]
internal sealed partial class WardJsonContext : JsonSerializerContext
{
}
