using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace Cni.Netlink.Protocol;

/// <summary>
/// The nfnetlink fixed header (<c>struct nfgenmsg</c>, 4 bytes) that follows the <see cref="NetlinkMessageHeader"/>
/// of every nfnetlink message.
/// </summary>
/// <remarks>
/// <code>
/// 0        1         2                 4
/// +--------+---------+-----------------+
/// | family | version | res_id (be16)   |
/// +--------+---------+-----------------+
/// </code>
/// </remarks>
[StructLayout(LayoutKind.Sequential)]
public struct NfGenMessage
{
    /// <summary>The size of the structure on the wire.</summary>
    public const int Size = 4;

    /// <summary><c>NFNETLINK_V0</c>, the only version.</summary>
    public const byte Version0 = 0;

    private byte _family;
    private byte _version;
    private ushort _resourceIdBigEndian;

    /// <summary><c>nfgen_family</c>: the nf_tables family (<c>NFPROTO_*</c>), 0 for batch framing.</summary>
    public byte Family
    {
        readonly get => _family;
        set => _family = value;
    }

    /// <summary><c>version</c>: <see cref="Version0"/>.</summary>
    public byte Version
    {
        readonly get => _version;
        set => _version = value;
    }

    /// <summary><c>res_id</c> in host byte order (the structure keeps it big-endian): the subsystem of a batch, else 0 (or the generation in replies).</summary>
    public ushort ResourceId
    {
        readonly get => BinaryPrimitives.ReverseEndianness(_resourceIdBigEndian);
        set => _resourceIdBigEndian = BinaryPrimitives.ReverseEndianness(value);
    }
}
