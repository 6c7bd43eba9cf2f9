#!/usr/bin/env bash
# Benchmark: the chain a runtime runs (bridge delegating to host-local), ours against the Go reference,
# and every row of issue 10's targets printed with its target and MET/MISSED.
#
#   bench/bridge/bench.sh [N]        (root; N interleaved cycles per variant, default 40)
#
# Variants, interleaved cycle by cycle in one throwaway "node" namespace, each with a bridge, a subnet and
# a data directory of its own, a fresh pod namespace per cycle (ADD, CHECK with the ADD's result, DEL):
#   ours    artifacts/cni-bin/bridge with CNI_PATH holding our host-local (IPAM=go: the Go host-local)
#   multi   artifacts/cni-multi/bridge (a link to the multi-call binary) with CNI_PATH=artifacts/cni-multi,
#           so the delegate host-local is the running binary itself; skipped when not built, and with IPAM=go
#   go      /usr/lib/cni/bridge with /usr/lib/cni/host-local
# Then host-local alone (ADD, DEL), VERSION of every plugin against the Go bridge and the NativeAOT floor
# (artifacts/startup-floor/startup-floor, made by bench/startup-floor/publish.sh), peak RSS (GNU time) of
# VERSION and of a layer-2 ADD, sizes, and 20 concurrent ADDs on one bridge per variant (wall time, and 20
# distinct addresses). Each time is taken inside the node namespace around the plugin's process alone.
# Nothing outside the namespaces it creates is touched; they and the work directory are removed at the end,
# also on failure. Paths: OURS_DIR, MULTI_DIR, FLOOR, GO_DIR; IPAM=go isolates the bridge's own cost.
# MD=file also writes the rows as a markdown table.
set -euo pipefail
cd "$(dirname "$0")/../.."
N=${1:-40}
OURS_DIR=${OURS_DIR:-$PWD/artifacts/cni-bin}
MULTI_DIR=${MULTI_DIR:-$PWD/artifacts/cni-multi}
FLOOR=${FLOOR:-$PWD/artifacts/startup-floor/startup-floor}
GO_DIR=${GO_DIR:-/usr/lib/cni}
IPAM=${IPAM:-ours}
CONC_ROUNDS=${CONC_ROUNDS:-3}
# Sizes of the Go binaries the targets name (Debian's containernetworking-plugins; flannel v1.1.2 is not
# packaged for Debian, so its size is a constant), and the multi-call target: half of the four.
GO_FLANNEL_SIZE=3213272
MULTI_TARGET=5327548
[ "$(id -u)" = 0 ] || { echo "run as root (network namespaces)" >&2; exit 1; }
for p in bridge host-local loopback flannel; do [ -x "$OURS_DIR/$p" ] || { echo "missing $OURS_DIR/$p: run eng/publish.sh first" >&2; exit 1; }; done
for p in bridge host-local loopback; do [ -x "$GO_DIR/$p" ] || { echo "missing $GO_DIR/$p: apt-get install containernetworking-plugins" >&2; exit 1; }; done
[ -x /usr/bin/time ] || { echo "installing GNU time for peak RSS" >&2; apt-get install -y -qq time >/dev/null; }
[ "$IPAM" = ours ] || [ "$IPAM" = go ] || { echo "IPAM must be ours or go" >&2; exit 1; }
have_multi=0
[ -x "$MULTI_DIR/cni-plugins" ] && [ -e "$MULTI_DIR/bridge" ] && [ -e "$MULTI_DIR/host-local" ] && have_multi=1
have_floor=0
[ -x "$FLOOR" ] && have_floor=1

. "$(dirname "$0")/../bench-common.sh"
bench_node cnibench

mkdir -p "$work/bin-ours" "$work/bin-go"
ln -s "$OURS_DIR/bridge" "$work/bin-ours/bridge"
if [ "$IPAM" = ours ]; then ln -s "$OURS_DIR/host-local" "$work/bin-ours/host-local"; else ln -s "$GO_DIR/host-local" "$work/bin-ours/host-local"; fi
ln -s "$GO_DIR/bridge" "$work/bin-go/bridge"; ln -s "$GO_DIR/host-local" "$work/bin-go/host-local"
variants="ours go"
[ $have_multi = 1 ] && [ "$IPAM" = ours ] && variants="ours multi go"
plugin_of() { case $1 in ours) echo "$OURS_DIR/bridge" ;; multi) echo "$MULTI_DIR/bridge" ;; go) echo "$GO_DIR/bridge" ;; esac; }
path_of() { case $1 in ours) echo "$work/bin-ours" ;; multi) echo "$MULTI_DIR" ;; go) echo "$work/bin-go" ;; esac; }
octet_of() { case $1 in ours) echo 91 ;; multi) echo 94 ;; go) echo 92 ;; esac; }
conf() { # variant bridge subnet data-dir
  printf '{"cniVersion":"1.0.0","name":"bench-%s","type":"bridge","bridge":"%s","isGateway":true,"isDefaultGateway":true,"ipam":{"type":"host-local","dataDir":"%s","ranges":[[{"subnet":"%s"}]]}}' \
    "$1" "$2" "$4" "$3"
}

# One cycle inside the node namespace; prints "variant verb microseconds" lines.
cat >"$work/cycle.sh" <<'EOF'
set -euo pipefail
impl=$1 plugin=$2 path=$3 conf=$4 pod=$5
export CNI_CONTAINERID=$pod CNI_NETNS=/run/netns/$pod CNI_IFNAME=eth0 CNI_PATH=$path
ip netns add "$pod"
trap 'ip netns del "$pod" 2>/dev/null || true; rm -f "$out"' EXIT
out=$(mktemp)
t() { local s=$EPOCHREALTIME; CNI_COMMAND=$1 "$plugin" <<<"$2" >"$out" || { echo "$impl $1 failed: $(cat "$out")" >&2; exit 1; }; local e=$EPOCHREALTIME; echo "$impl $1 $(( ${e/./} - ${s/./} ))"; }
t ADD "$conf"
result=$(cat "$out")
t CHECK "${conf%\}},\"prevResult\":$result}"
t DEL "$conf"
EOF

: >"$work/times"
echo "== $N interleaved ADD/CHECK/DEL cycles per variant: $variants (bridge + host-local [$IPAM]; fresh pod namespace per cycle)"
for i in $(seq 1 "$N"); do
  for v in $variants; do
    c=$(conf "$v" "br$v" "10.$(octet_of "$v").0.0/16" "$work/data-$v")
    ip netns exec "$node" bash "$work/cycle.sh" "chain-$v" "$(plugin_of "$v")" "$(path_of "$v")" "$c" "$tag-$v$i" >>"$work/times"
  done
done
[ $have_multi = 1 ] || echo "   multi-call: not built ($MULTI_DIR/cni-plugins missing), row skipped"
[ $have_multi = 1 ] && [ "$IPAM" = go ] && echo "   multi-call: skipped with IPAM=go (it delegates to itself)"

echo "== $N interleaved host-local ADD/DEL cycles per binary"
hl_conf() { printf '{"cniVersion":"1.0.0","name":"hl-%s","type":"host-local","ipam":{"type":"host-local","dataDir":"%s/hl-%s","ranges":[[{"subnet":"10.95.0.0/16"}]]}}' "$1" "$work" "$1"; }
hl_variants="ours go"; [ $have_multi = 1 ] && hl_variants="ours multi go"
hl_of() { case $1 in ours) echo "$OURS_DIR/host-local" ;; multi) echo "$MULTI_DIR/host-local" ;; go) echo "$GO_DIR/host-local" ;; esac; }
for i in $(seq 1 "$N"); do
  for v in $hl_variants; do
    p=$(hl_of "$v"); c=$(hl_conf "$v")
    for verb in ADD DEL; do
      s=$EPOCHREALTIME
      env -i CNI_COMMAND=$verb CNI_CONTAINERID="hl$i" CNI_NETNS=/var/run/netns/none CNI_IFNAME=eth0 CNI_PATH=/nonexistent "$p" <<<"$c" >"$work/hl.out" ||
        { echo "host-local $v $verb failed: $(cat "$work/hl.out")" >&2; exit 1; }
      e=$EPOCHREALTIME
      echo "hl-$v $verb $(( ${e/./} - ${s/./} ))" >>"$work/times"
    done
  done
done

echo "== VERSION start-up, $N interleaved runs per program"
ver_names="bridge host-local loopback flannel"
ver_path() { case $1 in go) echo "$GO_DIR/bridge" ;; floor) echo "$FLOOR" ;; multi) echo "$MULTI_DIR/bridge" ;; *) echo "$OURS_DIR/$1" ;; esac; }
ver_list="$ver_names go"; [ $have_multi = 1 ] && ver_list="$ver_list multi"; [ $have_floor = 1 ] && ver_list="$ver_list floor"
for i in $(seq 1 "$N"); do
  for w in $ver_list; do
    p=$(ver_path "$w")
    s=$EPOCHREALTIME; CNI_COMMAND=VERSION "$p" <<<'{"cniVersion":"1.0.0"}' >"$work/ver.out"; e=$EPOCHREALTIME
    grep -q supportedVersions "$work/ver.out" || { echo "VERSION of $p gave: $(cat "$work/ver.out")" >&2; exit 1; }
    echo "ver-$w VERSION $(( ${e/./} - ${s/./} ))" >>"$work/times"
  done
done
[ $have_floor = 1 ] || echo "   floor: not built ($FLOOR missing: bench/startup-floor/publish.sh), its rows skipped"

# Peak RSS (GNU time's maximum resident set): VERSION, and a layer-2 ADD (no IPAM child to count).
rss() { # plugin verb -> KiB
  local pod="$tag-rss$RANDOM" l2='{"cniVersion":"1.0.0","name":"l2","type":"bridge","bridge":"brl2"}'
  ip netns add "$pod"
  ip netns exec "$node" env CNI_COMMAND="$2" CNI_CONTAINERID=rss CNI_NETNS="/run/netns/$pod" CNI_IFNAME=eth0 CNI_PATH=/nonexistent \
    /usr/bin/time -f %M -o "$work/rss" "$1" <<<"$l2" >/dev/null
  ip netns del "$pod"
  cat "$work/rss"
}
echo "== peak RSS (median of 5 each)"
rss_variants="ours go"; [ $have_multi = 1 ] && rss_variants="ours multi go"
for k in 1 2 3 4 5; do
  for v in $rss_variants; do
    for verb in VERSION ADD; do echo "rss-$v $verb $(rss "$(plugin_of "$v")" $verb)" >>"$work/rss-times"; done
  done
done

# 20 concurrent ADDs on one bridge, per variant: wall time from the first start to the last exit.
echo "== 20 concurrent ADDs on one bridge, $CONC_ROUNDS rounds per variant"
cat >"$work/conc.sh" <<'EOF'
set -uo pipefail
impl=$1 plugin=$2 path=$3 conf=$4 tag=$5 out=$6
mkdir -p "$out"
s=$EPOCHREALTIME
for i in $(seq 1 20); do
  CNI_COMMAND=ADD CNI_CONTAINERID="c$i" CNI_NETNS="/run/netns/$tag$i" CNI_IFNAME=eth0 CNI_PATH=$path "$plugin" <<<"$conf" >"$out/$i.json" 2>"$out/$i.err" &
done
fails=0
for job in $(jobs -p); do wait "$job" || fails=$((fails + 1)); done
e=$EPOCHREALTIME
[ "$fails" = 0 ] || echo "$impl: $fails of 20 concurrent ADDs failed, the first: $(cat "$out"/*.err "$out"/*.json | grep -m1 -i 'error\|msg' || true)" >&2
distinct=$(cat "$out"/*.json | grep -o '"address": *"[^"]*"' | sort -u | grep -c . || true)
echo "$impl CONC $(( ${e/./} - ${s/./} )) $fails $distinct"
EOF
for r in $(seq 1 "$CONC_ROUNDS"); do
  for v in $variants; do
    for i in $(seq 1 20); do ip netns add "$tag-k$v$r-$i"; done
    c=$(conf "$v" "brk$v$r" "10.$(( $(octet_of "$v") + 10 )).$r.0/24" "$work/conc-data-$v-$r")
    ip netns exec "$node" bash "$work/conc.sh" "conc-$v" "$(plugin_of "$v")" "$(path_of "$v")" "$c" "$tag-k$v$r-" "$work/conc-$v-$r" >>"$work/conc-times"
    for i in $(seq 1 20); do ip netns del "$tag-k$v$r-$i"; done
  done
done

# ---- the table ----
stats() { # key verb file -> "median p95" (raw units)
  awk -v i="$1" -v v="$2" '$1==i && $2==v {print $3}' "$3" | sort -n | awk '{a[NR]=$1} END {
    if (NR == 0) { print "- -"; exit }
    m = (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2; p = a[int(NR*0.95 + 0.999)]; printf "%s %s", m, p }'
}
: >"$work/rows"
row() { # area what ours go unit target-ratio [note] ; ours/go compared with the target ratio
  awk -v area="$1" -v what="$2" -v o="$3" -v g="$4" -v unit="$5" -v t="$6" -v note="${7:-}" 'BEGIN {
    r = o / g; met = (r <= t + 1e-9) ? "MET" : "MISSED"
    printf "%-9s| %-44s| %12s | %12s | %7.2fx | <= %.2fx | %-6s %s\n", area, what, o " " unit, g " " unit, r, t, met, note }' | tee -a "$work/rows"
}
ms() { awk -v x="$1" 'BEGIN { printf "%.2f", x / 1000 }'; }
echo
echo "Figures of $(date -u '+%Y-%m-%d %H:%M UTC') on $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg); N=$N, IPAM=$IPAM; medians (p95 in the notes)"
printf '%-9s| %-44s| %12s | %12s | %8s | %8s | %s\n' area row ours "Go / floor" ratio target result | tee "$work/head"
chain_target() { case $1 in ADD) echo 0.7 ;; CHECK) echo 0.7 ;; DEL) echo 0.9 ;; esac; }
for verb in ADD CHECK DEL; do
  read -r gm gp <<<"$(stats chain-go $verb "$work/times")"
  for v in $variants; do
    [ "$v" = go ] && continue
    read -r om op <<<"$(stats "chain-$v" $verb "$work/times")"
    label="bridge+host-local $verb"; [ "$v" = multi ] && label="multi-call bridge+host-local $verb"
    [ "$IPAM" = go ] && label="bridge (Go host-local) $verb"
    row chain "$label" "$(ms "$om")" "$(ms "$gm")" ms "$(chain_target $verb)" "p95 $(ms "$op") vs $(ms "$gp")"
  done
done
[ $have_multi = 1 ] || printf '%-9s| %-44s| %s\n' chain "multi-call bridge+host-local" "not built, skipped" | tee -a "$work/rows"
for verb in ADD DEL; do
  read -r gm gp <<<"$(stats hl-go $verb "$work/times")"
  for v in $hl_variants; do
    [ "$v" = go ] && continue
    read -r om op <<<"$(stats "hl-$v" $verb "$work/times")"
    label="host-local alone $verb"; [ "$v" = multi ] && label="multi-call host-local alone $verb"
    row hostlocal "$label" "$(ms "$om")" "$(ms "$gm")" ms 0.8 "p95 $(ms "$op") vs $(ms "$gp")"
  done
done
read -r gm gp <<<"$(stats ver-go VERSION "$work/times")"
[ $have_floor = 1 ] && read -r fm fp <<<"$(stats ver-floor VERSION "$work/times")"
for w in $ver_names multi; do
  [ "$w" = multi ] && [ $have_multi = 0 ] && { printf '%-9s| %-44s| %s\n' version "VERSION multi-call" "not built, skipped" | tee -a "$work/rows"; continue; }
  read -r om op <<<"$(stats "ver-$w" VERSION "$work/times")"
  label="VERSION $w"; [ "$w" = multi ] && label="VERSION multi-call (as bridge)"
  row version "$label vs Go bridge" "$(ms "$om")" "$(ms "$gm")" ms 1.0 "p95 $(ms "$op") vs $(ms "$gp")"
  if [ $have_floor = 1 ]; then
    row version "$label vs NativeAOT floor" "$(ms "$om")" "$(ms "$fm")" ms 1.15 "floor p95 $(ms "$fp")"
  fi
done
[ $have_floor = 1 ] || printf '%-9s| %-44s| %s\n' version "VERSION vs NativeAOT floor" "floor not built, skipped" | tee -a "$work/rows"
for verb in VERSION ADD; do
  read -r g _ <<<"$(stats rss-go $verb "$work/rss-times")"
  for v in $rss_variants; do
    [ "$v" = go ] && continue
    read -r o _ <<<"$(stats "rss-$v" $verb "$work/rss-times")"
    label="peak RSS $verb"; [ "$verb" = ADD ] && label="peak RSS layer-2 ADD"; [ "$v" = multi ] && label="$label (multi-call)"
    row rss "$label" "$o" "$g" KiB 1.0
  done
done
for p in bridge host-local loopback flannel; do
  if [ "$p" = flannel ]; then g=$GO_FLANNEL_SIZE; note="Go flannel v1.1.2 (constant)"; else g=$(stat -L -c %s "$GO_DIR/$p"); note=""; fi
  row size "size $p" "$(stat -L -c %s "$OURS_DIR/$p")" "$g" B 1.0 "$note"
done
if [ $have_multi = 1 ]; then
  row size "size multi-call cni-plugins" "$(stat -L -c %s "$MULTI_DIR/cni-plugins")" "$MULTI_TARGET" B 1.0 "target: half of the four Go binaries"
else
  printf '%-9s| %-44s| %s\n' size "size multi-call" "not built, skipped" | tee -a "$work/rows"
fi
read -r gm _ <<<"$(awk '$1=="conc-go" {print $3}' "$work/conc-times" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')"
for v in $variants; do
  [ "$v" = go ] && continue
  om=$(awk -v k="conc-$v" '$1==k {print $3}' "$work/conc-times" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
  ok=$(awk -v k="conc-$v" '$1==k && $4==0 && $5==20 {n++} END {print n+0}' "$work/conc-times")
  label="20 concurrent ADDs, wall"; [ "$v" = multi ] && label="$label (multi-call)"; [ "$IPAM" = go ] && label="$label (Go host-local)"
  row conc "$label" "$(ms "$om")" "$(ms "$gm")" ms 1.0 "rounds with 20 distinct addresses: $ok/$CONC_ROUNDS"
done
gok=$(awk '$1=="conc-go" && $4==0 && $5==20 {n++} END {print n+0}' "$work/conc-times")
echo "(Go chain: rounds with 20 distinct addresses: $gok/$CONC_ROUNDS)"
met=$(grep -c '| MET ' "$work/rows" || true); missed=$(grep -c '| MISSED ' "$work/rows" || true)
echo "targets: $met met, $missed missed"
if [ -n "${MD:-}" ]; then
  { echo "| area | row | ours | Go / floor | ratio | target | result |"; echo "|---|---|---:|---:|---:|---:|---|"
    awk -F'|' 'NF >= 3 { for (i = 1; i <= NF; i++) gsub(/^ +| +$/, "", $i); printf "| %s | %s | %s | %s | %s | %s | %s |\n", $1, $2, $3, $4, $5, $6, $7 }' "$work/rows"; } >"$MD"
  echo "markdown table written to $MD"
fi
# Distinct addresses are a correctness check, not a figure: fail the run when any round lost one.
bad=$(awk '$4!=0 || $5!=20' "$work/conc-times" | grep -c . || true)
[ "$bad" = 0 ] || { echo "concurrent ADDs: $bad round(s) without 20 distinct addresses:" >&2; awk '$4!=0 || $5!=20' "$work/conc-times" >&2; exit 1; }
