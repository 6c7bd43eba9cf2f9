# Sourced by the benchmarks under bench/: the throwaway "node" every benchmark runs in.
#
#   bench_node TAG-PREFIX   sets $tag (TAG-PREFIX-<pid>), $work (a fresh directory under /tmp) and
#                           $node ($tag-node, a new network namespace with lo up), and removes every
#                           namespace named $tag-* and $work on exit, also on failure. The machine's own
#                           namespace is never touched; pod namespaces should be named $tag-<something>.
bench_node() {
  tag="$1-$$"
  work=$(mktemp -d "/tmp/$1.XXXXXX")
  node="$tag-node"
  trap bench_cleanup EXIT
  ip netns add "$node"
  ip -n "$node" link set lo up
}

bench_cleanup() {
  local ns
  for ns in $(ip netns list | awk '{print $1}' | grep "^$tag-" || true); do ip netns del "$ns" 2>/dev/null || true; done
  rm -rf "$work"
}
