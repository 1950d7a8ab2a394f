using Microsoft.Extensions.Options;
using Sluice.Sdk.Privacy;

namespace Sluice.Sdk.Hosting;

/// <summary>Checks the options at start and reports every problem at once.</summary>
internal sealed class SluiceOptionsValidator : IValidateOptions<SluiceOptions>
{
    public ValidateOptionsResult Validate(string? name, SluiceOptions options)
    {
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(options.ProductName))
        {
            errors.Add("Sluice: ProductName is required.");
        }

        if (string.IsNullOrWhiteSpace(options.ProductVersion))
        {
            errors.Add("Sluice: ProductVersion is required.");
        }

        if (options.SchemaVersion is not (1 or 2))
        {
            errors.Add("Sluice: SchemaVersion must be 1 or 2.");
        }

        if (options.Channels.Count == 0)
        {
            errors.Add("Sluice: at least one channel is required.");
        }

        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var channel in options.Channels)
        {
            var label = $"Sluice channel '{channel.Name}'";
            if (string.IsNullOrEmpty(channel.Name) || !channel.Name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
            {
                errors.Add($"{label}: Name must be letters, digits, '-' or '_'.");
            }
            else if (!names.Add(channel.Name))
            {
                errors.Add($"{label}: the name is used twice.");
            }

            if (channel.Endpoint is null || !channel.Endpoint.IsAbsoluteUri || channel.Endpoint.Scheme is not ("http" or "https"))
            {
                errors.Add($"{label}: Endpoint must be an absolute http(s) address.");
            }

            if (string.IsNullOrEmpty(channel.ApiKey))
            {
                errors.Add($"{label}: ApiKey is required.");
            }

            if (channel.MaxEventsPerRequest < 1)
            {
                errors.Add($"{label}: MaxEventsPerRequest must be at least 1.");
            }

            if (channel.MaxRequestBytes < 1024)
            {
                errors.Add($"{label}: MaxRequestBytes must be at least 1024.");
            }

            if (channel.MaxQueueSize < 1)
            {
                errors.Add($"{label}: MaxQueueSize must be at least 1.");
            }

            if (channel.FlushInterval <= TimeSpan.Zero || channel.RequestTimeout <= TimeSpan.Zero)
            {
                errors.Add($"{label}: FlushInterval and RequestTimeout must be positive.");
            }

            if (channel.RetryBaseDelay <= TimeSpan.Zero || channel.RetryMaxDelay < channel.RetryBaseDelay)
            {
                errors.Add($"{label}: RetryBaseDelay must be positive and at most RetryMaxDelay.");
            }
        }

        var privacy = options.Privacy;
        var needsKey = privacy.Attributes.Values.Contains(PrivacyAction.Hash)
            || privacy.Classifications.Count > 0
            || privacy.ClearUserIdKinds.Count < 2;
        if (needsKey && (privacy.HashKey.Length < 44 || !IsBase64(privacy.HashKey)))
        {
            errors.Add("Sluice: Privacy.HashKey must be base 64 of at least 32 bytes (44 characters): user ids and sensitive attributes are hashed with it.");
        }

        if (options.OfflineStore.MaxBytes < 64 * 1024 || options.OfflineStore.MaxFiles < 1 || options.OfflineStore.MaxAge <= TimeSpan.Zero)
        {
            errors.Add("Sluice: OfflineStore needs MaxBytes >= 64 KiB, MaxFiles >= 1 and a positive MaxAge.");
        }

        if (options.Rules.Enabled && options.Rules.Endpoint is null && options.Channels.Count > 0 && options.Channels[0].Protocol == Delivery.DeliveryProtocol.Grpc)
        {
            errors.Add("Sluice: Rules.Endpoint is required when the first channel uses gRPC (rules are fetched over HTTP).");
        }

        if (options.Rules.PollInterval < TimeSpan.FromSeconds(1))
        {
            errors.Add("Sluice: Rules.PollInterval must be at least one second.");
        }

        if (options.HealthReportInterval < TimeSpan.Zero || options.SessionTimeout < TimeSpan.Zero)
        {
            errors.Add("Sluice: HealthReportInterval and SessionTimeout must not be negative.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static bool IsBase64(string text)
    {
        Span<byte> buffer = stackalloc byte[text.Length];
        return Convert.TryFromBase64String(text, buffer, out _);
    }
}
