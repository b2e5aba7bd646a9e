# Copyright: dockernet.ipv6 contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The planner keeps what earlier rollouts gave each host: growth, removal and renumbering on purpose."""

from __future__ import annotations

import typing as t

import pytest

from ansible_collections.dockernet.ipv6.plugins.plugin_utils._planner import PlanError, plan_from_hostvars

LAN = "2001:db8:ab11::/64"
ROOMY_NETWORK = {"name": "ipv6_bridge", "ipv6_prefix": "2001:db8:ab11:0:4000::/66", "slice_prefixlen": 68}
FULL_NETWORK = {"name": "ipv6_bridge", "ipv6_prefix": "2001:db8:ab11:0:4000::/66"}


def site_vars(networks: list, **extra: t.Any) -> dict:
    return dict({"dockernet_site_lan_prefix": LAN, "dockernet_networks": networks}, **extra)


def hostvars(numbers: t.Sequence[int], site: dict, current: t.Mapping[str, dict] | None = None) -> dict:
    found = {}
    for number in numbers:
        name = f"docker{number}"
        found[name] = dict(site, dockernet_lan_interface="eth0", dockernet_lan_address=f"2001:db8:ab11::{number:x}")
        if current and name in current:
            found[name]["dockernet_host_current"] = current[name]
    return found


def plan(found: dict) -> dict:
    return plan_from_hostvars(list(found), found)


def errors(found: dict) -> list[str]:
    with pytest.raises(PlanError) as caught:
        plan(found)
    return [str(issue) for issue in caught.value.issues]


def current_from(
    result: dict, containers: t.Mapping[str, t.Sequence[str]] | None = None, live_restore: bool = False
) -> dict[str, dict]:
    """What host_info reads back on each host after `result` was rolled out (containers per network name)."""
    containers = containers or {}
    found = {}
    for name, host in result["hosts"].items():
        networks = {
            network["name"]: {
                "enable_ipv6": True,
                "ipv6_subnets": [network["ipv6_subnet"]],
                "containers": list(containers.get(network["name"], ())),
            }
            for network in host["networks"]
        }
        networks["bridge"] = {
            "enable_ipv6": True,
            "ipv6_subnets": [host["fixed_cidr_v6"]],
            "containers": list(containers.get("bridge", ())),
        }
        found[name] = {
            "container_prefix": host["address_pools_scope"][0],
            "engine_running": True,
            "live_restore": live_restore,
            "networks": networks,
        }
    return found


def allocation(result: dict) -> dict[str, tuple]:
    return {
        name: (host["address_pools_scope"][0], tuple(n["ipv6_subnet"] for n in host["networks"]))
        for name, host in result["hosts"].items()
    }


def test_growth_keeps_every_existing_host_and_gives_the_new_one_free_slices():
    site = site_vars([ROOMY_NETWORK])
    two = plan(hostvars([1, 2], site))
    assert allocation(two) == {
        "docker1": ("2001:db8:ab11:0:8000::/66", ("2001:db8:ab11:0:4000::/68",)),
        "docker2": ("2001:db8:ab11:0:c000::/66", ("2001:db8:ab11:0:5000::/68",)),
    }
    three = plan(hostvars([1, 2, 3], site, current_from(two)))
    # A fresh 3-host site would re-slice everyone (/67 container prefixes); a grown one keeps the two first.
    fresh = plan(hostvars([1, 2, 3], site))
    assert allocation(fresh)["docker1"][0] == "2001:db8:ab11:0:8000::/67"
    assert allocation(three) == {
        "docker1": ("2001:db8:ab11:0:8000::/66", ("2001:db8:ab11:0:4000::/68",)),
        "docker2": ("2001:db8:ab11:0:c000::/66", ("2001:db8:ab11:0:5000::/68",)),
        # The upper half is taken; the lower half's first /67 holds the hosts' own addresses.
        "docker3": ("2001:db8:ab11:0:2000::/67", ("2001:db8:ab11:0:6000::/68",)),
    }
    # The old hosts accept the new host's address and prefixes: its containers are part of the site.
    assert three["site_sources"] == [
        "2001:db8:ab11::1/128",
        "2001:db8:ab11::2/127",
        "2001:db8:ab11:0:2000::/67",
        "2001:db8:ab11:0:4000::/67",
        "2001:db8:ab11:0:6000::/68",
        "2001:db8:ab11:0:8000::/65",
    ]


def test_rerun_with_current_state_plans_the_same():
    site = site_vars([ROOMY_NETWORK])
    first = plan(hostvars([1, 2], site))
    assert plan(hostvars([1, 2], site, current_from(first))) == first


def test_removed_host_leaves_its_slices_free_and_moves_nobody():
    site = site_vars([ROOMY_NETWORK])
    three = plan(hostvars([1, 2, 3], site))
    after = plan(hostvars([1, 3], site, current_from(three)))
    assert allocation(after)["docker3"] == allocation(three)["docker3"]
    assert allocation(after)["docker1"] == allocation(three)["docker1"]
    # Without the record docker3 would take docker2's place.
    assert allocation(plan(hostvars([1, 3], site)))["docker3"] != allocation(three)["docker3"]


def test_full_network_prefix_refuses_growth_naming_the_slice_length_and_renumber():
    site = site_vars([FULL_NETWORK])
    two = plan(hostvars([1, 2], site))
    lines = errors(hostvars([1, 2, 3], site, current_from(two)))
    assert len(lines) == 1, lines
    assert lines[0].startswith(
        "docker3: dockernet_networks[0].slice_prefixlen: ipv6_bridge: 2001:db8:ab11:0:4000::/66 "
        "has no free /68 slice left for this host"
    )
    assert "docker1 2001:db8:ab11:0:4000::/67, docker2 2001:db8:ab11:0:6000::/67" in lines[0]
    assert "dockernet_site_renumber: true" in lines[0]


def test_renumber_plans_as_on_a_fresh_site():
    site = site_vars([FULL_NETWORK])
    two = plan(hostvars([1, 2], site))
    renumbered = plan(hostvars([1, 2, 3], dict(site, dockernet_site_renumber=True), current_from(two)))
    assert renumbered == plan(hostvars([1, 2, 3], dict(site, dockernet_site_renumber=True)))
    assert allocation(renumbered)["docker1"] == ("2001:db8:ab11:0:8000::/67", ("2001:db8:ab11:0:4000::/68",))


def test_renumber_must_be_a_boolean():
    site = site_vars([ROOMY_NETWORK], dockernet_site_renumber="yes")
    assert errors(hostvars([1, 2], site)) == [
        "docker1: dockernet_site_renumber: 'yes' is not a boolean: use true or false"
    ]


def test_explicit_slice_length_change_is_refused_until_renumber():
    site = site_vars([ROOMY_NETWORK])
    two = plan(hostvars([1, 2], site))
    changed = dict(site, dockernet_site_slice_prefixlen=67)
    lines = errors(hostvars([1, 2], changed, current_from(two)))
    assert [line.split(":")[0:2] for line in lines] == [
        ["docker1", " dockernet_site_renumber"],
        ["docker2", " dockernet_site_renumber"],
    ]
    assert (
        "docker1: dockernet_site_renumber: this host's default bridge and address pool (its container prefix) "
        "uses 2001:db8:ab11:0:8000::/66 from an earlier rollout, which the site can no longer keep "
        "(dockernet_site_slice_prefixlen asks for /67): the plan would move it to"
    ) in lines[0]
    assert "Nothing was changed" in lines[0]
    ok = plan(hostvars([1, 2], dict(changed, dockernet_site_renumber=True), current_from(two)))
    assert allocation(ok)["docker1"][0] == "2001:db8:ab11:0:8000::/67"


def test_larger_lan_prefix_keeps_every_host():
    site = site_vars([])
    two = plan(hostvars([1, 2], site))
    larger = plan(hostvars([1, 2], site_vars([], dockernet_site_lan_prefix="2001:db8:ab11::/63"), current_from(two)))
    assert allocation(larger) == allocation(two)


def test_moved_lan_prefix_names_renumber_and_the_new_prefix():
    two = plan(hostvars([1, 2], site_vars([])))
    moved = hostvars([1, 2], site_vars([], dockernet_site_lan_prefix="2001:db8:ab12::/64"), current_from(two))
    for number, host in enumerate(moved.values(), start=1):
        host["dockernet_lan_address"] = f"2001:db8:ab12::{number}"
    lines = errors(moved)
    assert lines[0] == (
        "docker1: dockernet_site_renumber: this host's default bridge and address pool (its container prefix) uses "
        "2001:db8:ab11:0:8000::/66 from an earlier rollout, which the site can no longer keep (it is outside "
        "2001:db8:ab12::/64): the plan would move it to 2001:db8:ab12:0:8000::/66, so the engine restarts and every "
        "container on the default bridge or a pool network gets a new address. Nothing was changed: set "
        "dockernet_site_renumber: true for one run to renumber, or undo the change that made it unusable"
    )
    assert len(lines) == 2 and lines[1].startswith("docker2: dockernet_site_renumber: ")


def test_slice_change_with_containers_attached_is_refused_before_any_change():
    site = site_vars([ROOMY_NETWORK])
    two = plan(hostvars([1, 2], site))
    current = current_from(two, containers={"ipv6_bridge": ["web", "db"]})
    renumber = dict(site, dockernet_site_renumber=True, dockernet_networks=[dict(ROOMY_NETWORK, slice_prefixlen=67)])
    lines = errors(hostvars([1, 2], renumber, current))
    assert lines == [
        "docker1: dockernet_networks[0]: network ipv6_bridge on this host has 2001:db8:ab11:0:4000::/68 and the plan "
        "gives it 2001:db8:ab11:0:4000::/67, which means recreating it, but containers are attached (web, db): "
        "nothing was changed; stop or disconnect them first, or keep the network as it is",
        "docker2: dockernet_networks[0]: network ipv6_bridge on this host has 2001:db8:ab11:0:5000::/68 and the plan "
        "gives it 2001:db8:ab11:0:6000::/67, which means recreating it, but containers are attached (web, db): "
        "nothing was changed; stop or disconnect them first, or keep the network as it is",
    ]
    # The same change without containers goes ahead.
    assert plan(hostvars([1, 2], renumber, current_from(two)))["hosts"]["docker2"]["networks"][0]["ipv6_subnet"] == (
        "2001:db8:ab11:0:6000::/67"
    )


def test_a_network_made_by_hand_under_the_same_name_with_containers_is_refused():
    site = site_vars([ROOMY_NETWORK])
    current = {
        "docker1": {
            "engine_running": True,
            "networks": {"ipv6_bridge": {"enable_ipv6": False, "ipv6_subnets": [], "containers": ["app"]}},
        }
    }
    lines = errors(hostvars([1, 2], site, current))
    assert lines == [
        "docker1: dockernet_networks[0]: network ipv6_bridge on this host has no IPv6 subnet and the plan gives it "
        "2001:db8:ab11:0:4000::/68, which means recreating it, but containers are attached (app): nothing was "
        "changed; stop or disconnect them first, or keep the network as it is"
    ]


def test_live_restore_with_containers_on_docker0_stops_before_any_change():
    site = site_vars([ROOMY_NETWORK])
    fresh_engine = {
        "engine_running": True,
        "live_restore": True,
        "networks": {"bridge": {"enable_ipv6": False, "ipv6_subnets": [], "containers": ["web"]}},
    }
    lines = errors(hostvars([1, 2], site, {"docker2": fresh_engine}))
    assert lines == [
        "docker2: live-restore: the engine runs with live-restore and containers on the default bridge (web): a "
        "restart would keep docker0 without 2001:db8:ab11:0:c000::/67, so nothing was changed. Stop those containers "
        "(or move them to another network) for the rollout, or turn live-restore off for it; docs/lifecycle.md says "
        "how"
    ]
    # Without containers on docker0, or once docker0 has its IPv6 subnet, live-restore is no obstacle.
    idle = dict(fresh_engine, networks={"bridge": {"enable_ipv6": False, "ipv6_subnets": [], "containers": []}})
    assert plan(hostvars([1, 2], site, {"docker2": idle}))
    two = plan(hostvars([1, 2], site))
    assert plan(hostvars([1, 2], site, current_from(two, containers={"bridge": ["web"]}, live_restore=True))) == two


def test_routed_growth_keeps_pool_prefixes():
    site = {
        "dockernet_site_mode": "routed",
        "dockernet_site_lan_prefix": LAN,
        "dockernet_site_container_pool": "2001:db8:cd00::/56",
        "dockernet_networks": [],
    }
    two = plan(hostvars([1, 2], site))
    removed_first = plan(hostvars([2, 3], site, current_from(two)))
    assert allocation(removed_first)["docker2"] == allocation(two)["docker2"]
    assert allocation(removed_first)["docker3"][0] == allocation(two)["docker1"][0]
    outside = dict(site, dockernet_site_container_pool="2001:db8:ce00::/56")
    lines = errors(hostvars([1, 2], outside, current_from(two)))
    assert lines[0].startswith("docker1: dockernet_site_renumber: ") and "outside 2001:db8:ce00::/56" in lines[0]
