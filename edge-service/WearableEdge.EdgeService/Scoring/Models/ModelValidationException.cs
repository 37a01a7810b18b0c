namespace WearableEdge.EdgeService.Scoring.Models;

/// <summary>A model folder failed its checks; the message names the model, its version and what differs.</summary>
public sealed class ModelValidationException : Exception
{
    public ModelValidationException()
    {
    }

    public ModelValidationException(string message)
        : base(message)
    {
    }

    public ModelValidationException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
