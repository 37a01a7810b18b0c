namespace WearableEdge.EdgeService.Scoring.Models;

/// <summary>One feature's push on a prediction: how much lower the probability is with the feature at its training median.</summary>
/// <param name="FeatureIndex">Index in the model's input order.</param>
/// <param name="Value">The value the model saw.</param>
/// <param name="Reference">The training median it was replaced with.</param>
/// <param name="ProbabilityChange">Probability with the real value minus probability with the median; positive pushed the score up.</param>
public readonly record struct FeatureContribution(int FeatureIndex, float Value, float Reference, double ProbabilityChange);

/// <summary>
/// Explains a prediction by occlusion: each feature in turn is set to its manifest
/// <c>reference</c> (training median) and the row scored again, all variants in one batch. The
/// features whose replacement lowers the probability most are the ones that pushed it up most.
/// Model-agnostic and exact for this model, but one-at-a-time: it does not show interactions.
/// </summary>
public static class ModelExplainer
{
    /// <summary>The <paramref name="top"/> features that pushed the probability up most (positive change only), largest first.</summary>
    /// <param name="model">The model that scored the row.</param>
    /// <param name="row">The row, in the model's input order.</param>
    /// <param name="scored">The row's probability.</param>
    /// <param name="top">How many features at most.</param>
    /// <param name="imputed">
    /// Indices of values that were assumed, not measured (an unknown age, a sign never observed):
    /// they are never given as a reason, since nothing about the patient is behind them.
    /// </param>
    public static IReadOnlyList<FeatureContribution> TopContributors(
        LoadedModel model, ReadOnlySpan<float> row, ModelProbability scored, int top = 3, IReadOnlyCollection<int>? imputed = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        var width = model.Features.Count;
        if (row.Length != width)
        {
            throw new ArgumentException($"A row holds {width} features; this one holds {row.Length}.", nameof(row));
        }

        var candidates = new List<int>(width);
        for (var i = 0; i < width; i++)
        {
            if (row[i] != model.References[i] && imputed?.Contains(i) != true)
            {
                candidates.Add(i);
            }
        }

        if (candidates.Count == 0)
        {
            return [];
        }

        var variants = new float[candidates.Count * width];
        for (var k = 0; k < candidates.Count; k++)
        {
            var variant = variants.AsSpan(k * width, width);
            row.CopyTo(variant);
            variant[candidates[k]] = model.References[candidates[k]];
        }

        var probabilities = new ModelProbability[candidates.Count];
        model.Score(variants, probabilities);
        var contributions = new FeatureContribution[candidates.Count];
        for (var k = 0; k < candidates.Count; k++)
        {
            var feature = candidates[k];
            contributions[k] = new FeatureContribution(feature, row[feature], model.References[feature], scored.Probability - probabilities[k].Probability);
        }

        return [.. contributions
            .Where(c => c.ProbabilityChange > 0)
            .OrderByDescending(c => c.ProbabilityChange)
            .ThenBy(c => c.FeatureIndex)
            .Take(top)];
    }
}
