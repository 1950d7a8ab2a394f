using System.Runtime.InteropServices;
using System.Security.Cryptography;
using Sluice.Transforms.Model;
using Sluice.Transforms.Processing;
using Sluice.Transforms.Processing.Privacy;
using static Sluice.Transforms.Tests.Processing.TestData;

namespace Sluice.Transforms.Tests.Processing.Privacy;

public class PrivacyGuardTests
{
    private static readonly byte[] KeyBytes = [.. Enumerable.Range(1, 32).Select(i => (byte)i)];
    private static readonly ProcessorContext Context = new()
    {
        HashSecrets = new Dictionary<string, HashSecret> { ["shop"] = new HashSecret(7, Convert.ToBase64String(KeyBytes)) },
    };

    private static TelemetryProcessor Create(params (string Key, object? Value)[] settings) =>
        TelemetryProcessorFactory.Create("sluice_privacy", Map(settings), Context);

    // Computed here independently of ProductHasher: HmacRedactor's format, key id then base64 of
    // HMAC-SHA256 over the UTF-16 code units.
    private static string Expected(string value) =>
        "7" + Convert.ToBase64String(HMACSHA256.HashData(KeyBytes, MemoryMarshal.AsBytes(value.AsSpan())));

    [Fact]
    public void Process_UserIdInClear_IsHashedWithTheProductKey()
    {
        var log = Log(Resource(), "e", ("user.id", "alice@example.com"));

        Create().Process(Batch("shop", log));

        Assert.Equal(Expected("alice@example.com"), log.Attributes.Get("user.id"));
        Assert.Equal(45, log.Attributes.Get("user.id")!.Length);
    }

    [Fact]
    public void Process_UserIdAlreadyHashedBySdk_IsLeftAsIs()
    {
        // This hash's base64 begins with a digit, so the key id cannot be read as "all leading digits".
        string hashed = Expected("bob");
        Assert.True(char.IsAsciiDigit(hashed[1]));
        var log = Log(Resource(), "e", ("user.id", hashed));

        Create().Process(Batch("shop", log));

        Assert.Equal(hashed, log.Attributes.Get("user.id"));
    }

    [Fact]
    public void Process_ProductWithoutKey_RedactsInsteadOfStoringClear()
    {
        var log = Log(Resource(), "e", ("user.id", "alice"));

        Create().Process(Batch("other-product", log));

        Assert.Equal("redacted", log.Attributes.Get("user.id"));
    }

    [Fact]
    public void Process_DuplicateKeysFromHostileClient_AreAllHashed()
    {
        var log = Log(Resource(), "e", ("user.id", "alice"), ("user.id", "alice-again"));

        Create().Process(Batch("shop", log));

        Assert.Equal([Expected("alice"), Expected("alice-again")], log.Attributes.Values.ToArray());
    }

    [Fact]
    public void Process_NetworkAddressAttributes_AreAlwaysDropped()
    {
        var resource = Resource(("host.ip", "10.0.0.5"), ("service.name", "shop"));
        var log = Log(resource, "e", ("client.address", "203.0.113.9"), ("net.sock.peer.addr", "203.0.113.9"), ("k", "v"));
        var span = new SpanEvent { Resource = resource, Scope = new ScopeInfo() };
        span.Attributes.Add("network.peer.address", "198.51.100.1");
        var batch = Batch("shop", log);
        batch.Spans.Add(span);

        Create(("detect", List())).Process(batch);

        Assert.Equal(["k"], log.Attributes.Keys.ToArray());
        Assert.Equal(["service.name"], resource.Attributes.Keys.ToArray());
        Assert.Equal(0, span.Attributes.Count);
    }

    [Fact]
    public void Process_PiiInBodyAndValues_IsRedactedByDefault()
    {
        var log = Log(Resource(), "e", ("note", "call me at carol@example.com"), ("peer", "2001:db8::dead:beef"));
        log.Body = "payment 4111 1111 1111 1111 from 203.0.113.9 failed";

        Create().Process(Batch("shop", log));

        Assert.Equal("payment [card] from [ip] failed", log.Body);
        Assert.Equal("call me at [email]", log.Attributes.Get("note"));
        Assert.Equal("[ip]", log.Attributes.Get("peer"));
    }

    [Fact]
    public void Process_HashAction_ReplacesFindingsWithStableHashes()
    {
        var first = Log(Resource(), "e", ("note", "from dave@example.com"));
        var second = Log(Resource(), "e", ("note", "dave@example.com again"));

        Create(("action", "hash")).Process(Batch("shop", first, second));

        string hash = Expected("dave@example.com");
        Assert.Equal($"from [email:{hash}]", first.Attributes.Get("note"));
        Assert.Equal($"[email:{hash}] again", second.Attributes.Get("note"));
    }

    [Fact]
    public void Process_SameValueInstancesAcrossBatches_RedactedEveryTimeAndCleanOnesKept()
    {
        // The guard remembers value instances found clean, and keys' decisions: a repeat of the same
        // string must get the same treatment as the first sight, in every batch and product.
        string pii = "mail erin@example.com";
        string clean = "dark-mode";
        string hashKey = "user.id";
        var guard = Create(("action", "hash"));
        for (int round = 0; round < 3; round++)
        {
            var shop = Log(Resource(), "e", ("note", pii), ("setting", clean), (hashKey, "erin"));
            var other = Log(Resource(), "e", ("note", pii), ("setting", clean), (hashKey, "erin"));
            shop.Body = pii;

            guard.Process(Batch("shop", shop));
            guard.Process(Batch("other-product", other));

            Assert.Equal($"mail [email:{Expected("erin@example.com")}]", shop.Attributes.Get("note"));
            Assert.Equal($"mail [email:{Expected("erin@example.com")}]", shop.Body);
            Assert.Equal("mail [email]", other.Attributes.Get("note"));
            Assert.Same(clean, shop.Attributes.Get("setting"));
            Assert.Same(clean, other.Attributes.Get("setting"));
            Assert.Equal(Expected("erin"), shop.Attributes.Get(hashKey));
            Assert.Equal("redacted", other.Attributes.Get(hashKey));
        }
    }

    [Fact]
    public void Process_VersionsAndIds_AreNotMistakenForAddresses()
    {
        var resource = Resource(("service.version", "1.2.3.4"), ("os.version", "10.0.19045"), ("device.id", "4111111111111111"));
        var log = Log(resource, "e", ("event.id", "4111111111111111"), ("build", "v1.2.3.4"), ("ratio", "0.4111111111111111"));

        Create().Process(Batch("shop", log));

        Assert.Equal("1.2.3.4", resource.Attributes.Get("service.version"));
        Assert.Equal("4111111111111111", resource.Attributes.Get("device.id"));
        Assert.Equal("4111111111111111", log.Attributes.Get("event.id"));
        Assert.Equal("v1.2.3.4", log.Attributes.Get("build"));
        Assert.Equal("0.4111111111111111", log.Attributes.Get("ratio"));
    }

    [Fact]
    public void Process_ScanningOff_LeavesValuesButStillHashesAndDrops()
    {
        var log = Log(Resource(), "e", ("note", "eve@example.com"), ("user.id", "eve"), ("secret", "s3cr3t"));
        log.Body = "eve@example.com";

        Create(("scan_body", "false"), ("scan_attributes", "false"), ("drop_attributes", List("secret"))).Process(Batch("shop", log));

        Assert.Equal("eve@example.com", log.Body);
        Assert.Equal("eve@example.com", log.Attributes.Get("note"));
        Assert.Equal(Expected("eve"), log.Attributes.Get("user.id"));
        Assert.Null(log.Attributes.Get("secret"));
    }

    [Fact]
    public void Process_EmptyBatchAndEmptyValues_AreFine()
    {
        var log = Log(Resource(), "e", ("user.id", string.Empty), ("note", string.Empty));
        var empty = Batch("shop");

        Create().Process(empty);
        Create().Process(Batch("shop", log));

        Assert.Equal(string.Empty, log.Attributes.Get("user.id"));
    }

    [Fact]
    public void Create_BadSettings_ReportsEach()
    {
        var ex = Assert.Throws<TransformConfigException>(() => Create(
            ("detect", List("email", "phone")),
            ("action", "encrypt"),
            ("hash_attributes", List("user.id")),
            ("drop_attributes", List("user.id")),
            ("scan_body", "yes")));

        Assert.Equal(
            [
                "processors.sluice_privacy.detect[1]: unknown kind 'phone'; allowed: email, ip, card, iban",
                "processors.sluice_privacy.action: unknown value 'encrypt'; allowed: redact, hash",
                "processors.sluice_privacy.scan_body: expected true or false, got 'yes'",
                "processors.sluice_privacy.hash_attributes: 'user.id' is also in drop_attributes; name it in one list",
            ],
            ex.Errors);
    }

    [Theory]
    [InlineData("7AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=", true)]
    [InlineData("7:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=", true)]
    [InlineData("alice", false)]
    [InlineData("12345", false)]
    [InlineData("7AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", false)]
    [InlineData("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=", false)]
    public void LooksHashed_RecognizesTheSdkFormatOnly(string value, bool expected)
    {
        Assert.Equal(expected, ProductHasher.LooksHashed(value));
    }
}
