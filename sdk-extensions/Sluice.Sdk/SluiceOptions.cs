namespace Sluice.Sdk;

/// <summary>Options of the Sluice SDK.</summary>
public sealed class SluiceOptions
{
}
