// libcni-interop: a small driver over libcni itself (Debian's golang-github-appc-cni-dev), used by
// tests/Cni.CniTool.Tests to prove that our result cache and our cnitool interoperate with libcni:
// a pod added here can be deleted by our cnitool and the other way round, and CHECK through
// libcni is the yardstick our CHECK is compared with.
//
// Usage:
//
//	libcni-interop [-netconf DIR] [-path DIR:DIR] [-cache-dir DIR] [-container ID] [-ifname NAME]
//	               [-cap-args JSON] add|check|del <network> <netns path>
//
// It loads the network list named <network> from DIR with libcni.LoadConfList, runs the verb
// through libcni.CNIConfig with the result cache under -cache-dir (libcni's layout:
// <dir>/results/<network>-<container ID>-<ifname>), prints the result on add, and exits 1 with
// the error on standard error when the verb fails. The container ID defaults to the one cnitool
// derives from the namespace path, so the same pod is addressed by both programs.
//
// Built by the test command in GOPATH mode (GO111MODULE=off, GOPATH=/usr/share/gocode): no module
// is downloaded.
package main

import (
	"context"
	"crypto/sha512"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/containernetworking/cni/libcni"
)

func main() {
	netconf := flag.String("netconf", "/etc/cni/net.d", "directory of network configuration files")
	path := flag.String("path", os.Getenv("CNI_PATH"), "plugin directories, separated by ':'")
	cacheDir := flag.String("cache-dir", "", "libcni cache directory (default libcni's /var/lib/cni)")
	containerID := flag.String("container", "", "container ID (default: cnitool's, derived from the namespace path)")
	ifName := flag.String("ifname", "eth0", "interface name in the namespace")
	capArgs := flag.String("cap-args", "", "capability arguments, a JSON object (as cnitool's CAP_ARGS)")
	flag.Parse()
	if flag.NArg() != 3 {
		fmt.Fprintln(os.Stderr, "usage: libcni-interop [flags] add|check|del <network> <netns path>")
		os.Exit(2)
	}
	verb, network := flag.Arg(0), flag.Arg(1)
	netns, err := filepath.Abs(flag.Arg(2))
	if err != nil {
		fail(err)
	}
	if *containerID == "" {
		sum := sha512.Sum512([]byte(netns))
		*containerID = fmt.Sprintf("cnitool-%x", sum[:10])
	}

	list, err := libcni.LoadConfList(*netconf, network)
	if err != nil {
		fail(err)
	}
	cni := libcni.NewCNIConfigWithCacheDir(filepath.SplitList(*path), *cacheDir, nil)
	rt := &libcni.RuntimeConf{ContainerID: *containerID, NetNS: netns, IfName: *ifName}
	if *capArgs != "" {
		if err := json.Unmarshal([]byte(*capArgs), &rt.CapabilityArgs); err != nil {
			fail(fmt.Errorf("-cap-args: %w", err))
		}
	}
	ctx := context.Background()

	switch verb {
	case "add":
		result, err := cni.AddNetworkList(ctx, list, rt)
		if err != nil {
			fail(err)
		}
		if err := result.Print(); err != nil {
			fail(err)
		}
	case "check":
		if err := cni.CheckNetworkList(ctx, list, rt); err != nil {
			fail(err)
		}
	case "del":
		if err := cni.DelNetworkList(ctx, list, rt); err != nil {
			fail(err)
		}
	default:
		fmt.Fprintf(os.Stderr, "unknown verb %q: add, check or del\n", verb)
		os.Exit(2)
	}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, err)
	os.Exit(1)
}
