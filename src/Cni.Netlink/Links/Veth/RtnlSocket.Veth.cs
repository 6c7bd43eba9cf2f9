namespace Cni.Netlink;

public sealed partial class RtnlSocket
{
    /// <summary>
    /// Creates a veth pair: <paramref name="name"/> in this socket's namespace and <paramref name="peerName"/>
    /// in <see cref="VethOptions.PeerNamespace"/> (created there directly) or here.
    /// </summary>
    /// <param name="name">The name of this end.</param>
    /// <param name="peerName">The name of the other end.</param>
    /// <param name="options">MTUs, MACs, the peer's namespace.</param>
    /// <exception cref="NetlinkException">A name is taken in its namespace (<see cref="NetlinkException.IsExists"/>), or another failure.</exception>
    /// <remarks>Equivalent to: <c>ip link add &lt;name&gt; [mtu N] [address MAC] type veth peer name &lt;peer&gt; [mtu N] [address MAC] [netns &lt;ns&gt;]</c>.</remarks>
    public void AddVeth(string name, string peerName, VethOptions? options = null)
    {
        InterfaceName.Check(name, nameof(name));
        InterfaceName.Check(peerName, nameof(peerName));
        Span<byte> buffer = stackalloc byte[RequestBufferSize];
        int fd = options?.PeerNamespace?.FileDescriptor ?? -1;
        Execute(buffer[..VethKind.AddVeth(buffer, NextSequence(), name, peerName, options, fd)], name + "/" + peerName);
        GC.KeepAlive(options?.PeerNamespace);
    }
}
