#!/usr/bin/env python3
"""Seeds tests/Fuzz/corpus/<target>/ from the repository's real inputs (golden files, captured kernel
replies, the tests' configurations, the Go plugins' VERSION answers). Run once; the fuzz phase and the long
campaign add what they find (minimised with afl-cmin), and regressions are kept under regressions/."""
import glob, hashlib, json, os, re, subprocess, sys

root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
corpus = os.path.join(root, "tests", "Fuzz", "corpus")
VERSIONS = ["0.1.0", "0.2.0", "0.3.0", "0.3.1", "0.4.0", "1.0.0", "1.1.0"]  # CniVersion.All, in order

def put(target, data, tag="seed"):
    if isinstance(data, str):
        data = data.encode()
    d = os.path.join(corpus, target)
    os.makedirs(d, exist_ok=True)
    name = f"{tag}-{hashlib.sha1(data).hexdigest()[:12]}"
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)

def golden(path):
    with open(os.path.join(root, path)) as f:
        return json.load(f)

for e in golden("tests/Cni.Spec.Tests/Golden/network-config.outcomes.json"):
    put("netconf", e["input"]); put("settings", e["input"])
for path in ["tests/Cni.Ipam.Tests/Golden/host-local-config.outcomes.json", "tests/Cni.Plugins.Tests/Golden/bridge-settings.outcomes.json"]:
    for e in golden(path):
        put("settings", e["input"]); put("netconf", e["input"])
for e in golden("tests/Cni.Spec.Tests/Golden/result-reading.outcomes.json"):
    a = e.get("assumed")
    put("result", bytes([VERSIONS.index(a) if a in VERSIONS else len(VERSIONS)]) + e["input"].encode())
for path in glob.glob(os.path.join(root, "tests/Cni.Spec.Tests/Golden/result-*.json")):
    m = re.search(r"result-(\d+\.\d+\.\d+)\.json$", path)
    if not m:
        continue
    data, v = open(path, "rb").read(), m.group(1)
    put("result", bytes([VERSIONS.index(v)]) + data)
    put("result", bytes([len(VERSIONS)]) + data)
    # the same result as a plugin's prevResult, in a configuration
    put("netconf", '{"cniVersion":"%s","name":"n","type":"bridge","prevResult":%s}' % (v, data.decode()))

# CniError inputs: the reader test's list (its golden file holds only the outcomes).
src = open(os.path.join(root, "tests/Cni.Spec.Tests/CniErrorReaderTests.cs")).read()
for m in re.finditer(r'"""(.*?)"""', src):
    put("cnierror", m.group(1))

# Kernel replies captured from ip(8) (tests/Cni.Netlink.Tests/Vectors/replies.txt): one datagram a line.
for line in open(os.path.join(root, "tests/Cni.Netlink.Tests/Vectors/replies.txt")):
    line = line.strip()
    if line and not line.startswith("#"):
        put("rtnetlink", bytes.fromhex(line))

# nf_tables messages: the request vectors' NEWTABLE/NEWCHAIN/NEWRULE messages have the reply layout.
src = open(os.path.join(root, "tests/Cni.Netlink.Tests/Nftables/NftRequestVectorTests.cs")).read()
for m in re.finditer(r'"([0-9a-f]{40,})"', src):
    put("nfnetlink", bytes.fromhex(m.group(1)))

# VERSION answers of the Go reference plugins.
for plugin in ["bridge", "host-local", "loopback", "portmap"]:
    exe = os.path.join("/usr/lib/cni", plugin)
    if os.path.exists(exe):
        out = subprocess.run([exe], env={"CNI_COMMAND": "VERSION"}, capture_output=True).stdout
        put("versioninfo", out)
put("versioninfo", '{"cniVersion":"1.1.0","supportedVersions":["0.1.0","0.2.0","0.3.0","0.3.1","0.4.0","1.0.0","1.1.0"]}')
put("versioninfo", '{"cniVersion":"0.2.0","supportedVersions":["0.1.0","0.2.0"]}')
put("versioninfo", '{"cniVersion":"0.1.0"}')

for text in ["", "IgnoreUnknown=1;IP=10.1.0.5", "K8S_POD_NAMESPACE=default;K8S_POD_NAME=web-0;K8S_POD_INFRA_CONTAINER_ID=abc;K8S_POD_UID=1-2",
             "IP=10.1.0.5,fd00::5;MAC=0a:58:0a:01:00:05", "a=b=c;;=x", "IgnoreUnknown=true;FOO=bar"]:
    put("cniargs", text)

for text in ["FLANNEL_NETWORK=10.244.0.0/16\nFLANNEL_SUBNET=10.244.1.1/24\nFLANNEL_MTU=1450\nFLANNEL_IPMASQ=true\n",
             "FLANNEL_NETWORK=10.244.0.0/16\nFLANNEL_SUBNET=10.244.1.1/24\nFLANNEL_IPV6_NETWORK=fd00:10:244::/56\nFLANNEL_IPV6_SUBNET=fd00:10:244:1::1/64\nFLANNEL_MTU=1450\nFLANNEL_IPMASQ=false\n",
             "FLANNEL_NETWORK=10.244.0.0/16,10.245.0.0/16\r\nFLANNEL_SUBNET=10.244.1.1/24\r\nFLANNEL_MTU=8951\r\n"]:
    put("subnetenv", text)

for text in ["nameserver 10.0.0.10\nsearch default.svc.cluster.local svc.cluster.local cluster.local\noptions ndots:5\n",
             "# comment\n; other\ndomain example.org\nnameserver 192.0.2.53\nnameserver 2001:db8::53\nsearch a b\toptions rotate timeout:1\n",
             "nameserver\n  nameserver   127.0.0.53  \r\noptions edns0 trust-ad\nsearch .\n"]:
    put("resolvconf", text)

# host-local's files: flags byte, then owner index NUL lease file NUL last_reserved_ip.0.
header = b"# cni-ipam owner index v2: which lease belongs to whom, for our host-local (a cache; safe to delete)\n"
for flags in [0, 1]:
    put("hostlocal-store", bytes([flags]) + header + b"+10.1.2.3 c1 eth0\n\0c1\r\neth0\0" + b"10.1.2.3")
    put("hostlocal-store", bytes([flags]) + header + b"-10.1.2.4 c1 eth0\n+10.1.2.3 c1\n\0c1\0" + b"10.1.2.3\n")
    put("hostlocal-store", bytes([flags]) + header + b"+10.1.2.3 c2 net1\n\0c2\r\nnet1\0fd00::9")

lists = [
    '{"cniVersion":"1.0.0","name":"k8s-pod-network","plugins":[{"type":"bridge","bridge":"cni0","isGateway":true,"ipMasq":true,"ipam":{"type":"host-local","ranges":[[{"subnet":"10.1.0.0/24"}]],"routes":[{"dst":"0.0.0.0/0"}]}},{"type":"portmap","capabilities":{"portMappings":true}}]}',
    '{"cniVersion":"0.3.1","cniVersions":["0.3.1","1.0.0","1.1.0"],"name":"cbr0","disableCheck":true,"plugins":[{"type":"flannel","delegate":{"hairpinMode":true,"isDefaultGateway":true}},{"type":"portmap","capabilities":{"portMappings":true}}]}',
    '{"cniVersion":"1.1.0","name":"gc","disableGC":true,"loadOnlyInlinedPlugins":true,"plugins":[{"type":"loopback"}]}',
    '{"cniVersion":"0.4.0","name":"dbnet","plugins":[{"type":"bridge","bridge":"cni0","ipam":{"type":"host-local","subnet":"10.1.0.0/16","gateway":"10.1.0.1"},"dns":{"nameservers":["10.1.0.1"]}},{"type":"tuning","sysctl":{"net.core.somaxconn":"500"}}]}',
]
for text in lists:
    put("conflist", text)
print("seeded", {t: len(os.listdir(os.path.join(corpus, t))) for t in sorted(os.listdir(corpus))})
