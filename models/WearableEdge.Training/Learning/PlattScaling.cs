namespace WearableEdge.Training.Learning;

/// <summary>
/// Platt scaling: probability = 1 / (1 + exp(−(A · score + B))), fitted by maximum likelihood
/// (Newton–Raphson, that is iteratively reweighted least squares for one predictor, with step
/// halving) of the labels on raw scores held out from the model that produced them.
/// </summary>
internal sealed record PlattScaling(double A, double B)
{
    public double Probability(double score) => 1.0 / (1.0 + Math.Exp(-((A * score) + B)));

    /// <summary>Fits A and B on <paramref name="scores"/> and their <paramref name="labels"/>.</summary>
    public static PlattScaling Fit(IReadOnlyList<double> scores, IReadOnlyList<bool> labels)
    {
        ArgumentNullException.ThrowIfNull(scores);
        ArgumentNullException.ThrowIfNull(labels);
        if (scores.Count != labels.Count || scores.Count == 0)
        {
            throw new ArgumentException("Scores and labels must be non-empty and of the same length.", nameof(labels));
        }

        var positives = labels.Count(l => l);
        if (positives == 0 || positives == labels.Count)
        {
            throw new ArgumentException("Platt scaling needs both positive and negative labels.", nameof(labels));
        }

        // Start from "score carries no information": A = 0, B = log odds of the base rate.
        double a = 0, b = Math.Log(positives / (double)(labels.Count - positives));
        var logLikelihood = LogLikelihood(scores, labels, a, b);
        for (var iteration = 0; iteration < 100; iteration++)
        {
            double gA = 0, gB = 0, hAA = 0, hAB = 0, hBB = 0;
            for (var i = 0; i < scores.Count; i++)
            {
                var p = Sigmoid((a * scores[i]) + b);
                var residual = (labels[i] ? 1.0 : 0.0) - p;
                var w = Math.Max(p * (1 - p), 1e-12);
                gA += residual * scores[i];
                gB += residual;
                hAA += w * scores[i] * scores[i];
                hAB += w * scores[i];
                hBB += w;
            }

            var det = (hAA * hBB) - (hAB * hAB);
            if (Math.Abs(det) < 1e-300)
            {
                break;
            }

            var stepA = ((hBB * gA) - (hAB * gB)) / det;
            var stepB = ((hAA * gB) - (hAB * gA)) / det;
            var scale = 1.0;
            double nextA = a, nextB = b, next = logLikelihood;
            for (var halving = 0; halving < 30; halving++)
            {
                nextA = a + (scale * stepA);
                nextB = b + (scale * stepB);
                next = LogLikelihood(scores, labels, nextA, nextB);
                if (next >= logLikelihood)
                {
                    break;
                }

                scale /= 2;
            }

            var improvement = next - logLikelihood;
            (a, b, logLikelihood) = (nextA, nextB, Math.Max(next, logLikelihood));
            if (improvement < 1e-10 * Math.Max(1, Math.Abs(logLikelihood)))
            {
                break;
            }
        }

        return new PlattScaling(a, b);
    }

    private static double Sigmoid(double x) => 1.0 / (1.0 + Math.Exp(-x));

    private static double LogLikelihood(IReadOnlyList<double> scores, IReadOnlyList<bool> labels, double a, double b)
    {
        var sum = 0.0;
        for (var i = 0; i < scores.Count; i++)
        {
            var z = (a * scores[i]) + b;

            // log σ(z) = −log(1 + e^−z), log(1 − σ(z)) = −log(1 + e^z), both computed without overflow.
            sum -= labels[i] ? Softplus(-z) : Softplus(z);
        }

        return sum;
    }

    private static double Softplus(double x) => x > 30 ? x : Math.Log(1 + Math.Exp(x));
}
