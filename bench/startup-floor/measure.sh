#!/usr/bin/env bash
# Deterministic start-up figures of CNI plugins for VERSION: instructions (callgrind), minor page
# faults and peak RSS (GNU time, median of 5), and file size. Usage:
#   bench/startup-floor/measure.sh [dir-with-our-plugins]   (default artifacts/cni-bin)
# Rows: our bridge, host-local, loopback, flannel; the start-up floor (bench/startup-floor, published
# by publish.sh next to this); the Go reference bridge, host-local and loopback in /usr/lib/cni.
# Needs valgrind. Go binaries run under callgrind with GODEBUG=asyncpreemptoff=1 (callgrind asserts on
# the SIGURG preemption signals otherwise) and --fair-sched=yes; their count includes every thread.
set -euo pipefail
cd "$(dirname "$0")/../.."
ours=${1:-artifacts/cni-bin}
floor=artifacts/startup-floor/startup-floor
go=${GO_CNI_DIR:-/usr/lib/cni}
stdin='{"cniVersion":"1.0.0"}'
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# callgrind refuses the NativeAOT .dbg files that publish leaves next to a binary: measure a copy.
instructions() { # binary -> Ir
  local copy="$work/$(basename "$1")"
  cp "$1" "$copy"
  CNI_COMMAND=VERSION GODEBUG=asyncpreemptoff=1 valgrind --tool=callgrind --fair-sched=yes \
    --callgrind-out-file=/dev/null "$copy" <<<"$stdin" 2>"$work/cg" >/dev/null
  grep -oP 'Collected : \K[0-9]+' "$work/cg"
}

faults_rss() { # binary -> "faults rss_kib" (medians of 5)
  for _ in 1 2 3 4 5; do
    CNI_COMMAND=VERSION GODEBUG=asyncpreemptoff=1 /usr/bin/time -f '%R %M' -o "$work/t" "$1" <<<"$stdin" >/dev/null
    cat "$work/t"
  done >"$work/fr"
  echo "$(cut -d' ' -f1 "$work/fr" | sort -n | sed -n 3p) $(cut -d' ' -f2 "$work/fr" | sort -n | sed -n 3p)"
}

printf '%-22s %12s %14s %8s %9s\n' program size_B VERSION_Ir faults RSS_KiB
row() { # label binary
  [ -x "$2" ] || { printf '%-22s %s\n' "$1" "(missing: $2)"; return; }
  read -r f r < <(faults_rss "$2")
  printf '%-22s %12d %14d %8d %9d\n' "$1" "$(stat -c %s "$2")" "$(instructions "$2")" "$f" "$r"
}
for p in bridge host-local loopback flannel; do row "ours $p" "$ours/$p"; done
row "startup-floor" "$floor"
for p in bridge host-local loopback; do row "Go $p" "$go/$p"; done
