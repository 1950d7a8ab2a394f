using Sluice.Transforms.Model;
using Sluice.Transforms.Processing;
using static Sluice.Transforms.Tests.Processing.TestData;

namespace Sluice.Transforms.Tests.Processing.Attributes;

public class AttributesProcessorTests
{
    private static readonly ProcessorContext Context = new()
    {
        HashSecrets = new Dictionary<string, HashSecret> { ["p"] = new HashSecret(1, Convert.ToBase64String(new byte[32])) },
    };

    private static LogEvent Run(object actions, params (string Key, string Value)[] attributes)
    {
        var log = Log(Resource(), "e", attributes);
        TelemetryProcessorFactory.Create("attributes/t", Map(("actions", actions)), Context).Process(Batch("p", log));
        return log;
    }

    private static string[] Pairs(LogEvent log)
    {
        var pairs = new string[log.Attributes.Count];
        for (int i = 0; i < pairs.Length; i++)
        {
            pairs[i] = log.Attributes.Keys[i] + "=" + log.Attributes.Values[i];
        }

        return pairs;
    }

    [Fact]
    public void Insert_OnlyWhenAbsent()
    {
        var log = Run(List(Map(("key", "a"), ("action", "insert"), ("value", "new")), Map(("key", "b"), ("action", "insert"), ("value", "new"))), ("a", "old"));

        Assert.Equal(["a=old", "b=new"], Pairs(log));
    }

    [Fact]
    public void Update_OnlyWhenPresent()
    {
        var log = Run(List(Map(("key", "a"), ("action", "update"), ("value", "new")), Map(("key", "b"), ("action", "update"), ("value", "new"))), ("a", "old"));

        Assert.Equal(["a=new"], Pairs(log));
    }

    [Fact]
    public void Upsert_FromAnotherAttribute()
    {
        var log = Run(List(Map(("key", "copy"), ("action", "upsert"), ("from_attribute", "src")), Map(("key", "none"), ("action", "upsert"), ("from_attribute", "missing"))), ("src", "ü"));

        Assert.Equal(["src=ü", "copy=ü"], Pairs(log));
    }

    [Fact]
    public void DeleteAndRename_InOrder()
    {
        var log = Run(
            List(Map(("key", "a"), ("action", "delete")), Map(("key", "b"), ("action", "rename"), ("new_key", "c")), Map(("key", "zzz"), ("action", "rename"), ("new_key", "y"))),
            ("a", "1"), ("b", "2"), ("c", "old"));

        Assert.Equal(["c=2"], Pairs(log));
    }

    [Fact]
    public void DeleteByPattern_RemovesEveryMatchingKey()
    {
        var log = Run(List(Map(("pattern", "^secret\\."), ("action", "delete"))), ("secret.a", "1"), ("keep", "2"), ("secret.b", "3"));

        Assert.Equal(["keep=2"], Pairs(log));
    }

    [Fact]
    public void Hash_UsesTheProductKeyAndIsStable()
    {
        var first = Run(List(Map(("key", "email"), ("action", "hash"))), ("email", "a@b.io"));
        var second = Run(List(Map(("pattern", "mail"), ("action", "hash"))), ("email", "a@b.io"));

        Assert.StartsWith("1", first.Attributes.Get("email"), StringComparison.Ordinal);
        Assert.Equal(45, first.Attributes.Get("email")!.Length);
        Assert.Equal(first.Attributes.Get("email"), second.Attributes.Get("email"));
    }

    [Fact]
    public void Process_HugeAttributeList_AllVisited()
    {
        var attributes = Enumerable.Range(0, 5000).Select(i => ("k" + i, "v")).ToArray();

        var log = Run(List(Map(("pattern", "^k"), ("action", "delete"))), attributes);

        Assert.Equal(0, log.Attributes.Count);
    }

    [Fact]
    public void Create_InvalidActions_EachReportedWithItsIndex()
    {
        var actions = List(
            Map(("key", "a"), ("action", "insert")),
            Map(("key", "a"), ("action", "delete"), ("value", "x")),
            Map(("key", "a"), ("pattern", "x"), ("action", "delete")),
            Map(("pattern", "("), ("action", "hash")),
            Map(("pattern", "x"), ("action", "upsert"), ("value", "v")),
            Map(("key", "a"), ("action", "update"), ("value", "v"), ("from_attribute", "b")),
            Map(("key", "a")));

        var ex = Assert.Throws<TransformConfigException>(() => TelemetryProcessorFactory.Create("attributes/t", Map(("actions", actions)), Context));

        Assert.Equal(7, ex.Errors.Count);
        Assert.Equal("processors.attributes/t.actions[0].value: insert needs exactly one of value and from_attribute", ex.Errors[0]);
        Assert.Equal("processors.attributes/t.actions[1].value: not used by delete", ex.Errors[1]);
        Assert.Equal("processors.attributes/t.actions[2].pattern: give key or pattern, not both", ex.Errors[2]);
        Assert.StartsWith("processors.attributes/t.actions[3].pattern: not a valid regular expression", ex.Errors[3], StringComparison.Ordinal);
        Assert.Equal("processors.attributes/t.actions[4].pattern: allowed only with delete and hash, not with upsert", ex.Errors[4]);
        Assert.Equal("processors.attributes/t.actions[5].value: update needs exactly one of value and from_attribute", ex.Errors[5]);
        Assert.Equal("processors.attributes/t.actions[6].action: required; allowed: insert, update, upsert, delete, rename, hash", ex.Errors[6]);
    }

    [Fact]
    public void Create_NoActions_IsAnError()
    {
        var ex = Assert.Throws<TransformConfigException>(() => TelemetryProcessorFactory.Create("attributes", Map(), Context));

        Assert.Equal(["processors.attributes.actions: required: a list of actions (key, action and its arguments)"], ex.Errors);
    }
}
