using Sluice.Testing;

namespace Sluice.Transforms.Tests.Schema;

/// <summary>One private ClickHouse server for every test class of this assembly that joins the collection.</summary>
[CollectionDefinition(Name)]
[System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1711", Justification = "xunit's own naming for collection definitions.")]
public sealed class ClickHouseCollection : ICollectionFixture<ClickHouseServer>
{
    public const string Name = "ClickHouse";
}
