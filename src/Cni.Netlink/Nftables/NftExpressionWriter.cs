using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Cni.Netlink.Protocol;

namespace Cni.Netlink.Nftables;

/// <summary>
/// Writes the expressions of a rule (the inside of <c>NFTA_RULE_EXPRESSIONS</c>) into memory the caller owns,
/// without allocating; pass <see cref="WrittenSpan"/> to <see cref="NftTransaction.AddRule(NftFamily, string, string, ReadOnlySpan{byte}, string?)"/>.
/// </summary>
/// <remarks>
/// <para>Each expression is one list element, as <c>nft</c> sends it:</para>
/// <code>
/// NFTA_LIST_ELEM (nested)
///   NFTA_EXPR_NAME  "payload\0"
///   NFTA_EXPR_DATA (nested)   the expression's attributes, integers big-endian
/// </code>
/// <para>
/// The low-level methods (<see cref="Meta"/>, <see cref="Payload"/>, <see cref="Compare"/>, <see cref="Bitwise"/>,
/// <see cref="Verdict"/>, <see cref="Masquerade"/>, <see cref="Counter"/>, <see cref="Lookup"/>) write one
/// expression each. The <c>Match*</c> methods write the sequences <c>nft</c> compiles its matches to, byte for
/// byte (see <c>tests/Cni.Netlink.Tests/Nftables</c>). In the <see cref="NftFamily.Inet"/> family an
/// <c>ip</c>/<c>ip6</c> match needs <see cref="MatchNetworkProtocol(AddressFamily)"/> first, as nft adds it.
/// Overflow follows <see cref="NetlinkWriter"/>: an <see cref="InternalBufferOverflowException"/>, nothing written past the end.
/// </para>
/// <example>
/// <code>
/// var e = new NftExpressionWriter(stackalloc byte[512]);
/// e.MatchNetworkProtocol(AddressFamily.InterNetwork);               // meta nfproto ipv4
/// e.MatchAddress(source: true, IPAddress.Parse("10.1.2.3"));        // ip saddr 10.1.2.3
/// e.MatchPrefix(source: false, IPAddress.Parse("10.1.2.0"), 24, negate: true); // ip daddr != 10.1.2.0/24
/// e.Masquerade();
/// tx.AddRule(NftFamily.Inet, "t", "c", e.WrittenSpan, "comment");
/// </code>
/// </example>
/// </remarks>
public ref struct NftExpressionWriter
{
    /// <summary><c>NFT_REG_VERDICT</c>: the verdict register.</summary>
    public const uint VerdictRegister = 0;

    /// <summary><c>NFT_REG_1</c>: the first 16-byte data register, the one nft uses for matches.</summary>
    public const uint Register1 = 1;

    /// <summary><c>IFNAMSIZ</c>: interface names are compared as 16 bytes, NUL padded.</summary>
    public const int InterfaceNameSize = 16;

    private NetlinkWriter _writer;

    /// <summary>Creates a writer that writes from the start of <paramref name="buffer"/>.</summary>
    /// <param name="buffer">The memory to write into; the caller owns it.</param>
    public NftExpressionWriter(Span<byte> buffer)
    {
        _writer = new NetlinkWriter(buffer);
        Count = 0;
    }

    /// <summary>The expressions written so far.</summary>
    public readonly ReadOnlySpan<byte> WrittenSpan => _writer.WrittenSpan;

    /// <summary>How many expressions were written.</summary>
    public int Count { readonly get; private set; }

    /// <summary><c>meta load &lt;key&gt; =&gt; reg</c>.</summary>
    /// <param name="key">What to load.</param>
    /// <param name="register">The destination register.</param>
    public void Meta(NftMetaKey key, uint register = Register1)
    {
        var data = Begin("meta");
        NftWire.WriteBigEndian(ref _writer, NftMetaAttribute.Key, (uint)key);
        NftWire.WriteBigEndian(ref _writer, NftMetaAttribute.DestinationRegister, register);
        End(data);
    }

    /// <summary><c>payload load &lt;length&gt;b @ &lt;base&gt; + &lt;offset&gt; =&gt; reg</c>.</summary>
    /// <param name="payloadBase">The header the offset counts from.</param>
    /// <param name="offset">The offset in bytes.</param>
    /// <param name="length">The number of bytes (at most 16 for one register).</param>
    /// <param name="register">The destination register.</param>
    public void Payload(NftPayloadBase payloadBase, uint offset, uint length, uint register = Register1)
    {
        var data = Begin("payload");
        NftWire.WriteBigEndian(ref _writer, NftPayloadAttribute.DestinationRegister, register);
        NftWire.WriteBigEndian(ref _writer, NftPayloadAttribute.Base, (uint)payloadBase);
        NftWire.WriteBigEndian(ref _writer, NftPayloadAttribute.Offset, offset);
        NftWire.WriteBigEndian(ref _writer, NftPayloadAttribute.Length, length);
        End(data);
    }

    /// <summary><c>cmp &lt;op&gt; reg &lt;value&gt;</c>: ends the rule here unless the comparison holds.</summary>
    /// <param name="op">The comparison.</param>
    /// <param name="value">The bytes compared with (as many as were loaded).</param>
    /// <param name="register">The register compared.</param>
    public void Compare(NftCmpOperator op, scoped ReadOnlySpan<byte> value, uint register = Register1)
    {
        var data = Begin("cmp");
        NftWire.WriteBigEndian(ref _writer, NftCmpAttribute.SourceRegister, register);
        NftWire.WriteBigEndian(ref _writer, NftCmpAttribute.Operator, (uint)op);
        NftWire.WriteValue(ref _writer, NftCmpAttribute.Data, value);
        End(data);
    }

    /// <summary><c>bitwise reg = (reg &amp; mask) ^ xor</c>.</summary>
    /// <param name="mask">The AND mask; its length is the length operated on.</param>
    /// <param name="xor">The XOR value, as long as <paramref name="mask"/>; empty for zeros.</param>
    /// <param name="sourceRegister">The register read.</param>
    /// <param name="destinationRegister">The register written.</param>
    public void Bitwise(scoped ReadOnlySpan<byte> mask, scoped ReadOnlySpan<byte> xor, uint sourceRegister = Register1, uint destinationRegister = Register1)
    {
        if (!xor.IsEmpty && xor.Length != mask.Length)
        {
            throw new ArgumentException($"The XOR value has {xor.Length} bytes, the mask {mask.Length}.", nameof(xor));
        }

        Span<byte> zeros = stackalloc byte[16];
        zeros.Clear();
        if (xor.IsEmpty)
        {
            xor = mask.Length <= zeros.Length ? zeros[..mask.Length] : throw new ArgumentException("A register holds at most 16 bytes.", nameof(mask));
        }

        var data = Begin("bitwise");
        NftWire.WriteBigEndian(ref _writer, NftBitwiseAttribute.SourceRegister, sourceRegister);
        NftWire.WriteBigEndian(ref _writer, NftBitwiseAttribute.DestinationRegister, destinationRegister);
        NftWire.WriteBigEndian(ref _writer, NftBitwiseAttribute.Length, (uint)mask.Length);
        NftWire.WriteValue(ref _writer, NftBitwiseAttribute.Mask, mask);
        NftWire.WriteValue(ref _writer, NftBitwiseAttribute.Xor, xor);
        End(data);
    }

    /// <summary><c>immediate reg 0 &lt;verdict&gt; [chain]</c>: accept, drop, return, or jump/goto a chain.</summary>
    /// <param name="verdict">The verdict.</param>
    /// <param name="chain">The target chain, for <see cref="NftVerdict.Jump"/> and <see cref="NftVerdict.Goto"/> only.</param>
    public void Verdict(NftVerdict verdict, string? chain = null)
    {
        bool needsChain = verdict is NftVerdict.Jump or NftVerdict.Goto;
        if (needsChain != (chain is not null))
        {
            throw new ArgumentException(needsChain ? $"A {verdict} verdict needs a target chain." : $"A {verdict} verdict takes no chain.", nameof(chain));
        }

        var data = Begin("immediate");
        NftWire.WriteBigEndian(ref _writer, NftImmediateAttribute.DestinationRegister, VerdictRegister);
        var immediate = _writer.BeginNested(NftImmediateAttribute.Data, markNested: true);
        var nested = _writer.BeginNested(NftDataAttribute.Verdict, markNested: true);
        NftWire.WriteBigEndian(ref _writer, NftVerdictAttribute.Code, unchecked((uint)(int)verdict));
        if (chain is not null)
        {
            _writer.WriteAttribute(NftVerdictAttribute.Chain, chain);
        }

        _writer.EndNested(nested);
        _writer.EndNested(immediate);
        End(data);
    }

    /// <summary><c>masquerade</c>: source NAT to the address of the output interface (nat chains on the postrouting hook only).</summary>
    public void Masquerade()
    {
        var data = Begin("masq");
        End(data);
    }

    /// <summary><c>counter</c>: counts packets and bytes, starting from zero (nft sends it with no attributes).</summary>
    public void Counter()
    {
        var data = Begin("counter");
        End(data);
    }

    /// <summary><c>lookup reg @set</c>: ends the rule here unless the register is (or, inverted, is not) in the set.</summary>
    /// <param name="set">The set name, in the rule's table.</param>
    /// <param name="invert">True for <c>!= @set</c>.</param>
    /// <param name="register">The register looked up.</param>
    public void Lookup(string set, bool invert = false, uint register = Register1)
    {
        ArgumentException.ThrowIfNullOrEmpty(set);
        var data = Begin("lookup");
        _writer.WriteAttribute(NftLookupAttribute.Set, set);
        NftWire.WriteBigEndian(ref _writer, NftLookupAttribute.SourceRegister, register);
        if (invert)
        {
            NftWire.WriteBigEndian(ref _writer, NftLookupAttribute.Flags, 1u);
        }

        End(data);
    }

    /// <summary>
    /// The dependency of an <c>ip</c>/<c>ip6</c> match in the inet (or bridge) family:
    /// <c>meta nfproto ipv4|ipv6</c> (meta load, cmp eq one byte).
    /// </summary>
    /// <param name="family"><see cref="AddressFamily.InterNetwork"/> or <see cref="AddressFamily.InterNetworkV6"/>.</param>
    public void MatchNetworkProtocol(AddressFamily family)
    {
        Meta(NftMetaKey.NetfilterProtocol);
        Span<byte> value = [NftWire.NfProto(family)];
        Compare(NftCmpOperator.Equal, value);
    }

    /// <summary><c>ip[6] saddr|daddr [!=] &lt;address&gt;</c>: payload load of the address, cmp.</summary>
    /// <param name="source">True for the source address, false for the destination.</param>
    /// <param name="address">The address; its family picks the IPv4 or IPv6 header offsets.</param>
    /// <param name="negate">True for <c>!=</c>.</param>
    public void MatchAddress(bool source, IPAddress address, bool negate = false)
    {
        ArgumentNullException.ThrowIfNull(address);
        int length = address.AddressFamily == AddressFamily.InterNetwork ? 4 : 16;
        MatchPrefix(source, address, length * 8, negate);
    }

    /// <summary>
    /// <c>ip[6] saddr|daddr [!=] &lt;network&gt;/&lt;prefix&gt;</c>, as nft compiles it: a whole-byte prefix loads only
    /// those bytes and compares them; any other prefix loads the whole address, masks it (bitwise) and compares.
    /// </summary>
    /// <param name="source">True for the source address, false for the destination.</param>
    /// <param name="network">The network address (host bits are cleared here).</param>
    /// <param name="prefixLength">The prefix length, 1 to 32 (IPv4) or 128 (IPv6).</param>
    /// <param name="negate">True for <c>!=</c>.</param>
    public void MatchPrefix(bool source, IPAddress network, int prefixLength, bool negate = false)
    {
        ArgumentNullException.ThrowIfNull(network);
        bool v4 = network.AddressFamily == AddressFamily.InterNetwork;
        int length = v4 ? 4 : 16;
        ArgumentOutOfRangeException.ThrowIfLessThan(prefixLength, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(prefixLength, length * 8);
        Span<byte> address = stackalloc byte[16];
        network.TryWriteBytes(address, out _);
        Span<byte> mask = stackalloc byte[16];
        NftWire.PrefixMask(mask[..length], prefixLength);
        for (int i = 0; i < length; i++)
        {
            address[i] &= mask[i];
        }

        uint offset = (v4, source) switch
        {
            (true, true) => 12,
            (true, false) => 16,
            (false, true) => 8,
            (false, false) => 24,
        };
        NftCmpOperator op = negate ? NftCmpOperator.NotEqual : NftCmpOperator.Equal;
        if (prefixLength % 8 == 0)
        {
            Payload(NftPayloadBase.Network, offset, (uint)(prefixLength / 8));
            Compare(op, address[..(prefixLength / 8)]);
        }
        else
        {
            Payload(NftPayloadBase.Network, offset, (uint)length);
            Bitwise(mask[..length], default);
            Compare(op, address[..length]);
        }
    }

    /// <summary><c>iifname|oifname "&lt;name&gt;"</c>: meta load of the name, cmp eq on 16 NUL-padded bytes.</summary>
    /// <param name="name">The interface name (at most 15 bytes).</param>
    /// <param name="output">False for the input interface (<c>iifname</c>), true for the output one (<c>oifname</c>).</param>
    public void MatchInterfaceName(string name, bool output = false)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        Span<byte> padded = stackalloc byte[InterfaceNameSize];
        padded.Clear();
        if (Encoding.UTF8.GetByteCount(name) >= InterfaceNameSize)
        {
            throw new ArgumentException($"The interface name '{name}' is longer than 15 bytes.", nameof(name));
        }

        Encoding.UTF8.GetBytes(name, padded);
        Meta(output ? NftMetaKey.OutputInterfaceName : NftMetaKey.InputInterfaceName);
        Compare(NftCmpOperator.Equal, padded);
    }

    /// <summary><c>ether saddr [!=] &lt;mac&gt;</c>: payload load of link-layer bytes 6..11, cmp.</summary>
    /// <param name="mac">The 6-byte MAC address.</param>
    /// <param name="negate">True for <c>!=</c>.</param>
    public void MatchEtherSource(scoped ReadOnlySpan<byte> mac, bool negate = false)
    {
        if (mac.Length != 6)
        {
            throw new ArgumentException($"A MAC address has 6 bytes, not {mac.Length}.", nameof(mac));
        }

        Payload(NftPayloadBase.LinkLayer, 6, 6);
        Compare(negate ? NftCmpOperator.NotEqual : NftCmpOperator.Equal, mac);
    }

    private (NetlinkNestedToken Element, NetlinkNestedToken Data) Begin(string name)
    {
        var element = _writer.BeginNested(NftListAttribute.Element, markNested: true);
        _writer.WriteAttribute(NftExpressionAttribute.Name, name);
        return (element, _writer.BeginNested(NftExpressionAttribute.Data, markNested: true));
    }

    private void End((NetlinkNestedToken Element, NetlinkNestedToken Data) tokens)
    {
        _writer.EndNested(tokens.Data);
        _writer.EndNested(tokens.Element);
        Count++;
    }
}
