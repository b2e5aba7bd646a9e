# Copyright: dockernet.ipv6 contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Runs ON a lab host (python3 - REPS IF < this file), called by bench/run.py.

Times, inside the host and side by side in each repetition, the module processes Ansible would start there
(AnsiballZ files kept from a real run, with their arguments embedded): ansible.builtin.ping (the floor of a
module process), dockernet.ipv6.ndp_proxy converging N new entries, the same with nothing to do, the exclusive
replacement, and one bare `ip -6 -batch -` process doing the same entries. Prints one JSON object.
"""

import json
import subprocess
import sys
import time

REPS, IF = int(sys.argv[1]), sys.argv[2]
FILES = "/tmp/bench-ndp"


def reset():
    subprocess.run(
        [
            "sh",
            "-c",
            f"ip link del {IF} 2>/dev/null; ip link add {IF} type veth peer name {IF}p && "
            f"ip link set {IF} up && ip link set {IF}p up",
        ],
        check=True,
    )


def timed(argv, data=None, want_changed=None):
    t = time.perf_counter()
    proc = subprocess.run(argv, input=data, capture_output=True, check=True)
    secs = time.perf_counter() - t
    if want_changed is not None:
        out = json.loads(proc.stdout.decode())
        assert bool(out.get("changed")) == want_changed and not out.get("failed"), out
    return secs


with open(f"{FILES}/first.txt") as fh:
    FIRST = fh.read().split()
with open(f"{FILES}/replacement.txt") as fh:
    REPL = fh.read().split()
gone = sorted(set(FIRST) - set(REPL))
new = [a for a in REPL if a not in set(FIRST)]
add_batch = "".join(f"neigh add proxy {a} dev {IF}\n" for a in FIRST).encode()
repl_batch = (
    "".join(f"neigh del proxy {a} dev {IF}\n" for a in gone) + "".join(f"neigh add proxy {a} dev {IF}\n" for a in new)
).encode()
py = [sys.executable]
res = {k: [] for k in ("ping", "converge", "noop", "replace", "noop_replaced", "ip_add", "ip_replace")}
for _ in range(REPS):
    reset()
    res["ping"].append(timed(py + [f"{FILES}/ping.py"]))
    res["converge"].append(timed(py + [f"{FILES}/converge.py"], want_changed=True))
    res["noop"].append(timed(py + [f"{FILES}/converge.py"], want_changed=False))
    res["replace"].append(timed(py + [f"{FILES}/replace.py"], want_changed=True))
    res["noop_replaced"].append(timed(py + [f"{FILES}/replace.py"], want_changed=False))
    reset()
    res["ip_add"].append(timed(["ip", "-6", "-batch", "-"], add_batch))
    res["ip_replace"].append(timed(["ip", "-6", "-batch", "-"], repl_batch))
reset()
subprocess.run(["ip", "link", "del", IF], check=False)
print(json.dumps(res))
