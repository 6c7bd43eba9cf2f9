#!/usr/bin/env bash
# Two flannel nodes on one machine: the VXLAN overlay flanneld builds, and a pod on each node wired by
# our plugins as a runtime would (loopback, then the pod network), pinging each other across the nodes
# in IPv4 and IPv6, then taken down.
#
#   pod1 10.244.1.x, fd00:10:244:1::x                      pod2 10.244.2.x, fd00:10:244:2::x
#     |  eth0 - veth - cni0 10.244.1.1/24                     |  eth0 - veth - cni0 10.244.2.1/24
#   node1  flannel.1    10.244.1.0/32  VNI 1, port 8472     node2  flannel.1    10.244.2.0/32
#          flannel-v6.1 fd00:10:244:1::/128                        flannel-v6.1 fd00:10:244:2::/128
#          eth0 192.168.250.1/24, fd00:250::1/64 ---- veth ---- eth0 192.168.250.2/24, fd00:250::2/64
#
# Nothing touches this machine's own network: four network namespaces play the nodes and the pods, and
# they are removed at the end, also on failure. Traffic only flows between them. What flanneld programs
# on each node (the VTEPs, and for the other node a route, a neighbour and an FDB entry) is done here
# with ip and bridge; subnet.env is written as flanneld writes it.
#
# The pod network is our flannel plugin, reading subnet.env and delegating to our bridge, which
# delegates to our host-local.
set -euo pipefail
cd "$(dirname "$0")/.."
. eng/demo-common.sh
demo_prepare
bin=$PWD/artifacts/cni-bin
for p in loopback flannel bridge host-local; do
  [ -x "$bin/$p" ] || { echo "our $p plugin was not published" >&2; exit 1; }
done

demo_workspace cnifl


# A VTEP's packet counters: "rx N tx M".
counters() { # node device
  ip -n "$1" -s -j link show dev "$2" | grep -o '"rx":{[^}]*}\|"tx":{[^}]*}' | sed 's/"\(..\)":{"bytes":[0-9]*,"packets":\([0-9]*\).*/\1 \2/' | tr '\n' ' '
}

node() { echo "$tag-node$1"; }
pod() { echo "$tag-pod$1"; }
for n in 1 2; do
  for ns in "$(node $n)" "$(pod $n)"; do ip netns add "$ns"; namespaces+=("$ns"); done
done

echo "== the underlay: a veth pair eth0 -- eth0 between $(node 1) and $(node 2)"
ip -n "$(node 1)" link add eth0 type veth peer name eth0 netns "$(node 2)"
for n in 1 2; do
  ip -n "$(node $n)" addr add "192.168.250.$n/24" dev eth0
  ip -n "$(node $n)" addr add "fd00:250::$n/64" dev eth0 nodad
  ip -n "$(node $n)" link set eth0 up
  ip -n "$(node $n)" link set lo up
done

echo "== what flanneld does on each node: the VTEPs (VNI 1, port 8472, no learning) and subnet.env"
for n in 1 2; do
  nd=$(node $n)
  ip -n "$nd" link add flannel.1 mtu 1450 type vxlan id 1 local "192.168.250.$n" dev eth0 dstport 8472 nolearning
  ip -n "$nd" addr add "10.244.$n.0/32" dev flannel.1
  ip -n "$nd" link set flannel.1 up
  ip -n "$nd" link add flannel-v6.1 mtu 1430 type vxlan id 1 local "fd00:250::$n" dev eth0 dstport 8472 nolearning
  ip -n "$nd" addr add "fd00:10:244:$n::/128" dev flannel-v6.1 nodad
  ip -n "$nd" link set flannel-v6.1 up
  mkdir -p "$work/node$n"
  printf '%s\n' FLANNEL_NETWORK=10.244.0.0/16 "FLANNEL_SUBNET=10.244.$n.1/24" \
    FLANNEL_IPV6_NETWORK=fd00:10:244::/56 "FLANNEL_IPV6_SUBNET=fd00:10:244:$n::1/64" \
    FLANNEL_MTU=1450 FLANNEL_IPMASQ=true >"$work/node$n/subnet.env"
done
echo "== and for the other node: a route via its VTEP (onlink), a neighbour and an FDB entry"
for n in 1 2; do
  r=$((3 - n)) nd=$(node $n)
  mac=$(ip -n "$(node $r)" -br link show dev flannel.1 | awk '{print $3}')
  mac6=$(ip -n "$(node $r)" -br link show dev flannel-v6.1 | awk '{print $3}')
  ip -n "$nd" route add "10.244.$r.0/24" via "10.244.$r.0" dev flannel.1 onlink
  ip -n "$nd" neigh replace "10.244.$r.0" lladdr "$mac" dev flannel.1 nud permanent
  bridge -n "$nd" fdb replace "$mac" dev flannel.1 dst "192.168.250.$r" self permanent
  ip -n "$nd" -6 route add "fd00:10:244:$r::/64" via "fd00:10:244:$r::" dev flannel-v6.1 onlink
  ip -n "$nd" -6 neigh replace "fd00:10:244:$r::" lladdr "$mac6" dev flannel-v6.1 nud permanent
  bridge -n "$nd" fdb replace "$mac6" dev flannel-v6.1 dst "fd00:250::$r" self permanent
done
for n in 1 2; do
  echo "  node$n:"
  for dev in flannel.1 flannel-v6.1; do
    printf '    %-13s %s, %s\n' "$dev" "$(ip -n "$(node $n)" -br addr show dev "$dev" | awk '{print $3}')" \
      "$(ip -n "$(node $n)" -d link show dev "$dev" | grep -o 'vxlan id [0-9]* local [^ ]* dev [^ ]*\|dstport [0-9]*\|nolearning' | tr '\n' ' ')"
  done
  ip -n "$(node $n)" route show dev flannel.1 | sed 's/^/    route /'
  ip -n "$(node $n)" -6 route show dev flannel-v6.1 | grep onlink | sed 's/^/    route /'
  ip -n "$(node $n)" neigh show dev flannel.1 | sed 's/^/    neigh /'
  ip -n "$(node $n)" -6 neigh show dev flannel-v6.1 | grep -v '^fe80' | sed 's/^/    neigh /'
  bridge -n "$(node $n)" fdb show dev flannel.1 | sed 's/^/    fdb   /'
  bridge -n "$(node $n)" fdb show dev flannel-v6.1 | sed 's/^/    fdb   /'
done

# The pod network call for node $1, as a node admin configures flannel there: sets plugin and config.
pod_network() { # node-number
  local n=$1
  plugin=flannel
  config="{\"cniVersion\":\"1.0.0\",\"name\":\"cbr0\",\"type\":\"flannel\",\"subnetFile\":\"$work/node$n/subnet.env\",\"dataDir\":\"$work/node$n/flannel\",\"ipam\":{\"dataDir\":\"$work/node$n/ipam\"}}"
}
lo='{"cniVersion":"1.0.0","name":"cbr0","type":"loopback"}'

# Runs one of our plugins inside node $1's namespace for pod $1, as a runtime would; the result goes to $result.
call() { # node-number plugin verb ifname config
  local n=$1 plugin=$2 verb=$3 ifname=$4 config=$5 rc
  result=$(ip netns exec "$(node "$n")" env -i PATH="$PATH" CNI_COMMAND="$verb" CNI_CONTAINERID="pod$n" \
    CNI_NETNS="/run/netns/$(pod "$n")" CNI_IFNAME="$ifname" CNI_PATH="$bin" "$bin/$plugin" <<<"$config") && rc=0 || rc=$?
  printf '  node%s %-6s %-9s exit %d\n' "$n" "$verb" "$plugin" "$rc"
  if [ "$rc" != 0 ]; then echo "$result" >&2; return "$rc"; fi
}

pod_network 1
echo "== ADD (loopback, then $plugin) for a pod on each node"
declare -A results
for n in 1 2; do
  call "$n" loopback ADD lo "$lo"
  pod_network "$n"
  call "$n" "$plugin" ADD eth0 "$config"
  results[$n]=$result
done
addr() { grep -o '"address": "[^"]*' <<<"${results[$1]}" | cut -d'"' -f4 | grep "$2" | head -1 | cut -d/ -f1; }
echo "== each pod's addresses and routes"
for n in 1 2; do
  echo "  pod$n (on node$n):"
  ip -n "$(pod $n)" -br addr show dev eth0 | sed 's/^/    /'
  ip -n "$(pod $n)" route | sed 's/^/    /'
  ip -n "$(pod $n)" -6 route | grep -v '^fe80' | sed 's/^/    /'
done
echo "== ping across the nodes"
# A node sends its neighbour solicitations for a pod from cni0's link-local address: wait until the fresh
# cni0 has finished DAD for it, as any real node's long-lived cni0 has.
for n in 1 2; do
  for _ in $(seq 50); do
    ip -n "$(node $n)" -6 addr show dev cni0 scope link | grep -q 'inet6' && ! ip -n "$(node $n)" -6 addr show dev cni0 tentative | grep -q inet6 && break
    sleep 0.1
  done
done
before1=$(counters "$(node 1)" flannel.1) before61=$(counters "$(node 1)" flannel-v6.1)
echo "  pod1 -> pod2 $(addr 2 '\.'): $(ping_in "$(pod 1)" "$(addr 2 '\.')")"
echo "  pod2 -> pod1 $(addr 1 '\.'): $(ping_in "$(pod 2)" "$(addr 1 '\.')")"
echo "  pod1 -> pod2 $(addr 2 ':'): $(ping_in "$(pod 1)" "$(addr 2 ':')")"
echo "  pod2 -> pod1 $(addr 1 ':'): $(ping_in "$(pod 2)" "$(addr 1 ':')")"
echo "  node1 flannel.1 packets:    before ${before1}-> after $(counters "$(node 1)" flannel.1)"
echo "  node1 flannel-v6.1 packets: before ${before61}-> after $(counters "$(node 1)" flannel-v6.1)"

echo "== CHECK and DEL"
for n in 1 2; do
  pod_network "$n"
  call "$n" "$plugin" CHECK eth0 "${config%\}},\"prevResult\":${results[$n]}}"
  call "$n" "$plugin" DEL eth0 "$config"
  call "$n" loopback DEL lo "$lo"
  echo "  left on node$n: $(ip -n "$(node $n)" -br link show | awk '{print $1}' | grep -v '^lo$' | cut -d@ -f1 | tr '\n' ' ')(the bridge stays, as with the reference); leases left: $(find "$work/node$n/ipam/cbr0" -maxdepth 1 -type f -not -name lock -not -name 'last_reserved_ip*' -not -name '.*' | wc -l); saved delegate files left: $(find "$work/node$n/flannel" -type f 2>/dev/null | wc -l)"
done
echo "== done: namespaces removed"
