"""Reliability family `concurrency` of dockernet.ipv6: one rollout per host at a time (the rollout lock).

- Two runs of converge.yml (site.yml without Verify) started together on one site: exactly one rolls out; the
  other stops in its preflight, before changing anything, with a line naming a host and the run that holds it (`<host>: rollout lock: held by
  ansible-playbook PID <pid> on <controller>`), and neither run ends on a raw engine error (`409`, `already
  exists`). The collection's networks are removed first, so that both runs would create them.
- A run killed with SIGKILL in the middle of its configure play (as its networks role starts) leaves its locks
  behind (root-owned, 0644, naming its PID); the next run of this controller finds that PID gone, takes the locks
  over, rolls out and leaves no lock behind.

Run by run.py (family `concurrency`) or on its own, on a lab of its own:
    python tests/reliability/concurrency.py --lab rellock [--engine trixie] [--keep-lab] [--reuse-lab]
Every subprocess gets an argv list; nothing goes through a shell.
"""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import run as rel  # tests/reliability/run.py: the lab, playbook runs and results
import yaml

LOCK = "/run/dockernet/rollout.lock"
CONFIGURE_PLAY = "Configure IPv6 on every Docker host"
KILL_AT = "dockernet.ipv6.networks : "
RAW_ENGINE_ERROR = re.compile(r"\b409\b|already exists", re.I)


def collection_networks(inv: Path) -> list:
    gv = yaml.safe_load((inv / "group_vars" / "docker_hosts.yml").read_text()) or {}
    return [n["name"] for n in gv.get("dockernet_networks", [])]


def drop_networks(lab: rel.Lab, names: list) -> list:
    """Remove the collection's networks where no container is attached, so that the next rollout creates them."""
    dropped = []
    for host in lab.names:
        for name in names:
            r = lab.hx(host, ["docker", "network", "inspect", "--format", "{{len .Containers}}", name])
            if r.returncode == 0 and r.stdout.strip() == "0":
                lab.hx(host, ["docker", "network", "rm", name], check=True)
                dropped.append(f"{host}:{name}")
    return dropped


def lock_of(lab: rel.Lab, host: str):
    """The lock record on a host with its owner and mode, or None."""
    r = lab.hx(host, ["cat", LOCK])
    if r.returncode != 0:
        return None
    meta = lab.hx(host, ["stat", "-c", "%U %a", LOCK], check=True).stdout.split()
    return dict(json.loads(r.stdout), owner=meta[0], mode=meta[1])


def everything(pr: rel.PlayRun) -> str:
    return "\n".join(m for ms in pr.failed.values() for m in ms) + "\n" + pr.stderr


def together(lab: rel.Lab, inv: Path) -> str:
    dropped = drop_networks(lab, collection_networks(inv))
    runs = [None, None]

    def one(i):
        runs[i] = rel.playbook(inv, rel.CONVERGE)

    threads = [threading.Thread(target=one, args=(i,)) for i in (0, 1)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    for i, pr in enumerate(runs):
        rel.expect(pr is not None, f"run {i + 1} crashed in the harness")
        hit = RAW_ENGINE_ERROR.search(everything(pr))
        rel.expect(
            not hit,
            f"run {i + 1} (rc {pr.rc}) hit a raw engine error: "
            f"{everything(pr)[max(0, hit.start() - 200) : hit.end() + 200]}"
            if hit
            else "",
        )
    rcs = sorted(pr.rc for pr in runs)
    rel.expect(
        rcs[0] == 0 and rcs[1] != 0,
        f"rc {[pr.rc for pr in runs]}: not one success and one refusal; failed: {[pr.failed for pr in runs]}",
    )
    winner, loser = (runs[0], runs[1]) if runs[0].rc == 0 else (runs[1], runs[0])
    rel.expect(
        loser.plays and all(p.startswith("Preflight") for p in loser.plays),
        f"the refused run started plays {loser.plays}",
    )
    rel.expect(all(s.get("changed", 0) == 0 for s in loser.stats.values()), f"the refused run changed: {loser.stats}")
    msgs = everything(loser)
    m = re.search(
        r"(docker\d+): rollout lock: held by ansible-playbook PID (\d+) on (\S+) \(run [^)]*\) since \S+", msgs
    )
    rel.expect(m, f"no '<host>: rollout lock: held by ansible-playbook PID …' line in: {msgs[-600:]}")
    rel.expect(m.group(3) == socket.gethostname(), f"holder's controller {m.group(3)} is not {socket.gethostname()}")
    leftover = {h: lock_of(lab, h) for h in lab.names}
    rel.expect(not any(leftover.values()), f"locks left after both runs: {leftover}")
    return (
        f"networks dropped first: {', '.join(dropped) or 'none'}; one run rc 0 in {winner.seconds:.0f} s "
        f"(changed {', '.join(f'{h}={winner.changed_count(h)}' for h in lab.names)}), the other rc {loser.rc} in "
        f"{loser.seconds:.0f} s in its preflight, changed=0: '{m.group(0)}'; no 409; no lock left"
    )


def start_playbook(inv: Path, events: Path) -> subprocess.Popen:
    """ansible-playbook as run.py starts it, in a session of its own so that the kill takes its workers too."""
    env = dict(
        os.environ,
        ANSIBLE_CONFIG=str(rel.REPO / "ansible.cfg"),
        ANSIBLE_STDOUT_CALLBACK="ansible.posix.jsonl",
        PATH=f"{rel.BIN}:{os.environ.get('PATH', '')}",
        ANSIBLE_NOCOLOR="1",
    )
    with events.open("w") as out:
        return subprocess.Popen(
            [str(rel.BIN / "ansible-playbook"), "-i", str(inv), str(rel.SITE)],
            stdout=out,
            stderr=subprocess.STDOUT,
            env=env,
            cwd=rel.REPO,
            start_new_session=True,
        )


def in_configure(events: Path) -> str | None:
    """The first task result of the networks role in the configure play (where two runs would collide), once
    there is one: by then the run has configured the hosts' sysctls, daemon.json, firewall and routes."""
    play = None
    for line in events.read_text().splitlines():
        try:
            ev = json.loads(line)
        except ValueError:
            continue
        if ev.get("_event") == "v2_playbook_on_play_start":
            play = ev["play"]["name"]
        elif (
            play == CONFIGURE_PLAY
            and ev.get("_event", "").startswith("v2_runner_on_")
            and ev["task"]["name"].startswith(KILL_AT)
        ):
            return ev["task"]["name"]
    return None


def killed(lab: rel.Lab, inv: Path) -> str:
    dropped = drop_networks(lab, collection_networks(inv))  # give the killed run something to do
    events = Path(tempfile.mkstemp(prefix="rel-lock-events-")[1])
    proc = start_playbook(inv, events)
    try:
        deadline = time.time() + 600
        task = None
        while task is None and proc.poll() is None and time.time() < deadline:
            time.sleep(0.2)
            task = in_configure(events)
        rel.expect(task, f"the run never reached the configure play (rc {proc.poll()})")
        os.killpg(proc.pid, signal.SIGKILL)  # the session this harness started, by its leader's PID
        proc.wait(timeout=60)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=60)
        events.unlink()
    left = {h: lock_of(lab, h) for h in lab.names}
    rel.expect(all(left.values()), f"a host has no lock after the kill: {left}")
    for host, record in left.items():
        rel.expect(record["holder"]["pid"] == proc.pid, f"{host}: lock held by {record['holder']}, not PID {proc.pid}")
        rel.expect(
            (record["owner"], record["mode"]) == ("root", "644"), f"{host}: lock {record['owner']} {record['mode']}"
        )
    pr = rel.playbook(inv, rel.CONVERGE)
    rel.expect(pr.rc == 0, f"the next run after the kill: rc={pr.rc}: {pr.failed}")
    leftover = {h: lock_of(lab, h) for h in lab.names}
    rel.expect(not any(leftover.values()), f"locks left after the next run: {leftover}")
    return (
        f"networks dropped first: {', '.join(dropped) or 'none'}; killed PID {proc.pid} at '{task}'; locks left "
        f"on {', '.join(left)} (root 0644, naming it); the next run took them over: rc 0 in {pr.seconds:.0f} s, "
        f"changed {', '.join(f'{h}={pr.changed_count(h)}' for h in lab.names)}; no lock left after it"
    )


CASES = ("together", "check", "killed")


def fake_lock(lab: rel.Lab, pid: int) -> str:
    """A lock on docker1 held by `pid` of this controller, written as the module writes it."""
    with open(f"/proc/{pid}/stat", encoding="utf-8") as handle:
        ticks = handle.read().rsplit(")", 1)[-1].split()[19]
    boot = Path("/proc/sys/kernel/random/boot_id").read_text().strip().replace("-", "")[:8]
    now = time.time()
    record = {
        "holder": {"controller": socket.gethostname(), "pid": pid, "run": f"{pid}-{ticks}-{boot}"},
        "acquired": now,
        "expires": now + 3600,
    }
    text = json.dumps(record) + "\n"
    lab.hx("docker1", ["mkdir", "-p", "/run/dockernet"], check=True)
    lab.hx("docker1", ["tee", LOCK], input=text, check=True)
    return text


def check_mode(lab: rel.Lab, inv: Path) -> str:
    preflight = rel.REPO / "playbooks" / "preflight.yml"
    holder = subprocess.Popen(["sleep", "600"])  # stands for a live rollout of this controller
    try:
        text = fake_lock(lab, holder.pid)
        pr = rel.playbook(inv, preflight, args=["--check"])
        rel.expect(pr.rc != 0, "--check went on while a live run of this controller held docker1")
        msgs = everything(pr)
        line = re.search(
            rf"docker1: rollout lock: held by ansible-playbook PID {holder.pid} [^\n]*?\(still running "
            r"on this controller\)",
            msgs,
        )
        rel.expect(line, f"no refusal naming PID {holder.pid} as running here: {msgs[-500:]}")
        rel.expect(lab.hx("docker1", ["cat", LOCK]).stdout == text, "the lock file changed")
    finally:
        holder.kill()
        holder.wait()
    pr2 = rel.playbook(inv, preflight, args=["--check"])
    rel.expect(pr2.rc == 0, f"--check after the holder ended: rc={pr2.rc}: {pr2.failed}")
    after = lab.hx("docker1", ["cat", LOCK]).stdout
    lab.hx("docker1", ["rm", "-f", LOCK], check=True)
    rel.expect(after == text, "--check wrote the lock")
    return (
        f"holder alive: preflight --check rc {pr.rc}, '{line.group(0)[:150]}…'; holder ended: rc 0; "
        "the lock file unchanged by both"
    )


def concurrency(lab: rel.Lab, res: rel.Results, inv: Path, cases=CASES) -> None:
    """The family's cases on a lab whose hosts answer; the site may be rolled out already or not."""
    if "together" in cases:
        res.case(
            "concurrency",
            lab.engine,
            "two-runs-together",
            "the collection's networks removed; two converge.yml (site.yml without Verify) runs started at the "
            "same moment",
            "one rc 0; the other stops in its preflight with changed=0, naming a host and the holder "
            "('<host>: rollout lock: held by ansible-playbook PID …'); no 409 / already exists; no lock left",
            lambda: together(lab, inv),
        )
    if "check" in cases:
        res.case(
            "concurrency",
            lab.engine,
            "check-mode-refused-never-writes",
            "docker1 locked by a live process of this controller (a sleep standing for a rollout); "
            "preflight.yml --check; the process ended; preflight.yml --check again",
            "first refused naming docker1, the PID and 'still running on this controller'; then rc 0 (the dead "
            "holder is taken over); the lock file byte for byte as written, both times",
            lambda: check_mode(lab, inv),
        )
    if "killed" in cases:
        res.case(
            "concurrency",
            lab.engine,
            "killed-run-does-not-block",
            "the collection's networks removed; site.yml killed with SIGKILL (its whole session) at its first task "
            "result of the networks role in the configure play; converge.yml (site.yml without Verify) again",
            "locks left on every host, root 0644, naming the killed PID; the next run takes them over: rc 0, and "
            "leaves no lock",
            lambda: killed(lab, inv),
        )


def main(argv=None) -> int:
    ap = rel.standalone_options(__doc__, "rellock", reuse="run on the lab of that name that is up already")
    ap.add_argument("--cases", default=",".join(CASES), help="comma-separated: " + ",".join(CASES))
    a = rel.standalone_args(ap, argv)
    res = rel.Results()
    with rel.standalone_lab(a) as (lab, inv):
        concurrency(lab, res, inv, [c for c in a.cases.split(",") if c])
    return rel.report(res)


if __name__ == "__main__":
    sys.exit(main())
