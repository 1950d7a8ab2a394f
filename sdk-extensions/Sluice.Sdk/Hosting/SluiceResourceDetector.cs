using OpenTelemetry.Resources;
using Sluice.Sdk.Schema;

namespace Sluice.Sdk.Hosting;

/// <summary>Part A attributes that are fixed for the process, sent once per request on the OTLP resource.</summary>
internal sealed class SluiceResourceDetector(SluiceRuntime runtime) : IResourceDetector
{
    public Resource Detect()
    {
        var options = runtime.Options;
        var platform = PlatformInfo.Current;
        return new Resource(new Dictionary<string, object>
        {
            [SluiceAttributes.ServiceName] = options.ProductName,
            [SluiceAttributes.ServiceVersion] = options.ProductVersion,
            [SluiceAttributes.ReleaseChannel] = options.ReleaseChannel,
            [SluiceAttributes.DeviceId] = runtime.Identity.InstallationId,
            [SluiceAttributes.OsType] = platform.OsType,
            [SluiceAttributes.OsName] = platform.OsName,
            [SluiceAttributes.OsVersion] = platform.OsVersion,
            [SluiceAttributes.HostArch] = platform.Arch,
            [SluiceAttributes.SdkName] = PlatformInfo.SdkName,
            [SluiceAttributes.SdkVersion] = platform.SdkVersion,
            [SluiceAttributes.Locale] = platform.Locale,
        });
    }
}
