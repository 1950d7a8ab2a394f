using Microsoft.Extensions.Primitives;
using Microsoft.Net.Http.Headers;
using Sluice.Receiver.Auth;

namespace Sluice.Receiver.Rules;

/// <summary>
/// <c>GET /v1/rules?product=&amp;version=&amp;channel=</c> on the OTLP/HTTP port, as
/// sdk-extensions/RULES.md defines it: the rules that apply to the API key's product, an ETag
/// (the quoted product version) and 304 when the client already has them.
/// </summary>
internal static class RulesEndpoint
{
    /// <summary>
    /// Responses depend on the key, and a client must revalidate before using a stored copy (a
    /// kill switch has to take effect): <c>private, no-cache</c>, and the ETag makes that cheap.
    /// </summary>
    public const string CacheControl = "private, no-cache";

    public static void MapRules(this IEndpointRouteBuilder endpoints, int port) =>
        endpoints.MapGet("/v1/rules", Handle).RequireHost($"*:{port}");

    private static IResult Handle(HttpContext context, ApiKeyAuthenticator auth, RulesAnnouncer announcer)
    {
        var request = context.Request;
        string? product = auth.Authenticate(request.Headers.Authorization, out string? failure);
        if (product is null)
        {
            return Results.Text(failure + "\n", statusCode: StatusCodes.Status401Unauthorized);
        }

        if (announcer.Store is not { } store)
        {
            return Results.Text("this receiver serves no rules: add sluice_rules to extensions and service.extensions (otel-config/README.md)\n", statusCode: StatusCodes.Status404NotFound);
        }

        // The key decides the product: a client cannot read another product's rules by asking
        // for it, and a mistyped product parameter cannot lose a product its rules.
        RuleBook book = store.Book;
        string etag = book.ETagFor(product);
        var headers = context.Response.Headers;
        headers.ETag = etag;
        headers.CacheControl = CacheControl;
        headers.Vary = HeaderNames.Authorization;
        headers[RulesAnnouncer.HeaderName] = book.VersionFor(product);
        if (Matches(request.Headers.IfNoneMatch, etag))
        {
            return Results.StatusCode(StatusCodes.Status304NotModified);
        }

        byte[] document = book.DocumentFor(product, Query(request, "version"), Query(request, "channel"));
        return Results.Bytes(document, "application/json; charset=utf-8");
    }

    private static string Query(HttpRequest request, string name) => request.Query[name].ToString();

    /// <summary>If-None-Match holds the ETag (strong or weak, RFC 9110's weak comparison), or <c>*</c>.</summary>
    private static bool Matches(StringValues ifNoneMatch, string etag)
    {
        if (StringValues.IsNullOrEmpty(ifNoneMatch) || !EntityTagHeaderValue.TryParseList(ifNoneMatch, out var tags))
        {
            return false;
        }

        var current = new EntityTagHeaderValue(etag);
        foreach (var tag in tags)
        {
            if (tag.Equals(EntityTagHeaderValue.Any) || tag.Compare(current, useStrongComparison: false))
            {
                return true;
            }
        }

        return false;
    }
}

/// <summary>
/// Tells clients which rules are current: the version of the rules served to a product, for the
/// <c>Sluice-Rules-Version</c> header every export response carries (HTTP header; gRPC response
/// header metadata), so an SDK fetches a new rule set at its next export rather than its next poll.
/// </summary>
internal sealed class RulesAnnouncer(RulesStore? store, ApiKeyAuthenticator auth)
{
    /// <summary>The HTTP response header.</summary>
    public const string HeaderName = "Sluice-Rules-Version";

    /// <summary>The gRPC response header (metadata keys are lower case).</summary>
    public const string GrpcHeaderName = "sluice-rules-version";

    /// <summary>The rules store, or null when the receiver serves no rules.</summary>
    public RulesStore? Store => store;

    /// <summary>
    /// The version to announce for a request: that of <paramref name="product"/>, or when the
    /// request was refused before its key was looked up, that of the key's product; null when the
    /// receiver serves no rules or the key is unknown.
    /// </summary>
    public string? VersionFor(string product, string? authorization)
    {
        if (store is null)
        {
            return null;
        }

        if (product.Length == 0)
        {
            product = auth.Authenticate(authorization, out _) ?? string.Empty;
            if (product.Length == 0)
            {
                return null;
            }
        }

        return store.Book.VersionFor(product);
    }
}
