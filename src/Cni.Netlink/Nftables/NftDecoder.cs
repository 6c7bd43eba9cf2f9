using System.Buffers.Binary;
using Cni.Netlink.Protocol;

namespace Cni.Netlink.Nftables;

/// <summary>Decodes the tables, chains and rules of nf_tables dump replies into <see cref="NftTable"/>, <see cref="NftChain"/> and <see cref="NftRule"/>.</summary>
/// <remarks>Unknown attributes and expression attributes are skipped; lengths are checked by the readers, so malformed input throws <see cref="NetlinkException"/> (<see cref="NetlinkException.IsMalformedReply"/>).</remarks>
internal static class NftDecoder
{
    /// <summary>
    /// The fuzzing entry point: decodes every table, chain and rule message in <paramref name="replies"/>
    /// (back-to-back netlink messages) and returns how many were decoded. Anything malformed must end in a
    /// <see cref="NetlinkException"/>, never another exception.
    /// </summary>
    internal static int DecodeRepliesForFuzzing(ReadOnlySpan<byte> replies)
    {
        int count = 0;
        foreach (NetlinkMessage message in new NetlinkMessageReader(replies))
        {
            if (message.Type == NftMessageTypes.ToNetlinkType(NftMessageType.NewTable))
            {
                _ = ParseTable(message);
                count++;
            }
            else if (message.Type == NftMessageTypes.ToNetlinkType(NftMessageType.NewChain))
            {
                _ = ParseChain(message);
                count++;
            }
            else if (message.Type == NftMessageTypes.ToNetlinkType(NftMessageType.NewRule))
            {
                _ = ParseRule(message);
                count++;
            }
        }

        return count;
    }

    public static NftTable ParseTable(NetlinkMessage message)
    {
        NfGenMessage header = message.ReadStruct<NfGenMessage>();
        string name = "";
        ulong handle = 0;
        uint flags = 0;
        string? comment = null;
        foreach (NetlinkAttribute attribute in message.GetAttributes<NfGenMessage>())
        {
            switch ((NftTableAttribute)attribute.Type)
            {
                case NftTableAttribute.Name:
                    name = attribute.GetString();
                    break;
                case NftTableAttribute.Handle:
                    handle = BigEndian64(attribute);
                    break;
                case NftTableAttribute.Flags:
                    flags = BigEndian32(attribute);
                    break;
                case NftTableAttribute.UserData:
                    comment = NftWire.ReadComment(attribute.Payload);
                    break;
            }
        }

        return new NftTable { Family = (NftFamily)header.Family, Name = name, Handle = handle, Flags = flags, Comment = comment };
    }

    public static NftChain ParseChain(NetlinkMessage message)
    {
        NfGenMessage header = message.ReadStruct<NfGenMessage>();
        string table = "", name = "";
        string? type = null, comment = null;
        ulong handle = 0;
        uint use = 0;
        NftVerdict? policy = null;
        NftHook? hook = null;
        int priority = 0;
        foreach (NetlinkAttribute attribute in message.GetAttributes<NfGenMessage>())
        {
            switch ((NftChainAttribute)attribute.Type)
            {
                case NftChainAttribute.Table:
                    table = attribute.GetString();
                    break;
                case NftChainAttribute.Name:
                    name = attribute.GetString();
                    break;
                case NftChainAttribute.Handle:
                    handle = BigEndian64(attribute);
                    break;
                case NftChainAttribute.Type:
                    type = attribute.GetString();
                    break;
                case NftChainAttribute.Policy:
                    policy = (NftVerdict)(int)BigEndian32(attribute);
                    break;
                case NftChainAttribute.Use:
                    use = BigEndian32(attribute);
                    break;
                case NftChainAttribute.UserData:
                    comment = NftWire.ReadComment(attribute.Payload);
                    break;
                case NftChainAttribute.Hook:
                    foreach (NetlinkAttribute inner in attribute.GetNested())
                    {
                        if (inner.Is(NftHookAttribute.HookNumber))
                        {
                            hook = (NftHook)BigEndian32(inner);
                        }
                        else if (inner.Is(NftHookAttribute.Priority))
                        {
                            priority = (int)BigEndian32(inner);
                        }
                    }

                    break;
            }
        }

        NftBaseChain? baseChain = hook is { } h ? new NftBaseChain(type ?? "", h, priority, policy) : null;
        return new NftChain { Family = (NftFamily)header.Family, Table = table, Name = name, Handle = handle, BaseChain = baseChain, Use = use, Comment = comment };
    }

    public static NftRule ParseRule(NetlinkMessage message)
    {
        NfGenMessage header = message.ReadStruct<NfGenMessage>();
        string table = "", chain = "";
        string? comment = null;
        ulong handle = 0;
        var expressions = new List<NftExpression>();
        foreach (NetlinkAttribute attribute in message.GetAttributes<NfGenMessage>())
        {
            switch ((NftRuleAttribute)attribute.Type)
            {
                case NftRuleAttribute.Table:
                    table = attribute.GetString();
                    break;
                case NftRuleAttribute.Chain:
                    chain = attribute.GetString();
                    break;
                case NftRuleAttribute.Handle:
                    handle = BigEndian64(attribute);
                    break;
                case NftRuleAttribute.UserData:
                    comment = NftWire.ReadComment(attribute.Payload);
                    break;
                case NftRuleAttribute.Expressions:
                    foreach (NetlinkAttribute element in attribute.GetNested())
                    {
                        if (element.Is(NftListAttribute.Element))
                        {
                            expressions.Add(ParseExpression(element));
                        }
                    }

                    break;
            }
        }

        return new NftRule { Family = (NftFamily)header.Family, Table = table, Chain = chain, Handle = handle, Comment = comment, Expressions = expressions };
    }

    /// <summary>Decodes an encoded expression list (what <see cref="NftExpressionWriter.WrittenSpan"/> holds).</summary>
    public static List<NftExpression> ParseExpressions(ReadOnlySpan<byte> encoded)
    {
        var expressions = new List<NftExpression>();
        foreach (NetlinkAttribute element in new NetlinkAttributeReader(encoded))
        {
            if (element.Is(NftListAttribute.Element))
            {
                expressions.Add(ParseExpression(element));
            }
        }

        return expressions;
    }

    /// <summary>
    /// True when a dumped rule's expressions are the ones <paramref name="encoded"/> would create: same kinds, in order,
    /// with the same keys, offsets, lengths, operators, data, masks, verdicts and registers.
    /// </summary>
    public static bool SameExpressions(IReadOnlyList<NftExpression> actual, ReadOnlySpan<byte> encoded)
    {
        List<NftExpression> expected = ParseExpressions(encoded);
        if (actual.Count != expected.Count)
        {
            return false;
        }

        for (int i = 0; i < expected.Count; i++)
        {
            NftExpression a = actual[i], e = expected[i];
            bool same = a.Name == e.Name && a.MetaKey == e.MetaKey && a.PayloadBase == e.PayloadBase && a.PayloadOffset == e.PayloadOffset
                && a.Length == e.Length && a.CmpOperator == e.CmpOperator && a.Verdict == e.Verdict && a.VerdictChain == e.VerdictChain
                && a.Set == e.Set && a.Inverted == e.Inverted && a.SourceRegister == e.SourceRegister && a.DestinationRegister == e.DestinationRegister
                && a.Data.Span.SequenceEqual(e.Data.Span) && a.Mask.Span.SequenceEqual(e.Mask.Span) && a.Xor.Span.SequenceEqual(e.Xor.Span);
            if (!same)
            {
                return false;
            }
        }

        return true;
    }

    private static NftExpression ParseExpression(NetlinkAttribute element)
    {
        string name = "";
        NetlinkAttribute data = default;
        bool hasData = false;
        foreach (NetlinkAttribute attribute in element.GetNested())
        {
            if (attribute.Is(NftExpressionAttribute.Name))
            {
                name = attribute.GetString();
            }
            else if (attribute.Is(NftExpressionAttribute.Data))
            {
                data = attribute;
                hasData = true;
            }
        }

        var expression = new NftExpression { Name = name };
        if (!hasData)
        {
            return expression;
        }

        switch (name)
        {
            case "meta":
                foreach (NetlinkAttribute a in data.GetNested())
                {
                    expression = (NftMetaAttribute)a.Type switch
                    {
                        NftMetaAttribute.Key => expression with { MetaKey = (NftMetaKey)BigEndian32(a) },
                        NftMetaAttribute.DestinationRegister => expression with { DestinationRegister = BigEndian32(a) },
                        NftMetaAttribute.SourceRegister => expression with { SourceRegister = BigEndian32(a) },
                        _ => expression,
                    };
                }

                break;
            case "payload":
                foreach (NetlinkAttribute a in data.GetNested())
                {
                    expression = (NftPayloadAttribute)a.Type switch
                    {
                        NftPayloadAttribute.DestinationRegister => expression with { DestinationRegister = BigEndian32(a) },
                        NftPayloadAttribute.Base => expression with { PayloadBase = (NftPayloadBase)BigEndian32(a) },
                        NftPayloadAttribute.Offset => expression with { PayloadOffset = BigEndian32(a) },
                        NftPayloadAttribute.Length => expression with { Length = BigEndian32(a) },
                        _ => expression,
                    };
                }

                break;
            case "cmp":
                foreach (NetlinkAttribute a in data.GetNested())
                {
                    expression = (NftCmpAttribute)a.Type switch
                    {
                        NftCmpAttribute.SourceRegister => expression with { SourceRegister = BigEndian32(a) },
                        NftCmpAttribute.Operator => expression with { CmpOperator = (NftCmpOperator)BigEndian32(a) },
                        NftCmpAttribute.Data => expression with { Data = Value(a) },
                        _ => expression,
                    };
                }

                break;
            case "bitwise":
                foreach (NetlinkAttribute a in data.GetNested())
                {
                    expression = (NftBitwiseAttribute)a.Type switch
                    {
                        NftBitwiseAttribute.SourceRegister => expression with { SourceRegister = BigEndian32(a) },
                        NftBitwiseAttribute.DestinationRegister => expression with { DestinationRegister = BigEndian32(a) },
                        NftBitwiseAttribute.Length => expression with { Length = BigEndian32(a) },
                        NftBitwiseAttribute.Mask => expression with { Mask = Value(a) },
                        NftBitwiseAttribute.Xor => expression with { Xor = Value(a) },
                        _ => expression,
                    };
                }

                break;
            case "immediate":
                foreach (NetlinkAttribute a in data.GetNested())
                {
                    if (a.Is(NftImmediateAttribute.DestinationRegister))
                    {
                        expression = expression with { DestinationRegister = BigEndian32(a) };
                    }
                    else if (a.Is(NftImmediateAttribute.Data))
                    {
                        foreach (NetlinkAttribute d in a.GetNested())
                        {
                            if (d.Is(NftDataAttribute.Value))
                            {
                                expression = expression with { Data = d.Payload.ToArray() };
                            }
                            else if (d.Is(NftDataAttribute.Verdict))
                            {
                                foreach (NetlinkAttribute v in d.GetNested())
                                {
                                    if (v.Is(NftVerdictAttribute.Code))
                                    {
                                        expression = expression with { Verdict = (NftVerdict)(int)BigEndian32(v) };
                                    }
                                    else if (v.Is(NftVerdictAttribute.Chain))
                                    {
                                        expression = expression with { VerdictChain = v.GetString() };
                                    }
                                }
                            }
                        }
                    }
                }

                break;
            case "lookup":
                foreach (NetlinkAttribute a in data.GetNested())
                {
                    expression = (NftLookupAttribute)a.Type switch
                    {
                        NftLookupAttribute.Set => expression with { Set = a.GetString() },
                        NftLookupAttribute.SourceRegister => expression with { SourceRegister = BigEndian32(a) },
                        NftLookupAttribute.DestinationRegister => expression with { DestinationRegister = BigEndian32(a) },
                        NftLookupAttribute.Flags => expression with { Inverted = (BigEndian32(a) & 1) != 0 },
                        _ => expression,
                    };
                }

                break;
        }

        return expression;
    }

    private static byte[] Value(NetlinkAttribute nested)
    {
        foreach (NetlinkAttribute a in nested.GetNested())
        {
            if (a.Is(NftDataAttribute.Value))
            {
                return a.Payload.ToArray();
            }
        }

        return [];
    }

    private static uint BigEndian32(NetlinkAttribute attribute) => attribute.Payload.Length >= 4
        ? BinaryPrimitives.ReadUInt32BigEndian(attribute.Payload)
        : throw NetlinkException.Malformed($"nf_tables attribute {attribute.Type} has {attribute.Payload.Length} bytes, 4 needed");

    private static ulong BigEndian64(NetlinkAttribute attribute) => attribute.Payload.Length >= 8
        ? BinaryPrimitives.ReadUInt64BigEndian(attribute.Payload)
        : throw NetlinkException.Malformed($"nf_tables attribute {attribute.Type} has {attribute.Payload.Length} bytes, 8 needed");
}
