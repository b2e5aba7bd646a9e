"""A missing prerequisite on one host, for tests/reliability/run.py (bad-input family).

The Docker SDK for Python is made unimportable on docker2 (its package directory moved aside, put back
afterwards), site.yml runs, and the run must stop in the preflight with the exact line naming the host, the
prerequisite and the package, before any host changes.
"""

from __future__ import annotations

import shutil

from run import CaseFailed, Lab, Results, diff_snap, expect, playbook

SDK_DIR = "/usr/lib/python3/dist-packages/docker"
HIDDEN = SDK_DIR + ".hidden-by-reliability"
HOST = "docker2"
LINE = (
    f"{HOST}: docker-sdk: the Docker SDK for Python cannot be imported (No module named 'docker'); "
    "the package python3-docker provides it"
)


def failure_messages(pr) -> list[str]:
    """Every failure message of the run, the items of a failed loop included."""
    found = []
    for ev in pr.events:
        if ev.get("_event") != "v2_runner_on_failed":
            continue
        for res in ev.get("hosts", {}).values():
            found.append(str(res.get("msg", "")))
            found.extend(str(item.get("msg", "")) for item in res.get("results", []) if item.get("failed"))
    return found


def missing_prerequisite(lab: Lab, res: Results) -> None:
    def one():
        before = lab.snapshot()
        moved = lab.hx(HOST, ["mv", SDK_DIR, HIDDEN])
        expect(moved.returncode == 0, f"could not hide {SDK_DIR}: {moved.stderr.strip()}")
        inv = lab.make_inventory()
        try:
            pr = playbook(inv)
        finally:
            shutil.rmtree(inv, ignore_errors=True)
            back = lab.hx(HOST, ["mv", HIDDEN, SDK_DIR])
            if back.returncode != 0:
                raise CaseFailed(f"could not put {SDK_DIR} back: {back.stderr.strip()}")
        expect(pr.rc != 0, "the run succeeded")
        expect(pr.plays and all(p.startswith("Preflight") for p in pr.plays), f"plays started: {pr.plays}")
        expect(all(s.get("changed", 0) == 0 for s in pr.stats.values()), f"changed: {pr.stats}")
        msgs = failure_messages(pr)
        expect(LINE in msgs, f"no line '{LINE}' in: {msgs or pr.stderr[-400:]}")
        others = [m for m in msgs if m.startswith("docker1:")]
        expect(not others, f"docker1 reported: {others}")
        changed = diff_snap(before, lab.snapshot())
        expect(not changed, f"changed: {changed}")
        return f"failed in preflight ({pr.seconds:.0f} s), no host changed: {LINE}"

    res.case(
        "bad-input",
        lab.engine,
        "prerequisite-missing",
        f"the Docker SDK for Python made unimportable on {HOST} ({SDK_DIR} moved aside, put back after)",
        f"fails in preflight with '{LINE}'; snapshot of both hosts unchanged",
        one,
    )
