# Copyright: dockernet.ipv6 contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Planner behaviour that mutation testing (make mutation, docs/mutation.md) found untested: messages a user
reads, and edge values of the checks."""

from __future__ import annotations

import pytest

from ansible_collections.dockernet.ipv6.plugins.module_utils import _planner
from ansible_collections.dockernet.ipv6.plugins.module_utils._planner import (
    PlanError,
    parse_engine_version,
    parse_prefixlen,
    plan_from_hostvars,
    read_inputs,
)


@pytest.mark.parametrize("value, shown", [("sixty", "'sixty'"), (None, "not set"), (True, "True"), (6.5, "6.5")])
def test_a_prefix_length_that_is_no_number_is_quoted_in_the_message(value, shown):
    assert parse_prefixlen(value, 1, 128) == (
        None,
        f"{shown} is not an integer prefix length: write a number such as 66",
    )


def test_an_engine_version_that_does_not_parse_is_quoted_and_its_source_named():
    assert parse_engine_version("latest") == (
        None,
        "'latest' is not a Docker Engine version: it must look like '28.5.2' "
        "(the preflight gathers it with 'docker version')",
    )


@pytest.mark.parametrize(
    "first, second, differs",
    [
        (64, "64", None),
        # 0 and 128 are the ends of what a prefix length can be: each still means the number it spells.
        (0, "0", None),
        (128, " 128", None),
        # Past the end, or no number at all: a value that does not parse means only itself.
        (129, "129", "'129' here, 129 on docker1"),
        ("abc", "xyz", "'xyz' here, 'abc' on docker1"),
    ],
)
def test_a_site_prefix_length_is_compared_between_hosts_by_what_it_means(first, second, differs):
    hostvars = {
        "docker1": {"dockernet_site_container_prefixlen": first},
        "docker2": {"dockernet_site_container_prefixlen": second},
    }
    _site, _hosts, issues = read_inputs(["docker1", "docker2"], hostvars)
    expected = [
        f"docker2: dockernet_site_container_prefixlen: differs from docker1's value ({differs}): a site-wide "
        "variable must be the same on every host; set it once for the whole group, in group_vars"
    ]
    assert [str(issue) for issue in issues] == (expected if differs else [])


def test_a_renumber_issue_without_a_new_place_says_only_move_it():
    issue = _planner._renumber_issue(
        "docker2", "the container prefix", "2001:db8:ab11:0:8000::/66", "it is outside the LAN", None, "which hurts"
    )
    assert issue.variable == _planner.VAR_RENUMBER
    assert issue.message == (
        "the container prefix uses 2001:db8:ab11:0:8000::/66 from an earlier rollout, which the site can no longer "
        "keep (it is outside the LAN): the plan would move it, which hurts. Nothing was changed: set "
        "dockernet_site_renumber: true for one run to renumber, or undo the change that made it unusable"
    )


def test_the_note_on_kept_prefixes_counts_them_and_is_empty_without_any():
    assert _planner._kept_note({}) == ""
    assert _planner._kept_note({"docker1": "a", "docker2": "b"}) == (
        "; 2 hosts keep the prefixes of earlier rollouts, which dockernet_site_renumber: true would give up for one run"
    )


# ---------------------------------------------------------------------------------------------------
# Routed mode: what an earlier rollout left, renumbering, gateways inside the pool
# ---------------------------------------------------------------------------------------------------

LAN = "2001:db8:ab11::/64"
ROUTED = {
    "dockernet_site_mode": "routed",
    "dockernet_site_lan_prefix": LAN,
    "dockernet_site_container_pool": "2001:db8:cd00::/56",
}
# docker1 was given a /60 of the pool by an earlier rollout (or by hand, through the engine's own daemon.json).
EARLIER_60 = {
    "container_prefix": "2001:db8:cd00:10::/60",
    "engine_running": True,
    "live_restore": False,
    "networks": {},
}


def routed_plan(site: dict, current: dict | None = None) -> dict:
    hostvars = {}
    for number in (1, 2):
        name = f"docker{number}"
        hostvars[name] = dict(site, dockernet_lan_interface="eth0", dockernet_lan_address=f"2001:db8:ab11::{number:x}")
    if current is not None:
        hostvars["docker1"]["dockernet_host_current"] = current
    return plan_from_hostvars(list(hostvars), hostvars)


def container_prefixes(result: dict) -> dict:
    return {name: host["container_prefix"] for name, host in result["hosts"].items()}


def test_routed_keeps_an_earlier_prefix_of_any_length_while_the_length_is_unset():
    assert container_prefixes(routed_plan(ROUTED, EARLIER_60)) == {
        "docker1": "2001:db8:cd00:10::/60",
        "docker2": "2001:db8:cd00::/64",
    }


def test_routed_refuses_an_earlier_prefix_of_another_length_than_the_one_set():
    with pytest.raises(PlanError) as caught:
        routed_plan(dict(ROUTED, dockernet_site_container_prefixlen=64), EARLIER_60)
    assert [str(issue) for issue in caught.value.issues] == [
        "docker1: dockernet_site_renumber: this host's default bridge and address pool (its container prefix) uses "
        "2001:db8:cd00:10::/60 from an earlier rollout, which the site can no longer keep "
        "(dockernet_site_container_prefixlen asks for /64): the plan would move it to 2001:db8:cd00::/64, so the "
        "engine restarts and every container on the default bridge or a pool network gets a new address. Nothing "
        "was changed: set dockernet_site_renumber: true for one run to renumber, or undo the change that made it "
        "unusable"
    ]


def test_routed_renumber_gives_up_the_earlier_prefixes():
    assert container_prefixes(routed_plan(dict(ROUTED, dockernet_site_renumber=True), EARLIER_60)) == {
        "docker1": "2001:db8:cd00::/64",
        "docker2": "2001:db8:cd00:1::/64",
    }


@pytest.mark.parametrize(
    "gateway, first",
    [
        ("2001:db8:ab11::fffe", "2001:db8:cd00::/64"),  # on the LAN, as usual
        ("2001:db8:cd00::1", "2001:db8:cd00:1::/64"),  # inside the pool: its /64 is nobody's
    ],
)
def test_routed_allocation_skips_the_prefix_holding_a_gateway(gateway, first):
    result = routed_plan(dict(ROUTED, dockernet_site_gateways=[gateway]))
    assert container_prefixes(result)["docker1"] == first


def test_a_full_routed_pool_says_that_kept_prefixes_fill_it():
    one_prefix = dict(ROUTED, dockernet_site_container_pool="2001:db8:cd00::/64")
    kept = dict(EARLIER_60, container_prefix="2001:db8:cd00::/64")
    with pytest.raises(PlanError) as caught:
        routed_plan(one_prefix, kept)
    assert [str(issue) for issue in caught.value.issues] == [
        "docker2: dockernet_site_container_pool: pool 2001:db8:cd00::/64 has only 0 free /64 prefixes for 1 hosts "
        "without dockernet_container_prefix; 1 hosts keep the prefixes of earlier rollouts, which "
        "dockernet_site_renumber: true would give up for one run: use a larger pool or a longer "
        "dockernet_site_container_prefixlen"
    ]


@pytest.mark.parametrize(
    "slice_prefixlen, host_count, message",
    [
        (126, 1, None),
        (
            128,
            1,
            "2001:db8:ab11:0:4000::/128 is too small for 1 host: each host's slice would be a /128, with no room for "
            "the network's gateway and a container; use /126 or shorter (a /126 slice per host at least)",
        ),
        (
            129,
            2,
            "2001:db8:ab11:0:4000::/128 is too small to give 2 hosts a slice each: use /125 or shorter, so that each "
            "host's slice is a /126 at least, with room for the network's gateway and a container",
        ),
    ],
)
def test_a_network_too_small_for_its_slices_says_by_how_much(slice_prefixlen, host_count, message):
    prefix = "2001:db8:ab11:0:4000::/128"
    assert _planner._network_slice_problem(prefix, slice_prefixlen, host_count) == message


def test_a_full_lan_says_that_kept_slices_fill_it():
    # Two /65 slices: the lower one holds the hosts' addresses, docker1 keeps the upper one from an earlier rollout.
    site = {"dockernet_site_lan_prefix": LAN, "dockernet_site_slice_prefixlen": 65}
    hostvars = {
        f"docker{number}": dict(site, dockernet_lan_interface="eth0", dockernet_lan_address=f"2001:db8:ab11::{number}")
        for number in (1, 2)
    }
    hostvars["docker1"]["dockernet_host_current"] = dict(EARLIER_60, container_prefix="2001:db8:ab11:0:8000::/65")
    with pytest.raises(PlanError) as caught:
        plan_from_hostvars(list(hostvars), hostvars)
    assert [str(issue) for issue in caught.value.issues] == [
        "docker2: dockernet_site_slice_prefixlen: more hosts than slices: 2001:db8:ab11::/64 has only 0 free /65 "
        "slices for 1 hosts without dockernet_container_prefix (slices holding a host address, a gateway or an "
        "override are skipped; 1 hosts keep the prefixes of earlier rollouts, which dockernet_site_renumber: true "
        "would give up for one run): set a longer dockernet_site_slice_prefixlen, or unset it to get the default"
    ]


def test_an_ipv4_gateway_without_its_subnet_is_refused_with_what_to_set():
    network = {"name": "ipv6_bridge", "ipv6_prefix": "2001:db8:ab11:0:4000::/66", "ipv4_gateway": "172.31.0.1"}
    site = {"dockernet_site_lan_prefix": LAN, "dockernet_networks": [network]}
    hostvars = {
        f"docker{number}": dict(site, dockernet_lan_interface="eth0", dockernet_lan_address=f"2001:db8:ab11::{number}")
        for number in (1, 2)
    }
    with pytest.raises(PlanError) as caught:
        plan_from_hostvars(list(hostvars), hostvars)
    assert [str(issue) for issue in caught.value.issues] == [
        "docker1: dockernet_networks[0].ipv4_gateway: needs ipv4_subnet: set the subnet it belongs to"
    ]
