using System.Net;
using Cni.Spec;

namespace Cni.Ipam;

/// <summary>
/// Who holds a lease: a container and one of its interfaces. An owner without an interface name stands for
/// a lease written by an old reference plugin, whose file holds only the container ID.
/// </summary>
/// <param name="ContainerId">The container ID (<c>CNI_CONTAINERID</c>).</param>
/// <param name="IfName">The interface name (<c>CNI_IFNAME</c>), or <see langword="null"/> for a legacy, ID-only lease.</param>
public readonly record struct LeaseOwner(string ContainerId, string? IfName)
{
    /// <summary>Whether this is a legacy owner, recorded without an interface name.</summary>
    public bool IsLegacy => IfName is null;

    /// <summary>Whether a lease recorded for this owner belongs to the attachment (<paramref name="containerId"/>, <paramref name="ifName"/>):
    /// the same container and interface, or the same container for a legacy lease.</summary>
    /// <param name="containerId">The attachment's container ID.</param>
    /// <param name="ifName">The attachment's interface name.</param>
    /// <returns><see langword="true"/> when it does.</returns>
    public bool Matches(string containerId, string ifName) =>
        string.Equals(ContainerId, containerId, StringComparison.Ordinal) &&
        (IfName is null || string.Equals(IfName, ifName, StringComparison.Ordinal));

    /// <summary>The owner as the reference writes it into a lease file: <c>id\r\nifname</c>, or the bare ID for a legacy owner.</summary>
    /// <returns>The text.</returns>
    public override string ToString() => IfName is null ? ContainerId : ContainerId + "\r\n" + IfName;

    /// <summary>
    /// Checks the owner before a store records it, with the specification's rules (<see cref="ConfigRules"/>): a
    /// container ID is never empty and has no line break, so the record reads back as written.
    /// </summary>
    internal void Validate()
    {
        ConfigRules.ValidateContainerId(ContainerId);
        if (IfName is not null)
        {
            ConfigRules.ValidateInterfaceName(IfName);
        }
    }
}

/// <summary>One reserved address and its owner.</summary>
/// <param name="Address">The reserved address.</param>
/// <param name="Owner">Who holds it.</param>
public sealed record Lease(IPAddress Address, LeaseOwner Owner);

/// <summary>The result of allocating one address from one range set.</summary>
/// <param name="Address">The allocated address.</param>
/// <param name="Subnet">The subnet of the range the address came from; its prefix length goes with the address.</param>
/// <param name="Gateway">The gateway of that range.</param>
/// <param name="RangeSetIndex">The index of the range set in the configuration (the reference's range ID).</param>
public sealed record IpAllocation(IPAddress Address, IPNetwork Subnet, IPAddress Gateway, int RangeSetIndex)
{
    /// <summary>The prefix length to configure with <see cref="Address"/>.</summary>
    public int PrefixLength => Subnet.PrefixLength;

    /// <summary>The address with its prefix, e.g. <c>10.244.1.2/24</c>, as CNI results carry it.</summary>
    /// <returns>The text.</returns>
    public override string ToString() => $"{IpAddressMath.Format(Address)}/{PrefixLength}";
}
