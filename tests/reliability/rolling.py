"""Reliability family `rolling` of dockernet.ipv6: a rollout batch by batch (dockernet_serial) on a fresh 3-host lab.

A change that restarts every host's engine is rolled out with `dockernet_serial: 1` while a prober in docker1's
network namespace (a `docker exec` of the outer engine: it outlives docker1's own engine restart) connects to a
`--restart unless-stopped` HTTP container on every host every 0.2 s. From the probe samples and the times at which
each batch started, the case proves that the engines restarted one after the other: every host's container was
unreachable at some point (its engine did restart), never two at the same moment, and only while its own batch ran.

Run by run.py (family `rolling`, full engine only) or on its own:
    python tests/reliability/rolling.py --lab relroll [--engine trixie] [--keep-lab] [--reuse-lab]
--reuse-lab skips the fresh lab and the first rollout: it runs the later cases again on a lab that an earlier run left
up with --keep-lab, switching the engines' log level to the other of info/warn so that every engine restarts again.
Every subprocess gets an argv list; nothing goes through a shell.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
import time

import run as rel  # tests/reliability/run.py: the lab, playbook runs and results

WORKLOAD = "rel-roll"
PORT = 8080
PERIOD = 0.2

# Runs inside docker1 (python3 of the host image). One thread per target; every PERIOD seconds a TCP connect with a
# short timeout, one line per sample: "<unix time> <host> <1|0> <error>". Ends when its stdin closes (the harness
# is done) or after the safety limit.
PROBER = r"""
import socket, sys, threading, time
targets = [a.split("=", 1) for a in sys.argv[2:]]
period, limit = float(sys.argv[1]), time.time() + 1500
lock, stop = threading.Lock(), threading.Event()

def probe(host, address):
    while not stop.is_set() and time.time() < limit:
        t0 = time.time()
        err = ""
        try:
            socket.create_connection((address, 8080), timeout=0.5).close()
        except OSError as exc:
            err = str(exc).replace(" ", "_") or type(exc).__name__
        with lock:
            print("%.3f %s %d %s" % (t0, host, 0 if err else 1, err), flush=True)
        stop.wait(max(0.0, period - (time.time() - t0)))

threads = [threading.Thread(target=probe, args=(h, a), daemon=True) for h, a in targets]
for t in threads:
    t.start()
sys.stdin.read()
stop.set()
for t in threads:
    t.join(2)
"""


def start_workloads(lab: rel.Lab) -> dict:
    """An HTTP container with --restart unless-stopped on every host; host -> (container id, IPv6 address)."""
    out = {}
    for h in lab.names:
        cid = lab.start(h, WORKLOAD, "--restart", "unless-stopped", command=("sh", "-c", rel.HTTPD))
        out[h] = (cid, lab.ip6(h, WORKLOAD))
    # Measure only from the moment every container answers the prober's host: a container just started waits for
    # its proxy entry (and, right after an engine restart, for the sync service to reconnect).
    connect = "import socket, sys; socket.create_connection((sys.argv[1], %d), timeout=1).close()" % PORT
    deadline = time.time() + 60
    for h, (_cid, addr) in out.items():
        while lab.hx("docker1", ["python3", "-c", connect, addr]).returncode != 0:
            if time.time() > deadline:
                raise rel.CaseFailed(f"{h}: [{addr}]:{PORT} does not answer docker1 within 60 s of docker run")
            time.sleep(0.5)
    return out


def gaps(samples: list) -> list:
    """[(first failed sample, first ok sample after it or None)] from one host's time-ordered (t, ok) samples."""
    out, start = [], None
    for t, ok in samples:
        if not ok and start is None:
            start = t
        elif ok and start is not None:
            out.append((start, t))
            start = None
    if start is not None:
        out.append((start, None))
    return out


def batches_from(events_at: list) -> list:
    """[(start time, [hosts])] of the Configure plays, in order, from (time, event) pairs of the run."""
    out, current = [], None
    for t, ev in events_at:
        kind = ev.get("_event", "")
        if kind == "v2_playbook_on_play_start":
            current = None
            if ev["play"]["name"].startswith("Configure"):
                current = (t, [])
                out.append(current)
        elif current is not None and kind.startswith("v2_runner_on_"):
            for h in ev.get("hosts", {}):
                if h not in current[1]:
                    current[1].append(h)
    return out


def analyse(lab: rel.Lab, samples: dict, batches: list, end: float) -> tuple[list, dict, list]:
    """Problems with the restarts' order, the longest gap per host in seconds during the configure batches, and the
    gaps seen after them (while verify.yml creates its probes and networks), which are reported, not judged here."""
    problems, longest, windows, later = [], {}, {}, []
    order = [hosts for _t, hosts in batches]
    if order != [[h] for h in lab.names]:
        problems.append(f"batches {order}, expected one host each in inventory order")
    for i, (t, hosts) in enumerate(batches):
        for h in hosts:
            windows[h] = (t, batches[i + 1][0] if i + 1 < len(batches) else end)
    intervals = {}
    for h in lab.names:
        g = gaps(samples.get(h, []))
        intervals[h] = [(a, b if b is not None else time.time()) for a, b in g]
        later += [f"{h} {b - a:.1f} s at +{a - end:.0f} s" for a, b in intervals[h] if a >= end]
        intervals[h] = [(a, b) for a, b in intervals[h] if a < end]
        g = [(a, b) for a, b in g if a < end]
        longest[h] = max((b - a for a, b in intervals[h]), default=0.0)
        if not samples.get(h):
            problems.append(f"{h}: no samples")
        elif not g:
            problems.append(f"{h}: its container never became unreachable: its engine did not restart")
        if samples.get(h) and not samples[h][-1][1]:
            problems.append(f"{h}: its container was still unreachable at the end")
        for a, b in intervals[h]:
            w = windows.get(h)
            if w is None or a < w[0] or b > w[1] + 1.0:
                problems.append(
                    f"{h}: unreachable {a - (w or (a,))[0]:+.1f}..{b - (w or (a,))[0]:+.1f} s from the "
                    f"start of its batch, outside it ({(w[1] - w[0]) if w else 0:.1f} s long)"
                )
    for i, h in enumerate(lab.names):
        for other in lab.names[i + 1 :]:
            for a, b in intervals[h]:
                for c, d in intervals[other]:
                    if a < d and c < b:
                        problems.append(
                            f"{h} and {other} unreachable at the same time "
                            f"({max(a, c) - batches[0][0]:.1f}..{min(b, d) - batches[0][0]:.1f} s "
                            "after the first batch started)"
                        )
    return problems, longest, later


def serial_case(lab: rel.Lab, workloads: dict, inv) -> str:
    ids = {h: cid for h, (cid, _addr) in workloads.items()}
    targets = [f"{h}={addr}" for h, (_cid, addr) in workloads.items()]
    prober = subprocess.Popen(
        [
            "docker",
            "-H",
            lab.sock,
            "exec",
            "-i",
            lab.container("docker1"),
            "python3",
            "-u",
            "-c",
            PROBER,
            str(PERIOD),
            *targets,
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    events_at = []
    try:
        time.sleep(3)  # a few samples with everything up before the run starts
        pr = rel.playbook(inv, on_event=lambda ev: events_at.append((time.time(), ev)))
        end = next(
            (
                t
                for t, ev in events_at
                if ev.get("_event") == "v2_playbook_on_play_start" and ev["play"]["name"].startswith("Verify")
            ),
            time.time(),
        )
        time.sleep(3)
    finally:
        out, err = prober.communicate(input="", timeout=60)
    samples = {}
    raw = rel.Path(tempfile.gettempdir()) / f"rel-rolling-{lab.name}-samples.txt"
    raw.write_text(out)
    rel.log(f"prober samples: {raw}")
    for line in out.splitlines():
        parts = line.split()
        if len(parts) >= 3:
            samples.setdefault(parts[1], []).append((float(parts[0]), parts[2] == "1"))
    for h in samples:
        samples[h].sort()
    rel.expect(samples, f"the prober printed nothing: {err.strip()[-300:]}")
    rel.expect(pr.rc == 0, f"rc={pr.rc}: {pr.failed}")
    restarted = {
        h: any(t.endswith("dockernet.ipv6.daemon : Restart the engine") for t in pr.changed.get(h, ()))
        for h in lab.names
    }
    rel.expect(all(restarted.values()), f"engine restarted by the run: {restarted}")
    batches = batches_from(events_at)
    rel.expect(batches, "no Configure play started")
    reports = [
        r.get("msg", "")
        for _t, ev in events_at
        if ev.get("_event") == "v2_runner_on_ok" and ev.get("task", {}).get("name") == "Report this batch"
        for r in ev.get("hosts", {}).values()
    ]
    problems, longest, later = analyse(lab, samples, batches, end)
    if [r.split(";")[0] for r in reports] != [f"batch: {h}" for h in lab.names]:
        problems.append(f"the run reported the batches as {reports}")
    for h in lab.names:
        now = lab.hx(h, ["docker", "inspect", "--format", "{{.Id}} {{.State.Status}}", WORKLOAD]).stdout.split()
        if now != [ids[h], "running"]:
            problems.append(f"{h}: {WORKLOAD} is {now or 'gone'} after the run")
    rel.expect(not problems, "; ".join(problems))
    t0 = batches[0][0]
    lengths = ", ".join(f"{hosts[0]} at +{t - t0:.0f} s" for t, hosts in batches)
    return (
        f"rc 0 in {pr.seconds:.0f} s; batches in order: {lengths} (reported as: {' | '.join(reports)}); "
        f"{sum(len(s) for s in samples.values())} samples; longest gap per host: "
        + ", ".join(f"{h} {longest[h]:.1f} s" for h in lab.names)
        + "; never two hosts down at once, each only during its own batch; every container running again "
        "(same id); after the batches, during verify.yml: " + (", ".join(later) or "no gap")
    )


def change(lab: rel.Lab) -> dict:
    """Batches of one host and a daemon.json change that restarts every engine: a log level the hosts do not have."""
    current = json.loads(lab.hx("docker1", ["cat", "/etc/docker/daemon.json"]).stdout or "{}").get("log-level")
    return {
        "dockernet_serial": 1,
        "dockernet_daemon_extra_settings": {"log-level": "warn" if current == "info" else "info"},
    }


def rolling_family(res: rel.Results, lab_name: str, engine: str, keep: bool = False, reuse: bool = False) -> None:
    lab = rel.Lab(lab_name, engine, 3)
    try:
        if reuse:
            lab.inventory = rel.yaml.safe_load(lab.inventory_path().read_text())
            lab.wait_engines()
        else:
            rel.log(f"== rolling: fresh 3-host {engine} lab")
            lab.fresh()
        inv = lab.make_inventory()
        workloads = {}
        if reuse:
            workloads.update(start_workloads(lab))
        wanted = change(lab)
        inv2 = lab.make_inventory(group_vars=wanted)
        level = wanted["dockernet_daemon_extra_settings"]["log-level"]

        def first():
            pr = rel.playbook(inv, rel.CONVERGE)
            rel.expect(pr.rc == 0, f"rc={pr.rc}: {pr.failed}")
            workloads.update(start_workloads(lab))
            return f"rc 0 in {pr.seconds:.0f} s; containers: " + ", ".join(
                f"{h} [{addr}]:{PORT}" for h, (_cid, addr) in workloads.items()
            )

        ok = reuse or res.case(
            "rolling",
            engine,
            "first-rollout-3-hosts",
            "converge.yml (site.yml without Verify) on 3 fresh hosts, then one "
            f"busybox httpd container with --restart unless-stopped on each (port {PORT})",
            "rc 0",
            first,
        )
        if ok:
            res.case(
                "rolling",
                engine,
                "one-engine-restart-at-a-time",
                f"site.yml with dockernet_serial: 1 and dockernet_daemon_extra_settings {{log-level: {level}}} in "
                "group_vars (every engine restarts) while a prober in docker1's network namespace connects to "
                f"every host's container every {PERIOD} s",
                "batches docker1, docker2, docker3 in order; each container unreachable at some point, only "
                "during its own batch, never two at once; all running again with the same id (gaps after the "
                "batches, while verify.yml runs, are reported)",
                lambda: serial_case(lab, workloads, inv2),
            )

            def third():
                pr = rel.playbook(inv2, rel.CONVERGE)
                rel.expect(pr.rc == 0, f"rc={pr.rc}: {pr.failed}")
                ch = {h: sorted(pr.changed.get(h, ())) for h in lab.names}
                rel.expect(all(not v for v in ch.values()), f"changed: {ch}")
                return f"rc 0, changed=0 on every host ({pr.seconds:.0f} s)"

            res.case(
                "rolling",
                engine,
                "rerun-unchanged",
                "converge.yml (site.yml without Verify) again with the same variables (serial 1)",
                "changed=0 everywhere",
                third,
            )
        shutil.rmtree(inv, ignore_errors=True)
        shutil.rmtree(inv2, ignore_errors=True)
    except Exception as exc:  # noqa: BLE001 - a harness error fails the family, with its reason
        res.harness_error("rolling", engine, "bring a 3-host lab up and run", exc)
    finally:
        if not keep:
            lab.down()


def main(argv=None) -> int:
    a = rel.standalone_args(
        rel.standalone_options(__doc__, "rel", reuse="run again on a lab left up by --keep-lab"), argv
    )
    res = rel.Results()
    rolling_family(res, a.lab, a.engine, keep=a.keep_lab, reuse=a.reuse_lab)
    return rel.report(res)


if __name__ == "__main__":
    sys.exit(main())
