#!/usr/bin/env bash
# Checks every enum member whose <summary> names a kernel constant (<c>IFLA_IFNAME</c> ...) against the
# uapi headers installed on this machine (linux-libc-dev), by compiling static asserts with gcc. It reads
# every .cs file of src/Cni.Netlink (attribute enums live in the object folders) and already includes
# the headers of the objects not written yet (routing rules, nfnetlink/nf_tables), so a new object folder
# is checked without editing this script.
# Usage: tests/Cni.Netlink.Tests/Vectors/check-constants.sh
set -euo pipefail
src=$(cd "$(dirname "$0")/../../../src/Cni.Netlink" && pwd)
c=$(mktemp --suffix=.c)
trap 'rm -f "$c" "${c%.c}.o"' EXIT
python3 - "$src" >"$c" <<'PY'
import glob, re, sys
print('#include <linux/netlink.h>\n#include <linux/rtnetlink.h>\n#include <linux/if_link.h>\n#include <linux/if_addr.h>\n#include <linux/neighbour.h>\n#include <linux/if_bridge.h>\n#include <linux/veth.h>\n#include <linux/if.h>\n#include <linux/fib_rules.h>\n#include <linux/netfilter/nfnetlink.h>\n#include <linux/netfilter/nf_tables.h>\n#include <sys/socket.h>\nint main(void){')
for f in glob.glob(sys.argv[1] + "/**/*.cs", recursive=True):
    for name, val in re.findall(r'<summary><c>([A-Z0-9_]+)</c>[^\n]*\n\s+\w+ = (0x[0-9a-fA-F]+|\d+),', open(f).read()):
        print(f'_Static_assert({name} == {val}, "{name}");')
print('return 0;}')
PY
gcc -c "$c" -o "${c%.c}.o"
echo "$(grep -c _Static_assert "$c") constants match the kernel headers"
