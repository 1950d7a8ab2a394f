using System.Globalization;
using System.Net;

namespace Sluice.Receiver.ClickHouse;

/// <summary>ClickHouse refused a statement or could not be reached; <see cref="Exception.Message"/> carries the server's own text.</summary>
internal sealed class ClickHouseException : Exception
{
    public ClickHouseException(string message, HttpStatusCode? statusCode, string serverMessage)
        : base(message)
    {
        StatusCode = statusCode;
        ServerMessage = serverMessage;
        ErrorCode = ParseCode(serverMessage);
    }

    public ClickHouseException()
    {
    }

    public ClickHouseException(string message)
        : base(message)
    {
    }

    public ClickHouseException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>The HTTP status of the answer; null when there was no answer.</summary>
    public HttpStatusCode? StatusCode { get; }

    /// <summary>The response body as the server sent it (e.g. <c>Code: 60, e.displayText() = DB::Exception: Table ... doesn't exist</c>).</summary>
    public string ServerMessage { get; } = string.Empty;

    /// <summary>The server's error code (<c>Code: N</c>), or null when it sent none.</summary>
    public int? ErrorCode { get; }

    /// <summary>Whether retrying the same request later may succeed (no answer, overload, server error); false for errors in the request itself.</summary>
    public bool IsTransient => StatusCode is null or HttpStatusCode.ServiceUnavailable or HttpStatusCode.TooManyRequests or HttpStatusCode.BadGateway or HttpStatusCode.GatewayTimeout
        || (StatusCode == HttpStatusCode.InternalServerError && ErrorCode is null or 159 or 164 or 202 or 209 or 210 or 241 or 252);

    private static int? ParseCode(string text)
    {
        // Every server version starts its errors with "Code: <n>" (then "," in old versions, "." in new).
        const string prefix = "Code: ";
        int at = text.IndexOf(prefix, StringComparison.Ordinal);
        if (at < 0)
        {
            return null;
        }

        int start = at + prefix.Length;
        int end = start;
        while (end < text.Length && char.IsAsciiDigit(text[end]))
        {
            end++;
        }

        return int.TryParse(text.AsSpan(start, end - start), NumberStyles.None, CultureInfo.InvariantCulture, out int code) ? code : null;
    }
}
