#!/usr/bin/env bash
# Benchmark: our NativeAOT bridge against the Go reference bridge (/usr/lib/cni/bridge).
#
#   bench/bridge/bench.sh [N]        (root; N interleaved cycles per plugin, default 40)
#
# Both run in one throwaway "node" namespace, each with a bridge of its own (brours / brgo) and the
# same IPAM binary (IPAM=go, the default: /usr/lib/cni/host-local for both, so the bridge is what
# differs; IPAM=ours pairs each bridge with its own host-local). Every cycle makes a fresh pod
# namespace and runs ADD, CHECK and DEL; the cycles of ours and of the reference alternate, so load
# from elsewhere hits both alike. Each time is taken inside the node namespace around the plugin's
# process alone. Then: VERSION start-up (N runs each), peak RSS, binary size, and 20 concurrent
# ADDs of ours on one bridge (every pod must get its own address). Nothing outside the namespaces
# it creates is touched; they are removed at the end, also on failure.
set -euo pipefail
cd "$(dirname "$0")/../.."
N=${1:-40}
OURS=${OURS:-$PWD/artifacts/cni-bin/bridge}
GO=${GO:-/usr/lib/cni/bridge}
IPAM=${IPAM:-go}
[ "$(id -u)" = 0 ] || { echo "run as root (network namespaces)" >&2; exit 1; }
[ -x "$OURS" ] || { echo "missing $OURS: run eng/publish.sh first" >&2; exit 1; }
[ -x "$GO" ] || { echo "missing $GO: apt-get install containernetworking-plugins" >&2; exit 1; }

tag="cnibench-$$"
work=$(mktemp -d /tmp/cni-bench.XXXXXX)
node="$tag-node"
cleanup() {
  for ns in $(ip netns list | awk '{print $1}' | grep "^$tag-" || true); do ip netns del "$ns" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT
ip netns add "$node"

mkdir -p "$work/bin-ours" "$work/bin-go"
if [ "$IPAM" = ours ]; then
  ln -s "$PWD/artifacts/cni-bin/host-local" "$work/bin-ours/host-local"
else
  ln -s /usr/lib/cni/host-local "$work/bin-ours/host-local"
fi
ln -s /usr/lib/cni/host-local "$work/bin-go/host-local"

conf() { # impl bridge subnet
  printf '{"cniVersion":"1.0.0","name":"bench-%s","type":"bridge","bridge":"%s","isGateway":true,"isDefaultGateway":true,"ipam":{"type":"host-local","dataDir":"%s/data","ranges":[[{"subnet":"%s"}]]}}' \
    "$1" "$2" "$work" "$3"
}
conf_ours=$(conf ours brours 10.91.0.0/16)
conf_go=$(conf go brgo 10.92.0.0/16)

# The measuring loop runs inside the node namespace; it prints "impl verb microseconds" lines.
cat >"$work/cycle.sh" <<'EOF'
set -euo pipefail
impl=$1 plugin=$2 path=$3 conf=$4 pod=$5
export CNI_CONTAINERID=$pod CNI_NETNS=/run/netns/$pod CNI_IFNAME=eth0 CNI_PATH=$path
ip netns add "$pod"
t() { local s=$EPOCHREALTIME; CNI_COMMAND=$1 "$plugin" <<<"$2" >"$out" || { echo "$impl $1 failed: $(cat "$out")" >&2; exit 1; }; local e=$EPOCHREALTIME; echo "$impl $1 $(( ${e/./} - ${s/./} ))"; }
out=$(mktemp)
t ADD "$conf"
result=$(cat "$out")
t CHECK "${conf%\}},\"prevResult\":$result}"
t DEL "$conf"
rm -f "$out"
ip netns del "$pod"
EOF

echo "== $N interleaved ADD/CHECK/DEL cycles each (bridge + host-local [$IPAM], fresh pod namespace per cycle)"
: >"$work/times"
for i in $(seq 1 "$N"); do
  ip netns exec "$node" bash "$work/cycle.sh" ours "$OURS" "$work/bin-ours" "$conf_ours" "$tag-o$i" >>"$work/times"
  ip netns exec "$node" bash "$work/cycle.sh" go "$GO" "$work/bin-go" "$conf_go" "$tag-g$i" >>"$work/times"
done

echo "== VERSION start-up, $N runs each"
for i in $(seq 1 "$N"); do
  for impl in ours go; do
    p=$OURS; [ $impl = go ] && p=$GO
    s=$EPOCHREALTIME; CNI_COMMAND=VERSION "$p" <<<'{"cniVersion":"1.0.0"}' >/dev/null; e=$EPOCHREALTIME
    echo "$impl VERSION $(( ${e/./} - ${s/./} ))" >>"$work/times"
  done
done

# Median and p95 (nearest rank) per implementation and verb, and the ratio ours/reference.
stats() { # impl verb -> "median p95" in ms
  awk -v i="$1" -v v="$2" '$1==i && $2==v {print $3}' "$work/times" | sort -n | awk '{a[NR]=$1} END {
    m = (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2; p = a[int(NR*0.95 + 0.999)]; printf "%.2f %.2f", m/1000, p/1000 }'
}
printf '\n%-8s %12s %12s %12s %12s %10s %10s\n' verb "ours median" "ours p95" "go median" "go p95" "median" "p95"
printf '%-8s %12s %12s %12s %12s %10s %10s\n' "" "(ms)" "(ms)" "(ms)" "(ms)" "ours/go" "ours/go"
for verb in ADD CHECK DEL VERSION; do
  read -r om op <<<"$(stats ours $verb)"
  read -r gm gp <<<"$(stats go $verb)"
  awk -v v=$verb -v om="$om" -v op="$op" -v gm="$gm" -v gp="$gp" 'BEGIN {printf "%-8s %12.2f %12.2f %12.2f %12.2f %9.2fx %9.2fx\n", v, om, op, gm, gp, om/gm, op/gp}'
done

# Peak RSS (GNU time's maximum resident set): VERSION, and a layer-2 ADD (no IPAM child to count).
rss() { # plugin verb config -> KiB
  local pod="$tag-rss$RANDOM"
  ip netns add "$pod"
  ip netns exec "$node" env CNI_COMMAND="$2" CNI_CONTAINERID=rss CNI_NETNS="/run/netns/$pod" CNI_IFNAME=eth0 CNI_PATH=/nonexistent \
    /usr/bin/time -f %M -o "$work/rss" "$1" <<<"$3" >/dev/null
  ip netns del "$pod"
  cat "$work/rss"
}
l2='{"cniVersion":"1.0.0","name":"l2","type":"bridge","bridge":"brl2"}'
echo
printf '%-28s %10s %10s %10s\n' "" ours go ours/go
for what in VERSION ADD; do
  o=$(rss "$OURS" "$what" "$l2"); g=$(rss "$GO" "$what" "$l2")
  awk -v w="peak RSS, $what (KiB)" -v o="$o" -v g="$g" 'BEGIN {printf "%-28s %10d %10d %9.2fx\n", w, o, g, o/g}'
done
o=$(stat -c %s "$OURS"); g=$(stat -c %s "$GO")
awk -v o="$o" -v g="$g" 'BEGIN {printf "%-28s %10d %10d %9.2fx\n", "binary size (bytes)", o, g, o/g}'

echo
echo "== 20 concurrent ADDs of ours on one bridge"
conc=$(conf conc brconc 10.93.0.0/24)
for i in $(seq 1 20); do ip netns add "$tag-c$i"; done
s=$EPOCHREALTIME
for i in $(seq 1 20); do
  ip netns exec "$node" env CNI_COMMAND=ADD CNI_CONTAINERID="c$i" CNI_NETNS="/run/netns/$tag-c$i" CNI_IFNAME=eth0 CNI_PATH="$work/bin-ours" \
    "$OURS" <<<"$conc" >"$work/conc-$i.json" 2>"$work/conc-$i.err" &
done
fails=0
for job in $(jobs -p); do wait "$job" || fails=$((fails + 1)); done
e=$EPOCHREALTIME
addresses=$(cat "$work"/conc-*.json | grep -o '"address": "[^"]*"' | sort)
distinct=$(sort -u <<<"$addresses" | grep -c . || true)
echo "  20 ADDs in $(( (${e/./} - ${s/./}) / 1000 )) ms: $((20 - fails)) succeeded, $distinct distinct addresses, duplicates: $(uniq -d <<<"$addresses" | grep -c . || true)"
[ "$fails" = 0 ] && [ "$distinct" = 20 ]
