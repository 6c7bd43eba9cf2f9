using Cni.Ipam;
using Cni.Ipam.Etcd;
using Cni.Spec;

namespace Cni.Plugins.ClusterLocal;

/// <summary>
/// cluster-local's configuration: host-local's (<see cref="HostLocalConfig"/>: ranges, range sets, routes,
/// requested addresses, resolvConf, read and checked there, with the same results) and, inside <c>ipam</c>, the
/// shared store (<c>etcd</c>) and the name this node records in its leases (<c>nodeName</c>).
/// </summary>
/// <remarks>
/// Every error names the key it is about, with code 7 (<see cref="CniErrorCode.InvalidNetworkConfig"/>), or
/// code 6 for a value of the wrong JSON type. The files named by <c>ipam.etcd.tls</c> are read by the store, which
/// names a missing or unusable one in its error.
/// </remarks>
internal sealed class ClusterLocalConfig
{
    private ClusterLocalConfig(HostLocalConfig hostLocal, EtcdStoreOptions etcd, string nodeName)
    {
        HostLocal = hostLocal;
        Etcd = etcd;
        NodeName = nodeName;
    }

    /// <summary>host-local's part: range sets, routes, requested addresses, DNS.</summary>
    public HostLocalConfig HostLocal { get; }

    /// <summary>How to reach the store (<see cref="NodeName"/> included).</summary>
    public EtcdStoreOptions Etcd { get; }

    /// <summary>The node recorded with every lease this node makes; GC frees only these.</summary>
    public string NodeName { get; }

    /// <summary>Reads and checks a request's configuration: host-local's keys first (their errors as host-local's), then ours.</summary>
    /// <exception cref="CniException">See the remarks of <see cref="ClusterLocalConfig"/>.</exception>
    public static ClusterLocalConfig Load(NetworkConfig config, CniArgs args)
    {
        HostLocalConfig hostLocal = HostLocalConfig.Load(config, args);
        ClusterLocalIpamSettings ipam = ClusterLocalNetConf.Read(config).Ipam ?? throw Invalid("IPAM config missing 'ipam' key");
        EtcdStoreOptions etcd = ValidateEtcd(ipam);
        etcd.NodeName = ValidateNodeName(ipam.NodeName);
        return new ClusterLocalConfig(hostLocal, etcd, etcd.NodeName);
    }

    /// <summary>The network's lease store in etcd, which the caller disposes; no connection is made before its first operation.</summary>
    public EtcdIpamStore OpenStore() => new(Etcd, HostLocal.NetworkName);

    private static EtcdStoreOptions ValidateEtcd(ClusterLocalIpamSettings ipam)
    {
        EtcdSettings etcd = ipam.Etcd ?? throw Invalid(ipam.HasEtcd
            ? "ipam.etcd is null: give it an object with \"endpoints\""
            : "ipam.etcd missing: cluster-local keeps its leases in etcd; give ipam.etcd.endpoints (a list of http:// or https:// URLs)");
        if (etcd.UnknownKey is string unknown)
        {
            throw Invalid($"unknown key {unknown[2..]}: ipam.etcd has endpoints, prefix, tls and timeout");
        }

        if (etcd.Endpoints is not { Count: > 0 } endpoints)
        {
            throw Invalid("ipam.etcd.endpoints missing or empty: give at least one http:// or https:// URL of an etcd member");
        }

        List<Uri> uris = [];
        for (int i = 0; i < endpoints.Count; i++)
        {
            string? text = endpoints[i];
            if (string.IsNullOrEmpty(text)
                || !Uri.TryCreate(text, UriKind.Absolute, out Uri? uri)
                || uri.Scheme is not ("http" or "https")
                || uri.Host.Length == 0
                || uri.AbsolutePath != "/"
                || uri.Query.Length != 0
                || uri.UserInfo.Length != 0)
            {
                throw Invalid($"invalid ipam.etcd.endpoints[{i}] \"{text}\": write an http:// or https:// URL of an etcd member, such as https://10.0.0.1:2379, without path or credentials");
            }

            uris.Add(uri);
        }

        bool https = uris.Any(u => u.Scheme == "https");
        if (https && uris.Any(u => u.Scheme == "http"))
        {
            throw Invalid("ipam.etcd.endpoints mixes http:// and https:// URLs: use one scheme for every member");
        }

        string prefix = etcd.Prefix ?? EtcdStoreOptions.DefaultPrefix;
        if (prefix.Length == 0 || prefix.Contains('\0', StringComparison.Ordinal))
        {
            throw Invalid($"invalid ipam.etcd.prefix \"{prefix}\": give a non-empty key prefix such as \"{EtcdStoreOptions.DefaultPrefix}\"");
        }

        TimeSpan timeout = etcd.Timeout ?? EtcdStoreOptions.DefaultTimeout;
        if (timeout <= TimeSpan.Zero || timeout > TimeSpan.FromMinutes(10))
        {
            throw Invalid($"invalid ipam.etcd.timeout {timeout.TotalMilliseconds} ms: give a duration above 0 and at most 10m");
        }

        TlsSettings? tls = etcd.Tls;
        if (tls?.UnknownKey is string unknownTls)
        {
            throw Invalid($"unknown key {unknownTls[2..]}: ipam.etcd.tls has caFile, certFile and keyFile");
        }

        if (tls is not null && !https)
        {
            throw Invalid("ipam.etcd.tls is set but ipam.etcd.endpoints are http:// URLs: write https:// endpoints, or remove tls");
        }

        if (https && string.IsNullOrEmpty(tls?.CaFile))
        {
            throw Invalid("ipam.etcd.tls.caFile missing: https:// endpoints are trusted only through the CA certificate this file holds");
        }

        if (string.IsNullOrEmpty(tls?.CertFile) != string.IsNullOrEmpty(tls?.KeyFile))
        {
            throw Invalid(string.IsNullOrEmpty(tls!.CertFile)
                ? "ipam.etcd.tls.keyFile is set without ipam.etcd.tls.certFile: give both or neither"
                : "ipam.etcd.tls.certFile is set without ipam.etcd.tls.keyFile: give both or neither");
        }

        var options = new EtcdStoreOptions
        {
            Prefix = prefix,
            Timeout = timeout,
            CaFile = NonEmpty(tls?.CaFile),
            CertFile = NonEmpty(tls?.CertFile),
            KeyFile = NonEmpty(tls?.KeyFile),
        };
        foreach (Uri uri in uris)
        {
            options.Endpoints.Add(uri);
        }

        return options;
    }

    private static string? NonEmpty(string? text) => string.IsNullOrEmpty(text) ? null : text;

    /// <summary>The node's name: <c>ipam.nodeName</c>, or the host name. It is part of lease records, so it is one line of printable text.</summary>
    private static string ValidateNodeName(string? written)
    {
        string name = written ?? Environment.MachineName;
        if (name.Length == 0 || name.Length > 253 || name.Any(c => char.IsControl(c) || char.IsWhiteSpace(c) || c == '/'))
        {
            throw Invalid(written is null
                ? $"the host name \"{name}\" cannot name this node: set ipam.nodeName"
                : $"invalid ipam.nodeName \"{name}\": give 1 to 253 characters without spaces, control characters or '/'");
        }

        return name;
    }

    private static CniException Invalid(string message) => new(CniErrorCode.InvalidNetworkConfig, message);
}
