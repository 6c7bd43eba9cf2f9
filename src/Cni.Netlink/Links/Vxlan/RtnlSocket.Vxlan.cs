namespace Cni.Netlink;

public sealed partial class RtnlSocket
{
    /// <summary>Creates a VXLAN device.</summary>
    /// <param name="name">The device name.</param>
    /// <param name="options">VNI, local address, underlying device, port, learning.</param>
    /// <exception cref="NetlinkException">It exists already (<see cref="NetlinkException.IsExists"/>), or another failure.</exception>
    /// <remarks>Equivalent to: <c>ip link add &lt;name&gt; type vxlan id &lt;vni&gt; [local IP] [dev DEV] [dstport PORT] [nolearning]</c>.</remarks>
    public void AddVxlan(string name, VxlanOptions options)
    {
        InterfaceName.Check(name, nameof(name));
        ArgumentNullException.ThrowIfNull(options);
        Span<byte> buffer = stackalloc byte[RequestBufferSize];
        Execute(buffer[..VxlanKind.AddVxlan(buffer, NextSequence(), name, options)], name);
    }
}
