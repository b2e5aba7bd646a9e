"""Lifecycle family of the reliability suite: removing the collection from hosts (playbooks/remove.yml) and
dropping a host from the site.

Run by tests/reliability/run.py (`--families lifecycle`) on the full engine only, on a fresh lab of its own;
host-removed continues on the hosts that remove-restores-snapshot gave back.

- remove-restores-snapshot: foreign things seeded, a snapshot taken, site.yml, remove.yml: the snapshot again is
  the same, but for the differences listed in ALLOWED (each with its reason); remove.yml again changes nothing.
- host-removed: site.yml on docker1+docker2, then on docker1 alone (an inventory without docker2): docker1 no longer
  lets docker2's prefixes in nor keeps a route or proxy entry for them, proven by rule listing and by packets; then
  remove.yml on docker2 alone leaves nothing of the collection there.

Every subprocess gets an argv list; nothing goes through a shell.
"""

from __future__ import annotations

import json
import shutil
import sys
import time
from pathlib import Path

import run
import yaml
from run import CONVERGE, REPO, CaseFailed, Lab, Results, expect, labkit, log, playbook, seed, seeds_present

REMOVE = REPO / "playbooks" / "remove.yml"
SYSCTLS = (
    "net.ipv6.conf.all.forwarding",
    "net.ipv6.conf.eth0.forwarding",
    "net.ipv6.conf.eth0.proxy_ndp",
    "net.ipv6.conf.eth0.accept_ra",
    "net.ipv6.neigh.eth0.proxy_delay",
)
PROTOCOL = "214"
LC_CTR = "rel-lc-ping"
DOCKER2 = labkit.host_address(2)  # docker2's LAN address

# What may differ between the snapshot before site.yml and the one after remove.yml, and why. Anything else
# that differs fails remove-restores-snapshot.
ALLOWED = {
    "network_ids": "the engine gives its default bridge network a new ID at every start, and remove.yml restarts "
    "it (daemon.json changed back); names are compared instead",
    "engine_ip6tables": "chains and rules of the engine itself (DOCKER, DOCKER-ISOLATION-*, DOCKER-USER, their "
    "FORWARD/nat jumps): created by the engine while the rollout had ip6tables on, and not "
    "removed by the engine when it starts with ip6tables off again; they are the engine's, "
    "not the collection's, and go at the next boot. No DOCKERNET-* chain may remain, and the "
    "FORWARD policy must be what it was",
}


def _save(lab: Lab, host: str) -> list[str]:
    out = lab.hx(host, ["ip6tables-save"]).stdout
    return [
        line.split(" [")[0] if line.startswith(":") else line
        for line in out.splitlines()
        if line and not line.startswith("#")
    ]


def snapshot(lab: Lab, hosts=None) -> dict:
    """Lab.snapshot plus what the collection changes besides: its sysctls, ip6tables, units and files."""
    snap = lab.snapshot(hosts)
    for h in hosts or lab.names:
        s = snap[h]
        s["daemon.json"] = json.loads(s["daemon.json"]) if s["daemon.json"] else None
        s["sysctl"] = lab.hx(h, ["sysctl", *SYSCTLS]).stdout
        save = _save(lab, h)
        s["forward_policy"] = (lab.hx(h, ["ip6tables", "-S", "FORWARD"]).stdout.splitlines() or ["?"])[0]
        s["dockernet_ip6tables"] = [ln for ln in save if "DOCKERNET" in ln]
        s["ip6tables"] = save
        s["units"] = sorted(lab.hx(h, ["systemctl", "list-unit-files", "--no-legend", "dockernet*"]).stdout.split("\n"))
        s["files"] = sorted(
            set(s["files"])
            | set(
                lab.hx(
                    h,
                    [
                        "find",
                        "/etc/dockernet",
                        "/usr/local/lib/dockernet",
                        "/etc/iproute2/rt_protos.d",
                        "/etc/sysctl.d",
                        "-maxdepth",
                        "1",
                    ],
                ).stdout.split()
            )
        )
        s["tagged"] = {
            "routes": [r for r in s["routes"] if str(r.get("protocol")) in (PROTOCOL, "dockernet")],
            "proxy": [p for p in s["proxy"] if PROTOCOL in p or "dockernet" in p],
        }
        s["network_names"] = sorted(line.split(" ", 1)[-1] for line in s.pop("networks") if line)
    return snap


def engine_only(before: list[str], after: list[str]) -> list[str]:
    """Lines of ``after`` not in ``before`` that are neither the engine's own chains and rules (a chain or target
    named DOCKER or DOCKER-*, but not DOCKERNET-*; a rule naming one of its bridges, such as the MASQUERADE rule of
    the old prefix) nor built-in chains of a table the engine loaded (the FORWARD policy is compared on its own)."""

    def engine(name: str) -> bool:
        return (name == "DOCKER" or name.startswith("DOCKER-")) and not name.startswith("DOCKERNET")

    builtin = ("INPUT", "FORWARD", "OUTPUT", "PREROUTING", "POSTROUTING")
    extra = []
    for line in after:
        if line in before or line.startswith("*") or line == "COMMIT":
            continue
        words = line.split()
        if line.startswith(":"):
            if words[0][1:] in builtin or engine(words[0][1:]):
                continue
        else:
            target = words[words.index("-j") + 1] if "-j" in words[:-1] else ""
            bridges = [w for w in words if w == "docker0" or w.startswith("br-")]
            if len(words) > 1 and (engine(words[1]) or engine(target) or bridges):
                continue
        extra.append(line)
    return extra


def compare(before: dict, after: dict) -> tuple[list[str], list[str]]:
    """(unexplained differences, differences explained by ALLOWED)."""
    bad, explained = [], []
    for h in before:
        for key in before[h]:
            a, b = before[h][key], after[h].get(key)
            if a == b:
                continue
            if key == "ip6tables":
                extra = engine_only(a, b)
                missing = [ln for ln in a if ln not in b and not ln.startswith(":") and ln != "COMMIT"]
                if extra or missing:
                    bad.append(f"{h}.ip6tables: new {extra[:4]} gone {missing[:4]}")
                else:
                    explained.append(f"{h}.ip6tables (engine_ip6tables)")
                continue
            bad.append(f"{h}.{key}: before {str(a)[:300]} after {str(b)[:300]}")
    return bad, explained


def removal(lab: Lab, res: Results, inv: Path):
    e = lab.engine
    state = {}

    def seed_and_snapshot():
        seed(lab)
        state["before"] = snapshot(lab)
        b = state["before"]["docker1"]
        return (
            f"seeded; docker1 before: {b['forward_policy']}, {b['sysctl'].strip().splitlines()[:1]}, "
            f"daemon.json keys {sorted(b['daemon.json'] or {})}"
        )

    if not res.case(
        "lifecycle",
        e,
        "remove-seed",
        "seed foreign daemon.json keys, a network, a container, an "
        "untagged route and proxy entry on both hosts; snapshot (daemon.json, sysctls, routes, proxy "
        "entries, networks, containers, ip6tables-save, units, files)",
        "seeded",
        seed_and_snapshot,
    ):
        return

    def rollout():
        pr = playbook(inv, CONVERGE)
        expect(pr.rc == 0, f"converge.yml rc {pr.rc}: {pr.failed}")
        mid = snapshot(lab)
        for h in lab.names:
            expect(mid[h]["dockernet_ip6tables"], f"{h}: no DOCKERNET chain after site.yml")
            expect(any("dockernet-ndp-sync" in u for u in mid[h]["units"]), f"{h}: no sync unit after site.yml")
        rec = json.loads(lab.hx("docker1", ["cat", "/etc/dockernet/original.json"], check=True).stdout)
        state["record"] = rec
        state["mid"] = mid
        return (
            f"converge.yml rc 0 in {pr.seconds:.0f} s; docker1 record: daemon {sorted(rec['daemon'])}, "
            f"sysctls {rec['sysctls']}, ip6tables {rec['ip6tables']}, networks {rec['networks']}"
        )

    if not res.case(
        "lifecycle",
        e,
        "remove-rollout",
        "converge.yml (site.yml without Verify) on both hosts",
        "rollout done; the record on each host holds the values from before",
        rollout,
    ):
        return

    def check_mode():
        pr = playbook(inv, REMOVE, args=["--check", "--diff"])
        expect(pr.rc == 0, f"remove.yml --check rc {pr.rc}: {pr.failed}")
        expect(all(pr.changed_count(h) > 0 for h in lab.names), f"--check predicts no change: {pr.stats}")
        now = snapshot(lab)
        for h in lab.names:
            expect(now[h] == state["mid"][h], f"{h}: --check changed the host")
        return f"--check predicts changes ({ {h: pr.changed_count(h) for h in lab.names} }) and changes nothing"

    res.case(
        "lifecycle",
        e,
        "remove-check-mode",
        "remove.yml --check --diff after the rollout",
        "changes predicted, nothing changed",
        check_mode,
    )

    def remove_and_compare():
        pr = playbook(inv, REMOVE, args=["--diff"])
        expect(pr.rc == 0, f"remove.yml rc {pr.rc}: {pr.failed}")
        after = snapshot(lab)
        bad, explained = compare(state["before"], after)
        problems = seeds_present(lab)
        expect(not bad and not problems, "; ".join(bad + problems))
        pr2 = playbook(inv, REMOVE)
        expect(pr2.rc == 0, f"second remove.yml rc {pr2.rc}: {pr2.failed}")
        changed = {h: pr2.changed_count(h) for h in lab.names}
        expect(not any(changed.values()), f"second remove.yml changed: {pr2.changed}")
        return (
            f"remove.yml rc 0 in {pr.seconds:.0f} s; snapshot equal but for {explained or 'nothing'} "
            f"(allowed: network IDs compared by name); seeds intact; second run changed {changed}"
        )

    res.case(
        "lifecycle",
        e,
        "remove-restores-snapshot",
        "remove.yml, snapshot compared with the one before site.yml; remove.yml again",
        "equal except the engine's regenerated bridge ID and the engine's own ip6tables chains; second run changed=0",
        remove_and_compare,
    )


def _ping(lab: Lab, src_host: str, dst_addr: str) -> bool:
    return (
        lab.hx(
            src_host, ["docker", "exec", LC_CTR, "ping", "-6", "-c", "2", "-W", "2", dst_addr], timeout=30
        ).returncode
        == 0
    )


def host_removed(lab: Lab, res: Results, inv: Path):
    e = lab.engine
    state = {}

    def both():
        pr = playbook(inv, CONVERGE)
        expect(pr.rc == 0, f"converge.yml rc {pr.rc}: {pr.failed}")
        for h in lab.names:
            lab.start(h, LC_CTR)
        addr = {h: lab.ip6(h, LC_CTR) for h in lab.names}
        state["addr"] = addr
        expect(_ping(lab, "docker2", addr["docker1"]), f"docker2 cannot reach docker1's {addr['docker1']} at all")
        site = lab.hx("docker1", ["ip6tables", "-S", "DOCKERNET-SITE"]).stdout
        expect(f"{DOCKER2}/128" in site, f"docker1 does not accept docker2 before: {site}")
        return (
            f"ping6 docker2 {LC_CTR} -> docker1 {addr['docker1']}: answered; docker1 DOCKERNET-SITE accepts " + DOCKER2
        )

    if not res.case(
        "lifecycle",
        e,
        "host-removed-before",
        "converge.yml (site.yml without Verify) on docker1+docker2; a busybox on each host's default bridge",
        "docker2's container reaches docker1's",
        both,
    ):
        return

    def drop_docker2():
        d = Path(str(inv) + "-one")
        shutil.copytree(inv, d)
        hosts_file = d / "hosts.yml"
        data = yaml.safe_load(hosts_file.read_text())
        data["all"]["children"]["docker_hosts"]["hosts"].pop("docker2")
        hosts_file.write_text(yaml.safe_dump(data, sort_keys=False))
        state["one"] = d
        pr = playbook(d, CONVERGE)
        expect(pr.rc == 0, f"converge.yml without docker2 rc {pr.rc}: {pr.failed}")
        rules = lab.hx("docker1", ["ip6tables-save"]).stdout
        d2_prefixes = [f"{DOCKER2}/128", "2001:db8:ab11:0:c000::"]
        kept = [ln for ln in rules.splitlines() if "DOCKERNET" in ln and any(p in ln for p in d2_prefixes)]
        routes = json.loads(lab.hx("docker1", ["ip", "-N", "-j", "-6", "route"]).stdout or "[]")
        tagged = [r for r in routes if str(r.get("protocol")) == PROTOCOL]
        proxy = json.loads(lab.hx("docker1", ["ip", "-N", "-j", "-6", "neigh", "show", "proxy"]).stdout or "[]")
        foreign_proxy = [
            p for p in proxy if str(p.get("protocol")) == PROTOCOL and not p["dst"].startswith("2001:db8:ab11:0:8")
        ]
        # conntrack could carry an earlier flow over: a new container on docker2, new address, new ICMP id.
        time.sleep(1)
        reached = _ping(lab, "docker2", state["addr"]["docker1"])
        back = _ping(lab, "docker1", state["addr"]["docker2"])
        expect(not kept, f"docker1 still has rules for docker2: {kept}")
        expect(not tagged and not foreign_proxy, f"docker1 still routes/proxies for docker2: {tagged} {foreign_proxy}")
        expect(not reached, "docker2's container still reaches docker1's over IPv6")
        return (
            f"docker1: no DOCKERNET rule names docker2's prefixes, no tagged route, no tagged proxy entry outside "
            f"its own slice; ping6 docker2 -> docker1 {state['addr']['docker1']}: no answer; docker1 -> docker2: "
            f"{'answered' if back else 'no answer'} (docker2 still holds the old site until it is removed)"
        )

    if not res.case(
        "lifecycle",
        e,
        "host-removed",
        "converge.yml with an inventory without docker2",
        "docker1 stops "
        "accepting docker2's prefixes (rules) and docker2's container no longer reaches docker1's "
        "(ping6)",
        drop_docker2,
    ):
        return

    def remove_docker2():
        pr = playbook(inv, REMOVE, args=["--limit", "docker2"])
        expect(pr.rc == 0, f"remove.yml -l docker2 rc {pr.rc}: {pr.failed}")
        expect(pr.changed_count("docker1") == 0 and "docker1" not in pr.stats, f"docker1 touched: {pr.stats}")
        s = snapshot(lab, ["docker2"])["docker2"]
        left = (
            s["dockernet_ip6tables"]
            + s["tagged"]["routes"]
            + s["tagged"]["proxy"]
            + [u for u in s["units"] if u]
            + [f for f in s["files"] if "dockernet" in f and "dockernet-lab" not in f]
        )
        expect(not left, f"docker2 still holds: {left}")
        expect(s["forward_policy"] == "-P FORWARD ACCEPT", f"docker2 {s['forward_policy']}")
        expect("ipv6" not in (s["daemon.json"] or {}), f"docker2 daemon.json {s['daemon.json']}")
        d1 = lab.hx("docker1", ["ip6tables", "-S", "DOCKERNET-FORWARD"]).returncode
        expect(d1 == 0, "docker1 lost its chains")
        pr2 = playbook(inv, REMOVE, args=["--limit", "docker2"])
        expect(pr2.rc == 0 and pr2.changed_count("docker2") == 0, f"second run: rc {pr2.rc} {pr2.changed}")
        return (
            "docker2: no DOCKERNET chain, no tagged route or proxy entry, no unit or file, FORWARD ACCEPT, "
            "daemon.json without ipv6; docker1 untouched; second run changed=0"
        )

    res.case(
        "lifecycle",
        e,
        "host-removed-cleanup",
        "remove.yml --limit docker2",
        "nothing of the collection left on docker2; docker1 untouched",
        remove_docker2,
    )
    for h in lab.names:
        lab.hx(h, ["docker", "rm", "-f", LC_CTR])
    if "one" in state:
        shutil.rmtree(state["one"], ignore_errors=True)


def lifecycle_family(res: Results, lab_name: str, engine: str, keep: bool = False) -> None:
    """The family as run.py runs it: both parts on a fresh lab of its own; the lab is taken down after."""
    lab = Lab(lab_name, engine)
    try:
        lifecycle(lab, res)
    finally:
        if not keep:
            lab.down()


def lifecycle(lab: Lab, res: Results):
    """Both parts on one fresh lab (the caller's lab is replaced): host-removed starts from what remove.yml gave
    back, or from a fresh lab of its own when the removal failed."""
    try:
        log(f"== {lab.engine}: fresh lab for lifecycle/remove")
        lab.fresh()
        inv = lab.make_inventory()
        failed_before = sum(not r["passed"] for r in res.rows)
        removal(lab, res, inv)
        # remove.yml proved the hosts back where they were before the rollout (seeds included): host-removed starts
        # from there. After a failed removal the lab's state is unknown, and host-removed gets a fresh lab.
        if sum(not r["passed"] for r in res.rows) != failed_before:
            log(f"== {lab.engine}: fresh lab for lifecycle/host-removed")
            lab.fresh()
        else:
            log(f"== {lab.engine}: lifecycle/host-removed on the hosts remove.yml gave back")
        host_removed(lab, res, inv)
        shutil.rmtree(inv, ignore_errors=True)
    except CaseFailed:
        raise
    except Exception as exc:  # noqa: BLE001 - a harness error fails the family, with its reason
        res.harness_error("lifecycle", lab.engine, "lab and runs", exc)


def main(argv=None) -> int:
    ap = run.standalone_options(__doc__, "rel", reuse="use the running lab as it is (no fresh lab)")
    ap.add_argument("--part", choices=["remove", "host-removed", "both"], default="both")
    a = run.standalone_args(ap, argv)
    res = Results()
    if a.part == "both":
        lifecycle(Lab(a.lab, a.engine), res)
    else:
        with run.standalone_lab(a) as (lab, inv):
            (removal if a.part == "remove" else host_removed)(lab, res, inv)
    return run.report(res)


if __name__ == "__main__":
    sys.exit(main())
