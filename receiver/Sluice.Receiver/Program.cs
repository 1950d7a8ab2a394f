using Sluice.Receiver.Configuration;
using Sluice.Receiver.Export;
using Sluice.Receiver.Hosting;
using Sluice.Receiver.Rules;
using Sluice.Transforms.Processing;
using Sluice.Transforms.Processing.Rules;

namespace Sluice.Receiver;

/// <summary>
/// <c>Sluice.Receiver --config FILE [--validate]</c>: runs the receiver with a Collector-shaped
/// YAML config, or only checks the config. Exit codes: 0 clean stop, 1 could not open the spool or listen on a configured address, 2 invalid config or usage.
/// </summary>
internal static class Program
{
    public static async Task<int> Main(string[] args)
    {
        string? path = null;
        bool validateOnly = false;
        for (int i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--config" when i + 1 < args.Length:
                    path = args[++i];
                    break;
                case "--validate":
                    validateOnly = true;
                    break;
                case "--help" or "-h":
                    Console.WriteLine("usage: Sluice.Receiver --config otel-config/receiver.yaml [--validate]");
                    return 0;
                default:
                    break;
            }
        }

        if (path is null)
        {
            await Console.Error.WriteLineAsync("usage: Sluice.Receiver --config FILE [--validate]   (the default config is otel-config/receiver.yaml)").ConfigureAwait(false);
            return 2;
        }

        ReceiverConfig config;
        ProcessorPipelines pipelines;
        RulesStore? rules = null;
        try
        {
            config = ConfigLoader.LoadFile(path);

            // A broken rules file stops the start like a config error: the kill switches an SRE
            // wrote must be in force, or the receiver must say why not.
            rules = config.Rules.File is { } rulesFile ? RulesStore.Open(rulesFile) : null;
            pipelines = ProcessorPipelines.Build(config, new ProcessorContext
            {
                Time = TimeProvider.System,
                Rules = rules ?? (IRuleSource)StaticRuleSource.Empty,
            });
        }
        catch (ConfigException ex)
        {
            await Console.Error.WriteLineAsync($"sluice-receiver: the config has {ex.Errors.Count} error(s):").ConfigureAwait(false);
            foreach (string error in ex.Errors)
            {
                await Console.Error.WriteLineAsync("  " + error).ConfigureAwait(false);
            }

            return 2;
        }

        if (validateOnly)
        {
            Console.WriteLine($"{path}: valid");
            return 0;
        }

        WebApplication built;
        try
        {
            built = ReceiverHost.Build(config, pipelines, rules, []);
        }
        catch (StartupException ex)
        {
            await Console.Error.WriteLineAsync("sluice-receiver: " + ex.Message).ConfigureAwait(false);
            return 1;
        }

        await using var app = built;
        try
        {
            await app.StartAsync().ConfigureAwait(false);
        }
        catch (Exception ex) when (StartupFailure.DescribeListenFailure(ex, ReceiverHost.Listeners(config)) is { } message)
        {
            // Nothing was accepted yet: whatever did start (the exporter may have) is stopped cleanly.
            await Console.Error.WriteLineAsync("sluice-receiver: " + message).ConfigureAwait(false);
            await app.StopAsync().ConfigureAwait(false);
            return 1;
        }

        await app.WaitForShutdownAsync().ConfigureAwait(false);
        return 0;
    }
}
