// The receiver's benchmark (issue 6); ./sluice bench runs `run` on the Release build.
//   dotnet bench/Sluice.Receiver.Benchmarks/bin/Release/net10.0/Sluice.Receiver.Benchmarks.dll [run] [--quick] [--no-micro] [--micro-only]
//   ... micro [BenchmarkDotNet arguments]   the micro benchmarks alone, e.g. micro --filter '*Decode*'
//   ... profile [repeats] [shape]           per-stage thread-CPU breakdown (less disturbed by a busy machine than wall time)
//   ... ceiling [requests] [rows per insert...]  the ClickHouse-alone ceiling at several insert sizes, with ClickHouse's CPU
//   ... load --url ... --key ... --run ...  the load generator (the harness starts it as a child process)
using BenchmarkDotNet.Running;
using Sluice.Receiver.Benchmarks;

string verb = args.Length > 0 && !args[0].StartsWith('-') ? args[0] : "run";
switch (verb)
{
    case "load":
        return await LoadGenerator.MainAsync(args[1..]);
    case "profile":
        return Profile.Run(args[1..]);
    case "ceiling":
        return await Ceiling.RunAsync(args[1..]);
    case "micro":
        BenchmarkSwitcher.FromTypes([typeof(HotPathBenchmarks), typeof(SpoolBenchmarks)]).Run(args[1..]);
        return 0;
    case "run":
        var options = args.Contains("--quick") ? HarnessOptions.Quick : new HarnessOptions();
        options = options with
        {
            Micro = !args.Contains("--no-micro"),
            EndToEnd = !args.Contains("--micro-only"),
        };
        return await new Harness(options).RunAsync();
    default:
        await Console.Error.WriteLineAsync("usage: Sluice.Receiver.Benchmarks [run [--quick] [--no-micro] [--micro-only] | micro [BenchmarkDotNet args] | profile [repeats] [shape] | ceiling [requests] [rows per insert...] | load ...]");
        return 2;
}
