#!/usr/bin/env bash
# What is resident when a VERSION call exits: stops the program at its exit_group (gdb) and prints each
# mapping's Rss/Anonymous/Private_Dirty from /proc/<pid>/smaps, then smaps_rollup. Usage:
#   bench/startup-floor/smaps.sh <binary> [stdin-json]
# Deterministic to a page or two; GNU time's %M (peak RSS) is the same figure taken by the kernel at exit.
set -euo pipefail
bin=$1
stdin=${2:-'{"cniVersion":"1.0.0"}'}
command -v gdb >/dev/null || { echo "gdb missing: apt-get install gdb" >&2; exit 1; }
in=$(mktemp)
trap 'rm -f "$in"' EXIT
printf '%s\n' "$stdin" >"$in"
CNI_COMMAND=VERSION GODEBUG=asyncpreemptoff=1 gdb -q -batch -nx \
  -ex 'set pagination off' -ex 'handle all nostop noprint pass' \
  -ex 'catch syscall exit_group' -ex "run <$in >/dev/null" \
  -ex 'python
import re
pid = gdb.selected_inferior().pid
rows, cur = [], None
for line in open("/proc/%d/smaps" % pid):
    f = line.split()
    if re.match(r"^[0-9a-f]+-[0-9a-f]+ ", line):
        cur = {"name": (f[5] if len(f) > 5 else "(anon)").split("/")[-1], "perm": f[1], "size": 0}
        rows.append(cur)
    elif f[0] in ("Size:", "Rss:", "Anonymous:", "Private_Dirty:", "Shared_Clean:", "Private_Clean:"):
        cur[f[0][:-1]] = int(f[1])
print("%-28s %4s %8s %7s %7s %7s" % ("mapping", "perm", "Size", "Rss", "Anon", "PrivDty"))
for r in rows:
    if r.get("Rss", 0) or r.get("Size", 0) > 4096:
        print("%-28s %4s %8d %7d %7d %7d" % (r["name"][:28], r["perm"], r["Size"], r["Rss"], r["Anonymous"], r["Private_Dirty"]))
print(open("/proc/%d/smaps_rollup" % pid).read())
' -ex 'kill' --args "$bin" 2>&1 | grep -v '^\[Inferior\|^\[Thread\|^\[New\|^Using host\|^Thread 1\|^30\|^Catchpoint\|^$\|^warning\|^Kill the'
