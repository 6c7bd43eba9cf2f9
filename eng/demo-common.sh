# Sourced by the demos (eng/demo.sh, eng/flannel-demo.sh): what both need.
# demo_prepare: refuse to run without root (the demos make network namespaces), install what is missing
# the way eng/test.sh does on Debian 12 (iproute2 for namespaces, VXLAN and the FDB; a C toolchain and
# zlib for NativeAOT linking; ping for the checks, unless perl's Net::Ping can stand in for it), then
# publish the NativeAOT plugins into artifacts/cni-bin.
demo_prepare() {
  if [ "$(id -u)" != 0 ]; then
    echo "run as root: the demo creates network namespaces" >&2
    exit 1
  fi

  local need=()
  command -v ip >/dev/null && command -v bridge >/dev/null || need+=(iproute2)
  command -v ping >/dev/null || perl -MNet::Ping -e1 2>/dev/null || need+=(iputils-ping)
  command -v clang >/dev/null || command -v gcc >/dev/null || need+=(clang)
  [ -e /usr/lib/x86_64-linux-gnu/libz.so ] || [ -e /usr/lib/libz.so ] || need+=(zlib1g-dev)
  if ((${#need[@]})); then
    echo "== installing: ${need[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq && apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
  fi

  echo "== publishing the NativeAOT plugins into artifacts/cni-bin"
  eng/publish.sh
}

# demo_workspace TAG: $tag, a scratch directory $work, and the list $namespaces of the namespaces a demo
# makes; all of them are removed when the demo exits, also on failure.
demo_workspace() {
  tag="$1-$$"
  work=$(mktemp -d "/tmp/$1.XXXXXX")
  namespaces=()
  trap demo_cleanup EXIT
}

demo_cleanup() {
  for ns in "${namespaces[@]}"; do ip netns del "$ns" 2>/dev/null || true; done
  rm -rf "$work"
}

# ping_in NAMESPACE ADDRESS: two pings from inside a namespace (IPv4 or IPv6); prints "sent, received".
ping_in() {
  if command -v ping >/dev/null; then
    ip netns exec "$1" ping -c 2 -W 1 "$2" | awk '/packets/{print $1 " sent, " $4 " received"}' || true
  else
    ip netns exec "$1" perl -MNet::Ping -e '$p = Net::Ping->new($ARGV[0] =~ /:/ ? "icmpv6" : "icmp", 1); $n = 0; for (1..2) { $n++ if $p->ping($ARGV[0]) } print "2 sent, $n received\n"' "$2"
  fi
}
