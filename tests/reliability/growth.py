"""Reliability family `growth` of dockernet.ipv6: a running site that grows, on a fresh 3-host lab.

docker3 starts as a production host would: live-restore on and a container on the default bridge. The rollout
must stop before any change there (the engine would keep docker0 without IPv6), and the daemon role alone, which
has no preflight, must notice after its restart that docker0 did not take the settings. Then docker1 and docker2
are rolled out with containers running on both, and the site grows to docker3: the two keep their prefixes,
network slices, engines and containers, and docker3's containers reach theirs by their own addresses.

Run by run.py (family `growth`, full engine only) or on its own:
    python tests/reliability/growth.py --lab relgrow [--engine trixie] [--keep-lab]
Every subprocess gets an argv list; nothing goes through a shell.
"""

from __future__ import annotations

import json
import re
import shutil
import sys
import tempfile
from pathlib import Path

import run as rel  # tests/reliability/run.py: the lab, playbook runs and results
import yaml

# Room for a fourth host in the book's network: /66 split in /68 slices instead of the two-host default /67.
ROOMY = {
    "dockernet_networks": [
        {
            "name": "ipv6_bridge",
            "ipv6_prefix": "2001:db8:ab11:0:4000::/66",
            "ipv4_subnet": "172.31.0.0/24",
            "slice_prefixlen": 68,
        }
    ]
}
LIVE = "rel-live"
PEER = "rel-grow"
NETWORKS = ("bridge", "ipv6_bridge")
ROLE_PLAY = """- name: The daemon role alone, as a user of the role would run it
  hosts: docker3
  gather_facts: false
  roles:
    - role: dockernet.ipv6.daemon
      vars:
        daemon_fixed_cidr_v6: "2001:db8:ab11:0:2000::/68"
        daemon_engine_version: "{{ dockernet_lab_engine_version }}"
"""


def without(inv_dir: Path, host: str) -> Path:
    """A copy of the inventory directory without one host."""
    d = Path(tempfile.mkdtemp(prefix="rel-inv-grow-"))
    shutil.copytree(inv_dir / "group_vars", d / "group_vars")
    inv = yaml.safe_load((inv_dir / "hosts.yml").read_text())
    del inv["all"]["children"]["docker_hosts"]["hosts"][host]
    (d / "hosts.yml").write_text(yaml.safe_dump(inv, sort_keys=False))
    return d


def state(lab: rel.Lab, host: str, ctr: str) -> dict:
    out = lab.hx(host, ["docker", "inspect", "--format", "{{json .}}", ctr], check=True).stdout
    info = json.loads(out)
    return {
        "id": info["Id"][:12],
        "started": info["State"]["StartedAt"],
        "running": info["State"]["Running"],
        "ipv6": {name: net.get("GlobalIPv6Address") for name, net in info["NetworkSettings"]["Networks"].items()},
    }


def engine_started(lab: rel.Lab, host: str) -> str:
    return lab.hx(host, ["systemctl", "show", "-p", "ActiveEnterTimestampMonotonic", "docker"]).stdout.strip()


def live_restore_host(lab: rel.Lab) -> str:
    """docker3 as a production host: live-restore on, a container on the default bridge."""
    lab.hx("docker3", ["sh", "-c", 'printf \'{"live-restore": true}\\n\' > /etc/docker/daemon.json'], check=True)
    lab.hx("docker3", ["systemctl", "restart", "docker"], check=True)
    lab.wait_engines(["docker3"])
    lab.start("docker3", LIVE, "--restart", "unless-stopped")
    return lab.hx("docker3", ["docker", "info", "--format", "{{.LiveRestoreEnabled}}"]).stdout.strip()


def refused(lab: rel.Lab, inv: Path) -> str:
    before = lab.snapshot()
    ctr = state(lab, "docker3", LIVE)
    pr = rel.playbook(inv)
    rel.expect(pr.rc != 0, "the run succeeded")
    rel.expect(pr.plays and all(p.startswith("Preflight") for p in pr.plays), f"plays started: {pr.plays}")
    msgs = " ".join(m for ms in pr.failed.values() for m in ms)
    want = (
        f"docker3: live-restore: the engine runs with live-restore and containers on the default bridge ({LIVE}): "
        "a restart would keep docker0 without "
    )
    rel.expect(want in msgs, f"no '{want}' in: {msgs[-500:] or pr.stderr[-400:]}")
    diff = rel.diff_snap(before, lab.snapshot())
    rel.expect(not diff, f"changed: {diff}")
    after = state(lab, "docker3", LIVE)
    rel.expect(after == ctr and after["running"], f"container {LIVE}: {ctr} -> {after}")
    line = next(ln for ln in re.split(r"\\n|\n", msgs) if want in ln)
    return (
        f"stopped in preflight ({pr.seconds:.0f} s): {line[line.find(want) :][:260]}; snapshot unchanged; {LIVE} "
        f"still running since {after['started']}"
    )


def role_check(lab: rel.Lab, inv: Path) -> str:
    """The daemon role without the preflight: it restarts the engine, which keeps docker0; the role must say so."""
    play = inv / "daemon-role.yml"
    play.write_text(ROLE_PLAY)
    version = lab.hx("docker3", ["docker", "version", "--format", "{{.Server.Version}}"]).stdout.strip()
    pr = rel.playbook(inv / "hosts.yml", playbook_path=play, args=["-e", f"dockernet_lab_engine_version={version}"])
    rel.expect(pr.rc != 0, "the role reported success")
    msgs = " ".join(m for ms in pr.failed.values() for m in ms)
    want = "docker3: daemon_fixed_cidr_v6: the engine restarted with /etc/docker/daemon.json asking for IPv6 on docker0"
    rel.expect(want in msgs, f"no '{want}' in: {msgs[-500:] or pr.stderr[-400:]}")
    rel.expect(f"Containers run on it ({LIVE})" in msgs, f"the cause is not named: {msgs[-500:]}")
    bridge = lab.hx("docker3", ["docker", "network", "inspect", "bridge", "--format", "{{.EnableIPv6}}"]).stdout.strip()
    rel.expect(bridge == "false", f"docker0 EnableIPv6={bridge}: the case did not reproduce live-restore's effect")
    running = state(lab, "docker3", LIVE)["running"]
    rel.expect(running, f"{LIVE} stopped")
    return f"failed after the restart: {msgs[msgs.find(want) :][:300]}; docker0 EnableIPv6 {bridge}; {LIVE} running"


def start_peers(lab: rel.Lab, hosts) -> dict:
    found = {}
    for host in hosts:
        for network in NETWORKS:
            name = f"{PEER}-{network.replace('_', '-')}"
            lab.start(
                host,
                name,
                *("--network", network, "--restart", "unless-stopped", "--workdir", "/www"),
                command=rel.PEER_HTTPD,
            )
            rel.peer_cgi(lab, host, name)
            found[(host, network)] = state(lab, host, name)
    return found


def grow(lab: rel.Lab, inv2: Path, inv3: Path) -> str:
    pr = rel.playbook(inv2, rel.CONVERGE)
    rel.expect(pr.rc == 0, f"2-host rollout: rc={pr.rc}: {pr.failed}")
    peers = start_peers(lab, ("docker1", "docker2"))
    daemon = {h: lab.hx(h, ["cat", "/etc/docker/daemon.json"]).stdout for h in ("docker1", "docker2")}
    engines = {h: engine_started(lab, h) for h in ("docker1", "docker2")}
    pr = rel.playbook(inv3, rel.CONVERGE)
    rel.expect(pr.rc == 0, f"3-host rollout: rc={pr.rc}: {pr.failed}")
    changed = {h: sorted(pr.changed.get(h, ())) for h in ("docker1", "docker2")}
    for host in ("docker1", "docker2"):
        rel.expect(
            lab.hx(host, ["cat", "/etc/docker/daemon.json"]).stdout == daemon[host], f"{host}: daemon.json changed"
        )
        rel.expect(engine_started(lab, host) == engines[host], f"{host}: the engine restarted")
        for network in NETWORKS:
            now = state(lab, host, f"{PEER}-{network.replace('_', '-')}")
            rel.expect(now == peers[(host, network)], f"{host} {network}: {peers[(host, network)]} -> {now}")
    new = start_peers(lab, ("docker3",))
    lines = []
    for network in NETWORKS:
        name = f"{PEER}-{network.replace('_', '-')}"
        src = new[("docker3", network)]["ipv6"][network]
        for host in ("docker1", "docker2"):
            dst = peers[(host, network)]["ipv6"][network]
            seen, answer = rel.ask_peer(lab, "docker3", name, dst)
            rel.expect(rel.same_address(seen, src), f"{network}: docker3 {src} -> {host} {dst}: {answer}")
            lines.append(f"{network}: docker3 {src} -> {host} {dst} seen as {seen}")
    touched = "; ".join(f"{h}: {', '.join(t.split(' | ')[1] for t in c) or 'nothing'}" for h, c in changed.items())
    kept = ", ".join(f"{h} {peers[(h, n)]['ipv6'][n]}" for h in ("docker1", "docker2") for n in NETWORKS)
    return (
        f"docker1/docker2: daemon.json, engines and containers unchanged ({kept}); tasks changed there: {touched}; "
        + "; ".join(lines)
    )


def growth_family(res: rel.Results, lab_name: str, engine: str, keep: bool = False, rerun: bool = True) -> None:
    """The family on a fresh 3-host lab. `rerun` adds a no-op run of the grown site; run.py leaves it to the rolling
    family, whose rerun-unchanged runs on this same grown site right after."""
    lab = rel.Lab(lab_name, engine, 3)
    inv3 = inv2 = None
    try:
        rel.log(f"== growth: fresh 3-host {engine} lab")
        lab.fresh()
        inv3 = lab.make_inventory(group_vars=ROOMY)
        inv2 = without(inv3, "docker3")
        if not res.case(
            "growth",
            engine,
            "live-restore-refused",
            f"docker3 with live-restore (docker info says {live_restore_host(lab)}) and container {LIVE} "
            "on the default bridge; site.yml on docker1..3",
            "stops in preflight with 'docker3: live-restore: …' naming the container; no host changed; "
            "the container still runs",
            lambda: refused(lab, inv3),
        ):
            return
        res.case(
            "growth",
            engine,
            "daemon-role-checks-docker0",
            "the daemon role alone on docker3 (no preflight): merges IPv6 into daemon.json and restarts the engine",
            "fails after the restart naming daemon_fixed_cidr_v6, docker0's state and the containers on it",
            lambda: role_check(lab, inv3),
        )
        lab.hx("docker3", ["docker", "rm", "-f", LIVE], check=True)
        if not res.case(
            "growth",
            engine,
            "grow-2-to-3",
            "converge.yml (site.yml without Verify) on docker1+docker2 (ipv6_bridge /66 in /68 slices), containers "
            "on bridge and ipv6_bridge of both, then converge.yml on docker1..3 (docker3 keeps live-restore, no containers)",
            "docker1/docker2 keep daemon.json, engine and containers; docker3's containers reach theirs "
            "and each receiver sees docker3's own address",
            lambda: grow(lab, inv2, inv3),
        ):
            return

        def again():
            pr = rel.playbook(inv3, rel.CONVERGE)
            rel.expect(pr.rc == 0, f"rc={pr.rc}: {pr.failed}")
            changed = {h: sorted(pr.changed.get(h, ())) for h in lab.names}
            rel.expect(not any(changed.values()), f"changed: {changed}")
            return f"rc 0, changed=0 on every host ({pr.seconds:.0f} s)"

        if rerun:
            res.case("growth", engine, "grown-rerun-unchanged", "converge.yml on docker1..3 again", "changed=0", again)

        def limited():
            pr = rel.playbook(inv3, rel.CONVERGE, args=["--limit", "docker1"])
            rel.expect(pr.rc == 0, f"rc={pr.rc}: {pr.failed}")
            changed = sorted(pr.changed.get("docker1", ()))
            rel.expect(not changed, f"changed on docker1: {changed}")
            return f"rc 0, changed=0 on docker1 ({pr.seconds:.0f} s): the plan read docker2 and docker3 as well"

        res.case(
            "growth",
            engine,
            "limit-run-unchanged",
            "converge.yml --limit docker1 on the grown site",
            "changed=0: the hosts left out are read, so docker1's plan (firewall accepts) stays the same",
            limited,
        )
        # Leave a site the rolling family can measure: with live-restore docker3's containers would not stop, and
        # a second container on docker0 may take the other's address when the engine restarts them (the address
        # follows the IPv4 address, given in start order), so the peers go.
        for host in lab.names:
            lab.hx(host, ["docker", "rm", "-f", *(f"{PEER}-{n.replace('_', '-')}" for n in NETWORKS)])
        lab.hx(
            "docker3",
            [
                "python3",
                "-c",
                "import json; p = '/etc/docker/daemon.json'; c = json.load(open(p)); "
                "c.pop('live-restore', None); open(p, 'w').write(json.dumps(c, indent=2) + chr(10))",
            ],
            check=True,
        )
        lab.hx("docker3", ["systemctl", "restart", "docker"], check=True)
        lab.wait_engines(["docker3"])
    except Exception as exc:  # noqa: BLE001 - a harness error fails the family, with its reason
        res.harness_error("growth", engine, "bring a 3-host lab up and run", exc)
    finally:
        for d in (inv2, inv3):
            if d:
                shutil.rmtree(d, ignore_errors=True)
        if not keep:
            lab.down()


def main(argv=None) -> int:
    a = rel.standalone_args(rel.standalone_options(__doc__, "relgrow"), argv)
    res = rel.Results()
    growth_family(res, a.lab, a.engine, keep=a.keep_lab)
    return rel.report(res)


if __name__ == "__main__":
    sys.exit(main())
