// dotnet run -c Release --project sdk-extensions/benchmarks/Sluice.Sdk.Benchmarks -- --filter '*'   (per-event CPU and allocations)
// dotnet run -c Release --project sdk-extensions/benchmarks/Sluice.Sdk.Benchmarks -- wire [events]  (bytes per event on the wire)
using System.Globalization;
using BenchmarkDotNet.Running;
using Sluice.Sdk.Benchmarks;

if (args.Length > 0 && args[0] == "wire")
{
    WireCost.Run(args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 10_000);
    return;
}

BenchmarkSwitcher.FromAssembly(typeof(ProcessorBenchmarks).Assembly).Run(args);
