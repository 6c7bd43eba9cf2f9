using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Cni.Ipam.Etcd.Transport;

/// <summary>A key and its value as a range answer carries them.</summary>
internal sealed record EtcdKeyValue(byte[] Key, byte[] Value, long CreateRevision, long ModRevision)
{
    public string KeyText => Encoding.UTF8.GetString(Key);

    public string ValueText => Encoding.UTF8.GetString(Value);
}

/// <summary>
/// One answer of the gateway, whichever call it was: a range (<see cref="Kvs"/>), a transaction
/// (<see cref="Succeeded"/>, <see cref="Responses"/>, one per operation of the branch taken), a delete
/// (<see cref="Deleted"/>), or an error (<see cref="Error"/>, <see cref="Code"/>, a gRPC status code).
/// </summary>
internal sealed class EtcdResult
{
    public bool Succeeded { get; set; }

    public List<EtcdKeyValue> Kvs { get; } = [];

    public List<EtcdResult> Responses { get; } = [];

    public long Deleted { get; set; }

    public long Count { get; set; }

    public long Revision { get; set; }

    public string? Error { get; set; }

    public int Code { get; set; }
}

/// <summary>Which revision of a key a comparison looks at.</summary>
internal enum CompareTarget
{
    /// <summary>The revision that created the key; 0 when it does not exist.</summary>
    Create,

    /// <summary>The revision that last modified the key; 0 when it does not exist.</summary>
    Mod,
}

/// <summary>A transaction's comparison: the key's <paramref name="Target"/> revision equals <paramref name="Revision"/>.</summary>
internal readonly record struct EtcdCompare(string Key, CompareTarget Target, long Revision);

/// <summary>An operation inside a transaction: a put, a delete, or a range read (of one key, or of a prefix).</summary>
internal readonly record struct EtcdOp(EtcdOpKind Kind, string Key, string? Value = null, bool Prefix = false)
{
    public static EtcdOp Put(string key, string value) => new(EtcdOpKind.Put, key, value);

    public static EtcdOp Delete(string key) => new(EtcdOpKind.Delete, key);

    public static EtcdOp Get(string key) => new(EtcdOpKind.Range, key);
}

/// <summary>The kinds of <see cref="EtcdOp"/>.</summary>
internal enum EtcdOpKind
{
    /// <summary>Put.</summary>
    Put,

    /// <summary>Delete.</summary>
    Delete,

    /// <summary>Range read.</summary>
    Range,
}

/// <summary>
/// Writes the gateway's requests and reads its answers with <see cref="Utf8JsonWriter"/> and
/// <see cref="Utf8JsonReader"/> (no reflection). Keys and values travel in base64; 64-bit numbers arrive as
/// strings; fields with their default value (false, 0, empty) are left out of answers.
/// </summary>
internal static class EtcdJson
{
    public static byte[] Range(string key, bool prefix, bool keysOnly = false, long limit = 0, bool countOnly = false)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            WriteRangeFields(w, key, prefix);
            if (keysOnly)
            {
                w.WriteBoolean("keys_only", true);
            }

            if (countOnly)
            {
                w.WriteBoolean("count_only", true);
            }

            if (limit > 0)
            {
                w.WriteString("limit", limit.ToString(CultureInfo.InvariantCulture));
            }

            w.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    public static byte[] Txn(IEnumerable<EtcdCompare> compares, IEnumerable<EtcdOp> success, IEnumerable<EtcdOp> failure)
    {
        var buffer = new ArrayBufferWriter<byte>(1024);
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteStartArray("compare");
            foreach (EtcdCompare c in compares)
            {
                w.WriteStartObject();
                w.WriteBase64String("key", Encoding.UTF8.GetBytes(c.Key));
                w.WriteString("result", "EQUAL");
                w.WriteString("target", c.Target == CompareTarget.Create ? "CREATE" : "MOD");
                w.WriteString(c.Target == CompareTarget.Create ? "create_revision" : "mod_revision", c.Revision.ToString(CultureInfo.InvariantCulture));
                w.WriteEndObject();
            }

            w.WriteEndArray();
            WriteOps(w, "success", success);
            WriteOps(w, "failure", failure);
            w.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Reads any answer of the gateway; malformed JSON raises <see cref="JsonException"/>.</summary>
    public static EtcdResult Parse(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = 16 });
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            throw new JsonException("the answer is not a JSON object");
        }

        return ReadResult(ref reader);
    }

    /// <summary>The end of a prefix range: the prefix with its last byte incremented.</summary>
    public static byte[] PrefixEnd(byte[] prefix)
    {
        byte[] end = (byte[])prefix.Clone();
        for (int i = end.Length - 1; i >= 0; i--)
        {
            if (end[i] < 0xff)
            {
                end[i]++;
                return end[..(i + 1)];
            }
        }

        return [0]; // Every key: etcd's "\0" range end.
    }

    private static void WriteRangeFields(Utf8JsonWriter w, string key, bool prefix)
    {
        byte[] k = Encoding.UTF8.GetBytes(key);
        w.WriteBase64String("key", k);
        if (prefix)
        {
            w.WriteBase64String("range_end", PrefixEnd(k));
        }
    }

    private static void WriteOps(Utf8JsonWriter w, string name, IEnumerable<EtcdOp> ops)
    {
        w.WriteStartArray(name);
        foreach (EtcdOp op in ops)
        {
            w.WriteStartObject();
            switch (op.Kind)
            {
                case EtcdOpKind.Put:
                    w.WriteStartObject("request_put");
                    w.WriteBase64String("key", Encoding.UTF8.GetBytes(op.Key));
                    w.WriteBase64String("value", Encoding.UTF8.GetBytes(op.Value ?? ""));
                    w.WriteEndObject();
                    break;
                case EtcdOpKind.Delete:
                    w.WriteStartObject("request_delete_range");
                    WriteRangeFields(w, op.Key, op.Prefix);
                    w.WriteEndObject();
                    break;
                default:
                    w.WriteStartObject("request_range");
                    WriteRangeFields(w, op.Key, op.Prefix);
                    w.WriteEndObject();
                    break;
            }

            w.WriteEndObject();
        }

        w.WriteEndArray();
    }

    private static EtcdResult ReadResult(ref Utf8JsonReader r)
    {
        var result = new EtcdResult();
        while (r.Read() && r.TokenType == JsonTokenType.PropertyName)
        {
            string name = r.GetString()!;
            r.Read();
            switch (name)
            {
                case "succeeded":
                    result.Succeeded = r.TokenType == JsonTokenType.True;
                    break;
                case "deleted":
                    result.Deleted = ReadInt64(ref r);
                    break;
                case "count":
                    result.Count = ReadInt64(ref r);
                    break;
                case "error":
                case "message":
                    result.Error ??= r.TokenType == JsonTokenType.String ? r.GetString() : null;
                    if (r.TokenType != JsonTokenType.String)
                    {
                        r.Skip();
                    }

                    break;
                case "code":
                    result.Code = (int)ReadInt64(ref r);
                    break;
                case "header":
                    result.Revision = ReadHeaderRevision(ref r);
                    break;
                case "kvs":
                    Expect(ref r, JsonTokenType.StartArray);
                    while (r.Read() && r.TokenType == JsonTokenType.StartObject)
                    {
                        result.Kvs.Add(ReadKeyValue(ref r));
                    }

                    break;
                case "responses":
                    Expect(ref r, JsonTokenType.StartArray);
                    while (r.Read() && r.TokenType == JsonTokenType.StartObject)
                    {
                        // { "response_range": { ... } } and the like: one property holding the answer.
                        EtcdResult? inner = null;
                        while (r.Read() && r.TokenType == JsonTokenType.PropertyName)
                        {
                            r.Read();
                            Expect(ref r, JsonTokenType.StartObject);
                            inner = ReadResult(ref r);
                        }

                        result.Responses.Add(inner ?? new EtcdResult());
                    }

                    break;
                case "result":
                    // The gateway wraps some answers in {"result": {...}}; read through it.
                    if (r.TokenType == JsonTokenType.StartObject)
                    {
                        EtcdResult inner = ReadResult(ref r);
                        result.Kvs.AddRange(inner.Kvs);
                        result.Responses.AddRange(inner.Responses);
                        result.Succeeded |= inner.Succeeded;
                        result.Error ??= inner.Error;
                    }
                    else
                    {
                        r.Skip();
                    }

                    break;
                default:
                    r.Skip();
                    break;
            }
        }

        if (r.TokenType != JsonTokenType.EndObject)
        {
            throw new JsonException("malformed answer");
        }

        return result;
    }

    private static long ReadHeaderRevision(ref Utf8JsonReader r)
    {
        Expect(ref r, JsonTokenType.StartObject);
        long revision = 0;
        while (r.Read() && r.TokenType == JsonTokenType.PropertyName)
        {
            bool wanted = r.ValueTextEquals("revision");
            r.Read();
            if (wanted)
            {
                revision = ReadInt64(ref r);
            }
            else
            {
                r.Skip();
            }
        }

        return revision;
    }

    private static EtcdKeyValue ReadKeyValue(ref Utf8JsonReader r)
    {
        byte[] key = [], value = [];
        long create = 0, mod = 0;
        while (r.Read() && r.TokenType == JsonTokenType.PropertyName)
        {
            string name = r.GetString()!;
            r.Read();
            switch (name)
            {
                case "key":
                    key = r.GetBytesFromBase64();
                    break;
                case "value":
                    value = r.GetBytesFromBase64();
                    break;
                case "create_revision":
                    create = ReadInt64(ref r);
                    break;
                case "mod_revision":
                    mod = ReadInt64(ref r);
                    break;
                default:
                    r.Skip();
                    break;
            }
        }

        return new EtcdKeyValue(key, value, create, mod);
    }

    private static long ReadInt64(ref Utf8JsonReader r) => r.TokenType switch
    {
        JsonTokenType.Number => r.GetInt64(),
        JsonTokenType.String => long.Parse(r.GetString()!, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture),
        _ => throw new JsonException("expected a number"),
    };

    private static void Expect(ref Utf8JsonReader r, JsonTokenType type)
    {
        if (r.TokenType != type)
        {
            throw new JsonException($"expected {type}, found {r.TokenType}");
        }
    }
}
