#!/usr/bin/env bash
# N host-local processes (default 260) started together against one /24 (253 usable addresses), for our
# binary and the reference, each with its own data directory: how long until all are done, how many got an
# address, whether any address was handed out twice, then the same for their DELs.
#   usage: sudo bench/host-local/concurrency.sh [processes] [ours] [reference]
set -euo pipefail
cd "$(dirname "$0")/../.."
n=${1:-260}
ours=${2:-$PWD/artifacts/cni-bin/host-local}
ref=${3:-/usr/lib/cni/host-local}
base=$(mktemp -d /tmp/cnibench-conc-XXXXXX)
trap 'rm -rf "$base"' EXIT
now() { date +%s%N; }
for who in ours reference; do
  bin=$ours; [ $who = reference ] && bin=$ref
  dir=$base/$who; mkdir -p "$dir/out"
  printf '{"cniVersion":"1.0.0","name":"conc","type":"host-local","ipam":{"type":"host-local","dataDir":"%s","ranges":[[{"subnet":"10.60.0.0/24"}]]}}' "$dir" >"$dir/config.json"
  for cmd in ADD DEL; do
    start=$(now)
    for ((i = 0; i < n; i++)); do
      env -i CNI_COMMAND=$cmd CNI_CONTAINERID=conc$i CNI_NETNS=/var/run/netns/none CNI_IFNAME=eth0 CNI_PATH=/nonexistent \
        "$bin" <"$dir/config.json" >"$dir/out/$cmd.$i" 2>/dev/null &
    done
    wait || true
    ms=$(( ($(now) - start) / 1000000 ))
    if [ $cmd = ADD ]; then
      got=$( (grep -h '"address"' "$dir"/out/ADD.* || true) | wc -l)
      unique=$( (grep -h '"address"' "$dir"/out/ADD.* || true) | sort -u | wc -l)
      exhausted=$( (grep -l 'no IP addresses available in range set' "$dir"/out/ADD.* || true) | wc -l)
      files=$(find "$dir/conc" -maxdepth 1 -type f -name '10.*' | wc -l)
      echo "$who: $n ADDs in $ms ms: $got addresses ($unique unique), $exhausted exhaustion errors, $files lease files"
    else
      failed=$( (grep -l '"code"' "$dir"/out/DEL.* || true) | wc -l)
      left=$(ls -A "$dir/conc" | tr '\n' ' ')
      echo "$who: $n DELs in $ms ms: $failed failed; left in the directory: $left"
    fi
  done
done
