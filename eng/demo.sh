#!/usr/bin/env bash
# The main job, as a node admin sees it: publish our NativeAOT plugins, then wire two pods to a bridge
# with them, exactly as a container runtime would (loopback, bridge, host-local), and take them down.
#
# Nothing touches this machine's own network: a network namespace plays the node (the bridge plugin
# makes cni0 and the host veths in the namespace it runs in), two more play the pods, and all three
# are removed at the end, also on failure. Traffic only flows between those namespaces.
# When /usr/lib/cni has the Go reference plugins, the same calls run through them too, and each call's
# time is printed side by side. Last, when artifacts/tools/cnitool is published, the same network is run
# by our cnitool from a configuration list, as a runtime runs it.
set -euo pipefail
cd "$(dirname "$0")/.."
. eng/demo-common.sh
demo_prepare
ours=$PWD/artifacts/cni-bin
go=/usr/lib/cni
for p in loopback bridge; do
  [ -x "$ours/$p" ] || { echo "our $p plugin was not published" >&2; exit 1; }
done


demo_workspace cnidemo

# One run of the scenario: $1 = label, $2 = directory of loopback+bridge, $3 = host-local to use.
# Times go to $work/<label>.times as "call ms" lines.
scenario() {
  local label=$1 bin=$2 ipam=$3 quiet=${4:-}
  local node="$tag-$label-node" pod1="$tag-$label-pod1" pod2="$tag-$label-pod2"
  local path="$work/$label-bin"
  mkdir -p "$path"
  ln -sf "$bin/loopback" "$path/loopback"; ln -sf "$bin/bridge" "$path/bridge"; ln -sf "$ipam" "$path/host-local"
  for ns in "$node" "$pod1" "$pod2"; do ip netns add "$ns"; namespaces+=("$ns"); done
  local conf="{\"cniVersion\":\"1.0.0\",\"name\":\"demo\",\"type\":\"bridge\",\"bridge\":\"cni0\",\"isGateway\":true,\"isDefaultGateway\":true,\"ipam\":{\"type\":\"host-local\",\"dataDir\":\"$work/$label-data\",\"ranges\":[[{\"subnet\":\"10.88.0.0/24\"}]]}}"
  local lo='{"cniVersion":"1.0.0","name":"demo","type":"loopback"}'
  local result

  # Runs a plugin inside the node namespace; the time is taken in there, around the plugin alone.
  call() { # plugin verb pod ifname config
    local plugin=$1 verb=$2 pod=$3 ifname=$4 config=$5 out rc
    out=$(ip netns exec "$node" env -i PATH="$PATH" CNI_COMMAND="$verb" CNI_CONTAINERID="$pod" \
      CNI_NETNS="/run/netns/$pod" CNI_IFNAME="$ifname" CNI_PATH="$path" bash -c '
        s=$EPOCHREALTIME; out=$("$0" <<<"$1"); rc=$?; e=$EPOCHREALTIME
        printf "%s\n%s" "$(( (${e/./} - ${s/./}) ))" "$out"; exit $rc' "$path/$plugin" "$config") && rc=0 || rc=$?
    local us=${out%%$'\n'*}
    result=""
    [ "$out" = "$us" ] || result=${out#*$'\n'}
    local short=${pod##*-}
    printf '%s-%s %s\n' "$verb $plugin" "$short" "$us" >>"$work/$label.times"
    [ -n "$quiet" ] || printf '  %-6s %-9s %-5s %7.2f ms  exit %d\n' "$verb" "$plugin" "$short" "$(awk "BEGIN{print $us/1000}")" "$rc"
    if [ "$rc" != 0 ]; then echo "$result" >&2; return "$rc"; fi
  }

  [ -n "$quiet" ] || echo "== ADD (loopback, then bridge with host-local) for both pods"
  call loopback ADD "$pod1" lo "$lo"
  call bridge ADD "$pod1" eth0 "$conf"; local r1=$result
  call loopback ADD "$pod2" lo "$lo"
  call bridge ADD "$pod2" eth0 "$conf"; local r2=$result
  local ip1 ip2
  ip1=$(grep -o '"address": "[^"]*' <<<"$r1" | head -1 | cut -d'"' -f4); ip1=${ip1%/*}
  ip2=$(grep -o '"address": "[^"]*' <<<"$r2" | head -1 | cut -d'"' -f4); ip2=${ip2%/*}
  if [ -z "$quiet" ]; then
    echo "== the bridge plugin's result for pod1"
    sed 's/^/  /' <<<"$r1"
    echo "== addresses and routes"
    for pod in "$pod1" "$pod2"; do
      echo "  ${pod##*-}:"; ip -n "$pod" -br addr show dev eth0 | sed 's/^/    /'; ip -n "$pod" route | sed 's/^/    /'
    done
    echo "  node:"; ip -n "$node" -br addr show dev cni0 | sed 's/^/    /'; ip -n "$node" -br link show master cni0 | sed 's/^/    /'
    echo "== ping"
    echo "  pod1 -> pod2 ($ip2): $(ping_in "$pod1" "$ip2")"
    echo "  pod2 -> gateway (10.88.0.1): $(ping_in "$pod2" 10.88.0.1)"
    echo "== CHECK and DEL"
  fi
  call bridge CHECK "$pod1" eth0 "${conf%\}},\"prevResult\":$r1}"
  call bridge CHECK "$pod2" eth0 "${conf%\}},\"prevResult\":$r2}"
  call bridge DEL "$pod1" eth0 "$conf"
  call bridge DEL "$pod2" eth0 "$conf"
  call loopback DEL "$pod1" lo "$lo"
  call loopback DEL "$pod2" lo "$lo"
  [ -n "$quiet" ] || echo "  left in the node namespace: $(ip -n "$node" -br link show | awk '{print $1}' | grep -v '^lo$' | tr '\n' ' ')(the bridge stays, as with the reference)"
  [ -n "$quiet" ] || echo "  leases left: $(find "$work/$label-data/demo" -maxdepth 1 -type f -not -name lock -not -name 'last_reserved_ip*' -not -name '.*' | wc -l)"
}

# The same network as a runtime drives it: one configuration list in NETCONFPATH, run by our cnitool
# (artifacts/tools/cnitool, the reference cnitool's command line over Cni.Runtime), which keeps the
# result cache in libcni's format (here in $work/cache instead of /var/lib/cni: CNITOOL_CACHE_DIR).
cnitool_scenario() {
  local tool=$PWD/artifacts/tools/cnitool
  local node="$tag-tool-node" pod1="$tag-tool-pod1" pod2="$tag-tool-pod2" netconf="$work/net.d"
  for ns in "$node" "$pod1" "$pod2"; do ip netns add "$ns"; namespaces+=("$ns"); done
  mkdir -p "$netconf"
  cat >"$netconf/00-lo.conflist" <<<'{"cniVersion":"1.1.0","name":"lo","plugins":[{"type":"loopback"}]}'
  cat >"$netconf/10-demo.conflist" <<EOF2
{"cniVersion":"1.1.0","name":"demo","plugins":[
  {"type":"bridge","bridge":"cni0","isGateway":true,"isDefaultGateway":true,
   "ipam":{"type":"host-local","dataDir":"$work/tool-data","ranges":[[{"subnet":"10.88.0.0/24"}]]}}]}
EOF2
  # cnitool runs in the node namespace, where the bridge plugin makes cni0 and the host veths.
  cnitool() { ip netns exec "$node" env NETCONFPATH="$netconf" CNI_PATH="$ours" CNITOOL_CACHE_DIR="$work/cache" "$tool" "$@"; }
  echo "  \$ cat $netconf/10-demo.conflist"; sed 's/^/    /' "$netconf/10-demo.conflist"
  local pod r1
  for pod in "$pod1" "$pod2"; do
    echo "  \$ CNI_IFNAME=lo cnitool add lo /run/netns/$pod && cnitool add demo /run/netns/$pod"
    CNI_IFNAME=lo cnitool add lo "/run/netns/$pod" >/dev/null
    if [ "$pod" = "$pod1" ]; then r1=$(cnitool add demo "/run/netns/$pod"); sed 's/^/    /' <<<"$r1"; echo
    else cnitool add demo "/run/netns/$pod" >/dev/null; fi
  done
  local ip2
  ip2=$(ip -n "$pod2" -4 -o addr show dev eth0 | awk '{print $4}'); ip2=${ip2%/*}
  echo "  pod1 -> pod2 ($ip2): $(ping_in "$pod1" "$ip2")"
  echo "  \$ cnitool check demo /run/netns/$pod1 && cnitool status demo /run/netns/$pod1"
  cnitool check demo "/run/netns/$pod1" && cnitool status demo "/run/netns/$pod1" && echo "    both exit 0"
  echo "  the result cache (libcni's format; a libcni-based runtime can take over these pods):"
  ls "$work/cache/results" | sed 's/^/    /'
  echo "  \$ cnitool del demo ... && CNI_IFNAME=lo cnitool del lo ... (both pods)"
  for pod in "$pod1" "$pod2"; do
    cnitool del demo "/run/netns/$pod"; CNI_IFNAME=lo cnitool del lo "/run/netns/$pod"
  done
  echo "  left: $(ls "$work/cache/results" | wc -l) cache entries, $(ip -n "$node" -o link show type veth | wc -l) veths"
}

ipam_ours=$ours/host-local
if [ ! -x "$ipam_ours" ]; then
  ipam_ours=$go/host-local
  echo "(our host-local is not published yet: our bridge delegates to the Go host-local)"
fi
echo "== our plugins ($ours), node namespace $tag-ours-node, pods $tag-ours-pod1 and $tag-ours-pod2"
scenario ours "$ours" "$ipam_ours"

if [ -x "$go/bridge" ] && [ -x "$go/host-local" ] && [ -x "$go/loopback" ]; then
  echo "== the same calls through the Go reference plugins ($go), in namespaces of their own"
  scenario go "$go" "$go/host-local" quiet
  echo "== time per call (ms): ours | Go reference | ratio"
  paste -d' ' "$work/ours.times" "$work/go.times" | while read -r verb plugin us_o _verb2 _plugin2 us_g; do
    awk -v c="$verb $plugin" -v o="$us_o" -v g="$us_g" 'BEGIN{printf "  %-22s %7.2f | %7.2f | %.2fx\n", c, o/1000, g/1000, o/g}'
  done
  awk '{s+=$3} END{printf "  %-22s %7.2f", "total", s/1000}' "$work/ours.times"
  awk '{s+=$3} END{printf " | %7.2f\n", s/1000}' "$work/go.times"
fi
if [ -x artifacts/tools/cnitool ]; then
  echo "== the same network through our cnitool, in namespaces of its own ($tag-tool-*)"
  cnitool_scenario
fi
echo "== done: namespaces removed"
