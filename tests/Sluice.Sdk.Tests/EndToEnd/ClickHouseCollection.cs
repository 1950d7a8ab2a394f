using Sluice.Testing;

namespace Sluice.Sdk.Tests.EndToEnd;

/// <summary>One private ClickHouse server for this assembly's end-to-end tests; each receiver gets its own database on it.</summary>
[CollectionDefinition(Name)]
[System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1711", Justification = "xunit's own naming for collection definitions.")]
public sealed class ClickHouseCollection : ICollectionFixture<ClickHouseServer>
{
    public const string Name = "ClickHouse";
}
