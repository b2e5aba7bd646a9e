"""Make the lab host's sshd listen on its LAN addresses only.

  python3 ssh_listen.py IFACE OUT

Writes one ListenAddress line per global address of IFACE to OUT (an sshd
configuration fragment included by /etc/ssh/sshd_config.d/dockernet-lab.conf).
Run by ssh.service before sshd starts, so the one image serves every host
whatever its address; without any address it fails rather than let sshd
listen on the bridges the rollout creates.
"""

import json
import os
import subprocess
import sys


def main() -> int:
    iface, out = sys.argv[1], sys.argv[2]
    shown = subprocess.run(
        ["ip", "-j", "addr", "show", "dev", iface], check=True, capture_output=True, text=True
    ).stdout
    lines = [
        "ListenAddress %s\n" % addr["local"]
        for link in json.loads(shown)
        for addr in link.get("addr_info", [])
        if addr.get("scope") == "global" and addr.get("family") in ("inet", "inet6")
    ]
    if not lines:
        print("ssh_listen: %s has no global address" % iface, file=sys.stderr)
        return 1
    os.makedirs(os.path.dirname(out), mode=0o755, exist_ok=True)
    tmp = out + ".tmp"
    with open(tmp, "w", encoding="ascii") as handle:
        handle.writelines(lines)
    os.chmod(tmp, 0o644)
    os.replace(tmp, out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
