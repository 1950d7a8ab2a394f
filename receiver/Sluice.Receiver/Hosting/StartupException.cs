namespace Sluice.Receiver.Hosting;

/// <summary>
/// The receiver cannot start for a reason an operator must fix outside it (a folder, a port); the
/// message names the config key and what to do, and is printed as it is.
/// </summary>
internal sealed class StartupException(string message, Exception innerException) : Exception(message, innerException);
