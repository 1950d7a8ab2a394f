using System.Globalization;
using System.Reflection;
using System.Runtime.InteropServices;

namespace Sluice.Sdk.Schema;

/// <summary>What the common schema says about the machine and the SDK; read once per process.</summary>
internal sealed record PlatformInfo(string OsType, string OsName, string OsVersion, string Arch, string Locale, string SdkVersion)
{
    public const string SdkName = "sluice.sdk.dotnet";

    public static PlatformInfo Current { get; } = Detect();

    private static PlatformInfo Detect()
    {
        var osType = OperatingSystem.IsWindows() ? "windows"
            : OperatingSystem.IsMacOS() || OperatingSystem.IsIOS() ? "darwin"
            : OperatingSystem.IsLinux() || OperatingSystem.IsAndroid() ? "linux"
            : OperatingSystem.IsFreeBSD() ? "freebsd"
            : "unknown";
        var arch = RuntimeInformation.OSArchitecture switch
        {
            Architecture.X64 => "amd64",
            Architecture.Arm64 => "arm64",
            Architecture.X86 => "x86",
            Architecture.Arm => "arm32",
            var other => other.ToString().ToLowerInvariant(),
        };
        var sdkVersion = typeof(PlatformInfo).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0";
        var plus = sdkVersion.IndexOf('+', StringComparison.Ordinal);
        if (plus > 0)
        {
            sdkVersion = sdkVersion[..plus];
        }

        // InvariantGlobalization may hide the user's culture; the name is still the best we have.
        var locale = CultureInfo.CurrentUICulture.Name;
        return new PlatformInfo(osType, RuntimeInformation.OSDescription, Environment.OSVersion.Version.ToString(), arch, locale.Length == 0 ? "und" : locale, sdkVersion);
    }
}
