namespace Sluice.Transforms.Processing.Privacy;

/// <summary>The kinds of obvious personal data the privacy guard finds in free text.</summary>
[Flags]
internal enum PiiKinds
{
    None = 0,

    /// <summary>An e-mail address: <c>local@domain.tld</c>.</summary>
    Email = 1,

    /// <summary>An IPv4 or IPv6 address (loopback and unspecified ones excepted).</summary>
    Ip = 2,

    /// <summary>A payment-card-like number: 13 to 19 digits (spaces or dashes allowed) that pass the Luhn check.</summary>
    Card = 4,

    /// <summary>An IBAN that passes its mod-97 check.</summary>
    Iban = 8,

    All = Email | Ip | Card | Iban,
}
