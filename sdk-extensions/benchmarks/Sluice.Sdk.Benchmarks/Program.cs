// dotnet run -c Release --project sdk-extensions/benchmarks/Sluice.Sdk.Benchmarks -- --filter '*'   (per-event CPU and allocations)
// dotnet run -c Release --project sdk-extensions/benchmarks/Sluice.Sdk.Benchmarks -- wire [events]  (bytes per event on the wire)
// dotnet run -c Release --project sdk-extensions/benchmarks/Sluice.Sdk.Benchmarks -- cpu [calls] [rounds]  (per-event thread CPU time, Linux)
using System.Globalization;
using BenchmarkDotNet.Running;
using Sluice.Sdk.Benchmarks;

if (args.Length > 0 && args[0] == "wire")
{
    WireCost.Run(args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 10_000);
    return;
}

if (args.Length > 0 && args[0] == "cpu")
{
    CpuTime.Run(
        args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 200_000,
        args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 21);
    return;
}

BenchmarkSwitcher.FromAssembly(typeof(ProcessorBenchmarks).Assembly).Run(args);
