# Copyright: dockernet.ipv6 contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Planner behaviour that mutation testing (make mutation, docs/mutation.md) found untested: messages a user
reads, and edge values of the checks."""

from __future__ import annotations

import pytest

from ansible_collections.dockernet.ipv6.plugins.plugin_utils import _plan_host_rules, _plan_site_rules
from ansible_collections.dockernet.ipv6.plugins.plugin_utils._plan_inputs import (
    VAR_RENUMBER,
    parse_engine_version,
    parse_prefixlen,
)
from ansible_collections.dockernet.ipv6.plugins.plugin_utils._planner import PlanError, plan_from_hostvars, read_inputs
from ansible_collections.dockernet.ipv6.tests.unit.planner_sites import lan_site, refusals


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
    issue = _plan_host_rules._renumber_issue(
        "docker2", "the container prefix", "2001:db8:ab11:0:8000::/66", "it is outside the LAN", None, "which hurts"
    )
    assert issue.variable == VAR_RENUMBER
    assert issue.message == (
        "the container prefix uses 2001:db8:ab11:0:8000::/66 from an earlier rollout, which the site can no longer "
        "keep (it is outside the LAN): the plan would move it, which hurts. Nothing was changed: set "
        "dockernet_site_renumber: true for one run to renumber, or undo the change that made it unusable"
    )


def test_the_note_on_kept_prefixes_counts_them_and_is_empty_without_any():
    assert _plan_host_rules._kept_note({}) == ""
    assert _plan_host_rules._kept_note({"docker1": "a", "docker2": "b"}) == (
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
    return {name: host["address_pools_scope"][0] for name, host in result["hosts"].items()}


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
    assert _plan_site_rules._network_slice_problem(prefix, slice_prefixlen, host_count) == message


def test_a_full_lan_says_that_kept_slices_fill_it():
    # Two /65 slices: the lower one holds the hosts' addresses, docker1 keeps the upper one from an earlier rollout.
    site = {"dockernet_site_lan_prefix": LAN, "dockernet_site_slice_prefixlen": 65}
    hostvars = {
        f"docker{number}": dict(site, dockernet_lan_interface="eth0", dockernet_lan_address=f"2001:db8:ab11::{number}")
        for number in (1, 2)
    }
    hostvars["docker1"]["dockernet_host_current"] = dict(EARLIER_60, container_prefix="2001:db8:ab11:0:8000::/65")
    assert refusals(hostvars) == [
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
    assert refusals(hostvars) == [
        "docker1: dockernet_networks[0].ipv4_gateway: needs ipv4_subnet: set the subnet it belongs to"
    ]


BOOK_NETWORK = {"name": "ipv6_bridge", "ipv6_prefix": "2001:db8:ab11:0:4000::/66", "ipv4_subnet": "172.31.0.0/24"}


def network_site(first: list, second: list, count: int = 2) -> dict:
    """docker1 with dockernet_networks `first`, the other hosts with `second`, on the book's LAN."""
    hostvars = lan_site(count, dockernet_networks=second)
    hostvars["docker1"]["dockernet_networks"] = first
    return hostvars


@pytest.mark.parametrize(
    "first, second",
    [
        ([BOOK_NETWORK], [dict(BOOK_NETWORK, ipv6_prefix="2001:DB8:AB11:0:4000:0::/66")]),
        ([BOOK_NETWORK], [dict(BOOK_NETWORK, ipv4_subnet=" 172.31.0.0/24")]),
        ([dict(BOOK_NETWORK, ipv4_gateway="172.31.0.1")], [dict(BOOK_NETWORK, ipv4_gateway=" 172.31.0.1")]),
        ([dict(BOOK_NETWORK, ipv4_gateway=None)], [BOOK_NETWORK]),
        ([dict(BOOK_NETWORK, slice_prefixlen=68)], [dict(BOOK_NETWORK, slice_prefixlen="68")]),
        ([dict(BOOK_NETWORK, slice_prefixlen=None)], [BOOK_NETWORK]),
        ([dict(BOOK_NETWORK, driver_options=None)], [dict(BOOK_NETWORK, driver_options={})]),
        ([dict(BOOK_NETWORK, internal=False)], [BOOK_NETWORK]),
    ],
)
def test_networks_spelt_differently_on_two_hosts_mean_the_same(first, second):
    hostvars = network_site(first, second)
    plan_from_hostvars(list(hostvars), hostvars)


@pytest.mark.parametrize(
    "first, second",
    [
        ([BOOK_NETWORK], [dict(BOOK_NETWORK, ipv6_prefix="2001:db8:ab11:0:8000::/66")]),
        ([BOOK_NETWORK], [dict(BOOK_NETWORK, ipv4_subnet="172.30.0.0/24")]),
        ([BOOK_NETWORK], [dict(BOOK_NETWORK, ipv4_gateway="172.31.0.1")]),
        ([dict(BOOK_NETWORK, ipv4_gateway="172.31.0.1")], [dict(BOOK_NETWORK, ipv4_gateway="172.31.0.2")]),
        # Gateways that do not parse each mean only themselves.
        ([dict(BOOK_NETWORK, ipv4_gateway="x")], [dict(BOOK_NETWORK, ipv4_gateway="y")]),
        # IPv6 spellings are no IPv4 subnet or gateway: each means only itself, however IPv6 would read them.
        ([dict(BOOK_NETWORK, ipv4_subnet="::/24")], [dict(BOOK_NETWORK, ipv4_subnet="::0/24")]),
        ([dict(BOOK_NETWORK, ipv4_gateway="::1")], [dict(BOOK_NETWORK, ipv4_gateway="::0:1")]),
        ([BOOK_NETWORK], [dict(BOOK_NETWORK, slice_prefixlen=68)]),
        ([dict(BOOK_NETWORK, slice_prefixlen=68)], [dict(BOOK_NETWORK, slice_prefixlen=69)]),
        ([BOOK_NETWORK], [dict(BOOK_NETWORK, driver_options={"com.docker.network.bridge.name": "br-v6"})]),
        ([BOOK_NETWORK], [dict(BOOK_NETWORK, internal=True)]),
        (["ipv6_bridge"], ["other"]),
    ],
)
def test_networks_that_differ_in_meaning_between_hosts_are_refused_on_the_second(first, second):
    hostvars = network_site(first, second)
    _site, _hosts, issues = read_inputs(list(hostvars), hostvars)
    assert [str(issue) for issue in issues] == [
        f"docker2: dockernet_networks: differs from docker1's value ({second!r} here, {first!r} on docker1): a "
        "site-wide variable must be the same on every host; set it once for the whole group, in group_vars"
    ]


@pytest.mark.parametrize(
    "entry, message",
    [
        ("ipv6_bridge", "dockernet_networks[0]: 'ipv6_bridge' is not a mapping: give name, ipv6_prefix, ..."),
        (
            dict(BOOK_NETWORK, slice_prefixlen=66),
            "dockernet_networks[0].slice_prefixlen: 66 is out of range: it must be between 67 and 126 (a slice for "
            "each of 2 hosts in 2001:db8:ab11:0:4000::/66, with room for a gateway and a container)",
        ),
        # No prefix to cut slices from: the slice length is not looked at.
        (
            {"name": "ipv6_bridge", "slice_prefixlen": 68},
            "dockernet_networks[0].ipv6_prefix: required key is not set",
        ),
        (
            dict(BOOK_NETWORK, internal="yes"),
            "dockernet_networks[0].internal: 'yes' is not a boolean: use true or false",
        ),
        (
            dict(BOOK_NETWORK, driver_options="x"),
            "dockernet_networks[0].driver_options: 'x' is not a mapping of option: value",
        ),
    ],
)
def test_a_network_entry_that_cannot_be_used_is_refused_with_the_whole_reason(entry, message):
    hostvars = network_site([entry], [entry])
    assert refusals(hostvars) == [f"docker1: {message}"]


def test_an_earlier_network_slice_of_another_length_is_kept_only_while_slice_prefixlen_is_unset():
    # docker1 has a /68 of ipv6_bridge from an earlier rollout; the default slice for two hosts is a /67.
    current = dict(
        EARLIER_60,
        container_prefix="2001:db8:ab11:0:8000::/66",
        networks={"ipv6_bridge": {"ipv6_subnets": ["2001:db8:ab11:0:4000::/68"], "enable_ipv6": True}},
    )
    hostvars = network_site([BOOK_NETWORK], [BOOK_NETWORK])
    hostvars["docker1"]["dockernet_host_current"] = current
    result = plan_from_hostvars(list(hostvars), hostvars)
    assert [n["ipv6_subnet"] for n in result["hosts"]["docker1"]["networks"]] == ["2001:db8:ab11:0:4000::/68"]
    explicit = dict(BOOK_NETWORK, slice_prefixlen=67)
    hostvars = network_site([explicit], [explicit])
    hostvars["docker1"]["dockernet_host_current"] = current
    assert any("dockernet_networks[0].slice_prefixlen asks for /67" in line for line in refusals(hostvars))


def test_each_network_on_taken_ipv4_addresses_is_named_once_and_every_one_is_named():
    # networks[2] overlaps networks[0] and networks[1]: one line for it; networks[4] overlaps networks[3].
    subnets = ["10.0.0.0/24", "10.0.1.0/24", "10.0.0.0/23", "10.1.0.0/24", "10.1.0.0/25"]
    networks = [
        {"name": f"n{index}", "ipv6_prefix": f"2001:db8:ab11:0:{index + 3}000::/68", "ipv4_subnet": subnet}
        for index, subnet in enumerate(subnets)
    ]
    hostvars = network_site(networks, networks)
    why = (
        "the engine refuses to create a network on addresses another network uses; give the network a subnet of its own"
    )
    assert refusals(hostvars) == [
        f"docker1: dockernet_networks[2].ipv4_subnet: 10.0.0.0/23 overlaps dockernet_networks[0].ipv4_subnet "
        f"10.0.0.0/24: {why}",
        f"docker1: dockernet_networks[4].ipv4_subnet: 10.1.0.0/25 overlaps dockernet_networks[3].ipv4_subnet "
        f"10.1.0.0/24: {why}",
    ]


def earlier_site(first: str | None, second: str | None, **site) -> dict:
    """Two hosts on the book's LAN; each given container prefix is the host's from an earlier rollout."""
    hostvars = lan_site(**site)
    for name, prefix in (("docker1", first), ("docker2", second)):
        if prefix is not None:
            hostvars[name]["dockernet_host_current"] = dict(EARLIER_60, container_prefix=prefix)
    return hostvars


def renumber_line(host: str, prefix: str, why: str, new: str) -> str:
    return (
        f"{host}: dockernet_site_renumber: this host's default bridge and address pool (its container prefix) uses "
        f"{prefix} from an earlier rollout, which the site can no longer keep ({why}): the plan would move it to "
        f"{new}, so the engine restarts and every container on the default bridge or a pool network gets a new "
        "address. Nothing was changed: set dockernet_site_renumber: true for one run to renumber, or undo the "
        "change that made it unusable"
    )


def test_a_host_after_one_without_an_earlier_prefix_keeps_its_own():
    hostvars = earlier_site(None, "2001:db8:ab11:0:4000::/66")
    result = plan_from_hostvars(list(hostvars), hostvars)
    assert {name: host["address_pools_scope"][0] for name, host in result["hosts"].items()} == {
        "docker1": "2001:db8:ab11:0:8000::/66",
        "docker2": "2001:db8:ab11:0:4000::/66",
    }


@pytest.mark.parametrize(
    "first, second, site, line",
    [
        (
            "2001:db8:ab11:0:8000::/66",
            None,
            {"dockernet_site_gateways": ["2001:db8:ab11:0:8000::1"]},
            renumber_line(
                "docker1",
                "2001:db8:ab11:0:8000::/66",
                "it holds gateway 2001:db8:ab11:0:8000::1 (dockernet_site_gateways)",
                "2001:db8:ab11:0:c000::/66",
            ),
        ),
        (
            "2001:db8:ab11:0:8000::/66",
            "2001:db8:ab11:0:8000::/67",
            {},
            renumber_line(
                "docker2",
                "2001:db8:ab11:0:8000::/67",
                "it overlaps another host's container prefix",
                "2001:db8:ab11:0:c000::/66",
            ),
        ),
    ],
)
def test_an_earlier_prefix_that_cannot_stay_is_refused_saying_why(first, second, site, line):
    hostvars = earlier_site(first, second, **site)
    assert refusals(hostvars) == [line]


def engine_site(engine: str, site: dict, docker1: dict) -> dict:
    hostvars = lan_site(dockernet_engine_version=engine, **site)
    hostvars["docker1"].update(docker1)
    return hostvars


@pytest.mark.parametrize(
    "site, docker1, refused_before_28",
    [
        # 2**29 pool subnets: engines before 28.0 list them all when they start.
        (
            {"dockernet_site_pool_prefixlen": 96},
            {},
            [
                f"{host}: dockernet_site_pool_prefixlen: Docker Engine 27.5.1 (before 28.0) lists every subnet of its "
                f"address pools when it starts, and /96 subnets of 2001:db8:ab11:0:{pool}::/67 are 2**29 of them: use "
                "/83 or shorter, or upgrade the engine"
                for host, pool in (("docker1", "a000"), ("docker2", "e000"))
            ],
        ),
        # A fixed-cidr-v6 longer than /80: engines before 28.0 derive addresses from MAC addresses.
        (
            {},
            {"dockernet_container_prefix": "2001:db8:ab11:0:8000::/90"},
            [
                "docker1: dockernet_container_prefix: Docker Engine 27.5.1 (before 28.0) derives default-bridge "
                "addresses from MAC addresses, so fixed-cidr-v6 must be /80 or shorter, but this host's would be "
                "2001:db8:ab11:0:8000::/91 (the lower half of its container prefix 2001:db8:ab11:0:8000::/90): use a "
                "container prefix of /79 or shorter, or upgrade the engine to 28.0 or later"
            ],
        ),
    ],
)
def test_the_28_0_engine_gates_refuse_27_5_and_take_28_0_itself(site, docker1, refused_before_28):
    hostvars = engine_site("27.5.1", site, docker1)
    assert refusals(hostvars) == refused_before_28
    hostvars = engine_site("28.0.0", site, docker1)
    plan_from_hostvars(list(hostvars), hostvars)


@pytest.mark.parametrize(
    "prefixes, lines",
    [
        # Every network outside the LAN is named, each with the ndp_proxy rule it breaks.
        (
            ["2001:db8:cd11::/66", "2001:db8:cd12::/66"],
            [
                f"docker1: dockernet_networks[{index}].ipv6_prefix: {prefix} is outside the LAN prefix "
                f"{LAN}: in ndp_proxy mode container addresses must be on the LAN; pick an unused part of it"
                for index, prefix in enumerate(["2001:db8:cd11::/66", "2001:db8:cd12::/66"])
            ],
        ),
        # A network that starts where a container prefix starts, and one that starts inside another.
        (
            ["2001:db8:ab11:0:8000::/65"],
            [
                "docker1: dockernet_networks[0].ipv6_prefix: 2001:db8:ab11:0:8000::/65 overlaps docker1's container "
                "prefix 2001:db8:ab11:0:8000::/66: give the network a prefix of its own"
            ],
        ),
        (
            ["2001:db8:ab11:0:4000::/66", "2001:db8:ab11:0:4000::/67"],
            [
                "docker1: dockernet_networks[1].ipv6_prefix: 2001:db8:ab11:0:4000::/67 overlaps "
                "dockernet_networks[0].ipv6_prefix 2001:db8:ab11:0:4000::/66: give the network a prefix of its own"
            ],
        ),
        # The whole LAN holds the hosts' addresses and both container prefixes: one line, for the first reason.
        (
            [LAN],
            [
                f"docker1: dockernet_networks[0].ipv6_prefix: {LAN} contains docker1's dockernet_lan_address "
                "2001:db8:ab11::1: pick a prefix without it"
            ],
        ),
    ],
)
def test_a_network_prefix_that_cannot_be_used_is_named_once_with_its_first_reason(prefixes, lines):
    networks = [{"name": f"n{index}", "ipv6_prefix": prefix} for index, prefix in enumerate(prefixes)]
    hostvars = network_site(networks, networks)
    assert refusals(hostvars) == lines


@pytest.mark.parametrize("gateway", ["2001:db8:ab11:0:8000::", "2001:db8:ab11:0:bfff:ffff:ffff:ffff"])
def test_a_gateway_on_the_first_or_last_address_of_a_prefix_is_inside_it(gateway):
    # docker1 holds :8000::/66 from an earlier rollout: a gateway at either end of it makes the plan move it.
    hostvars = earlier_site("2001:db8:ab11:0:8000::/66", None, dockernet_site_gateways=[gateway])
    assert refusals(hostvars) == [
        renumber_line(
            "docker1",
            "2001:db8:ab11:0:8000::/66",
            f"it holds gateway {gateway} (dockernet_site_gateways)",
            "2001:db8:ab11:0:c000::/66",
        )
    ]
    # A network whose prefix ends (or starts) on the gateway is refused naming it.
    network = {"name": "ipv6_bridge", "ipv6_prefix": "2001:db8:ab11:0:8000::/66"}
    hostvars = earlier_site(None, None, dockernet_site_gateways=[gateway], dockernet_networks=[network])
    assert (
        f"docker1: dockernet_networks[0].ipv6_prefix: 2001:db8:ab11:0:8000::/66 contains gateway {gateway} "
        "(dockernet_site_gateways): pick a prefix without it"
    ) in refusals(hostvars)


def test_a_renumber_value_that_is_no_boolean_keeps_the_earlier_prefixes_checked():
    # Read as false, not true: the plan still says what keeping docker1's earlier prefix would mean.
    hostvars = earlier_site(
        "2001:db8:ab11:0:8000::/66",
        None,
        dockernet_site_gateways=["2001:db8:ab11:0:8000::1"],
        dockernet_site_renumber="yes",
    )
    assert refusals(hostvars) == [
        "docker1: dockernet_site_renumber: 'yes' is not a boolean: use true or false",
        renumber_line(
            "docker1",
            "2001:db8:ab11:0:8000::/66",
            "it holds gateway 2001:db8:ab11:0:8000::1 (dockernet_site_gateways)",
            "2001:db8:ab11:0:c000::/66",
        ),
    ]


@pytest.mark.parametrize("name, shown", [("", "''"), (5, "5")])
def test_a_network_name_that_is_no_string_or_empty_says_so(name, shown):
    networks = [{"name": name, "ipv6_prefix": "2001:db8:ab11:0:4000::/66"}]
    hostvars = network_site(networks, networks)
    assert refusals(hostvars) == [f"docker1: dockernet_networks[0].name: {shown} is not a network name: give a string"]


def earlier_slices(first: str | None, second: str | None, networks: list, count: int = 2) -> dict:
    """`count` hosts with `networks`; docker1 and docker2 hold the given ipv6_bridge subnets from an earlier
    rollout (and their default container prefixes)."""
    hostvars = network_site(networks, networks, count)
    for name, subnet, prefix in (
        ("docker1", first, "2001:db8:ab11:0:8000::/66"),
        ("docker2", second, "2001:db8:ab11:0:c000::/66"),
    ):
        if subnet is not None:
            hostvars[name]["dockernet_host_current"] = dict(
                EARLIER_60,
                container_prefix=prefix,
                networks={"ipv6_bridge": {"ipv6_subnets": [subnet], "enable_ipv6": True}},
            )
    return hostvars


def network_renumber_line(host: str, subnet: str, why: str, new: str) -> str:
    return (
        f"{host}: dockernet_site_renumber: network ipv6_bridge uses {subnet} from an earlier rollout, which the site "
        f"can no longer keep ({why}): the plan would move it to {new}, which recreates the network and gives its "
        "containers new addresses. Nothing was changed: set dockernet_site_renumber: true for one run to renumber, "
        "or undo the change that made it unusable"
    )


BRIDGE_66 = {"name": "ipv6_bridge", "ipv6_prefix": "2001:db8:ab11:0:4000::/66"}


@pytest.mark.parametrize(
    "first, second, network, line",
    [
        (
            "2001:db8:ab11:0:2000::/67",
            None,
            BRIDGE_66,
            network_renumber_line(
                "docker1",
                "2001:db8:ab11:0:2000::/67",
                "it is outside dockernet_networks[0].ipv6_prefix 2001:db8:ab11:0:4000::/66",
                "2001:db8:ab11:0:4000::/67",
            ),
        ),
        (
            "2001:db8:ab11:0:4000::/68",
            None,
            dict(BRIDGE_66, slice_prefixlen=67),
            network_renumber_line(
                "docker1",
                "2001:db8:ab11:0:4000::/68",
                "dockernet_networks[0].slice_prefixlen asks for /67",
                "2001:db8:ab11:0:4000::/67",
            ),
        ),
        # Either host's slice may be the one that holds the other's.
        (
            "2001:db8:ab11:0:4000::/67",
            "2001:db8:ab11:0:4000::/68",
            BRIDGE_66,
            network_renumber_line(
                "docker2", "2001:db8:ab11:0:4000::/68", "it overlaps another host's slice", "2001:db8:ab11:0:6000::/67"
            ),
        ),
        (
            "2001:db8:ab11:0:4000::/68",
            "2001:db8:ab11:0:4000::/67",
            BRIDGE_66,
            network_renumber_line(
                "docker2", "2001:db8:ab11:0:4000::/67", "it overlaps another host's slice", "2001:db8:ab11:0:6000::/67"
            ),
        ),
    ],
)
def test_an_earlier_network_slice_that_cannot_stay_is_refused_saying_why(first, second, network, line):
    hostvars = earlier_slices(first, second, [network])
    assert refusals(hostvars) == [line]


def test_a_host_after_one_without_an_earlier_slice_keeps_its_own():
    hostvars = earlier_slices(None, "2001:db8:ab11:0:4000::/67", [BRIDGE_66])
    result = plan_from_hostvars(list(hostvars), hostvars)
    assert {name: [n["ipv6_subnet"] for n in host["networks"]] for name, host in result["hosts"].items()} == {
        "docker1": ["2001:db8:ab11:0:6000::/67"],
        "docker2": ["2001:db8:ab11:0:4000::/67"],
    }


def test_a_network_whose_kept_slices_leave_none_for_a_new_host_says_what_to_do():
    hostvars = earlier_slices("2001:db8:ab11:0:4000::/67", "2001:db8:ab11:0:6000::/67", [BRIDGE_66], count=3)
    assert refusals(hostvars) == [
        "docker3: dockernet_networks[0].slice_prefixlen: ipv6_bridge: 2001:db8:ab11:0:4000::/66 has no free /68 "
        "slice left for this host: the hosts keep the slices of earlier rollouts (docker1 2001:db8:ab11:0:4000::/67, "
        "docker2 2001:db8:ab11:0:6000::/67). Set a longer dockernet_networks[0].slice_prefixlen together with "
        "dockernet_site_renumber: true for one run (every host's ipv6_bridge is recreated in a new slice, which "
        "needs its containers stopped), or give the network a larger ipv6_prefix"
    ]


@pytest.mark.parametrize("first_containers", [[], ["web1"]])
def test_a_network_to_recreate_with_containers_is_refused_after_one_that_stays(first_containers):
    # docker1's ipv6_bridge stays as it is (with or without containers); docker2's has no IPv6 yet and a container.
    hostvars = network_site([BRIDGE_66], [BRIDGE_66])
    for name, prefix, subnets, containers in (
        ("docker1", "2001:db8:ab11:0:8000::/66", ["2001:db8:ab11:0:4000::/67"], first_containers),
        ("docker2", "2001:db8:ab11:0:c000::/66", [], ["web2"]),
    ):
        network = {"ipv6_subnets": subnets, "enable_ipv6": bool(subnets), "containers": containers}
        hostvars[name]["dockernet_host_current"] = dict(
            EARLIER_60, container_prefix=prefix, networks={"ipv6_bridge": network}
        )
    assert refusals(hostvars) == [
        "docker2: dockernet_networks[0]: network ipv6_bridge on this host has no IPv6 subnet and the plan gives it "
        "2001:db8:ab11:0:6000::/67, which means recreating it, but containers are attached (web2): nothing was "
        "changed; stop or disconnect them first, or keep the network as it is"
    ]


def test_a_network_is_named_even_after_two_overrides_that_overlap():
    networks = [{"name": "n0", "ipv6_prefix": "2001:db8:ab11:0:a000::/68"}]
    hostvars = network_site(networks, networks)
    hostvars["docker1"]["dockernet_container_prefix"] = "2001:db8:ab11:0:8000::/66"
    hostvars["docker2"]["dockernet_container_prefix"] = "2001:db8:ab11:0:8000::/67"
    assert refusals(hostvars) == [
        "docker2: dockernet_container_prefix: 2001:db8:ab11:0:8000::/67 overlaps docker1's dockernet_container_prefix "
        "2001:db8:ab11:0:8000::/66: give each host its own prefix",
        "docker1: dockernet_networks[0].ipv6_prefix: 2001:db8:ab11:0:a000::/68 overlaps docker1's container prefix "
        "2001:db8:ab11:0:8000::/66: give the network a prefix of its own",
    ]


def test_a_host_without_a_prefix_does_not_stop_the_checks_of_the_next():
    # Two /65 slices, the lower one holding the hosts' addresses: docker2 gets none, docker3 overrides a /126.
    hostvars = lan_site(3, dockernet_site_slice_prefixlen=65)
    hostvars["docker3"]["dockernet_container_prefix"] = "2001:db8:ab11:0:4000::/126"
    assert refusals(hostvars)[1:] == [
        "docker3: dockernet_container_prefix: this host's container prefix 2001:db8:ab11:0:4000::/126 is too small "
        "to hold the default bridge and an address pool: use a prefix of /122 or shorter"
    ]


LIVE_FINE = dict(
    EARLIER_60,
    container_prefix="2001:db8:ab11:0:8000::/66",
    live_restore=True,
    networks={"bridge": {"ipv6_subnets": ["2001:db8:ab11:0:8000::/67"], "enable_ipv6": True, "containers": ["c1"]}},
)
NOT_LIVE = dict(LIVE_FINE, live_restore=False, networks={"bridge": {"ipv6_subnets": [], "containers": ["c1"]}})
LIVE_OLD_PREFIX = dict(
    LIVE_FINE,
    container_prefix="2001:db8:ab11:0:c000::/66",
    networks={"bridge": {"ipv6_subnets": ["2001:db8:ab11:0:4000::/67"], "enable_ipv6": True, "containers": ["a"]}},
)
LIVE_STUCK = dict(
    EARLIER_60,
    container_prefix="2001:db8:ab11:0:c000::/66",
    live_restore=True,
    networks={"bridge": {"ipv6_subnets": [], "enable_ipv6": False, "containers": ["a", "b"]}},
)
TWO_SUBNETS = dict(
    EARLIER_60,
    container_prefix="2001:db8:ab11:0:8000::/66",
    networks={
        "ipv6_bridge": {
            "ipv6_subnets": ["2001:db8:ab11:0:4000::/67", "2001:db8:ab11:0:6000::/67"],
            "enable_ipv6": True,
            "containers": ["w"],
        }
    },
)


@pytest.mark.parametrize(
    "site, docker2, lines",
    [
        (
            {"dockernet_site_allowed_sources": "2001:db8:fe00::/48"},
            {},
            [
                "docker1: dockernet_site_allowed_sources: '2001:db8:fe00::/48' is not a list: give a list of IPv6 "
                "prefixes"
            ],
        ),
        (
            {"dockernet_site_allowed_sources": ["2000::/3"]},
            {},
            [
                "docker1: dockernet_site_allowed_sources[0]: 2000::/3 is shorter than /16 and would open every "
                "container of the site to most of the IPv6 Internet: list the networks that need access"
            ],
        ),
        (
            {"dockernet_site_allowed_sources": ["fe80::/64"]},
            {},
            [
                "docker1: dockernet_site_allowed_sources[0]: fe80::/64 covers link-local addresses, which are never "
                "forwarded (fe80::/10): give routable unicast prefixes only"
            ],
        ),
        (
            {"dockernet_site_gateways": "2001:db8:ab11::fffe"},
            {},
            ["docker1: dockernet_site_gateways: '2001:db8:ab11::fffe' is not a list: give a list of IPv6 addresses"],
        ),
        (
            {"dockernet_site_masquerade_outside": "yes"},
            {},
            ["docker1: dockernet_site_masquerade_outside: 'yes' is not a boolean: use true or false"],
        ),
        (
            {"dockernet_networks": "ipv6_bridge"},
            {},
            ["docker1: dockernet_networks: 'ipv6_bridge' is not a list of networks"],
        ),
        ({}, {"dockernet_lan_interface": None}, ["docker2: dockernet_lan_interface: required variable is not set"]),
        (
            {},
            {"dockernet_lan_interface": 5},
            ["docker2: dockernet_lan_interface: 5 is not an interface name like eth0"],
        ),
        (
            {},
            {"dockernet_host_addresses": "x"},
            [
                "docker2: dockernet_host_addresses: 'x' is not a mapping of interface names to lists of addresses: "
                "leave it to the preflight, which gathers it"
            ],
        ),
        (
            {},
            {"dockernet_lan_address": "2001:db8:ab12::2"},
            [
                "docker2: dockernet_lan_address: 2001:db8:ab12::2 is outside the LAN prefix 2001:db8:ab11::/64 "
                "(dockernet_site_lan_prefix): give this host's address on that LAN"
            ],
        ),
        (
            {},
            {"dockernet_container_prefix": "2001:db8:cd11::/66"},
            [
                "docker2: dockernet_container_prefix: 2001:db8:cd11::/66 is outside the LAN prefix 2001:db8:ab11::/64: "
                "in ndp_proxy mode container addresses must be on the LAN; pick a slice of it, or use routed mode"
            ],
        ),
        # An unknown mode: the LAN is held to what either mode allows (/48 to /126), not to less.
        (
            {"dockernet_site_mode": "bgp", "dockernet_site_lan_prefix": "2001:db8:ab11::/48"},
            {},
            ["docker1: dockernet_site_mode: 'bgp' is not a mode: use 'ndp_proxy' or 'routed'"],
        ),
        # No LAN prefix: the slice length is not measured against it.
        (
            {"dockernet_site_lan_prefix": None, "dockernet_site_slice_prefixlen": 67},
            {},
            ["docker1: dockernet_site_lan_prefix: required variable is not set"],
        ),
        # docker1 runs without live-restore (a restart stops its containers); docker2's docker0 has another prefix.
        (
            {},
            {"dockernet_host_current": LIVE_OLD_PREFIX, "docker1": NOT_LIVE},
            [
                "docker2: live-restore: the engine runs with live-restore and containers on the default bridge (a): "
                "a restart would keep docker0 without 2001:db8:ab11:0:c000::/67, so nothing was changed. Stop those "
                "containers (or move them to another network) for the rollout, or turn live-restore off for it; "
                "docs/lifecycle.md says how"
            ],
        ),
        # docker1 runs live-restore with docker0 already as planned; docker2 would keep it without IPv6.
        (
            {},
            {"dockernet_host_current": LIVE_STUCK, "docker1": LIVE_FINE},
            [
                "docker2: live-restore: the engine runs with live-restore and containers on the default bridge (a, b): "
                "a restart would keep docker0 without 2001:db8:ab11:0:c000::/67, so nothing was changed. Stop those "
                "containers (or move them to another network) for the rollout, or turn live-restore off for it; "
                "docs/lifecycle.md says how"
            ],
        ),
    ],
)
def test_a_value_that_cannot_be_used_is_refused_with_the_whole_message(site, docker2, lines):
    hostvars = earlier_site(None, None, **{key: value for key, value in site.items() if value is not None})
    for key in [key for key, value in site.items() if value is None]:
        for host in hostvars.values():
            host.pop(key)
    docker2 = dict(docker2)
    if "docker1" in docker2:
        hostvars["docker1"]["dockernet_host_current"] = docker2.pop("docker1")
    for key, value in docker2.items():
        if value is None:
            hostvars["docker2"].pop(key)
        else:
            hostvars["docker2"][key] = value
    assert refusals(hostvars) == lines


def test_a_network_with_two_subnets_and_containers_lists_both():
    network = {"name": "ipv6_bridge", "ipv6_prefix": "2001:db8:ab11:0:4000::/66"}
    hostvars = earlier_site(None, None, dockernet_networks=[network])
    hostvars["docker1"]["dockernet_host_current"] = TWO_SUBNETS
    assert refusals(hostvars) == [
        "docker1: dockernet_networks[0]: network ipv6_bridge on this host has 2001:db8:ab11:0:4000::/67, "
        "2001:db8:ab11:0:6000::/67 and the plan gives it 2001:db8:ab11:0:4000::/67, which means recreating it, but "
        "containers are attached (w): nothing was changed; stop or disconnect them first, or keep the network as it is"
    ]


@pytest.mark.parametrize("mode, masquerade", [("ndp_proxy", False), ("routed", True)])
def test_containers_are_masqueraded_outside_the_site_by_default_in_routed_mode_only(mode, masquerade):
    site = {"dockernet_site_mode": mode}
    if mode == "routed":
        site.update(dockernet_site_container_pool="2001:db8:cd00::/56")
    hostvars = earlier_site(None, None, **site)
    result = plan_from_hostvars(list(hostvars), hostvars)
    assert (result["nat_exempt_destinations"] == result["site_sources"]) is masquerade
    assert bool(result["nat_exempt_destinations"]) is masquerade
