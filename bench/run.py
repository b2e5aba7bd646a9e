# Copyright: dockernet.ipv6 contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Benchmarks of dockernet.ipv6: measures, keeps the raw results, and has bench/render.py fill docs/performance.md
(see /work/shared/BENCHMARKS.md for the rules).

    make bench                                            every section, default repetitions
    .cache/venv/bin/python bench/run.py --only ndp,networks --reps 3     some sections
    .cache/venv/bin/python bench/run.py --render          only rewrite docs/performance.md from bench/results/
                                                          (the same as .cache/venv/bin/python bench/render.py)

    .cache/venv/bin/python bench/run.py --only scale --sizes 2,4 --reps 1 --doc /tmp/perf.md --results /tmp/res

Sections: rollout, sync, ndp, networks, baseline, growth, scale, planner. The lab sections bring up their own lab
instances (LAB=bench, benchg<N>, benchhb, benchhs<N>) with tools/lab/lab.sh and take them down at the end. Raw results
of each section are kept in bench/results/<section>.json (--results), so that a run of some sections keeps the figures
of the others in the document (--doc). The document's prose is written by hand in docs/performance.md; bench/render.py
replaces only its parts between <!-- bench:NAME --> markers, after each section and at the end.
"""

from __future__ import annotations

import argparse
import datetime as dt
import ipaddress
import json
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path[:0] = [str(Path(__file__).resolve().parent), str(Path(__file__).resolve().parents[1] / "tools" / "lab")]
import labkit  # noqa: E402  (tools/lab/labkit.py: the lab's constants and harness)
import render  # noqa: E402  (bench/render.py: the document, and the summary of repeated figures)
from render import stats  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
BENCH = REPO / "bench"
WORK = REPO / ".cache" / "bench"
BIN = REPO / ".cache" / "venv" / "bin"
SECTIONS = ("rollout", "sync", "ndp", "networks", "baseline", "growth", "scale", "planner")
ENGINE = os.environ.get("ENGINE", "trixie")
NDP_IF = "bnd0"  # a throwaway veth pair inside the lab host: the LAN is not disturbed
NDP_PREFIX = "2001:db8:be::/64"
BASELINE_LAB = "benchhb"  # the baseline section's fresh 2-host labs
SCALE_LAB = "benchhs"  # + the number of hosts: the scale section's labs
SYNC_PROBE = "bench-sync-probe"  # the sync section's pinging container, one on each host


def log(msg: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def run(argv, *, env=None, input=None, check=True, timeout=None) -> subprocess.CompletedProcess:
    """argv with `env` on top of this process's environment; fails unless check=False (labkit.run)."""
    return labkit.run(argv, env=dict(os.environ, **(env or {})), input=input, check=check, timeout=timeout)


# ------------------------------------------------------------------------------------------------ lab
class Lab(labkit.Lab):
    """A lab instance of ENGINE, timed when it comes up; hosts are numbered as in the inventory (docker<k>)."""

    def __init__(self, name: str, hosts: int) -> None:
        super().__init__(name, ENGINE, hosts)

    def up(self, fresh: bool = False) -> float:
        if fresh:
            self.down()
        t0 = time.perf_counter()
        log(f"lab {self.name} up ({self.hosts} hosts, {ENGINE})")
        super().up()
        return time.perf_counter() - t0

    def down(self) -> None:
        log(f"lab {self.name} down")
        super().down()

    def exec(self, k: int, argv, input=None, check=True) -> subprocess.CompletedProcess:
        return self.hx(f"docker{k}", list(argv), input=input, check=check, timeout=600)

    def inventory(self, variant: str = "docker") -> Path:
        """A temporary inventory dir: the lab's hosts.yml (connection variant) + the site's group_vars."""
        # Whatever lab.sh wrote, set the connection of the variant; pipelining is chosen per run (ANSIBLE_PIPELINING).
        lines = [
            line
            for line in self.inventory_path().read_text().splitlines()
            if not re.match(r"\s+(ansible_connection|ansible_docker_docker_host|ansible_pipelining):", line)
        ]
        at = next(i for i, line in enumerate(lines) if line.strip() == "vars:") + 1
        add = [f"        ansible_connection: community.docker.{variant}"]
        if variant == "docker_api":
            add.append(f"        ansible_docker_docker_host: \"{self.sock}\"")
        text = "\n".join(lines[:at] + add + lines[at:]) + "\n"
        out = WORK / f"inv-{self.name}-{variant}"
        shutil.rmtree(out, ignore_errors=True)
        (out / "group_vars").mkdir(parents=True)
        (out / "hosts.yml").write_text(text)
        shutil.copy(REPO / "inventory" / "lab" / "group_vars" / "docker_hosts.yml", out / "group_vars")
        return out


# ------------------------------------------------------------------------------------------------ ansible
class Play:
    """One ansible-playbook run: wall time, per-task/host durations from bench_timer, recap."""

    counter = 0

    def __init__(
        self, inventory: Path, playbook: Path, *, extra=None, env=None, label="", check=True, forks=None, timeout=3000
    ) -> None:
        Play.counter += 1
        WORK.mkdir(parents=True, exist_ok=True)
        times = WORK / f"times-{os.getpid()}-{Play.counter}.jsonl"
        times.unlink(missing_ok=True)
        argv = [str(BIN / "ansible-playbook"), "-i", str(inventory), str(playbook)]
        if forks:
            argv += ["--forks", str(forks)]
        if extra:
            varfile = WORK / f"vars-{os.getpid()}-{Play.counter}.json"
            varfile.write_text(json.dumps(extra))
            argv += ["-e", f"@{varfile}"]
        penv = {
            "PATH": f"{BIN}:{os.environ.get('PATH', '')}",
            "ANSIBLE_CONFIG": str(REPO / "ansible.cfg"),
            "ANSIBLE_CALLBACK_PLUGINS": str(BENCH / "callback_plugins"),
            "ANSIBLE_CALLBACKS_ENABLED": "bench_timer",
            "BENCH_TIMES_FILE": str(times),
        }
        penv.update(env or {})
        self.command = (
            " ".join(f"{k}={v}" for k, v in (env or {}).items())
            + (" " if env else "")
            + "ansible-playbook -i INV "
            + str(playbook.relative_to(REPO))
            + (f" --forks {forks}" if forks else "")
        )
        # Controller CPU: user+sys of the ansible-playbook process tree (its workers and the docker CLI processes
        # they start are all waited for, so they land in RUSAGE_CHILDREN); nothing else runs meanwhile.
        ru0 = resource.getrusage(resource.RUSAGE_CHILDREN)
        t0 = time.perf_counter()
        proc = run(argv, env=penv, check=False, timeout=timeout)
        self.wall = time.perf_counter() - t0
        ru1 = resource.getrusage(resource.RUSAGE_CHILDREN)
        self.cpu = (ru1.ru_utime - ru0.ru_utime) + (ru1.ru_stime - ru0.ru_stime)
        self.rc = proc.returncode
        self.records, self.recap = [], {}
        if times.exists():
            for line in times.read_text().splitlines():
                rec = json.loads(line)
                if "stats" in rec:
                    self.recap = rec["stats"]
                else:
                    self.records.append(rec)
            times.unlink()
        logfile = WORK / f"play-{label or playbook.stem}.log"
        logfile.write_text(proc.stdout + proc.stderr)
        log(f"{label or playbook.name}: {self.wall:.1f} s, controller CPU {self.cpu:.1f} s, rc={self.rc}")
        if check and self.rc != 0:
            raise RuntimeError(f"{playbook} failed (rc {self.rc}), see {logfile}:\n{proc.stdout[-4000:]}")

    def task(self, name: str, host: str | None = None) -> float:
        found = [r["secs"] for r in self.records if r["task"] == name and (host is None or r["host"] == host)]
        if not found:
            raise KeyError(f"no result for task {name!r}")
        return max(found)

    def changed(self, name: str) -> bool:
        return any(r["changed"] for r in self.records if r["task"] == name)

    def tasks_per_host(self) -> dict:
        # ok counts every task that ran without failing (changed ones included); skipped ones are not counted
        return {h: s["ok"] + s["failures"] + s["unreachable"] for h, s in self.recap.items()}

    def changed_total(self) -> int:
        return sum(s["changed"] for s in self.recap.values())

    def profile(self, top: int = 60):
        """Tasks by time (max over hosts, summed over repeated names), largest first."""
        per = {}
        for rec in self.records:
            key = (rec["seq"], rec["task"])
            per[key] = max(per.get(key, 0.0), rec["secs"])
        agg = {}
        for (_host, name), secs in per.items():
            agg[name] = agg.get(name, 0.0) + secs
        return sorted(agg.items(), key=lambda kv: -kv[1])[:top]


def pb(name: str) -> Path:
    return BENCH / "playbooks" / name


SITE = REPO / "playbooks" / "site.yml"
BASELINE = BENCH / "baseline" / "recipe.yml"

# Connection / pipelining variants compared on the rollout.
VARIANTS = {
    "docker": ("docker", {}),
    "docker+pipelining": ("docker", {"ANSIBLE_PIPELINING": "True"}),
    "docker_api": ("docker_api", {}),
    "docker_api+pipelining": ("docker_api", {"ANSIBLE_PIPELINING": "True"}),
}


# ------------------------------------------------------------------------------------------------ sections
def section_rollout(args) -> dict:
    """First run on a fresh lab and second run (no-op), per connection variant, alternating."""
    lab = Lab("bench", 2)
    variants = args.variants.split(",")
    res = {
        "hosts": 2,
        "variants": variants,
        "first": {},
        "second": {},
        "tasks_per_host": {},
        "changed_second": {},
        "profile_first": {},
        "profile_second": {},
    }
    for v in variants:
        res["first"][v], res["second"][v] = [], []
    for rep in range(args.reps_rollout):
        for v in variants:
            conn, env = VARIANTS[v]
            lab.up(fresh=True)
            res["engine"] = lab.engine_version()
            inv = lab.inventory(conn)
            first = Play(inv, SITE, env=env, label=f"rollout-first-{v}-{rep}")
            second = Play(inv, SITE, env=env, label=f"rollout-second-{v}-{rep}")
            res["first"][v].append(first.wall)
            res["second"][v].append(second.wall)
            res["tasks_per_host"][v] = {"first": first.tasks_per_host(), "second": second.tasks_per_host()}
            res["changed_second"].setdefault(v, []).append(second.changed_total())
            if rep == 0:
                res["profile_first"][v] = first.profile()
                res["profile_second"][v] = second.profile()
            res["command_first"] = "LAB=bench HOSTS=2 tools/lab/lab.sh down && ... up; " + first.command
    # Second runs of every variant on the same (already converged) lab, alternating, more repetitions: cheap.
    res["noop"] = {v: [] for v in variants}
    conn_inv = {c: lab.inventory(c) for c in {VARIANTS[v][0] for v in variants}}
    for rep in range(args.reps_noop):
        for v in variants:
            conn, env = VARIANTS[v]
            play = Play(conn_inv[conn], SITE, env=env, label=f"rollout-noop-{v}-{rep}")
            res["noop"][v].append(play.wall)
    res["command_second"] = "ansible-playbook -i INV playbooks/site.yml (again, same lab)"
    # Per-task floor of each connection variant: a ping task on both hosts, all variants alternating.
    res["floor"] = {v: [] for v in VARIANTS}
    res["floor_wall"] = {v: [] for v in VARIANTS}
    inv_all = {c: lab.inventory(c) for c in ("docker", "docker_api")}
    for rep in range(args.reps):
        for v, (conn, env) in VARIANTS.items():
            play = Play(inv_all[conn], pb("ping.yml"), env=env, label=f"rollout-floor-{v}-{rep}")
            res["floor"][v].append(play.task("Floor"))
            res["floor_wall"][v].append(play.wall)
    return res


def section_sync(args) -> dict:
    """Proxy-sync latency: containers started one by one on docker1, pinged from docker2's probe."""
    lab = Lab("bench", 2)
    lab.up()
    res = {"engine": lab.engine_version(), "hosts": 2, "count": args.containers}
    conn, penv = VARIANTS[args.conn]
    inv = lab.inventory(conn)
    # A rollout in ndp_proxy mode (idempotent if the rollout section ran just before). Its verify play removes the
    # probes it started, so the section starts one of its own on each host, on the default bridge.
    Play(inv, SITE, env=penv, label="sync-rollout")
    for k in (1, 2):
        lab.exec(k, ["docker", "rm", "-f", SYNC_PROBE], check=False)
        lab.exec(
            k, ["docker", "run", "-d", "--name", SYNC_PROBE, "--network", "bridge", labkit.BUSYBOX_IMAGE, "sleep", "1h"]
        )

    def probe(addr):
        return (
            lab.exec(2, ["docker", "exec", SYNC_PROBE, "ping", "-6", "-c1", "-W1", addr], check=False).returncode == 0
        )

    # The cost of one probe attempt (docker exec into the host, then into the probe), against docker1's probe.
    addr1 = lab.exec(
        1, ["docker", "inspect", "-f", "{{.NetworkSettings.GlobalIPv6Address}}", SYNC_PROBE]
    ).stdout.strip()
    floor = []
    for _attempt in range(5):
        t0 = time.perf_counter()
        ok = probe(addr1)
        floor.append(time.perf_counter() - t0 if ok else None)
    res["probe_floor"] = stats(floor)
    from_return, from_start, attempts, names = [], [], [], []
    try:
        for i in range(args.containers):
            name = f"bench-sync-{i}"
            t0 = time.perf_counter()
            # Not lab.start: its `docker rm` would be timed too.
            lab.exec(
                1, ["docker", "run", "-d", "--name", name, "--network", "bridge", labkit.BUSYBOX_IMAGE, "sleep", "1h"]
            )
            t1 = time.perf_counter()
            names.append(name)
            addr = lab.exec(
                1, ["docker", "inspect", "-f", "{{.NetworkSettings.GlobalIPv6Address}}", name]
            ).stdout.strip()
            n = 0
            while True:
                n += 1
                if probe(addr):
                    break
                if time.perf_counter() - t1 > 60:
                    n = None
                    break
            t2 = time.perf_counter()
            attempts.append(n)
            from_return.append(t2 - t1 if n else None)
            from_start.append(t2 - t0 if n else None)
            log(f"sync {i}: {addr} reachable after {t2 - t1:.2f} s ({n} attempts)")
    finally:
        if names:
            lab.exec(1, ["docker", "rm", "-f"] + names, check=False)
        for k in (1, 2):
            lab.exec(k, ["docker", "rm", "-f", SYNC_PROBE], check=False)
    res["from_return"] = stats(from_return)
    res["from_start"] = stats(from_start)
    res["attempts"] = stats([a for a in attempts if a])
    res["unreached"] = sum(1 for a in attempts if not a)
    res["worst_from_return"] = max((x for x in from_return if x), default=None)
    return res


def _ndp_reset(lab: Lab) -> None:
    lab.exec(
        1,
        [
            "sh",
            "-c",
            f"ip link del {NDP_IF} 2>/dev/null; ip link add {NDP_IF} type veth peer name "
            f"{NDP_IF}p && ip link set {NDP_IF} up && ip link set {NDP_IF}p up",
        ],
    )


def _ip_batch(lab: Lab, lines) -> float:
    """Seconds for one `ip -6 -batch -` process on the host, timed on the host itself."""
    code = (
        "import subprocess,sys,time;d=sys.stdin.buffer.read();t=time.perf_counter();"
        "subprocess.run(['ip','-6','-batch','-'],input=d,check=True);print(time.perf_counter()-t)"
    )
    return float(lab.exec(1, ["python3", "-c", code], input="".join(lines)).stdout.strip())


def _ndp_onhost(lab: Lab, args, base, first, replacement) -> dict:
    """Keep the AnsiballZ files of real runs, then time those module processes on the host (bench/ndp_onhost.py)."""
    inv = lab.inventory("docker")
    env = {"ANSIBLE_KEEP_REMOTE_FILES": "1", "ANSIBLE_PIPELINING": "False"}
    lab.exec(1, ["sh", "-c", "rm -rf /tmp/bench-ndp && mkdir -p /tmp/bench-ndp"])
    lab.exec(1, ["sh", "-c", "cat > /tmp/bench-ndp/first.txt"], input="\n".join(first))
    lab.exec(1, ["sh", "-c", "cat > /tmp/bench-ndp/replacement.txt"], input="\n".join(replacement))
    for name, playbook, extra in (
        ("ping.py", "ping.yml", {"bench_hosts": "docker1"}),
        ("converge.py", "ndp_converge.yml", {**base, "bench_addresses": first}),
        ("replace.py", "ndp_converge.yml", {**base, "bench_addresses": replacement}),
    ):
        _ndp_reset(lab)
        lab.exec(1, ["sh", "-c", "rm -rf /root/.ansible/tmp/ansible-tmp-*"])
        Play(inv, pb(playbook), extra=extra, env=env, label=f"ndp-keep-{name}")
        lab.exec(
            1,
            [
                "sh",
                "-c",
                f"cp /root/.ansible/tmp/ansible-tmp-*/AnsiballZ_*.py /tmp/bench-ndp/{name} && "
                "rm -rf /root/.ansible/tmp/ansible-tmp-*",
            ],
        )
    out = lab.exec(
        1, ["python3", "-", str(max(args.reps, 5)), NDP_IF], input=(BENCH / "ndp_onhost.py").read_text()
    ).stdout
    lab.exec(1, ["rm", "-rf", "/tmp/bench-ndp"], check=False)
    return json.loads(out)


def section_ndp(args) -> dict:
    lab = Lab(args.ndp_lab, 2)
    lab.up()
    conn, penv = VARIANTS[args.conn]
    inv = lab.inventory(conn)
    net = ipaddress.IPv6Network(NDP_PREFIX)
    first = [str(net[i]) for i in range(1, args.entries + 1)]
    half = args.entries // 2
    new = [str(net[0x10000 + i]) for i in range(half)]
    replacement = first[half:] + new
    base = {"bench_interface": NDP_IF, "bench_prefix": NDP_PREFIX}
    res = {
        "engine": lab.engine_version(),
        "hosts": 2,
        "entries": args.entries,
        "replaced": half,
        "loop_items": args.loop_items,
        "interface": f"veth {NDP_IF} inside docker1",
        "variant": args.conn,
    }
    for k in (*render.NDP_TIMINGS, "loop_check"):
        res[k] = []
    for rep in range(args.reps):
        # A: the module
        _ndp_reset(lab)
        conv = Play(
            inv, pb("ndp_converge.yml"), extra={**base, "bench_addresses": first}, env=penv, label=f"ndp-converge-{rep}"
        )
        assert conv.changed("Converge the proxy entries")
        count = lab.exec(1, ["sh", "-c", f"ip -6 neigh show proxy dev {NDP_IF} | wc -l"]).stdout.strip()
        assert int(count) == args.entries, count
        steps = Play(
            inv,
            pb("ndp_steps.yml"),
            extra={**base, "bench_addresses": first, "bench_replacement": replacement},
            env=penv,
            label=f"ndp-steps-{rep}",
        )
        assert not steps.changed("No-op") and steps.changed("Replace") and not steps.changed("No-op after replace")
        res["converge_wall"].append(conv.wall)
        res["converge_task"].append(conv.task("Converge the proxy entries"))
        res["noop_task"].append(steps.task("No-op"))
        res["noop2_task"].append(steps.task("No-op after replace"))
        res["replace_task"].append(steps.task("Replace"))
        res["floor_task"].append(statistics.median([steps.task(f"Floor {i}") for i in (1, 2, 3)]))
        # B: bare ip -batch on the host, same entries
        _ndp_reset(lab)
        res["ip_add"].append(_ip_batch(lab, [f"neigh add proxy {a} dev {NDP_IF}\n" for a in first]))
        res["ip_replace"].append(
            _ip_batch(
                lab,
                [f"neigh del proxy {a} dev {NDP_IF}\n" for a in first[:half]]
                + [f"neigh add proxy {a} dev {NDP_IF}\n" for a in new],
            )
        )
        # C: the per-address loop (loop_items items; extrapolated to `entries` linearly)
        if rep < args.loop_reps:
            _ndp_reset(lab)
            loop = Play(
                inv,
                pb("ndp_loop.yml"),
                extra={**base, "bench_addresses": first[: args.loop_items]},
                env=penv,
                label=f"ndp-loop-{rep}",
            )
            res["loop_wall"].append(loop.wall)
            res["loop_task"].append(loop.task("Add the proxy entries one by one"))
            res["loop_check"].append(
                int(lab.exec(1, ["sh", "-c", f"ip -6 neigh show proxy dev {NDP_IF} | wc -l"]).stdout.strip())
            )
    res["onhost"] = _ndp_onhost(lab, args, base, first, replacement)
    lab.exec(1, ["ip", "link", "del", NDP_IF], check=False)
    res["commands"] = {
        "module": f"ansible-playbook -i INV bench/playbooks/ndp_converge.yml -e @vars ({args.entries} addresses)",
        "steps": "ansible-playbook -i INV bench/playbooks/ndp_steps.yml -e @vars",
        "loop": f"ansible-playbook -i INV bench/playbooks/ndp_loop.yml -e @vars ({args.loop_items} addresses)",
        "ip": "docker exec bench-docker1 python3 -c '<time subprocess.run([ip,-6,-batch,-])>' < batch",
    }
    return res


NETWORK_PLAY = """---
- name: Networks, no-op
  hosts: docker1
  gather_facts: false
  vars:
    _net: &net
      name: bench_net
      driver: bridge
      enable_ipv6: true
      ipam_config:
        - subnet: "2001:db8:bee1::/64"
        - subnet: "172.29.9.0/24"
          gateway: "172.29.9.1"
  tasks:
    - name: Create
      dockernet.ipv6.docker_network: *net
{pairs}
    - name: Remove
      dockernet.ipv6.docker_network:
        name: bench_net
        state: absent
"""
PAIR = """
    - name: A {i}
      dockernet.ipv6.docker_network: *net

    - name: B {i}
      community.docker.docker_network: *net
"""


def section_networks(args) -> dict:
    lab = Lab("bench", 2)
    lab.up()
    conn, penv = VARIANTS[args.conn]
    inv = lab.inventory(conn)
    path = WORK / "networks.yml"
    WORK.mkdir(parents=True, exist_ok=True)
    n = max(args.reps, 5)
    path.write_text(NETWORK_PLAY.replace("{pairs}", "".join(PAIR.format(i=i) for i in range(n))))
    res = {
        "engine": lab.engine_version(),
        "hosts": 2,
        "a": [],
        "b": [],
        "ratios": [],
        "changed": [],
        "variant": args.conn,
    }
    play = Play(inv, path, env=penv, label="networks")
    for i in range(n):
        a, b = play.task(f"A {i}"), play.task(f"B {i}")
        res["a"].append(a)
        res["b"].append(b)
        res["ratios"].append(a / b)
        res["changed"].append([play.changed(f"A {i}"), play.changed(f"B {i}")])
    res["command"] = "ansible-playbook -i INV .cache/bench/networks.yml (generated by bench/run.py: A B A B ...)"
    return res


def section_growth(args) -> dict:
    sizes = [int(s) for s in args.sizes.split(",")]
    conn, env = VARIANTS[args.growth_variant]
    res = {
        "sizes": sizes,
        "variant": args.growth_variant,
        "first": {},
        "tasks_per_host": {},
        "lab_up": {},
    }
    for rep in range(args.reps_growth):
        for size in sizes:
            lab = Lab(f"benchg{size}", size)
            res["lab_up"].setdefault(str(size), []).append(lab.up(fresh=True))
            res["engine"] = lab.engine_version()
            inv = lab.inventory(conn)
            first = Play(inv, SITE, env=env, forks=max(size, 16), label=f"growth-{size}-{rep}")
            res["first"].setdefault(str(size), []).append(first.wall)
            res["tasks_per_host"][str(size)] = first.tasks_per_host()
            lab.down()
    res["command"] = (
        f"tools/lab/lab.sh down; HOSTS=N tools/lab/lab.sh up; "
        f"{' '.join(f'{k}={v}' for k, v in env.items())} ansible-playbook -i INV playbooks/site.yml "
        f"--forks max(N,16) (connection {conn})"
    )
    return res


BASELINE_RUNS = ("baseline_first", "baseline_noop", "dockernet_first", "dockernet_noop")


def section_baseline(args) -> dict:
    """bench/baseline/recipe.yml (a user's plain playbook) against site.yml, each on a fresh lab, alternating."""
    lab = Lab(BASELINE_LAB, 2)
    conn, env = VARIANTS[args.conn]
    res = {"hosts": 2, "variant": args.conn, "tasks_per_host": {}}
    for key in BASELINE_RUNS:
        res[key] = {"wall": [], "cpu": [], "changed": []}
    try:
        for rep in range(args.reps_baseline):
            for who, playbook in (("baseline", BASELINE), ("dockernet", SITE)):
                lab.up(fresh=True)
                res["engine"] = lab.engine_version()
                inv = lab.inventory(conn)
                for run_kind in ("first", "noop"):
                    play = Play(inv, playbook, env=env, label=f"baseline-{who}-{run_kind}-{rep}")
                    key = f"{who}_{run_kind}"
                    res[key]["wall"].append(play.wall)
                    res[key]["cpu"].append(play.cpu)
                    res[key]["changed"].append(play.changed_total())
                    res["tasks_per_host"][key] = play.tasks_per_host()
    finally:
        if not args.keep_lab:
            lab.down()
    env_s = " ".join(f"{k}={v}" for k, v in env.items())
    res["commands"] = {
        "baseline": f"{env_s} ansible-playbook -i INV bench/baseline/recipe.yml (twice, fresh lab LAB={BASELINE_LAB})",
        "dockernet": f"{env_s} ansible-playbook -i INV playbooks/site.yml (twice, fresh lab LAB={BASELINE_LAB})",
    }
    return res


def section_scale(args) -> dict:
    """Controller CPU per host: site.yml first run and no-op run on fresh labs of N hosts, sizes alternating."""
    sizes = [int(s) for s in args.sizes.split(",")]
    conn, env = VARIANTS[args.growth_variant]
    res = {"sizes": sizes, "variant": args.growth_variant, "tasks_per_host": {}}
    for key in ("first_wall", "first_cpu", "noop_wall", "noop_cpu", "noop_changed", "lab_up"):
        res[key] = {str(s): [] for s in sizes}
    for rep in range(args.reps_growth):
        for size in sizes:
            lab = Lab(f"{SCALE_LAB}{size}", size)
            try:
                res["lab_up"][str(size)].append(lab.up(fresh=True))
                res["engine"] = lab.engine_version()
                inv = lab.inventory(conn)
                first = Play(inv, SITE, env=env, forks=max(size, 16), label=f"scale-{size}-first-{rep}")
                noop = Play(inv, SITE, env=env, forks=max(size, 16), label=f"scale-{size}-noop-{rep}")
            finally:
                if not args.keep_lab:
                    lab.down()
            res["first_wall"][str(size)].append(first.wall)
            res["first_cpu"][str(size)].append(first.cpu)
            res["noop_wall"][str(size)].append(noop.wall)
            res["noop_cpu"][str(size)].append(noop.cpu)
            res["noop_changed"][str(size)].append(noop.changed_total())
            res["tasks_per_host"][str(size)] = {"first": first.tasks_per_host(), "noop": noop.tasks_per_host()}
    res["command"] = (
        f"LAB={SCALE_LAB}N HOSTS=N tools/lab/lab.sh down; ... up; "
        f"{' '.join(f'{k}={v}' for k, v in env.items())} ansible-playbook -i INV playbooks/site.yml "
        f"--forks max(N,16) (connection {conn}), twice"
    )
    return res


def _synthetic_hostvars(count: int, mode: str) -> dict:
    site = {
        "dockernet_site_mode": mode,
        "dockernet_site_lan_prefix": "2001:db8:ab11::/64",
        "dockernet_site_gateways": ["2001:db8:ab11::fffe"],
        "dockernet_networks": [
            {
                "name": "ipv6_bridge",
                "ipv6_prefix": "2001:db8:ab11:0:4000::/66" if mode == "ndp_proxy" else "2001:db8:cd00::/48",
                "ipv4_subnet": "172.31.0.0/24",
            }
        ],
    }
    if mode == "routed":
        site["dockernet_site_container_pool"] = "2001:db8:4000::/34"
        site["dockernet_networks"][0]["ipv6_prefix"] = "2001:db8:f000::/36"
    hostvars = {}
    for k in range(1, count + 1):
        hostvars[f"h{k}"] = dict(
            site,
            dockernet_lan_interface="eth0",
            dockernet_lan_address=str(ipaddress.IPv6Address("2001:db8:ab11::") + k),
            dockernet_engine_version="26.1.5",
            dockernet_host_interfaces=["lo", "eth0"],
        )
    return hostvars


# One planner measurement in a fresh interpreter: argv = mode, hosts, what ("base", "plan" or "plan+json"),
# RLIMIT_AS bytes, seconds allowed to the plan, bench dir, collections dir. "base" does everything "plan" does except
# the plan call (imports, synthetic hostvars). The plan's figures are printed as soon as they are known, the sizes of
# its JSON (built one host at a time, so that the whole text is never in memory) after them.
PLANNER_PROBE = """
import importlib.util, json, resource, signal, sys, time
mode, size, what, limit, secs = sys.argv[1], int(sys.argv[2]), sys.argv[3], int(sys.argv[4]), int(sys.argv[5])
resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
sys.path.insert(0, sys.argv[7])
spec = importlib.util.spec_from_file_location("bench_run", sys.argv[6] + "/run.py")
bench = importlib.util.module_from_spec(spec)
spec.loader.exec_module(bench)
from ansible_collections.dockernet.ipv6.plugins.plugin_utils import _planner
_planner.require_netaddr()
hostvars = bench._synthetic_hostvars(size, mode)
names = list(hostvars)
out = {}
if what != "base":
    def _late(_signum, _frame):
        raise TimeoutError(f"plan over {secs} s")
    signal.signal(signal.SIGALRM, _late)
    signal.alarm(secs)
    t0 = time.perf_counter()
    plan = _planner.plan_from_hostvars(names, hostvars)
    out["secs"] = time.perf_counter() - t0
    signal.alarm(0)
    out["routes"] = sum(len(h.get("routes", [])) for h in plan["hosts"].values())
out["maxrss_kib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps(out), flush=True)
if what == "plan+json":
    per_host = {h: len(json.dumps(v)) for h, v in plan["hosts"].items()}
    largest = max(per_host, key=per_host.get)
    # json.dumps(plan) = the plan with hosts={} ("{}" is 2 characters) + {"h": part, ...} built host by host
    hosts_part = 2 + sum(len(json.dumps(h)) + 2 + n for h, n in per_host.items()) + 2 * (len(per_host) - 1)
    total = len(json.dumps(dict(plan, hosts={}))) - 2 + hosts_part
    print(json.dumps({"json_bytes": total, "largest_host": largest, "largest_host_json_bytes": per_host[largest]}))
"""
PLANNER_SIZES = {"ndp_proxy": (2, 1000, 10000), "routed": (2, 1000, 2000, 3000, 5000, 10000)}
PLANNER_TIME_LIMIT = 60  # seconds allowed to one plan
PLANNER_JSON_TIME_LIMIT = 120  # seconds allowed to the JSON sizes after the plan (once per size)
PLANNER_MEMORY_LIMIT = 2 * 1024**3  # peak beyond the baseline process; more is reported as not measured
PLANNER_RLIMIT_AS = 3 * 1024**3  # address space of the subprocess, so that nothing can take the machine down


def _planner_probe(mode: str, size: int, what: str) -> dict:
    argv = [
        sys.executable,
        "-c",
        PLANNER_PROBE,
        mode,
        str(size),
        what,
        str(PLANNER_RLIMIT_AS),
        str(PLANNER_TIME_LIMIT),
        str(BENCH),
        str(REPO / ".cache" / "collections"),
    ]
    timeout = PLANNER_TIME_LIMIT + 30 + (PLANNER_JSON_TIME_LIMIT if what == "plan+json" else 0)
    try:
        proc = run(argv, check=False, timeout=timeout)
        stdout, stderr, rc = proc.stdout, proc.stderr, proc.returncode
    except subprocess.TimeoutExpired as exc:
        stdout, stderr, rc = exc.stdout or "", exc.stderr or "", None
        stdout = stdout.decode() if isinstance(stdout, bytes) else stdout
        stderr = stderr.decode() if isinstance(stderr, bytes) else stderr
    out = {}
    for line in stdout.splitlines():
        if line.startswith("{"):
            out.update(json.loads(line))
    if rc is None:
        reason = f"killed after {timeout} s"
        if "maxrss_kib" in out:
            out["json_error"] = f"JSON sizes over {PLANNER_JSON_TIME_LIMIT} s (killed)"
        else:
            out["error"] = reason
    elif rc != 0:
        last = (stderr.strip().splitlines() or ["?"])[-1][:200]
        if "MemoryError" in stderr:
            last = f"MemoryError under RLIMIT_AS {PLANNER_RLIMIT_AS // 1024**3} GB"
        elif "TimeoutError" in stderr:
            last = f"plan over {PLANNER_TIME_LIMIT} s"
        if "maxrss_kib" in out:
            out["json_error"] = f"JSON sizes failed: {last}"
        else:
            out["error"] = last
    return out


def section_planner(args) -> dict:
    """plan_from_hostvars on synthetic hostvars, one fresh subprocess per measurement (time, peak RSS, plan size)."""
    res = {"ndp_proxy": {}, "routed": {}, "limits": {"secs": PLANNER_TIME_LIMIT, "bytes": PLANNER_MEMORY_LIMIT}}
    for mode, sizes in PLANNER_SIZES.items():
        failed = None
        for size in sizes:
            if failed:
                res[mode][str(size)] = {"not_measured": f"not attempted: {failed[0]} hosts already {failed[1]}"}
                continue
            times, peaks, base_rss, plan_rss, last = [], [], [], [], {}
            for rep in range(args.reps):
                base = _planner_probe(mode, size, "base")
                plan = _planner_probe(mode, size, "plan+json" if rep == 0 else "plan")
                if rep == 0:
                    last = plan
                if "error" in base or "error" in plan:
                    failed = (size, plan.get("error") or base.get("error"))
                    break
                peak = (plan["maxrss_kib"] - base["maxrss_kib"]) * 1024
                if peak > PLANNER_MEMORY_LIMIT:
                    failed = (size, f"peak {peak / 1e6:.0f} MB over {PLANNER_MEMORY_LIMIT / 1e9:.1f} GB")
                    break
                times.append(plan["secs"])
                peaks.append(peak)
                base_rss.append(base["maxrss_kib"] * 1024)
                plan_rss.append(plan["maxrss_kib"] * 1024)
            if failed:
                res[mode][str(size)] = {"not_measured": failed[1]}
                log(f"planner {mode} {size}: not measured, {failed[1]}")
                continue
            res[mode][str(size)] = {
                "secs": stats(times),
                "peak_bytes": stats(peaks),
                "base_maxrss_bytes": stats(base_rss),
                "plan_maxrss_bytes": stats(plan_rss),
                "routes": last["routes"],
            }
            for key in ("json_bytes", "largest_host", "largest_host_json_bytes", "json_error"):
                if key in last:
                    res[mode][str(size)][key] = last[key]
            json_note = (
                f"plan JSON {last['json_bytes'] / 1e6:.2f} MB" if "json_bytes" in last else last.get("json_error")
            )
            log(
                f"planner {mode} {size}: {statistics.median(times):.3f} s, peak +{statistics.median(peaks) / 1e6:.1f} MB, "
                f"{json_note}, {last['routes']} routes"
            )
    res["command"] = (
        "bench/run.py --only planner (per measurement a fresh python -c that builds synthetic hostvars and calls "
        "plan_from_hostvars, RLIMIT_AS 3 GB, 60 s for the plan; the same without the plan call as the memory baseline)"
    )
    return res


RUNNERS = {
    "rollout": section_rollout,
    "sync": section_sync,
    "ndp": section_ndp,
    "networks": section_networks,
    "baseline": section_baseline,
    "growth": section_growth,
    "scale": section_scale,
    "planner": section_planner,
}


def main() -> int:

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", default=",".join(SECTIONS), help="comma-separated sections: " + ",".join(SECTIONS))
    parser.add_argument("--reps", type=int, default=5, help="repetitions of cheap cases (default 5)")
    parser.add_argument("--reps-rollout", type=int, default=3, help="fresh-lab rollouts per variant (default 3)")
    parser.add_argument("--reps-noop", type=int, default=3, help="no-op rollouts per variant (default 3)")
    parser.add_argument("--reps-growth", type=int, default=3, help="rollouts per lab size (default 3)")
    parser.add_argument(
        "--variants", default="docker,docker+pipelining", help="rollout variants: " + ",".join(VARIANTS)
    )
    parser.add_argument("--growth-variant", default="docker+pipelining", choices=list(VARIANTS))
    parser.add_argument(
        "--conn",
        default="docker+pipelining",
        choices=list(VARIANTS),
        help="connection variant of the ndp and networks sections",
    )
    parser.add_argument("--ndp-lab", default="bench", help="lab instance of the ndp section")
    parser.add_argument("--sizes", default="2,4,8", help="lab sizes for growth and scale")
    parser.add_argument("--reps-baseline", type=int, default=3, help="pairs of fresh-lab runs in baseline (default 3)")
    parser.add_argument("--entries", type=int, default=1000)
    parser.add_argument("--loop-items", type=int, default=100, help="items of the per-address loop (extrapolated)")
    parser.add_argument("--loop-reps", type=int, default=3, help="repetitions of the loop")
    parser.add_argument("--containers", type=int, default=50)
    parser.add_argument("--keep-lab", action="store_true", help="leave the labs up at the end")
    parser.add_argument(
        "--render", action="store_true", help="measure nothing, only rewrite the document from the results"
    )
    parser.add_argument(
        "--doc", type=Path, default=render.DOC, help="the document to write (default docs/performance.md)"
    )
    parser.add_argument(
        "--results", type=Path, default=render.RESULTS, help="directory of the raw results (default bench/results)"
    )
    args = parser.parse_args()
    doc, results = args.doc.resolve(), args.results.resolve()
    try:
        render.render(results)  # the document's markers, checked before anything is measured
    except render.MarkerError as exc:
        log(f"the markers of {render.DOC.relative_to(REPO)} do not match bench/render.py:\n{exc}")
        return 1
    if not args.render:
        results.mkdir(parents=True, exist_ok=True)
        wanted = [s.strip() for s in args.only.split(",") if s.strip()]
        unknown = set(wanted) - set(SECTIONS)
        if unknown:
            parser.error(f"unknown sections: {', '.join(sorted(unknown))}")
        try:
            for name in SECTIONS:
                if name not in wanted:
                    continue
                log(f"== {name}")
                t0 = time.perf_counter()
                res = RUNNERS[name](args)
                res["date"] = dt.datetime.now().strftime("%Y-%m-%d %H:%M")
                res["engine_suite"] = ENGINE
                res["section_secs"] = time.perf_counter() - t0
                res["argv"] = sys.argv[1:]
                (results / f"{name}.json").write_text(json.dumps(res, indent=1) + "\n")
                render.write(doc, results)
                log(f"== {name} done in {res['section_secs']:.0f} s")
        finally:
            if not args.keep_lab:
                sizes = sorted({2, 4, 8} | {int(s) for s in args.sizes.split(",")})
                labs = []
                if set(wanted) & {"rollout", "sync", "networks"} or ("ndp" in wanted and args.ndp_lab == "bench"):
                    labs.append(("bench", 2))
                if "ndp" in wanted and args.ndp_lab != "bench":
                    labs.append((args.ndp_lab, 2))
                if "growth" in wanted:
                    labs += [(f"benchg{n}", n) for n in sizes]
                if "baseline" in wanted:
                    labs.append((BASELINE_LAB, 2))
                if "scale" in wanted:
                    labs += [(f"{SCALE_LAB}{n}", n) for n in sizes]
                for name, hosts in labs:
                    if labkit.run_dir(name).exists():
                        Lab(name, hosts).down()
    render.write(doc, results)
    log(f"wrote {doc}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
