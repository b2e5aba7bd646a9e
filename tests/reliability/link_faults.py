"""Reliability cases of dockernet.ipv6 for the host-side services: the LAN link down and up, a long engine outage.

The kernel deletes a link's NDP proxy entries and the IPv6 routes through it when the link goes down
(`ip link set eth0 down`, a driver reset, an interface reconfigured by a network manager); a lost carrier
keeps both. `dockernet-ndp-sync` follows the link with `ip monitor` besides the engine's events, and
`dockernet-routes` replays the collection's routes each time the link is up again. These cases prove it with
packets between containers of two lab hosts, and measure how long it takes:

- link-down-up (ndp_proxy site): eth0 of docker1 down for 2 s and up; rel-web's proxy entry back and rel-web
  reachable from rel-client on docker2, without Ansible.
- engine-down-long (ndp_proxy site): docker.socket and docker.service of docker1 stopped and masked (runtime)
  for longer than systemd's default start limit window, then started; the sync unit is sampled every 0.5 s
  meanwhile and must stay active throughout: no restart loop, never failed.
- routes-link-down-up (routed site): the same link fault; the routes of the collection back and rel-web
  reachable from docker2 (its replies need docker1's route to docker2's prefix).

The LAN address is not the collection's: the cases set net.ipv6.conf.eth0.keep_addr_on_down=1 (as a network
manager that restores addresses would leave the host) and put the default route back afterwards.

`link_faults(lab, res)` runs on a rolled-out ndp_proxy site with rel-web (restart policy) on docker1 and
rel-client on docker2, after run.py's faults. On its own it brings up a fresh lab, rolls out and starts both:
    python tests/reliability/link_faults.py --lab rellink [--engine trixie] [--mode ndp_proxy|routed] [--keep-lab]
Every subprocess gets an argv list; nothing goes through a shell.
"""

from __future__ import annotations

import json
import sys
import time

import run as rel  # tests/reliability/run.py: the lab, playbook runs and results

LAN = "eth0"
WEB, CLIENT = rel.WEB, "rel-client"
PROTOCOL = "214"
LINK_LIMIT = 20  # seconds after the link is up again
ENGINE_DOWN = 35  # longer than systemd's default start limit window (10 s) and 5 restarts at RestartSec=1
ENGINE_LIMIT = 60  # seconds after the engine is started again
ROUTED = {
    "dockernet_site_mode": "routed",
    "dockernet_site_container_pool": "2001:db8:cd00::/56",
    "dockernet_networks": [
        {"name": "ipv6_bridge", "ipv6_prefix": "2001:db8:ee00::/63", "ipv4_subnet": "172.31.0.0/24"}
    ],
}


def sh(lab: rel.Lab, argv, **kw):
    return lab.hx("docker1", argv, **kw)


def proxied(lab: rel.Lab, addr: str) -> bool:
    entries = json.loads(sh(lab, ["ip", "-j", "-6", "neigh", "show", "proxy", "dev", LAN]).stdout or "[]")
    return any(rel.same_address(e.get("dst", ""), addr) for e in entries)


def pings(lab: rel.Lab, addr: str) -> bool:
    return lab.hx("docker2", ["docker", "exec", CLIENT, "ping", "-6", "-c", "1", "-W", "1", addr]).returncode == 0


def our_routes(lab: rel.Lab) -> list:
    routes = json.loads(sh(lab, ["ip", "-j", "-6", "route", "show", "proto", PROTOCOL]).stdout or "[]")
    return sorted(r["dst"] for r in routes)


def default_routes(lab: rel.Lab) -> list:
    return json.loads(sh(lab, ["ip", "-j", "-6", "route", "show", "default"]).stdout or "[]")


def unit_show(lab: rel.Lab, unit: str, prop: str) -> str:
    return sh(lab, ["systemctl", "show", "-p", prop, "--value", unit]).stdout.strip()


def web_address(lab: rel.Lab, deadline: float) -> str:
    while True:
        running = sh(lab, ["docker", "inspect", "-f", "{{.State.Running}}", WEB]).stdout.strip()
        if running == "true":
            return lab.ip6("docker1", WEB)
        rel.expect(time.time() < deadline, f"{WEB} not running again")
        time.sleep(0.5)


# Runs inside docker1 (python3 of the host image), so that the seconds are not those of `docker exec`: the link
# down, 2 s, up; then `ip -j` every 0.05 s until the watched state (argv: "proxy ADDR" or "routes PROTO") is as it
# was before the fault, or 20 s have passed. Prints JSON: what was there before, right after the down, at the end,
# and the seconds from the up to the state being back (null when it never came back).
BOUNCE = r"""
import json, subprocess, sys, time
link, kind, arg = sys.argv[1:4]
def state():
    if kind == "proxy":
        out = subprocess.run(["ip", "-j", "-6", "neigh", "show", "proxy", "dev", link], capture_output=True, text=True)
        return sorted(e["dst"] for e in json.loads(out.stdout or "[]") if e.get("dst") == arg)
    out = subprocess.run(["ip", "-j", "-6", "route", "show", "proto", arg], capture_output=True, text=True)
    return sorted(r["dst"] for r in json.loads(out.stdout or "[]"))
before = state()
subprocess.run(["ip", "link", "set", link, "down"], check=True)
after_down = state()
time.sleep(2)
subprocess.run(["ip", "link", "set", link, "up"], check=True)
up, back, now = time.time(), None, state()
while time.time() - up < 20:
    now = state()
    if now == before:
        back = time.time() - up
        break
    time.sleep(0.05)
print(json.dumps({"before": before, "after_down": after_down, "end": now, "back": back}))
"""


# Runs inside docker1: `systemctl is-active UNIT` every 0.5 s for SECONDS; prints JSON {state: samples}.
SAMPLER = r"""
import collections, json, subprocess, sys, time
unit, end = sys.argv[1], time.time() + float(sys.argv[2])
seen = collections.Counter()
while time.time() < end:
    seen[subprocess.run(["systemctl", "is-active", unit], capture_output=True, text=True).stdout.strip()] += 1
    time.sleep(0.5)
print(json.dumps(dict(seen)))
"""


def bounce_link(lab: rel.Lab, kind: str, arg: str) -> tuple:
    """eth0 of docker1 down for 2 s and up again, keeping its addresses; returns (what the host measured, the
    time the link was up again)."""
    sh(lab, ["sysctl", "-q", "-w", f"net.ipv6.conf.{LAN}.keep_addr_on_down=1"], check=True)
    out = sh(lab, ["python3", "-c", BOUNCE, LAN, kind, arg], check=True, timeout=120).stdout
    measured = json.loads(out)
    return measured, time.time() - (measured["back"] or 0)


def restore_link(lab: rel.Lab, keep_addr: str, defaults: list):
    """What a network manager would do after the fault: the default route back; the sysctl as it was."""
    sh(lab, ["ip", "link", "set", LAN, "up"])
    for route in defaults:
        if route not in default_routes(lab):
            argv = ["ip", "-6", "route", "replace", "default", "via", route["gateway"], "dev", route["dev"]]
            if "metric" in route:
                argv += ["metric", str(route["metric"])]
            sh(lab, argv)
    sh(lab, ["sysctl", "-q", "-w", f"net.ipv6.conf.{LAN}.keep_addr_on_down={keep_addr}"])


def link_case(lab: rel.Lab, kind: str, arg: str, web: str) -> tuple:
    """Bounce the link, the host measuring when the state is back; then rel-web from docker2 until it answers.
    Returns (what the host measured, seconds from the up to the first answer)."""
    keep_addr = sh(lab, ["sysctl", "-n", f"net.ipv6.conf.{LAN}.keep_addr_on_down"]).stdout.strip() or "0"
    defaults = default_routes(lab)
    try:
        measured, up = bounce_link(lab, kind, arg)
        rel.expect(
            measured["back"] is not None,
            f"not back within 20 s of the up: before {measured['before']}, "
            f"right after the down {measured['after_down']}, at the end {measured['end']}",
        )
        while not pings(lab, web):
            rel.expect(
                time.time() - up < LINK_LIMIT,
                f"{measured['end']} back after {measured['back']:.2f} s, but "
                f"{web} not reachable from docker2 within {LINK_LIMIT} s of the up",
            )
        return measured, time.time() - up
    finally:
        restore_link(lab, keep_addr, defaults)


def link_faults(lab: rel.Lab, res: rel.Results):
    e = lab.engine
    # The faults before these may have left rel-client stopped (host-dies-halfway kills docker2, and rel-client
    # has no restart policy): start both containers afresh rather than depend on what ran before.
    start_workloads(lab)

    def link_down_up():
        web = web_address(lab, time.time() + 30)
        rel.expect(proxied(lab, web) and pings(lab, web), f"before the fault: {web} not proxied or not reachable")
        unit = "dockernet-ndp-sync"
        restarts = unit_show(lab, unit, "NRestarts")
        measured, reach = link_case(lab, "proxy", web, web)
        return (
            f"{LAN} down 2 s, up: entries right after the down {measured['after_down']}; proxy entry of {WEB} "
            f"{web} back {measured['back']:.2f} s after the up, reachable from docker2 after at most "
            f"{reach:.1f} s; {unit} {unit_show(lab, unit, 'ActiveState')}, NRestarts {restarts} -> "
            f"{unit_show(lab, unit, 'NRestarts')}"
        )

    res.case(
        "faults",
        e,
        "link-down-up",
        f"ip link set {LAN} down on docker1 (keep_addr_on_down=1), 2 s, up; no Ansible",
        f"rel-web's proxy entry back and rel-web reachable from a container on docker2 within "
        f"{LINK_LIMIT} s; seconds measured",
        link_down_up,
    )

    def engine_down_long():
        unit = "dockernet-ndp-sync"
        restarts = unit_show(lab, unit, "NRestarts")
        since = sh(lab, ["date", "+%Y-%m-%d %H:%M:%S"]).stdout.strip()
        # An engine that cannot start for a while: stopped with its socket (the sync service's requests would
        # start it again) and masked until the next boot, so that no unit that wants it (the sync unit does, when
        # systemd starts it again) can bring it back early.
        engine_units = ["docker.socket", "docker.service"]
        t_stop, states = time.time(), {}
        try:
            sh(lab, ["systemctl", "stop", *engine_units], check=True, timeout=120)
            sh(lab, ["systemctl", "mask", "--runtime", *engine_units], check=True)
            out = sh(
                lab,
                ["python3", "-c", SAMPLER, unit, str(ENGINE_DOWN - (time.time() - t_stop))],
                check=True,
                timeout=ENGINE_DOWN + 60,
            ).stdout
            states = json.loads(out)
            engine = sh(lab, ["systemctl", "is-active", "docker.service"]).stdout.strip()
        finally:
            sh(lab, ["systemctl", "unmask", "--runtime", *engine_units])
        down = time.time() - t_stop
        sh(lab, ["systemctl", "start", "docker.service"], check=True, timeout=120)
        t0 = time.time()
        web, after = None, []
        while time.time() - t0 < ENGINE_LIMIT:
            after.append(sh(lab, ["systemctl", "is-active", unit]).stdout.strip())
            try:
                web = web or web_address(lab, t0 + ENGINE_LIMIT)
            except rel.CaseFailed:
                break
            if after[-1] == "active" and proxied(lab, web) and pings(lab, web):
                break
            time.sleep(1)
        else:
            raise rel.CaseFailed(
                f"{ENGINE_LIMIT} s after the engine started: sync {after[-1:]}, {WEB} {web} "
                f"proxied {web and proxied(lab, web)}"
            )
        back = time.time() - t0
        retries = sum(
            "retrying in" in line
            for line in sh(
                lab, ["journalctl", "-u", unit, "--since", since, "--no-pager", "-o", "cat"]
            ).stdout.splitlines()
        )
        rel.expect(
            set(states) == {"active"} and set(after) == {"active"},
            f"sync unit states while the engine was down: {states}, after: {sorted(set(after))}",
        )
        rel.expect(engine != "active", f"the engine was {engine} during the outage")
        rel.expect(web is not None, f"{WEB} not running again")
        return (
            f"engine down {down:.0f} s; sync unit sampled {sum(states.values())} times: always active, NRestarts "
            f"{restarts} -> {unit_show(lab, unit, 'NRestarts')}, {retries} retries logged (backoff); proxy entry "
            f"of {WEB} {web} back and reachable from docker2 {back:.1f} s after the engine was started"
        )

    res.case(
        "faults",
        e,
        "engine-down-long",
        "systemctl stop and mask --runtime docker.socket docker.service on "
        f"docker1, {ENGINE_DOWN} s, unmask, start; no Ansible",
        "the sync unit never failed nor restarted "
        "(sampled every 0.5 s), active; proxy entry of rel-web back and rel-web reachable from docker2 within "
        f"{ENGINE_LIMIT} s",
        engine_down_long,
    )


def routes_link_faults(lab: rel.Lab, res: rel.Results):
    e = lab.engine

    def routes_down_up():
        routes = our_routes(lab)
        web = web_address(lab, time.time() + 30)
        unit = "dockernet-routes"
        rel.expect(routes, "no route of the collection (proto 214) on docker1")
        rel.expect(pings(lab, web), f"before the fault: {web} not reachable from docker2")
        rel.expect(unit_show(lab, unit, "ActiveState") == "active", f"{unit} not active before the fault")
        measured, reach = link_case(lab, "routes", PROTOCOL, web)
        return (
            f"{LAN} down 2 s, up: routes right after the down {measured['after_down']}; {routes} back "
            f"{measured['back']:.2f} s after the up, {WEB} {web} reachable from docker2 after at most "
            f"{reach:.1f} s; {unit} {unit_show(lab, unit, 'ActiveState')}"
        )

    res.case(
        "faults",
        e,
        "routes-link-down-up",
        f"routed site: ip link set {LAN} down on docker1 (keep_addr_on_down=1), 2 s, up; no Ansible",
        f"the collection's routes back and rel-web reachable from docker2 within {LINK_LIMIT} s; seconds measured",
        routes_down_up,
    )


def start_workloads(lab: rel.Lab):
    """rel-web (restart policy) on docker1 and rel-client on docker2, as run.py's security and faults leave them."""
    rel.start_web(lab)
    lab.start("docker2", CLIENT)
    web = lab.ip6("docker1", WEB)
    deadline = time.time() + 30
    while not pings(lab, web):
        rel.expect(time.time() < deadline, f"{web} not reachable from docker2 after the rollout")
        time.sleep(1)


def main(argv=None) -> int:
    ap = rel.standalone_options(__doc__, "rellink", reuse="run the cases on a lab an earlier --keep-lab left up")
    ap.add_argument("--mode", default="ndp_proxy", choices=("ndp_proxy", "routed"))
    a = rel.standalone_args(ap, argv)
    res = rel.Results()
    with rel.standalone_lab(a, group_vars=ROUTED if a.mode == "routed" else None) as (lab, inv):
        rel.log(f"== {a.engine}: Docker {lab.version}, {a.mode} site")

        def rollout():
            pr = rel.playbook(inv)
            rel.expect(pr.rc == 0, f"rc={pr.rc}: {pr.failed}")
            start_workloads(lab)
            return f"rc 0 in {pr.seconds:.0f} s; rel-web reachable from docker2"

        if a.reuse_lab or res.case(
            "rollout",
            a.engine,
            f"rollout-{a.mode}",
            f"site.yml ({a.mode}); rel-web on docker1, rel-client on docker2",
            "rc 0; rel-web reachable",
            rollout,
        ):
            if a.reuse_lab:
                start_workloads(lab)
            (routes_link_faults if a.mode == "routed" else link_faults)(lab, res)
    return rel.report(res)


if __name__ == "__main__":
    sys.exit(main())
