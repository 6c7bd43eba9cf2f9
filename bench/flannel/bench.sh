#!/usr/bin/env bash
# Benchmark: the flannel chain a runtime runs on a flannel node, ours against the Go bridge/host-local.
#
#   bench/flannel/bench.sh [N]        (root; N interleaved cycles per variant, default 40)
#
# Three variants, each in the same throwaway "node" namespace with a bridge and a subnet.env of its own,
# interleaved cycle by cycle (a fresh pod namespace per cycle; ADD, then DEL):
#   ours    our flannel -> our bridge -> our host-local
#   go      our flannel -> Go bridge  -> Go host-local (/usr/lib/cni; the Go flannel plugin is not packaged
#           for Debian, so the Go side of the chain starts at the bridge)
#   direct  our bridge -> our host-local, called with the configuration flannel renders (flannel's own
#           cost is "ours" minus "direct")
# Each time is taken inside the node namespace around the plugin's process alone. Nothing outside the
# namespaces it creates is touched; they are removed at the end, also on failure.
set -euo pipefail
cd "$(dirname "$0")/../.."
N=${1:-40}
bin=$PWD/artifacts/cni-bin
[ "$(id -u)" = 0 ] || { echo "run as root (network namespaces)" >&2; exit 1; }
for p in flannel bridge host-local; do [ -x "$bin/$p" ] || { echo "missing $bin/$p: run eng/publish.sh first" >&2; exit 1; }; done
[ -x /usr/lib/cni/bridge ] || { echo "missing /usr/lib/cni/bridge: apt-get install containernetworking-plugins" >&2; exit 1; }

. "$(dirname "$0")/../bench-common.sh"
bench_node cnibenchfl

mkdir -p "$work/bin-ours" "$work/bin-go"
ln -s "$bin/bridge" "$work/bin-ours/bridge"; ln -s "$bin/host-local" "$work/bin-ours/host-local"
ln -s /usr/lib/cni/bridge "$work/bin-go/bridge"; ln -s /usr/lib/cni/host-local "$work/bin-go/host-local"

flannel_conf() { # variant bridge octet
  printf 'FLANNEL_NETWORK=10.%s.0.0/16\nFLANNEL_SUBNET=10.%s.1.1/24\nFLANNEL_MTU=1450\nFLANNEL_IPMASQ=true\n' "$3" "$3" >"$work/$1.env"
  printf '{"cniVersion":"1.0.0","name":"bench-%s","type":"flannel","subnetFile":"%s/%s.env","dataDir":"%s/%s-flannel","ipam":{"dataDir":"%s/%s-ipam"},"delegate":{"bridge":"%s"}}' \
    "$1" "$work" "$1" "$work" "$1" "$work" "$1" "$2"
}
conf_ours=$(flannel_conf ours brfo 81)
conf_go=$(flannel_conf go brfg 82)
# What flannel renders for the direct variant's network (keys sorted, as the saved file has them).
conf_direct=$(printf '{"bridge":"brfd","cniVersion":"1.0.0","ipMasq":false,"ipam":{"dataDir":"%s/direct-ipam","ranges":[[{"subnet":"10.83.1.0/24"}]],"routes":[{"dst":"10.83.0.0/16"}],"type":"host-local"},"isGateway":true,"mtu":1450,"name":"bench-direct","type":"bridge"}' "$work")

cat >"$work/cycle.sh" <<'EOF'
set -euo pipefail
variant=$1 plugin=$2 path=$3 conf=$4 pod=$5
export CNI_CONTAINERID=$pod CNI_NETNS=/run/netns/$pod CNI_IFNAME=eth0 CNI_PATH=$path
ip netns add "$pod"
t() { local s=$EPOCHREALTIME; CNI_COMMAND=$1 "$plugin" <<<"$2" >"$out" 2>/dev/null || { echo "$variant $1 failed: $(cat "$out")" >&2; exit 1; }; local e=$EPOCHREALTIME; echo "$variant $1 $(( ${e/./} - ${s/./} ))"; }
out=$(mktemp)
t ADD "$conf"
t DEL "$conf"
rm -f "$out"
ip netns del "$pod"
EOF

echo "== $N interleaved ADD/DEL cycles per variant (fresh pod namespace per cycle)"
: >"$work/times"
for i in $(seq 1 "$N"); do
  ip netns exec "$node" bash "$work/cycle.sh" ours "$bin/flannel" "$work/bin-ours" "$conf_ours" "$tag-o$i" >>"$work/times"
  ip netns exec "$node" bash "$work/cycle.sh" go "$bin/flannel" "$work/bin-go" "$conf_go" "$tag-g$i" >>"$work/times"
  ip netns exec "$node" bash "$work/cycle.sh" direct "$bin/bridge" "$work/bin-ours" "$conf_direct" "$tag-d$i" >>"$work/times"
done

median() { # variant verb -> ms
  awk -v i="$1" -v v="$2" '$1==i && $2==v {print $3}' "$work/times" | sort -n | awk '{a[NR]=$1} END {
    m = (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2; printf "%.2f", m/1000 }'
}
printf '\n%-6s %22s %22s %14s %22s\n' verb "flannel>ours>ours (ms)" "flannel>Go>Go (ms)" "ours/go" "flannel's own (ms)"
for verb in ADD DEL; do
  o=$(median ours $verb); g=$(median go $verb); d=$(median direct $verb)
  awk -v v=$verb -v o="$o" -v g="$g" -v d="$d" 'BEGIN {printf "%-6s %22.2f %22.2f %13.2fx %22.2f\n", v, o, g, o/g, o-d}'
done
echo "(medians; 'flannel's own' = our chain minus our bridge called directly with the rendered configuration, median $(median direct ADD) ms ADD, $(median direct DEL) ms DEL)"
