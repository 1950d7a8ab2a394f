using System.Text.RegularExpressions;
using Sluice.Transforms.Model;
using Sluice.Transforms.Processing.Privacy;

namespace Sluice.Transforms.Processing.Attributes;

/// <summary>
/// <c>attributes</c>: the OpenTelemetry Collector's attribute actions by key, in order, on the
/// attributes of every log record, span and metric point: <c>insert</c> (only when absent),
/// <c>update</c> (only when present), <c>upsert</c>, <c>delete</c>, <c>rename</c> (to
/// <c>new_key</c>, replacing a value already there) and <c>hash</c> (HMAC-SHA256 with the
/// product's key, unlike the Collector's unkeyed SHA, so hashes cannot be reversed by guessing).
/// </summary>
internal sealed class AttributesProcessor : TelemetryProcessor
{
    public const string TypeName = "attributes";

    private static readonly string[] ActionNames = ["insert", "update", "upsert", "delete", "rename", "hash"];

    private readonly AttributeAction[] _actions;
    private readonly ProductHasher _hasher;
    private string _product = string.Empty;

    public AttributesProcessor(AttributeAction[] actions, ProductHasher hasher)
    {
        _actions = actions;
        _hasher = hasher;
    }

    /// <summary>
    /// Settings: <c>actions</c>, a list of <c>{key | pattern, action, value | from_attribute, new_key}</c>;
    /// <c>pattern</c> (a regular expression on keys) is allowed with delete and hash.
    /// </summary>
    public static AttributesProcessor Create(SettingsReader settings, ProcessorContext context)
    {
        var actions = new List<AttributeAction>();
        IReadOnlyList<SettingsReader>? items = settings.MapList("actions");
        if (items is null)
        {
            settings.Error("actions", "required: a list of actions (key, action and its arguments)");
        }
        else if (items.Count == 0)
        {
            settings.Error("actions", "empty: give at least one action");
        }

        foreach (SettingsReader item in items ?? [])
        {
            if (ReadAction(item) is { } action)
            {
                actions.Add(action);
            }
        }

        settings.ReportUnknownKeys();
        return new AttributesProcessor([.. actions], new ProductHasher(context.HashSecrets));
    }

    public override void Process(TelemetryBatch batch)
    {
        _product = batch.Product;
        foreach (LogEvent log in batch.Logs)
        {
            Apply(log.Attributes);
        }

        foreach (SpanEvent span in batch.Spans)
        {
            Apply(span.Attributes);
        }

        foreach (MetricPoint point in batch.Metrics)
        {
            Apply(point.Attributes);
        }
    }

    private void Apply(AttributeList attributes)
    {
        foreach (AttributeAction action in _actions)
        {
            if (action.Pattern is { } pattern)
            {
                for (int i = attributes.Count - 1; i >= 0; i--)
                {
                    if (pattern.IsMatch(attributes.Keys[i]))
                    {
                        if (action.Kind == ActionKind.Delete)
                        {
                            attributes.RemoveAt(i);
                        }
                        else
                        {
                            attributes.SetAt(i, _hasher.Hash(_product, attributes.Values[i]));
                        }
                    }
                }

                continue;
            }

            int index = attributes.IndexOf(action.Key);
            switch (action.Kind)
            {
                case ActionKind.Insert when index < 0:
                case ActionKind.Update when index >= 0:
                case ActionKind.Upsert:
                    if (ValueOf(action, attributes) is { } value)
                    {
                        attributes.Set(action.Key, value);
                    }

                    break;
                case ActionKind.Delete when index >= 0:
                    attributes.RemoveAt(index);
                    break;
                case ActionKind.Rename when index >= 0:
                    string moved = attributes.Values[index];
                    attributes.RemoveAt(index);
                    attributes.Set(action.NewKey!, moved);
                    break;
                case ActionKind.Hash when index >= 0:
                    attributes.SetAt(index, _hasher.Hash(_product, attributes.Values[index]));
                    break;
            }
        }
    }

    private static string? ValueOf(AttributeAction action, AttributeList attributes) =>
        action.FromAttribute is null ? action.Value : attributes.Get(action.FromAttribute);

    private static AttributeAction? ReadAction(SettingsReader item)
    {
        int errorsBefore = item.ErrorCount;
        string? key = item.String("key");
        string? actionName = item.String("action");
        string? value = item.String("value");
        string? from = item.String("from_attribute");
        string? newKey = item.String("new_key");
        string? patternText = item.String("pattern");
        item.ReportUnknownKeys();

        ActionKind kind = ActionKind.Insert;
        if (actionName is null)
        {
            item.Error("action", $"required; allowed: {string.Join(", ", ActionNames)}");
        }
        else if (Array.IndexOf(ActionNames, actionName) is int found and >= 0)
        {
            kind = (ActionKind)found;
        }
        else
        {
            item.Error("action", $"unknown action '{actionName}'; allowed: {string.Join(", ", ActionNames)}");
            actionName = null;
        }

        Regex? pattern = null;
        if (patternText is not null)
        {
            if (actionName is not null && kind is not (ActionKind.Delete or ActionKind.Hash))
            {
                item.Error("pattern", $"allowed only with delete and hash, not with {actionName}");
            }
            else if (key is not null)
            {
                item.Error("pattern", "give key or pattern, not both");
            }
            else
            {
                try
                {
                    // Non-backtracking: keys come from clients, and a pattern must not let one stall the pipeline.
                    pattern = new Regex(patternText, RegexOptions.NonBacktracking | RegexOptions.CultureInvariant);
                }
                catch (ArgumentException ex)
                {
                    item.Error("pattern", $"not a valid regular expression: {ex.Message}");
                }
            }
        }
        else if (string.IsNullOrEmpty(key))
        {
            item.Error("key", "required: the attribute's key");
        }

        if (actionName is not null)
        {
            bool needsValue = kind is ActionKind.Insert or ActionKind.Update or ActionKind.Upsert;
            if (needsValue && value is null == (from is null))
            {
                item.Error("value", $"{actionName} needs exactly one of value and from_attribute");
            }
            else if (!needsValue && (value is not null || from is not null))
            {
                item.Error(value is not null ? "value" : "from_attribute", $"not used by {actionName}");
            }

            if (kind == ActionKind.Rename && string.IsNullOrEmpty(newKey))
            {
                item.Error("new_key", "rename needs new_key, the key to rename to");
            }
            else if (kind != ActionKind.Rename && newKey is not null)
            {
                item.Error("new_key", $"not used by {actionName}");
            }
        }

        if (item.ErrorCount != errorsBefore)
        {
            return null;
        }

        return new AttributeAction(kind, key ?? string.Empty, value, from, newKey, pattern);
    }
}

/// <summary>What an attributes action does.</summary>
internal enum ActionKind
{
    Insert,
    Update,
    Upsert,
    Delete,
    Rename,
    Hash,
}

/// <summary>One validated action of an <c>attributes</c> processor.</summary>
internal sealed record AttributeAction(ActionKind Kind, string Key, string? Value, string? FromAttribute, string? NewKey, Regex? Pattern);
