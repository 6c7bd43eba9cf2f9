namespace Cni.Ipam.Etcd;

/// <summary>
/// Where and how <see cref="EtcdIpamStore"/> reaches etcd: the members' client URLs, the key prefix, TLS files,
/// the time limit of one store operation and the name of this node.
/// </summary>
public sealed class EtcdStoreOptions
{
    /// <summary>The prefix of every key when none is configured.</summary>
    public const string DefaultPrefix = "/cni-ipam";

    /// <summary>The time limit of one store operation when none is configured: two seconds.</summary>
    public static TimeSpan DefaultTimeout => TimeSpan.FromSeconds(2);

    /// <summary>
    /// The client URLs of the etcd members (<c>http://host:port</c> or <c>https://host:port</c>), tried in this
    /// order: a member that does not answer, or answers that it cannot serve, passes the request to the next.
    /// </summary>
    public IList<Uri> Endpoints { get; } = [];

    /// <summary>
    /// The prefix of every key (<see cref="DefaultPrefix"/> by default); a network's keys live under
    /// <c>&lt;prefix&gt;/&lt;network name&gt;/</c>. A trailing <c>/</c> is ignored.
    /// </summary>
    public string Prefix { get; set; } = DefaultPrefix;

    /// <summary>
    /// The PEM file of the CA (or CAs) that sign the members' certificates: the only roots trusted for
    /// <c>https</c> endpoints; the system's trust store is never trusted. Required for <c>https</c>.
    /// </summary>
    public string? CaFile { get; set; }

    /// <summary>The PEM file of the client certificate presented to the members, or <see langword="null"/> for none. Needs <see cref="KeyFile"/>.</summary>
    public string? CertFile { get; set; }

    /// <summary>The PEM file of the client certificate's private key. Needs <see cref="CertFile"/>.</summary>
    public string? KeyFile { get; set; }

    /// <summary>
    /// The time limit of one store operation (one <see cref="IIpamStore"/> call), across every endpoint and retry;
    /// <see cref="DefaultTimeout"/> by default. When it passes without an answer from a quorum the operation fails
    /// with <see cref="Cni.Spec.CniErrorCode.TryAgainLater"/>.
    /// </summary>
    public TimeSpan Timeout { get; set; } = DefaultTimeout;

    /// <summary>
    /// The name of this node, recorded in every lease it makes; garbage collection on a node frees only its own
    /// leases. <see langword="null"/> or empty: the host name.
    /// </summary>
    public string? NodeName { get; set; }
}
