#!/usr/bin/env bash
# Crash safety of our host-local: ROUNDS rounds (default 200); each starts a batch of ADDs and DELs on one
# data directory and SIGKILLs every process still running after a random delay. After every round each lease
# file must be a complete "<id>\r\n<ifname>" record (never empty or partial). At the end DEL of every container,
# then GC with an empty valid list, must leave only lock, last_reserved_ip.* and our index (.cni-ipam-index,
# which must then list no lease).
#   usage: bench/host-local/crash.sh [rounds] [plugin]      (root; default plugin artifacts/cni-bin/host-local)
set -euo pipefail
cd "$(dirname "$0")/../.."
rounds=${1:-200}
bin=${2:-$PWD/artifacts/cni-bin/host-local}
[ -x "$bin" ] || { echo "missing $bin: run eng/publish.sh"; exit 2; }
dir=$(mktemp -d /tmp/cnibench-crash-XXXXXX)
trap 'rm -rf "$dir"' EXIT
net=$dir/crash
cfg=$dir/config.json
printf '{"cniVersion":"1.0.0","name":"crash","type":"host-local","ipam":{"type":"host-local","dataDir":"%s","ranges":[[{"subnet":"10.61.0.0/24"}],[{"subnet":"fd00:61::/120"}]]}}' "$dir" >"$cfg"
run() { # command id -> starts the plugin in the background, prints its pid
  env -i CNI_COMMAND="$1" CNI_CONTAINERID="$2" CNI_NETNS=/var/run/netns/none CNI_IFNAME=eth0 CNI_PATH=/nonexistent "$bin" <"$cfg" >/dev/null 2>&1 &
  echo $!
}
killed=0 finished=0 bad=0 temps_seen=0
rounds_phase() { # rounds
for ((r = 1; r <= $1; r++)); do
  pids=()
  for ((i = 0; i < 8; i++)); do
    id=kill$((RANDOM % 40))
    if ((RANDOM % 3 == 0)); then cmd=DEL; else cmd=ADD; fi
    pids+=("$(run $cmd $id)")
  done
  sleep "$(printf "0.%03d" $((RANDOM % 25)))"   # 0 to 24 ms: before, during and after the work
  for p in "${pids[@]}"; do
    # An exited process stays a zombie until reaped, and kill succeeds on a zombie: look at its state first.
    state=$(awk '{print $3}' "/proc/$p/stat" 2>/dev/null || echo Z)
    if [ "$state" != Z ] && kill -9 "$p" 2>/dev/null; then killed=$((killed + 1)); else finished=$((finished + 1)); fi
  done
  wait 2>/dev/null || true
  [ -d "$net" ] || continue
  for f in "$net"/*; do
    name=${f##*/}
    case $name in lock|last_reserved_ip.*) continue ;; esac
    if ! grep -qzP '^kill\d+\r\neth0$' "$f"; then
      echo "round $r: bad lease $name: $(od -c "$f" | head -2)"; bad=$((bad + 1))
    fi
  done
  temps_seen=$((temps_seen + $(find "$net" -maxdepth 1 -name '.cni-ipam-tmp-*' | wc -l)))
done
}
half=$((rounds / 2))
rounds_phase $half
leases=$(find "$net" -maxdepth 1 -type f ! -name lock ! -name 'last_reserved_ip.*' ! -name '.*' | wc -l)
echo "first half: rounds: $half, processes killed: $killed, finished before the kill: $finished, temp files seen after rounds: $temps_seen"
echo "leases held after the rounds: $leases, bad (empty or partial) lease files: $bad"
for i in $(seq 0 39); do
  env -i CNI_COMMAND=DEL CNI_CONTAINERID=kill$i CNI_NETNS=/var/run/netns/none CNI_IFNAME=eth0 CNI_PATH=/nonexistent "$bin" <"$cfg" >/dev/null || { echo "DEL kill$i failed"; bad=$((bad + 1)); }
done
after_del=$(ls -A "$net" | sort | tr '\n' ' ')
echo "after DEL of every container: $after_del"
rounds_phase $((rounds - half))
echo "second half: leases held: $(find "$net" -maxdepth 1 -type f ! -name lock ! -name 'last_reserved_ip.*' ! -name '.*' | wc -l); GC alone now"
sed 's/"cniVersion":"1.0.0"/"cniVersion":"1.1.0"/; s/}$/,"cni.dev\/valid-attachments":[]}/' "$cfg" >"$cfg.gc"
env -i CNI_COMMAND=GC CNI_PATH=/nonexistent "$bin" <"$cfg.gc" >/dev/null 2>"$dir/gc.log" || { echo "GC failed"; bad=$((bad + 1)); }
echo "GC released $(grep -c 'GC released' "$dir/gc.log" || true) leases"
after_gc=$(ls -A "$net" | sort | tr '\n' ' ')
echo "after GC: $after_gc"
for name in $after_del $after_gc; do
  case $name in lock|last_reserved_ip.*|.cni-ipam-index) ;; *) echo "left behind: $name"; bad=$((bad + 1)) ;; esac
done
if [ -f "$net/.cni-ipam-index" ] && grep -q '^+' "$net/.cni-ipam-index"; then
  echo "the index still lists a lease: $(grep '^+' "$net/.cni-ipam-index" | head -3)"; bad=$((bad + 1))
fi
echo "in all: rounds $rounds, processes killed $killed, finished before the kill $finished, temp files seen $temps_seen, bad lease files $bad"
[ "$bad" = 0 ] && echo "PASS" || { echo "FAIL ($bad problems)"; exit 1; }
