#!/usr/bin/env bash
# Deterministic companion of bench/bridge/bench.sh: instructions executed (valgrind --tool=callgrind) per
# plugin and verb, ours against the Go binaries. Wall-clock figures move with the machine's load; these
# move only when the code does (a few thousand instructions between runs: addresses, environment size).
#
#   bench/callgrind.sh        (root: the chain runs in throwaway network namespaces)
#
# Rows: VERSION of every plugin (ours, the multi-call binary as bridge, the NativeAOT floor, the Go bridge,
# host-local and loopback); host-local alone ADD and DEL (after a warm-up ADD and DEL, so the store exists);
# the chain bridge -> host-local ADD, CHECK and DEL with --trace-children=yes, summed over both processes
# (ours, the multi-call one in a single process, Go). Paths as bench/bridge/bench.sh: OURS_DIR, MULTI_DIR,
# FLOOR, GO_DIR. Go under callgrind: the runtime's asynchronous preemption (SIGURG sent to its own threads)
# trips callgrind's signal bookkeeping (an assertion in threads.c), so every run has GODEBUG=asyncpreemptoff=1
# (Go then preempts at function calls only; the work done is the same, and ours ignores the variable). A run
# that still fails is reported as "failed", never as a number.
set -euo pipefail
cd "$(dirname "$0")/.."
OURS_DIR=${OURS_DIR:-$PWD/artifacts/cni-bin}
MULTI_DIR=${MULTI_DIR:-$PWD/artifacts/cni-multi}
FLOOR=${FLOOR:-$PWD/artifacts/startup-floor/startup-floor}
GO_DIR=${GO_DIR:-/usr/lib/cni}
[ "$(id -u)" = 0 ] || { echo "run as root (network namespaces)" >&2; exit 1; }
command -v valgrind >/dev/null || { echo "valgrind missing: apt-get install valgrind" >&2; exit 1; }
have_multi=0; [ -x "$MULTI_DIR/cni-plugins" ] && [ -e "$MULTI_DIR/bridge" ] && have_multi=1
have_floor=0; [ -x "$FLOOR" ] && have_floor=1

. "$(dirname "$0")/bench-common.sh"
bench_node cnicg
mkdir -p "$work/bin-ours" "$work/bin-go"
ln -s "$OURS_DIR/bridge" "$work/bin-ours/bridge"; ln -s "$OURS_DIR/host-local" "$work/bin-ours/host-local"
ln -s "$GO_DIR/bridge" "$work/bin-go/bridge"; ln -s "$GO_DIR/host-local" "$work/bin-go/host-local"

# cg label verb children(yes|no) stdin -- [wrapper...] program: runs program under callgrind (the wrappers,
# such as "ip netns exec" and "env", run natively before it); prints "label verb processes instructions".
n=0
cg() {
  local label=$1 verb=$2 children=$3 input=$4; shift 5
  local prog=${*: -1}; set -- "${@:1:$#-1}"
  local try
  # callgrind's signal bookkeeping still asserts now and then on Go: up to three tries (a try that asserted
  # after doing its work makes a retried ADD fail as a duplicate, which is then reported as failed)
  for try in 1 2 3; do
    n=$((n + 1)); local dir=$work/cg$n; mkdir -p "$dir"
    if ! "$@" env GODEBUG=asyncpreemptoff=1 valgrind --tool=callgrind --trace-children="$children" --callgrind-out-file="$dir/out.%p" -q "$prog" <<<"$input" >"$dir/stdout" 2>"$dir/stderr"; then
      grep -q 'Assertion' "$dir/stderr" && [ $try -lt 3 ] && continue
      echo "$label $verb failed -"; sed 's/^/    /' "$dir/stdout" "$dir/stderr" | head -5 >&2; return 0
    fi
    grep -q 'Assertion' "$dir/stderr" || break
    [ $try -lt 3 ] || { echo "$label $verb failed -"; return 0; }
  done
  local procs total
  procs=$(ls "$dir" | grep -c '^out\.' || true)
  total=$(cat "$dir"/out.* | awk '/^summary:/ {s += $2} END {print s + 0}')
  echo "$label $verb $procs $total"
}
env_for() { # verb container netns -> env assignments
  echo "CNI_COMMAND=$1 CNI_CONTAINERID=$2 CNI_NETNS=$3 CNI_IFNAME=eth0"
}
: >"$work/rows"
ver='{"cniVersion":"1.0.0"}'
for p in bridge host-local loopback flannel; do cg "ours/$p" VERSION no "$ver" -- env CNI_COMMAND=VERSION "$OURS_DIR/$p" >>"$work/rows"; done
[ $have_multi = 1 ] && cg "multi-call(bridge)" VERSION no "$ver" -- env CNI_COMMAND=VERSION "$MULTI_DIR/bridge" >>"$work/rows"
[ $have_floor = 1 ] && cg "floor" VERSION no "$ver" -- env CNI_COMMAND=VERSION "$FLOOR" >>"$work/rows"
for p in bridge host-local loopback; do cg "go/$p" VERSION no "$ver" -- env CNI_COMMAND=VERSION "$GO_DIR/$p" >>"$work/rows"; done

hl() { # label binary
  local c
  c=$(printf '{"cniVersion":"1.0.0","name":"cg","type":"host-local","ipam":{"type":"host-local","dataDir":"%s/hl-%s","ranges":[[{"subnet":"10.96.0.0/24"}]]}}' "$work" "${1//\//-}")
  # warm-up: the first ADD of a network creates its directory, lock and records
  env CNI_COMMAND=ADD CNI_CONTAINERID=warm CNI_NETNS=/var/run/netns/none CNI_IFNAME=eth0 CNI_PATH=/nonexistent "$2" <<<"$c" >/dev/null
  for verb in ADD DEL; do
    cg "$1" "$verb" no "$c" -- env $(env_for $verb c1 /var/run/netns/none) CNI_PATH=/nonexistent "$2" >>"$work/rows"
  done
}
hl "ours/host-local" "$OURS_DIR/host-local"
[ $have_multi = 1 ] && hl "multi-call(host-local)" "$MULTI_DIR/host-local"
hl "go/host-local" "$GO_DIR/host-local"

chain() { # label bridge-binary cni-path octet
  local c pod=$tag-p$4 result
  c=$(printf '{"cniVersion":"1.0.0","name":"cg%s","type":"bridge","bridge":"brcg%s","isGateway":true,"ipam":{"type":"host-local","dataDir":"%s/chain-%s","ranges":[[{"subnet":"10.%s.0.0/24"}]]}}' "$4" "$4" "$work" "$4" "$4")
  # warm-up on another pod: the bridge and the store exist, as on a node that already runs pods
  ip netns add "$pod-w"
  ip netns exec "$node" env $(env_for ADD warm "/run/netns/$pod-w") CNI_PATH="$3" "$2" <<<"$c" >/dev/null
  ip netns add "$pod"
  cg "$1" ADD yes "$c" -- ip netns exec "$node" env $(env_for ADD c1 "/run/netns/$pod") CNI_PATH="$3" "$2" >>"$work/rows"
  result=$(cat "$work/cg$n/stdout")
  cg "$1" CHECK yes "${c%\}},\"prevResult\":$result}" -- ip netns exec "$node" env $(env_for CHECK c1 "/run/netns/$pod") CNI_PATH="$3" "$2" >>"$work/rows"
  cg "$1" DEL yes "$c" -- ip netns exec "$node" env $(env_for DEL c1 "/run/netns/$pod") CNI_PATH="$3" "$2" >>"$work/rows"
  ip netns del "$pod"; ip netns del "$pod-w"
}
chain "ours/bridge+host-local" "$OURS_DIR/bridge" "$work/bin-ours" 97
# No multi-call chain row: under valgrind the running image is valgrind's, so the multi-call bridge does not
# recognise host-local on CNI_PATH as itself and spawns it (natively it runs it in-process; strace -f shows
# a single execve). Its VERSION and host-local rows above are valid.
chain "go/bridge+host-local" "$GO_DIR/bridge" "$work/bin-go" 99

# The table: each of ours against the Go program of the same kind (VERSION: the Go bridge).
go_of() { # label verb -> the Go row's instructions
  local key
  case "$1:$2" in
    *:VERSION) key="go/bridge" ;;
    *bridge+host-local*) key="go/bridge+host-local" ;;
    *) key="go/host-local" ;;
  esac
  awk -v k="$key" -v v="$2" '$1==k && $2==v {print $4}' "$work/rows"
}
echo "callgrind instruction counts, $(date -u '+%Y-%m-%d %H:%M UTC'), $(uname -r); chain rows sum both processes (--trace-children=yes)"
printf '%-32s %-8s %9s %14s %12s\n' program verb processes instructions "vs Go"
while read -r label verb procs total; do
  g=$(go_of "$label" "$verb")
  ratio=$(awk -v o="$total" -v g="$g" 'BEGIN { if (o == "-" || g == "" || g == "-" || g == 0) print "-"; else printf "%.2fx", o / g }')
  printf '%-32s %-8s %9s %14s %12s\n' "$label" "$verb" "$procs" "$total" "$ratio"
done <"$work/rows"
[ $have_multi = 0 ] || echo "(no multi-call chain row: under valgrind it cannot recognise itself on CNI_PATH and spawns host-local)"
