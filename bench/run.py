# Copyright: dockernet.ipv6 contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Benchmarks of dockernet.ipv6; writes docs/performance.md (see /work/shared/BENCHMARKS.md for the rules).

    make bench                                            every section, default repetitions
    .cache/venv/bin/python bench/run.py --only ndp,networks --reps 3     some sections
    .cache/venv/bin/python bench/run.py --render          only rewrite docs/performance.md from bench/results/

    .cache/venv/bin/python bench/run.py --only scale --sizes 2,4 --reps 1 --doc /tmp/perf.md --results /tmp/res

Sections: rollout, sync, ndp, networks, baseline, growth, scale, planner. The lab sections bring up their own lab
instances (LAB=bench, benchg<N>, benchhb, benchhs<N>) with tools/lab/lab.sh and take them down at the end. Raw results
of each section are kept in bench/results/<section>.json (--results), so that a run of some sections keeps the figures
of the others in the document (--doc).
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

REPO = Path(__file__).resolve().parents[1]
BENCH = REPO / "bench"
RESULTS = BENCH / "results"
WORK = REPO / ".cache" / "bench"
BIN = REPO / ".cache" / "venv" / "bin"
LABSH = REPO / "tools" / "lab" / "lab.sh"
DOC = REPO / "docs" / "performance.md"
SECTIONS = ("rollout", "sync", "ndp", "networks", "baseline", "growth", "scale", "planner")
ENGINE = os.environ.get("ENGINE", "trixie")
NDP_IF = "bnd0"  # a throwaway veth pair inside the lab host: the LAN is not disturbed
NDP_PREFIX = "2001:db8:be::/64"
BASELINE_LAB = "benchhb"  # the baseline section's fresh 2-host labs
SCALE_LAB = "benchhs"  # + the number of hosts: the scale section's labs


def log(msg: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def run(argv, *, env=None, input=None, check=True, timeout=None) -> subprocess.CompletedProcess:
    full_env = dict(os.environ)
    full_env.update(env or {})
    proc = subprocess.run(argv, env=full_env, input=input, capture_output=True, text=True, check=False, timeout=timeout)
    if check and proc.returncode != 0:
        raise RuntimeError(
            f"{' '.join(map(str, argv))} failed ({proc.returncode}):\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}"
        )
    return proc


def stats(values):
    values = [v for v in values if v is not None]
    if not values:
        return None
    return {
        "median": statistics.median(values),
        "min": min(values),
        "max": max(values),
        "n": len(values),
        "values": values,
    }


# ------------------------------------------------------------------------------------------------ lab
class Lab:
    def __init__(self, name: str, hosts: int) -> None:
        self.name, self.hosts = name, hosts
        self.sock = f"unix:///run/dockernet-lab-{name}/docker.sock"

    def _env(self):
        return {"LAB": self.name, "HOSTS": str(self.hosts), "ENGINE": ENGINE}

    def up(self, fresh: bool = False) -> float:
        if fresh:
            self.down()
        t0 = time.perf_counter()
        log(f"lab {self.name} up ({self.hosts} hosts, {ENGINE})")
        run([str(LABSH), "up"], env=self._env(), timeout=1800)
        return time.perf_counter() - t0

    def down(self) -> None:
        log(f"lab {self.name} down")
        run([str(LABSH), "down"], env=self._env(), check=False, timeout=900)

    def inventory_file(self) -> Path:
        return Path(run([str(LABSH), "inventory"], env=self._env()).stdout.strip())

    def exec(self, k: int, argv, input=None, check=True) -> subprocess.CompletedProcess:
        return run(
            ["docker", "-H", self.sock, "exec"]
            + (["-i"] if input is not None else [])
            + [f"{self.name}-docker{k}"]
            + list(argv),
            input=input,
            check=check,
            timeout=600,
        )

    def engine_version(self) -> str:
        return self.exec(1, ["docker", "version", "--format", "{{.Server.Version}}"]).stdout.strip()

    def inventory(self, variant: str = "docker") -> Path:
        """A temporary inventory dir: the lab's hosts.yml (connection variant) + the site's group_vars."""
        # Whatever lab.sh wrote, set the connection of the variant; pipelining is chosen per run (ANSIBLE_PIPELINING).
        lines = [
            line
            for line in self.inventory_file().read_text().splitlines()
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
    # A rollout in ndp_proxy mode (idempotent if the rollout section ran just before).
    Play(inv, SITE, env=penv, label="sync-rollout")

    def probe(addr):
        return (
            lab.exec(2, ["docker", "exec", "dockernet-probe", "ping", "-6", "-c1", "-W1", addr], check=False).returncode
            == 0
        )

    # The cost of one probe attempt (docker exec into the host, then into the probe), against docker1's probe.
    addr1 = lab.exec(
        1, ["docker", "inspect", "-f", "{{.NetworkSettings.GlobalIPv6Address}}", "dockernet-probe"]
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
            lab.exec(
                1,
                [
                    "docker",
                    "run",
                    "-d",
                    "--name",
                    name,
                    "--network",
                    "bridge",
                    "dockernet/busybox:latest",
                    "sleep",
                    "3600",
                ],
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
    inv = lab.inventory(VARIANTS[args.conn][0])
    net = ipaddress.IPv6Network(NDP_PREFIX)
    first = [str(net[i]) for i in range(1, args.entries + 1)]
    half = args.entries // 2
    new = [str(net[0x10000 + i]) for i in range(half)]
    replacement = first[half:] + new
    base = {"bench_interface": NDP_IF, "bench_prefix": NDP_PREFIX}
    conn, penv = VARIANTS[args.conn]
    res = {
        "engine": lab.engine_version(),
        "hosts": 2,
        "entries": args.entries,
        "replaced": half,
        "loop_items": args.loop_items,
        "interface": f"veth {NDP_IF} inside docker1",
        "variant": args.conn,
    }
    keys = (
        "converge_wall",
        "converge_task",
        "noop_task",
        "noop2_task",
        "replace_task",
        "floor_task",
        "ip_add",
        "ip_replace",
        "loop_wall",
        "loop_task",
        "loop_check",
    )
    for k in keys:
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
        "second": {},
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
from ansible_collections.dockernet.ipv6.plugins.module_utils import _planner
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


# ------------------------------------------------------------------------------------------------ report
def f(s, unit="s", digits=2):
    if not s:
        return "n/a"
    if isinstance(s, (int, float)):
        return f"{s:.{digits}f} {unit}"
    return f"{s['median']:.{digits}f} {unit} ({s['min']:.{digits}f}–{s['max']:.{digits}f}, n={s['n']})"


def render() -> str:
    data = {}
    for name in SECTIONS:
        path = RESULTS / f"{name}.json"
        if path.exists():
            data[name] = json.loads(path.read_text())
    out = [
        "# Performance",
        "",
        "Written by `make bench` (`bench/run.py`); do not edit by hand — change bench/ and run it again.",
        "Machine: 2 cores, shared (other test suites may run their own labs at the same time), so absolute",
        "figures are noisy; every figure is a median (min–max, n runs) and every comparison is a ratio of two",
        "things measured side by side in the same run (A B A B …). The lab hosts are privileged containers of",
        "an isolated outer engine (docs/lab.md), reached with the `community.docker.docker` connection unless",
        "stated. INV below is a temporary inventory directory: the lab's `hosts.yml` plus",
        "`inventory/lab/group_vars/docker_hosts.yml` (written by bench/run.py under .cache/bench/).",
        "",
    ]
    out += render_summary(data) + [""]
    for name in ("ndp", "networks", "rollout", "baseline", "growth", "scale", "planner", "sync"):
        if name in data:
            out += RENDER[name](data[name]) + [""]
    if "scale" in data:
        out += render_fleet(data["scale"]) + [""]
    return "\n".join(out).rstrip() + "\n"


FLEET_HOSTS = (100, 1000)
FLEET_FORKS = (16, 64)
FLEET_CORES = (2, 8)


def render_fleet(d):
    """What a fleet costs, estimated from the scale section's controller CPU per host (section 6)."""
    sizes = [str(s) for s in d["sizes"]]
    big, small = sizes[-1], sizes[0]
    per_host = {
        kind: _med([c / int(big) for c in d[f"{kind}_cpu"][big]]) for kind in ("first", "noop") if d[f"{kind}_cpu"][big]
    }
    # One host's whole run when the controller is not the limit: the wall time of the smallest lab.
    alone = {kind: _med(d[f"{kind}_wall"][small]) for kind in ("first", "noop") if d[f"{kind}_wall"][small]}
    if not per_host or not alone:
        return ["## 6. A fleet", "", "No scale results: run `bench/run.py --only scale`."]
    lines = [
        "## 6. A fleet",
        "",
        f"Estimated, not measured: from section 4a's controller CPU per host at {big} hosts "
        f"(first run {per_host['first']:.1f} s, no-op {per_host['noop']:.1f} s, connection `{d['variant']}`) and the "
        f"wall time of a {small}-host run (first {alone['first']:.0f} s, no-op {alone['noop']:.0f} s), which is what "
        "one host takes when nothing waits for the controller. A run cannot be faster than the controller's CPU "
        "over its cores, nor than the hosts' work over the forks:",
        "",
        "wall ≥ max(hosts × CPU per host / controller cores, hosts / forks × one host's run).",
        "",
        "| hosts | forks | controller cores | first run ≥ | no-op run ≥ | limited by |",
        "|---|---|---|---|---|---|",
    ]
    for hosts in FLEET_HOSTS:
        for forks in FLEET_FORKS:
            for cores in FLEET_CORES:
                bounds = {}
                for kind in ("first", "noop"):
                    cpu = hosts * per_host[kind] / cores
                    batches = -(-hosts // forks) * alone[kind]
                    bounds[kind] = (max(cpu, batches), "controller CPU" if cpu >= batches else "forks")
                lines.append(
                    f"| {hosts} | {forks} | {cores} | {bounds['first'][0] / 60:.0f} min | "
                    f"{bounds['noop'][0] / 60:.0f} min | {bounds['noop'][1]} |"
                )
    lines += [
        "",
        "The larger bound names what to add: controller cores when it is the controller's CPU, forks otherwise",
        "(`ansible.cfg` sets 16). Both bounds grow linearly with the hosts as long as the CPU per host stays flat",
        "(section 4a). On real hosts the connection differs (SSH instead of `docker exec`), so the per-host CPU",
        "should be measured again there with the same section before sizing a controller.",
        "",
        "Where one controller is not enough:",
        "",
        "- **Automation controller / AWX.** `ee/execution-environment.yml` defines an execution environment that",
        "  installs the collection with its dependencies (community.docker, ansible.posix) and netaddr; `make package`",
        "  checks that ansible-builder accepts it (`introspect` and `create`). Run `dockernet.ipv6.site` as one job",
        "  template with more forks on a larger execution node. Do not use job slicing: each slice sees only its part",
        "  of the inventory, and the planner must see every host of the site to give each one its slice.",
        "- **Rolling batches** (`dockernet_serial`, docs/lifecycle.md) bound how many hosts change at once, not the",
        "  controller's work: every batch is planned from the whole site.",
        "- **`--limit`** runs configure only the named hosts, but the preflight still reads every host the limit",
        "  leaves out, one after the other, so that the plan stays the site's plan.",
    ]
    return lines


def _med(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def render_summary(data):
    rows = []

    def row(what, value, target, met):
        rows.append(f"| {what} | {value} | {target} | {'met' if met else 'NOT met'} |")

    d = data.get("ndp")
    if d:
        scale = d["entries"] / d["loop_items"]
        loop = _med([w - t + t * scale for w, t in zip(d["loop_wall"], d["loop_task"])])
        if loop:
            r = loop / _med(d["converge_wall"])
            row(
                f"NDP: {d['entries']} entries, one task vs per-address loop (whole playbooks, loop extrapolated "
                f"from {d['loop_items']})",
                f"{r:.0f}×",
                "≥ 50×",
                r >= 50,
            )
        oh = d.get("onhost")
        if oh:
            r = _med([(c - p) / i for c, p, i in zip(oh["converge"], oh["ping"], oh["ip_add"])])
            row("NDP: module beyond the floor vs bare `ip -batch` (on the host)", f"{r:.1f}×", "≤ 2×", r <= 2)
        n = _med(d["noop_task"])
        fl = _med(d["floor_task"])
        row(
            f"NDP: no-op re-run, whole task (ping floor in the same play: {fl:.2f} s)",
            f"{n:.2f} s",
            "well under 1 s",
            n < 0.5,
        )
        if oh:
            n = _med(oh["noop"])
            nb = _med([a - b for a, b in zip(oh["noop"], oh["ping"])])
            row(
                "NDP: no-op re-run, module process on the host (and minus the ping process)",
                f"{n:.2f} s ({nb:+.2f} s)",
                "well under 1 s",
                n < 0.5,
            )
    d = data.get("networks")
    if d:
        r = _med(d["ratios"])
        row("Networks: no-op dockernet / community.docker", f"{r:.2f}", "≤ 1.0", r <= 1.0)
    d = data.get("rollout")
    if d:
        for v in d["variants"]:
            r = _med([b / a for a, b in zip(d["first"][v], d["second"][v])])
            row(f"Rollout ({v}): second run / first run", f"{r:.2f}", "≤ 0.40", r <= 0.40)
    d = data.get("growth")
    if d and len(d["sizes"]) > 1:
        lo, hi = str(d["sizes"][0]), str(d["sizes"][-1])
        if hi in d["first"]:
            r = _med([b / a for a, b in zip(d["first"][lo], d["first"][hi])])
            row(f"Growth: first run {hi} hosts / {lo} hosts", f"{r:.2f}×", "≤ 2×", r <= 2)
    d = data.get("baseline")
    if d:
        for num, den, limit in (
            ("dockernet_noop", "baseline_noop", 1.0),
            ("dockernet_first", "baseline_first", 1.2),
            ("dockernet_noop", "dockernet_first", 0.40),
        ):
            r = _med(_ratios(d[num]["wall"], d[den]["wall"]))
            c = _med(_ratios(d[num]["cpu"], d[den]["cpu"]))
            what = f"{num} / {den}".replace("dockernet", "site.yml").replace("noop", "no-op").replace("_", " ")
            row(f"Baseline: {what}, wall (controller CPU)", f"{r:.2f} ({c:.2f})", f"≤ {limit:.2f}", r <= limit)
        changed = {k: d[k]["changed"] for k in ("baseline_noop", "dockernet_noop")}
        row(
            "Baseline: changed on the no-op run (recipe.yml, site.yml)",
            f"{changed['baseline_noop']}, {changed['dockernet_noop']}",
            "0",
            not any(changed["baseline_noop"] + changed["dockernet_noop"]),
        )
    d = data.get("scale")
    if d and len(d["sizes"]) > 1:
        lo, hi = str(d["sizes"][0]), str(d["sizes"][-1])
        r = _med(_scale_ratios(d, "noop", lo, hi))
        if r:
            per = _med([c / int(hi) for c in d["noop_cpu"][hi]])
            row(
                f"Scale: no-op run, controller CPU per host, {hi} hosts / {lo} hosts ({per:.2f} s/host at {hi})",
                f"{r:.2f}×",
                "≤ 1.2×",
                r <= 1.2,
            )
    d = data.get("planner")
    if d:
        for mode in ("ndp_proxy", "routed"):
            for size in ("1000", "10000"):
                r = d.get(mode, {}).get(size)
                if not r:
                    continue
                what = f"Planner, {mode}, {size} hosts: time, peak memory"
                if "not_measured" in r:
                    rows.append(f"| {what} | not measured ({r['not_measured']}) | (report) | — |")
                    continue
                secs = r["secs"]["median"]
                peak = r["peak_bytes"]["median"] / 1e6 if r.get("peak_bytes") else None
                value = f"{secs:.2f} s, " + (f"{peak:.0f} MB" if peak is not None else "n/a")
                if size == "1000" and peak is None:
                    rows.append(f"| {what} | {value} (results of an older bench/run.py) | < 5 s, < 300 MB | — |")
                elif size == "1000":
                    row(what, value, "< 5 s, < 300 MB", secs < 5 and peak is not None and peak < 300)
                else:
                    rows.append(f"| {what} | {value} | (report) | — |")
    d = data.get("sync")
    if d and d.get("from_return"):
        rows.append(
            f"| Proxy sync: container pingable from docker2 after `docker run` (median / worst) | "
            f"{d['from_return']['median']:.2f} s / {d['worst_from_return']:.2f} s | (report) | — |"
        )
    return ["## Summary", "", "| figure | measured (median) | target | |", "|---|---|---|---|"] + rows


def _stamp(d):
    return f"Measured {d.get('date', '?')}, engine {d.get('engine', '?')} (ENGINE={d.get('engine_suite', ENGINE)})"


def render_ndp(d):
    s = {
        k: stats(d[k])
        for k in (
            "converge_wall",
            "converge_task",
            "noop_task",
            "noop2_task",
            "replace_task",
            "floor_task",
            "ip_add",
            "ip_replace",
            "loop_wall",
            "loop_task",
        )
    }
    scale = d["entries"] / d["loop_items"]
    loop_wall_x = [w - t + t * scale for w, t in zip(d["loop_wall"], d["loop_task"])]
    conv_wall = statistics.median(d["converge_wall"])
    ratio_loop = statistics.median(loop_wall_x) / conv_wall if loop_wall_x else None
    beyond = [c - fl for c, fl in zip(d["converge_task"], d["floor_task"])]
    beyond_r = [r - fl for r, fl in zip(d["replace_task"], d["floor_task"])]
    rb = [b / ip for b, ip in zip(beyond, d["ip_add"])]
    rr = [b / ip for b, ip in zip(beyond_r, d["ip_replace"])]
    whole = [c / ip for c, ip in zip(d["converge_task"], d["ip_add"])]
    lines = [
        "## 1. NDP proxy entries",
        "",
        f"{_stamp(d)}, lab of {d['hosts']} hosts, connection variant `{d.get('variant')}` (see section 3), "
        f"on docker1, on a throwaway {d['interface']} (the LAN is not",
        f"touched). {d['entries']} new entries in one `dockernet.ipv6.ndp_proxy` task, the same task again with",
        f"nothing to do, then an exclusive replacement of {d['replaced']} of them with a new list. Task times are",
        "from the task's start to its result (bench/callback_plugins/bench_timer.py); the floor is an",
        "`ansible.builtin.ping` task against the same host in the same play.",
        "",
        "| what | time |",
        "|---|---|",
        f"| whole playbook, converge {d['entries']} new entries | {f(s['converge_wall'])} |",
        f"| task: converge {d['entries']} new entries | {f(s['converge_task'])} |",
        f"| task: no-op re-run ({d['entries']} entries in place) | {f(s['noop_task'])} |",
        f"| task: replace {d['replaced']} (exclusive, new list) | {f(s['replace_task'])} |",
        f"| task: no-op after the replacement | {f(s['noop2_task'])} |",
        f"| floor: `ansible.builtin.ping` task | {f(s['floor_task'])} |",
        f"| converge task minus floor | {f(stats(beyond))} |",
        f"| replace task minus floor | {f(stats(beyond_r))} |",
        f"| bare `ip -6 -batch -`, {d['entries']} adds, timed on the host | {f(s['ip_add'], digits=3)} |",
        f"| bare `ip -6 -batch -`, {d['replaced']} deletes + {d['replaced']} adds | {f(s['ip_replace'], digits=3)} |",
        f"| loop of per-address `command` tasks, {d['loop_items']} items, whole playbook | {f(s['loop_wall'])} |",
        f"| the same loop task alone, {d['loop_items']} items | {f(s['loop_task'])} |",
        f"| loop extrapolated to {d['entries']} items (linear ×{scale:g}), whole playbook | {f(stats(loop_wall_x))} |",
        "",
    ]
    oh = d.get("onhost")
    if oh:
        o = {k: stats(v) for k, v in oh.items()}
        ob = [c - p for c, p in zip(oh["converge"], oh["ping"])]
        orb = [c - p for c, p in zip(oh["replace"], oh["ping"])]
        onb = [c - p for c, p in zip(oh["noop"], oh["ping"])]
        lines += [
            "",
            "The same module processes timed **on the host** (the AnsiballZ files of real runs kept with",
            "`ANSIBLE_KEEP_REMOTE_FILES=1` and run again there by bench/ndp_onhost.py, side by side in each",
            "repetition): this removes the controller and the connection from the figure, so the work the module",
            "adds can be seen above the noise of the busy machine. Floor = the `ansible.builtin.ping` module process.",
            "",
            "| on the host | time |",
            "|---|---|",
            f"| `ping` module process (floor) | {f(o['ping'], digits=3)} |",
            f"| `ndp_proxy` converge {d['entries']} new | {f(o['converge'], digits=3)} |",
            f"| `ndp_proxy` no-op | {f(o['noop'], digits=3)} |",
            f"| `ndp_proxy` replace {d['replaced']} | {f(o['replace'], digits=3)} |",
            f"| `ip -6 -batch -` {d['entries']} adds | {f(o['ip_add'], digits=3)} |",
            f"| `ip -6 -batch -` {d['replaced']} del + {d['replaced']} add | {f(o['ip_replace'], digits=3)} |",
            f"| converge minus floor | {f(stats(ob), digits=3)} |",
            f"| no-op minus floor | {f(stats(onb), digits=3)} |",
            f"| replace minus floor | {f(stats(orb), digits=3)} |",
            "",
            f"- converge beyond the floor / bare ip -batch: "
            f"{f(stats([b / i for b, i in zip(ob, oh['ip_add'])]), unit='×', digits=1)} (target ≤ 2×)",
            f"- replace beyond the floor / bare ip -batch: "
            f"{f(stats([b / i for b, i in zip(orb, oh['ip_replace'])]), unit='×', digits=1)}",
            f"- whole module process / bare ip -batch: converge "
            f"{f(stats([c / i for c, i in zip(oh['converge'], oh['ip_add'])]), unit='×', digits=1)}, replace "
            f"{f(stats([c / i for c, i in zip(oh['replace'], oh['ip_replace'])]), unit='×', digits=1)}",
        ]
    lines += [
        "",
        "Ratios of the whole-task figures above (medians of per-repetition ratios):",
        "",
        f"- vs the per-address loop (whole playbooks, loop **extrapolated linearly from {d['loop_items']} items**"
        f", each item is one task run): **{ratio_loop:.0f}× faster** (target ≥ 50×)."
        if ratio_loop
        else "- loop: n/a",
        f"- vs bare `ip -batch`, beyond the floor: converge {f(stats(rb), unit='×', digits=1)}, replace "
        f"{f(stats(rr), unit='×', digits=1)} (target ≤ 2×).",
        f"- vs bare `ip -batch`, whole task (floor included): converge {f(stats(whole), unit='×', digits=0)} — "
        "that is Ansible's fixed per-task cost, not the work.",
        f"- no-op re-run: {f(s['noop_task'])} as a whole task (target: well under 1 s).",
    ]
    return lines + _commands(d)


def _commands(d):
    """The closing list of a section: the commands its figures come from."""
    return ["", "Commands:", "", *(f"- {k}: `{v}`" for k, v in d["commands"].items())]


def render_networks(d):
    return [
        "## 2. Networks: idempotent no-op",
        "",
        f"{_stamp(d)}, lab of {d['hosts']} hosts, connection variant `{d.get('variant')}`, on docker1. The same network (bridge, IPv6 on, an IPv6 and an",
        "IPv4 subnet) left unchanged by `dockernet.ipv6.docker_network` (A) and `community.docker.docker_network`",
        "(B) in alternating tasks of one play.",
        "",
        "| | task time |",
        "|---|---|",
        f"| A `dockernet.ipv6.docker_network` | {f(stats(d['a']))} |",
        f"| B `community.docker.docker_network` | {f(stats(d['b']))} |",
        f"| ratio A/B per pair | {f(stats(d['ratios']), unit='', digits=2)} (target ≤ 1.0) |",
        "",
        f"Changed flags (A, B) per pair: {d['changed']} (all must be false).",
        "",
        f"Command: `{d['command']}`",
    ]


def render_rollout(d):
    vs = d["variants"]
    base = vs[0]
    lines = [
        "## 3. Rollout (playbooks/site.yml)",
        "",
        f"{_stamp(d)}, lab of {d['hosts']} hosts. First run on a freshly created lab, second run right after",
        "(nothing to change). The connection variants are run one after the other on fresh labs, alternating, in",
        "the same run.",
        "",
        "| variant | first run | second run | second/first | tasks per host (first / second) | changed on 2nd |",
        "|---|---|---|---|---|---|",
    ]
    for v in vs:
        fs, ss = stats(d["first"][v]), stats(d["second"][v])
        ratio = stats([b / a for a, b in zip(d["first"][v], d["second"][v])])
        tph = d["tasks_per_host"].get(v, {})
        lines.append(
            f"| {v} | {f(fs, digits=1)} | {f(ss, digits=1)} | {f(ratio, unit='', digits=2)} | "
            f"{tph.get('first')} / {tph.get('second')} | {d['changed_second'].get(v)} |"
        )
    lines += ["", "First-run ratios against the first variant (" + base + "), per repetition:", ""]
    for v in vs[1:]:
        r = stats([b / a for a, b in zip(d["first"][base], d["first"][v])])
        lines.append(f"- {v} / {base}: {f(r, unit='', digits=2)}")
    lines += [
        "",
        f"Second runs (no-op) of every variant on the same converged lab, alternating ({len(d['noop'][base])} rounds):",
        "",
        "| variant | no-op run | ratio to " + base + " |",
        "|---|---|---|",
    ]
    for v in vs:
        r = stats([b / a for a, b in zip(d["noop"][base], d["noop"][v])])
        lines.append(f"| {v} | {f(stats(d['noop'][v]), digits=1)} | {f(r, unit='', digits=2)} |")
    if "floor" in d:
        fb = d["floor"]["docker"]
        lines += [
            "",
            "Per-task floor of each connection variant (one `ansible.builtin.ping` task on both hosts, the four",
            f"variants alternating, {len(fb)} rounds; `ansible-playbook -i INV bench/playbooks/ping.yml`):",
            "",
            "| variant | ping task | whole playbook | task ratio to docker |",
            "|---|---|---|---|",
        ]
        for v in d["floor"]:
            r = stats([b / a for a, b in zip(fb, d["floor"][v])])
            lines.append(
                f"| {v} | {f(stats(d['floor'][v]))} | {f(stats(d['floor_wall'][v]))} | {f(r, unit='', digits=2)} |"
            )
    for v in vs:
        if v in d["profile_first"]:
            lines += [
                "",
                f"Where the time goes, first run, {v} (task time, slowest host, repeated names summed):",
                "",
                "| task | s |",
                "|---|---|",
            ]
            lines += [f"| {name} | {secs:.1f} |" for name, secs in d["profile_first"][v][:10]]
    lines += ["", "### What the rollout's costs are and what was done about them", ""]
    noop_r = _med([b / a for a, b in zip(d["noop"][base], d["noop"][vs[-1]])]) if len(vs) > 1 else None
    first_r = _med([b / a for a, b in zip(d["first"][base], d["first"][vs[-1]])]) if len(vs) > 1 else None
    fl = d.get("floor", {})
    fl_r = {v: _med([b / a for a, b in zip(fl["docker"], fl[v])]) for v in fl} if fl else {}
    lines += [
        "- Nearly all of a no-op run is Ansible's fixed per-task cost times the number of tasks (about 50 per",
        "  host); the modules' own work is small (section 1). So the levers are the cost of one task and the",
        "  number of tasks.",
        "- Connection: `community.docker.docker` starts a `docker` CLI process (through the outer engine) for",
        "  every step of a task — make the temp dir, put the module, chmod, run, remove. `community.docker.docker_api`",
        "  talks to the engine's API from the controller process; with pipelining the module goes over the exec's",
        "  stdin, so one exec per task. Per-task floor ratio to `docker`: "
        + ", ".join(f"{v} {r:.2f}" for v, r in fl_r.items() if v != "docker")
        + "."
        if fl_r
        else "- Connection: see the floor table.",
        f"- {vs[-1]} against {base}: no-op rollout ×{noop_r:.2f}, first rollout ×{first_r:.2f} (medians of "
        "per-round ratios)."
        if noop_r
        else "",
        "- Applied: the lab inventory that tools/lab/lab.sh writes now sets `ansible_pipelining: true` (the",
        "  connection stays `community.docker.docker`). Same hosts, same modules, same results: the verify play's",
        "  reachability matrix is complete with and without it, and the second run changes nothing with both.",
        "- Tried and not applied: `community.docker.docker_api` (with `ansible_docker_docker_host` = the lab socket).",
        "  Its per-task floor is higher than the CLI plugin's at the same pipelining setting in this lab (table above).",
        "- Not changed: the sysctl role's loop (3 keys in the lab, so 3 module runs; one task for all keys would need",
        "  a new module or a different file format); the daemon role's `dockerd --version` (one task per host; it is",
        "  what makes the role safe when used alone with a user-given version); forks (16 already, ≥ hosts up to 16;",
        "  growth runs use max(N, 16)); fact gathering is already off.",
    ]
    lines += [
        "",
        f"Commands: first run `{d.get('command_first')}`; second run `{d.get('command_second')}`.",
        "Variants: `docker` = the lab inventory (`community.docker.docker`) without `ansible_pipelining`; `docker_api` ="
        " `ansible_connection: community.docker.docker_api` + `ansible_docker_docker_host: <lab socket>`;"
        " `+pipelining` = `ANSIBLE_PIPELINING=True`.",
    ]
    return lines


def render_growth(d):
    sizes = [str(s) for s in d["sizes"]]
    lines = [
        "## 4. Growth with hosts",
        "",
        f"{_stamp(d)}. First run of site.yml on a fresh lab of N hosts, forks = max(N, 16), variant "
        f"`{d['variant']}`, the sizes alternating in each repetition. What grows: tasks (the same per host, so N× in",
        "total), round trips through the one outer engine, and the CPU of the 2-core machine that runs every host's",
        "module processes and engine: with 8 hosts on 2 cores the work of the hosts themselves is serialised, so",
        "wall time grows close to linearly here; on separate machines only the controller's share would grow.",
        "",
        "| hosts | first run | tasks per host | lab up (not in the figure) |",
        "|---|---|---|---|",
    ]
    for s in sizes:
        tph = sorted(set(d["tasks_per_host"].get(s, {}).values()))
        lines.append(f"| {s} | {f(stats(d['first'][s]), digits=1)} | {tph} | {f(stats(d['lab_up'][s]), digits=1)} |")
    lo, hi = sizes[0], sizes[-1]
    r = stats([b / a for a, b in zip(d["first"][lo], d["first"][hi])])
    lines += [
        "",
        f"Ratio {hi} hosts / {lo} hosts: {f(r, unit='×', digits=2)} (target ≤ 2×).",
        "",
        f"Command: `{d['command']}`",
    ]
    return lines


def _ratios(num, den):
    return [b / a for a, b in zip(den, num) if a]


def render_baseline(d):
    r = {k: d[k] for k in BASELINE_RUNS}
    tph = d.get("tasks_per_host", {})
    lines = [
        "## 3b. Against a plain playbook (baseline)",
        "",
        f"{_stamp(d)}, lab of {d['hosts']} hosts, connection variant `{d.get('variant')}`.",
        "bench/baseline/recipe.yml is what a user would write instead of this collection: the book's NDP-proxy",
        "recipe (sysctls, daemon.json written whole with the plan's prefixes, engine restart by a handler, the",
        "dual-stack `ipv6_bridge`, one `ip -6 neigh add proxy` per container address) with ansible.builtin,",
        "ansible.posix and community.docker modules only and no validation. Per repetition: a fresh lab, the",
        "baseline's first run and no-op run, then a fresh lab, site.yml's first run and no-op run (A B A B …).",
        "Controller CPU = user+sys of the ansible-playbook process tree (RUSAGE_CHILDREN around the run; the",
        "docker CLI processes of the `community.docker.docker` connection run on the controller and are included).",
        "",
        "| run | wall | controller CPU | tasks per host | changed |",
        "|---|---|---|---|---|",
    ]
    for key in BASELINE_RUNS:
        label = key.replace("_", " ").replace("noop", "no-op").replace("dockernet", "site.yml")
        lines.append(
            f"| {label} | {f(stats(r[key]['wall']), digits=1)} | {f(stats(r[key]['cpu']), digits=1)} | "
            f"{sorted(set(tph.get(key, {}).values()))} | {r[key]['changed']} |"
        )
    lines += [
        "",
        "Ratios per pair (medians of per-repetition ratios):",
        "",
        "| ratio | wall | controller CPU | target (wall) |",
        "|---|---|---|---|",
    ]
    for num, den, target in (
        ("dockernet_noop", "baseline_noop", "≤ 1.0"),
        ("dockernet_first", "baseline_first", "≤ 1.2"),
        ("dockernet_noop", "dockernet_first", "≤ 0.40"),
    ):
        w = stats(_ratios(r[num]["wall"], r[den]["wall"]))
        c = stats(_ratios(r[num]["cpu"], r[den]["cpu"]))
        name = f"{num} / {den}".replace("dockernet", "site.yml").replace("noop", "no-op").replace("_", " ")
        lines.append(f"| {name} | {f(w, unit='', digits=2)} | {f(c, unit='', digits=2)} | {target} |")
    lines += [
        "",
        "What the difference is made of: site.yml validates the site before touching a host, records what it",
        "changes so that it can be removed, installs services that keep proxy entries, routes and firewall in",
        "force between runs, and proves reachability at the end (the verify play); the baseline does none of that,",
        "so its task count per host is the floor of the job.",
    ]
    return lines + _commands(d)


def render_scale(d):
    sizes = [str(s) for s in d["sizes"]]
    lines = [
        "## 4a. Controller CPU with hosts",
        "",
        f"{_stamp(d)}. site.yml on a fresh lab of N hosts, first run then no-op run, forks = max(N, 16), variant",
        f"`{d['variant']}`, the sizes alternating in each repetition. Controller CPU = user+sys of the",
        "ansible-playbook process tree (RUSAGE_CHILDREN around the run, the connection's docker CLI processes",
        "included); its figure of merit is CPU seconds per host, which should stay flat as hosts are added.",
        "Wall times are given beside it: on this 2-core machine the hosts' own work shares the CPUs with the",
        "controller, so wall time grows with N whatever the controller does.",
        "",
        "| hosts | first: wall | first: CPU | first: CPU/host | no-op: wall | no-op: CPU | no-op: CPU/host | "
        "tasks per host (first / no-op) | changed on no-op |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for s in sizes:
        n = int(s)
        tph = d["tasks_per_host"].get(s, {})
        lines.append(
            f"| {s} | {f(stats(d['first_wall'][s]), digits=1)} | {f(stats(d['first_cpu'][s]), digits=1)} | "
            f"{f(stats([c / n for c in d['first_cpu'][s]]), digits=2)} | {f(stats(d['noop_wall'][s]), digits=1)} | "
            f"{f(stats(d['noop_cpu'][s]), digits=1)} | {f(stats([c / n for c in d['noop_cpu'][s]]), digits=2)} | "
            f"{sorted(set(tph.get('first', {}).values()))} / {sorted(set(tph.get('noop', {}).values()))} | "
            f"{d['noop_changed'][s]} |"
        )
    lo, hi = sizes[0], sizes[-1]
    lines += [""]
    if lo != hi:
        for kind in ("noop", "first"):
            r = stats(_scale_ratios(d, kind, lo, hi))
            target = " (target ≤ 1.2)" if kind == "noop" else ""
            lines.append(
                f"- {'no-op' if kind == 'noop' else 'first'} run, controller CPU per host, {hi} hosts / {lo} hosts: "
                f"{f(r, unit='×', digits=2)}{target}"
            )
        lines.append("")
    lines += [f"Command: `{d['command']}`"]
    return lines


def _scale_ratios(d, kind, lo, hi):
    return [(b / int(hi)) / (a / int(lo)) for a, b in zip(d[f"{kind}_cpu"][lo], d[f"{kind}_cpu"][hi]) if a]


def _mb(s):
    if not s:
        return "n/a"
    return f"{s['median'] / 1e6:.1f} MB ({s['min'] / 1e6:.1f}–{s['max'] / 1e6:.1f}, n={s['n']})"


def render_planner(d):
    lines = [
        "## 4b. Planner",
        "",
        f"Measured {d.get('date')}; `plan_from_hostvars` from plugins/module_utils/_planner.py with synthetic",
        "hostvars (one network), each measurement in a fresh `python -c` subprocess (RLIMIT_AS 3 GB, the plan",
        "stopped after 60 s, the JSON sizes after 120 s more). Peak memory = the subprocess's `ru_maxrss`",
        "(RUSAGE_SELF) right after the plan, minus the `ru_maxrss` of the same subprocess doing everything except",
        "the plan call (imports and hostvars), run just before it; not tracemalloc. Plan time is of a fresh",
        "interpreter's first call (no warm caches). Plan JSON = the length of `json.dumps` of the whole plan (summed",
        "host by host, the same length) and of the largest `plan['hosts'][h]`, measured on the first repetition. Routed",
        "mode gives every host routes to every other host's prefixes (the routes column is the total over all",
        "hosts, which grows with n²); a size that does not fit in 60 s / 2 GB is reported as not measured, and",
        "larger ones are not attempted.",
        "",
        "| mode | hosts | plan time | peak memory (beyond baseline) | plan JSON | largest host's part | routes |",
        "|---|---|---|---|---|---|---|",
    ]
    for mode in ("ndp_proxy", "routed"):
        for size, r in d[mode].items():
            if "not_measured" in r:
                lines.append(f"| {mode} | {size} | not measured: {r['not_measured']} | | | | |")
                continue
            js = f"{r['json_bytes'] / 1e6:.2f} MB" if "json_bytes" in r else "n/a"
            if "json_error" in r:
                js = f"not measured: {r['json_error']}"
            hj = f"{r['largest_host_json_bytes'] / 1e3:.1f} kB" if "largest_host_json_bytes" in r else "n/a"
            lines.append(
                f"| {mode} | {size} | {f(r['secs'], digits=3)} | {_mb(r.get('peak_bytes'))} | {js} | {hj} | "
                f"{r['routes']} |"
            )
    lines += [
        "",
        "Targets: 1,000 hosts under 300 MB peak and under 5 s in both modes; 10,000 hosts reported.",
        "",
        f"Command: `{d['command']}`",
    ]
    return lines


def render_sync(d):
    return [
        "## 5. Proxy-sync latency",
        "",
        f"{_stamp(d)}, lab of {d['hosts']} hosts, after site.yml in ndp_proxy mode (dockernet-ndp-sync running).",
        f"{d['count']} containers started one by one on docker1 (`docker run -d --network bridge",
        "dockernet/busybox:latest sleep 3600`); for each, `docker exec dockernet-probe ping -6 -c1 -W1 ADDR` on",
        "docker2 is repeated until it answers. Times from `docker run` returning include a `docker inspect` for the",
        "address and the probe's own cost (two nested `docker exec`, see the resolution row): with one attempt",
        "always enough, the entry was in place before the first probe could tell.",
        "",
        "| | |",
        "|---|---|",
        f"| from `docker run` returning until pingable | {f(d['from_return'])} |",
        f"| worst | {f(d['worst_from_return'])} |",
        f"| from before `docker run` | {f(d['from_start'])} |",
        f"| probe attempts needed | {f(d['attempts'], unit='', digits=1)} |",
        f"| one probe to an already reachable container (resolution) | {f(d['probe_floor'])} |",
        f"| never reachable within 60 s | {d['unreached']} |",
        "",
        "Command: `bench/run.py --only sync`",
    ]


RENDER = {
    "ndp": render_ndp,
    "networks": render_networks,
    "rollout": render_rollout,
    "baseline": render_baseline,
    "growth": render_growth,
    "scale": render_scale,
    "planner": render_planner,
    "sync": render_sync,
}
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
    global DOC, RESULTS
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
    parser.add_argument("--render", action="store_true", help="only rewrite the document from the results")
    parser.add_argument("--doc", type=Path, default=DOC, help="the document to write (default docs/performance.md)")
    parser.add_argument(
        "--results", type=Path, default=RESULTS, help="directory of the raw results (default bench/results)"
    )
    args = parser.parse_args()
    DOC, RESULTS = args.doc.resolve(), args.results.resolve()
    RESULTS.mkdir(parents=True, exist_ok=True)
    if not args.render:
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
                (RESULTS / f"{name}.json").write_text(json.dumps(res, indent=1) + "\n")
                DOC.write_text(render())
                log(f"== {name} done in {res['section_secs']:.0f} s")
        finally:
            if not args.keep_lab:
                labs = []
                if set(wanted) & {"rollout", "sync", "networks"} or ("ndp" in wanted and args.ndp_lab == "bench"):
                    labs.append(("bench", 2))
                if "ndp" in wanted and args.ndp_lab != "bench":
                    labs.append((args.ndp_lab, 2))
                if "growth" in wanted:
                    labs += [(f"benchg{n}", n) for n in (2, 4, 8)]
                if "baseline" in wanted:
                    labs.append((BASELINE_LAB, 2))
                if "scale" in wanted:
                    labs += [
                        (f"{SCALE_LAB}{n}", n) for n in sorted({2, 4, 8} | {int(s) for s in args.sizes.split(",")})
                    ]
                for name, hosts in labs:
                    if Path(f"/run/dockernet-lab-{name}").exists():
                        Lab(name, hosts).down()
    DOC.write_text(render())
    log(f"wrote {DOC}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
