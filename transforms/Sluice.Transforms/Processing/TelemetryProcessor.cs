using Sluice.Transforms.Model;

namespace Sluice.Transforms.Processing;

/// <summary>
/// One streaming transform of the receiver's pipeline. <see cref="Process"/> may remove items
/// from the batch's lists, change items in place or add fields to them. The receiver calls a
/// processor from one thread at a time; implementations keep no per-batch state across calls
/// except what they document (the rules processor's caps).
/// </summary>
internal abstract class TelemetryProcessor
{
    /// <summary>Transforms <paramref name="batch"/> in place.</summary>
    public abstract void Process(TelemetryBatch batch);
}
