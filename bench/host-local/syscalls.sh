#!/usr/bin/env bash
# What one host-local ADD and one DEL cost in file system calls, counted with strace -f (deterministic):
# flushes (fsync/fdatasync), renames, links, unlinks, O_CREAT and O_TMPFILE opens, names created in the
# data directory, directory time changes, all opens. Each binary gets a fresh data directory and a warm-up
# ADD and DEL first (the first ADD of a network also creates lock and last_reserved_ip.N, and ours its index).
#   usage: bench/host-local/syscalls.sh [binary...]   (default: ours, then the reference)
set -euo pipefail
cd "$(dirname "$0")/../.."
command -v strace >/dev/null || { echo "strace missing: apt-get install strace" >&2; exit 1; }
[ $# -gt 0 ] || set -- "$PWD/artifacts/cni-bin/host-local" /usr/lib/cni/host-local
base=$(mktemp -d /tmp/cnibench-sys-XXXXXX)
trap 'rm -rf "$base"' EXIT

run() { # binary data-dir command container-id [strace-log]
  local conf
  conf=$(printf '{"cniVersion":"1.0.0","name":"sys","type":"host-local","ipam":{"type":"host-local","dataDir":"%s","ranges":[[{"subnet":"10.71.0.0/24"}]]}}' "$2")
  if [ -n "${5:-}" ]; then
    env -i CNI_COMMAND="$3" CNI_CONTAINERID="$4" CNI_NETNS=/var/run/netns/none CNI_IFNAME=eth0 CNI_PATH=/nonexistent \
      strace -f -qq -o "$5" "$1" <<<"$conf" >/dev/null
  else
    env -i CNI_COMMAND="$3" CNI_CONTAINERID="$4" CNI_NETNS=/var/run/netns/none CNI_IFNAME=eth0 CNI_PATH=/nonexistent \
      "$1" <<<"$conf" >/dev/null
  fi
}
count() { grep -cE "$1" "$2" || true; }
printf '%-34s %-4s %6s %6s %6s %6s %7s %8s %8s %8s %7s %6s\n' binary verb fsync rename link unlink O_CREAT O_TMPFILE "new names" "utimens" "opens" "inodes+"
for bin in "$@"; do
  dir=$base/$(basename "$(dirname "$bin")")-$(basename "$bin")-$RANDOM
  mkdir -p "$dir"
  run "$bin" "$dir" ADD warm; run "$bin" "$dir" ADD warm2; run "$bin" "$dir" DEL warm2
  for verb in ADD DEL; do
    log=$base/$verb-$RANDOM.strace
    inodes=$(find "$dir" | wc -l)
    run "$bin" "$dir" $verb c1 "$log"
    inodes=$(( $(find "$dir" | wc -l) - inodes ))
    # A new name: a successful link/symlink/rename/mkdir/mknod, or an O_CREAT|O_EXCL open (O_CREAT alone may open an existing file).
    names=$(grep -E '^[0-9]+ +(link|linkat|symlink|symlinkat|rename|renameat2?|mkdir|mkdirat|mknodat?)\(.*\) += [0-9]+$|^[0-9]+ +(open|openat)\(.*O_CREAT\|O_EXCL.*\) += [0-9]+$' "$log" | grep -c . || true)
    printf '%-34s %-4s %6s %6s %6s %6s %7s %8s %8s %8s %7s %6s\n' "$(basename "$(dirname "$bin")")/$(basename "$bin")" $verb \
      "$(count '^[0-9]+ +f(data)?sync\(' "$log")" "$(count '^[0-9]+ +rename(at2?)?\(' "$log")" "$(count '^[0-9]+ +link(at)?\(' "$log")" \
      "$(count '^[0-9]+ +unlink(at)?\(' "$log")" "$(count '^[0-9]+ +(open|openat)\(.*O_CREAT' "$log")" "$(count '^[0-9]+ +(open|openat)\(.*O_TMPFILE' "$log")" \
      "$names" "$(count '^[0-9]+ +(utimensat|futimens)\(' "$log")" "$(count '^[0-9]+ +(open|openat)\(' "$log")" "$inodes"
  done
done
echo "(fsync = fsync + fdatasync; link/unlink = attempts; new names = successful name creations in any directory; opens = all open/openat,"
echo " the runtime's own at start included; inodes+ = entries of the data directory after minus before)"
