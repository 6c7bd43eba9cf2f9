#!/usr/bin/env bash
# Benchmark: ADD and DEL with ipMasq, our NativeAOT bridge with our host-local against the Go reference
# bridge (/usr/lib/cni/bridge, iptables backend: it runs iptables and ip6tables) with the Go host-local.
#
#   bench/bridge-masq/bench.sh [N]     (root; N interleaved cycles per plugin, default 40)
#
# Both run in one throwaway "node" namespace, each with a bridge of its own (brmo / brmg), dual stack
# (an IPv4 and an IPv6 address per pod, so one masquerade rule per family), ipMasq on. Every cycle makes
# a fresh pod namespace and runs ADD then DEL; the cycles of ours and of the reference alternate, so load
# from elsewhere hits both alike. Each time is taken inside the node namespace around the plugin's
# process alone (its IPAM child and, for the reference, its iptables children included). Then the
# processes each verb executes (strace -f -e trace=execve, one cycle each), and a check that no rule of
# any pod is left in the node. Nothing outside the namespaces it creates is touched; they are removed
# at the end, also on failure.
set -euo pipefail
cd "$(dirname "$0")/../.."
N=${1:-40}
OURS=${OURS:-$PWD/artifacts/cni-bin/bridge}
OURS_IPAM=${OURS_IPAM:-$PWD/artifacts/cni-bin/host-local}
GO=${GO:-/usr/lib/cni/bridge}
GO_IPAM=${GO_IPAM:-/usr/lib/cni/host-local}
[ "$(id -u)" = 0 ] || { echo "run as root (network namespaces)" >&2; exit 1; }
for b in "$OURS" "$OURS_IPAM"; do [ -x "$b" ] || { echo "missing $b: run eng/publish.sh first" >&2; exit 1; }; done
for b in "$GO" "$GO_IPAM"; do [ -x "$b" ] || { echo "missing $b: apt-get install containernetworking-plugins" >&2; exit 1; }; done
command -v iptables >/dev/null || { echo "the Go bridge needs iptables: apt-get install iptables" >&2; exit 1; }

. "$(dirname "$0")/../bench-common.sh"
bench_node cnibmasq

mkdir -p "$work/bin-ours" "$work/bin-go"
ln -s "$OURS_IPAM" "$work/bin-ours/host-local"
ln -s "$GO_IPAM" "$work/bin-go/host-local"

conf() { # impl bridge v4-subnet v6-subnet
  printf '{"cniVersion":"1.0.0","name":"bench-%s","type":"bridge","bridge":"%s","isGateway":true,"isDefaultGateway":true,"ipMasq":true,"ipam":{"type":"host-local","dataDir":"%s/data","ranges":[[{"subnet":"%s"}],[{"subnet":"%s"}]]}}' \
    "$1" "$2" "$work" "$3" "$4"
}
conf_ours=$(conf ours brmo 10.94.0.0/16 fd94::/64)
conf_go=$(conf go brmg 10.95.0.0/16 fd95::/64)

# The measuring loop runs inside the node namespace; it prints "impl verb microseconds" lines.
cat >"$work/cycle.sh" <<'EOS'
set -euo pipefail
impl=$1 plugin=$2 path=$3 conf=$4 pod=$5 trace=${6:-}
export CNI_CONTAINERID=$pod CNI_NETNS=/run/netns/$pod CNI_IFNAME=eth0 CNI_PATH=$path
ip netns add "$pod"
out=$(mktemp)
t() {
  local run=("$plugin")
  [ -n "$trace" ] && run=(strace -f -qq -e trace=execve -o "$trace.$1" "$plugin")
  local s=$EPOCHREALTIME
  CNI_COMMAND=$1 "${run[@]}" <<<"$2" >"$out" || { echo "$impl $1 failed: $(cat "$out")" >&2; exit 1; }
  local e=$EPOCHREALTIME
  echo "$impl $1 $(( ${e/./} - ${s/./} ))"
}
t ADD "$conf"
t DEL "$conf"
rm -f "$out"
ip netns del "$pod"
EOS

echo "== $N interleaved ADD/DEL cycles each, ipMasq on, dual stack (ours: our bridge + our host-local; go: Go bridge + Go host-local)"
: >"$work/times"
for i in $(seq 1 "$N"); do
  ip netns exec "$node" bash "$work/cycle.sh" ours "$OURS" "$work/bin-ours" "$conf_ours" "$tag-o$i" >>"$work/times"
  ip netns exec "$node" bash "$work/cycle.sh" go "$GO" "$work/bin-go" "$conf_go" "$tag-g$i" >>"$work/times"
done

# Median and p95 (nearest rank) per implementation and verb.
stats() { # impl verb -> "median p95" in ms
  awk -v i="$1" -v v="$2" '$1==i && $2==v {print $3}' "$work/times" | sort -n | awk '{a[NR]=$1} END {
    m = (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2; p = a[int(NR*0.95 + 0.999)]; printf "%.2f %.2f", m/1000, p/1000 }'
}
printf '\n%-6s %12s %12s %12s %12s %10s %10s %8s %s\n' verb "ours median" "ours p95" "go median" "go p95" "median" "p95" target ""
printf '%-6s %12s %12s %12s %12s %10s %10s %8s %s\n' "" "(ms)" "(ms)" "(ms)" "(ms)" "ours/go" "ours/go" "(median)" ""
for verb in ADD DEL; do
  target=0.35; [ $verb = DEL ] && target=0.3
  read -r om op <<<"$(stats ours $verb)"
  read -r gm gp <<<"$(stats go $verb)"
  awk -v v=$verb -v om="$om" -v op="$op" -v gm="$gm" -v gp="$gp" -v t="$target" 'BEGIN {
    r = om/gm; printf "%-6s %12.2f %12.2f %12.2f %12.2f %9.2fx %9.2fx %7sx %s\n", v, om, op, gm, gp, r, op/gp, t, (r <= t ? "met" : "missed") }'
done

# What each verb executes: ours only its IPAM plugin, the reference also iptables.
echo
echo "== processes executed per verb (strace -f -e trace=execve, one cycle each; the plugin itself not counted)"
ip netns exec "$node" bash "$work/cycle.sh" ours "$OURS" "$work/bin-ours" "$conf_ours" "$tag-so" "$work/trace-ours" >/dev/null
ip netns exec "$node" bash "$work/cycle.sh" go "$GO" "$work/bin-go" "$conf_go" "$tag-sg" "$work/trace-go" >/dev/null
for impl in ours go; do
  for verb in ADD DEL; do
    f="$work/trace-$impl.$verb"
    count=$(grep -c 'execve(' "$f" || true)
    progs=$(grep -o 'execve("[^"]*"' "$f" | sed 's/execve("//; s/"$//' | tail -n +2 | xargs -rn1 basename | sort | uniq -c | awk '{printf "%s%s x%s", (NR>1?", ":""), $2, $1}')
    printf '  %-4s %-3s %2d execs besides itself: %s\n' "$impl" "$verb" "$((count - 1))" "${progs:-none}"
  done
done

# Every pod was deleted: no rule of any of them may be left.
left_nft=$(ip netns exec "$node" nft -a list chain inet cni_plugins_masquerade masq_checks 2>/dev/null | grep -c 'masquerade comment' || true)
left_ipt=$( (ip netns exec "$node" iptables-save -t nat; ip netns exec "$node" ip6tables-save -t nat) | grep -c -- '-j CNI-' || true)
echo
echo "== rules left after all DELs: nftables masquerade rules $left_nft, iptables jumps to CNI- chains $left_ipt"
[ "$left_nft" = 0 ] && [ "$left_ipt" = 0 ]
