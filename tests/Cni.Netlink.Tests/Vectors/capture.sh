#!/usr/bin/env bash
# Regenerates requests.txt and replies.txt: the bytes iproute2 sends (and the kernel answers) for
# the commands below, captured with strace inside a throw-away network namespace.
# Usage (root): tests/Cni.Netlink.Tests/Vectors/capture.sh
# Each entry is "## <command>" followed by the hex of every netlink message the command sent
# (requests.txt) or received (replies.txt), one message buffer per line. Never touches the host
# namespace: everything runs under `ip netns exec` in a namespace this script creates and removes.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
ns=cnitest-capture-$$-$RANDOM
peer=cnitest-capture-peer-$$-$RANDOM
ip netns add "$ns"
ip netns add "$peer"
trap 'ip netns del "$ns" 2>/dev/null || true; ip netns del "$peer" 2>/dev/null || true' EXIT
in_ns() { ip netns exec "$ns" "$@"; }

# strace prints " | 00000  3c 00 ...  <...> |" lines after each sendmsg/recvmsg; join them per buffer.
hexdump_of() { # $1: trace file, $2: syscall name
  awk -v want="$2" '
    /^[0-9]+ +[a-z]+\(/ { if (buf != "") print buf; buf=""; cur = ($0 ~ ("^[0-9]+ +(" want ")\\(")) ; next }
    /^ \* [0-9]+ bytes in buffer/ { if (buf != "") print buf; buf=""; next }
    /^ \| [0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f]  / { if (cur) { line = substr($0, 11, 49); gsub(/ /, "", line); buf = buf line } }
    END { if (buf != "") print buf }'  "$1"
}

capture() { # $@: the ip command to capture (runs inside $ns)
  local trace
  trace=$(mktemp)
  in_ns strace -f -qq -e trace=sendmsg,sendto,recvmsg -e write=all -e read=all -o "$trace" "$@" >/dev/null || echo "($* failed: the request is kept, the kernel refused it)" >&2
  { echo "## $*"; hexdump_of "$trace" "send(msg|to)"; } >>"$here/requests.txt"
  { echo "## $*"; hexdump_of "$trace" recvmsg; } >>"$here/replies.txt"
  rm -f "$trace"
}

: >"$here/requests.txt"
: >"$here/replies.txt"
capture ip link add cni0 type bridge
capture ip link add br1 mtu 1400 type bridge vlan_filtering 1
capture ip link add veth0 type veth peer name veth1
capture ip link add eth0 mtu 1450 address 0a:58:0a:f4:01:02 type veth peer name vethabcd0123 netns "$peer"
capture ip link set veth0 up
capture ip link set veth0 down
capture ip link set veth0 master cni0
capture ip link set veth0 nomaster
capture ip link set veth0 mtu 1300
capture ip link set veth0 address 0a:58:0a:f4:01:09
capture ip link set veth0 promisc on
capture ip link set veth1 netns "$peer"
capture ip link set veth0 master cni0
capture bridge link set dev veth0 hairpin on
capture bridge link set dev veth0 isolated on
capture bridge vlan add dev veth0 vid 10 pvid untagged
capture bridge vlan add dev veth0 vid 20-30
capture bridge vlan del dev veth0 vid 1
capture ip link add vxlan1 type vxlan id 1 local 127.0.0.1 dev lo dstport 8472 nolearning
capture ip addr add 10.244.1.1/24 brd + dev cni0
capture ip addr add fd00:10:244::1/64 dev cni0 nodad
capture ip addr del 10.244.1.1/24 dev cni0
capture ip link set cni0 up
capture ip addr add 10.244.1.1/24 dev cni0
capture ip route add 10.96.0.0/12 via 10.244.1.254 dev cni0 metric 100 table 100 mtu 1400 advmss 1360
capture ip route replace 10.97.0.0/16 dev cni0 scope link
capture ip route del 10.97.0.0/16 dev cni0
capture ip neigh add 10.244.2.0 lladdr 0a:58:0a:f4:02:00 dev vxlan1 nud permanent
capture bridge fdb append 0a:58:0a:f4:02:00 dev vxlan1 dst 127.0.0.2 self permanent
capture ip link del veth0
capture ip link show
capture ip addr show
capture ip route show table all
echo "wrote $here/requests.txt and $here/replies.txt"
