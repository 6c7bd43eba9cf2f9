using System.Net;

namespace Cni.Ipam.Etcd;

/// <summary>One lease as the etcd store records it: the address, its owner, the node that made it and its range set.</summary>
/// <param name="Address">The reserved address.</param>
/// <param name="Owner">Who holds it.</param>
/// <param name="Node">The <see cref="EtcdStoreOptions.NodeName"/> of the node that reserved it.</param>
/// <param name="RangeSetIndex">The index of the range set it was reserved in.</param>
public sealed record EtcdLease(IPAddress Address, LeaseOwner Owner, string Node, int RangeSetIndex);
