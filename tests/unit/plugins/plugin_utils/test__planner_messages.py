# Copyright: dockernet.ipv6 contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Planner messages in full, and the edges of its checks, that mutation testing (make mutation, docs/mutation.md)
found matched only by a fragment or not at all: which host is named, what each message says, both sides of each
condition."""

from __future__ import annotations

import pytest

from ansible_collections.dockernet.ipv6.plugins.plugin_utils import _addresses
from ansible_collections.dockernet.ipv6.plugins.plugin_utils._plan_inputs import (
    SITE_VARIABLES,
    parse_address,
    parse_prefix,
)
from ansible_collections.dockernet.ipv6.plugins.plugin_utils._plan_intervals import allocate_slices, ceil_log2
from ansible_collections.dockernet.ipv6.plugins.plugin_utils._planner import (
    HostInput,
    NetaddrMissingError,
    PlanError,
    SiteInput,
    plan_from_hostvars,
    plan_site,
    read_inputs,
    require_netaddr,
)
from ansible_collections.dockernet.ipv6.tests.unit.planner_sites import lan_site, refusals

LAN = "2001:db8:ab11::/64"
# The longest LAN ndp_proxy mode takes: 128 addresses in each half, few enough to fill in a test.
LAN_120 = "2001:db8:ab11::/120"
DIFFERS = "a site-wide variable must be the same on every host; set it once for the whole group, in group_vars"


def site_refusals(site: SiteInput, hosts: list) -> list[str]:
    """The lines of the PlanError that plan_site must raise."""
    with pytest.raises(PlanError) as caught:
        plan_site(site, hosts)
    return [str(issue) for issue in caught.value.issues]


def host_inputs(count: int) -> list[HostInput]:
    return [
        HostInput(f"docker{number}", lan_interface="eth0", lan_address=f"2001:db8:ab11::{number:x}")
        for number in range(1, count + 1)
    ]


def read_issues(hostvars: dict) -> list[str]:
    _site, _hosts, issues = read_inputs(list(hostvars), hostvars)
    return [str(issue) for issue in issues]


# ---------------------------------------------------------------------------------------------------
# Single values: every message with its family and its example
# ---------------------------------------------------------------------------------------------------


def test_a_missing_netaddr_says_what_to_install_and_where(monkeypatch):
    monkeypatch.setattr(_addresses, "HAS_NETADDR", False)
    with pytest.raises(NetaddrMissingError) as caught:
        require_netaddr()
    assert str(caught.value) == (
        "the dockernet.ipv6 planner needs the Python library netaddr on the Ansible controller: install it in the "
        "controller's Python, for example with 'pip install netaddr'"
    )


@pytest.mark.parametrize(
    "value, version, message",
    [
        (5, 6, "5 is not an IPv6 address: write it as text like 2001:db8:ab11::1"),
        (None, 4, "not set is not an IPv4 address: write it as text like 172.31.0.1"),
        ("x", 6, "'x' is not an IPv6 address: write it like 2001:db8:ab11::1"),
        ("x", 4, "'x' is not an IPv4 address: write it like 172.31.0.1"),
        (
            "172.31.0.0/24",
            6,
            "'172.31.0.0/24' is a prefix, not an address: give the address alone, like 2001:db8:ab11::1",
        ),
        ("2001:db8::/64", 4, "'2001:db8::/64' is a prefix, not an address: give the address alone, like 172.31.0.1"),
        ("172.31.0.1", 6, "'172.31.0.1' is an IPv4 address where an IPv6 address is needed"),
        ("2001:db8::1", 4, "'2001:db8::1' is an IPv6 address where an IPv4 address is needed"),
    ],
)
def test_an_address_that_cannot_be_used_is_refused_with_the_family_and_an_example_of_it(value, version, message):
    assert parse_address(value, version) == (None, message)


@pytest.mark.parametrize(
    "value, version, message",
    [
        (5, 6, "5 is not an IPv6 prefix: write it as text like 2001:db8:ab11::/64"),
        (None, 4, "not set is not an IPv4 prefix: write it as text like 172.31.0.0/24"),
        ("x/64", 6, "'x/64' is not an IPv6 prefix: write it like 2001:db8:ab11::/64"),
        ("x/24", 4, "'x/24' is not an IPv4 prefix: write it like 172.31.0.0/24"),
        ("2001:db8::", 6, "'2001:db8::' has no prefix length: write it like 2001:db8:ab11::/64"),
        ("172.31.0.0", 4, "'172.31.0.0' has no prefix length: write it like 172.31.0.0/24"),
        ("172.31.0.0/24", 6, "'172.31.0.0/24' is an IPv4 prefix where an IPv6 prefix is needed"),
        ("2001:db8::/64", 4, "'2001:db8::/64' is an IPv6 prefix where an IPv4 prefix is needed"),
    ],
)
def test_a_prefix_that_cannot_be_used_is_refused_with_the_family_and_an_example_of_it(value, version, message):
    assert parse_prefix(value, version) == (None, message)


def test_no_slice_needs_no_bit_and_one_slice_none_either():
    assert [ceil_log2(count) for count in (0, 1, 2, 3, 4, 5)] == [0, 0, 1, 2, 2, 3]


def test_single_address_slices_fill_a_one_address_gap_and_stop_at_the_region_end():
    # /128 blocks: the free address 4 between two blocked ranges is taken, and nothing past the region's last.
    assert allocate_slices([(0, 7)], 128, 10, [(0, 3), (5, 7)]) == [4]
    assert allocate_slices([(0, 7)], 128, 10, []) == list(range(8))
    assert allocate_slices([(8, 9)], 128, 10, [(5, 7)]) == [8, 9]


# ---------------------------------------------------------------------------------------------------
# Reading the inventory
# ---------------------------------------------------------------------------------------------------


def test_a_host_missing_from_hostvars_is_named_with_the_whole_message():
    _site, _hosts, issues = read_inputs(["docker1", "ghost"], lan_site(1))
    assert [(issue.host, issue.variable, issue.message) for issue in issues] == [
        ("ghost", "inventory", "host is not in the inventory's hostvars: check the host list")
    ]


def test_an_unknown_variable_on_the_only_host_is_named_on_it_not_sent_to_group_vars():
    assert read_issues(lan_site(1, dockernet_site_mdoe="routed")) == [
        "docker1: dockernet_site_mdoe: unknown variable: did you mean 'dockernet_site_mode'? dockernet.ipv6 reads "
        "no variable of this name (all are listed in docs/variables.md)"
    ]


def test_every_unknown_variable_that_every_host_has_is_named_once():
    hostvars = lan_site(2, dockernet_site_mdoe="routed", dockernet_site_lan_prefx=LAN)
    assert read_issues(hostvars) == [
        f"docker1: {variable}: unknown variable: did you mean '{meant}'? dockernet.ipv6 reads no variable of this "
        "name (all are listed in docs/variables.md); every host has it: fix it in group_vars"
        for variable, meant in (
            ("dockernet_site_lan_prefx", "dockernet_site_lan_prefix"),
            ("dockernet_site_mdoe", "dockernet_site_mode"),
        )
    ]


@pytest.mark.parametrize(
    "variable, first, second",
    [
        # Values that are no list mean only themselves, whatever their elements are.
        ("dockernet_networks", 5, 6),
        ("dockernet_networks", "a", "b"),
        ("dockernet_networks", "ab", ["a", "b"]),
        ("dockernet_site_gateways", "a", "b"),
        ("dockernet_site_allowed_sources", "2001:db8:fe00::/48", "2001:db8:fe01::/48"),
        # A list with an element that does not parse means only itself.
        ("dockernet_site_gateways", ["x"], ["y"]),
        ("dockernet_site_allowed_sources", ["x"], ["y"]),
        # Lists that parse are compared element by element.
        ("dockernet_site_gateways", ["2001:db8:ab11::fffe"], ["2001:db8:ab11::fffd"]),
        ("dockernet_site_allowed_sources", ["2001:db8:fe00::/48"], ["2001:db8:fe01::/48"]),
        # A masquerade setting that is no boolean means only itself.
        ("dockernet_site_masquerade_outside", "yes", "no"),
    ],
)
def test_site_values_that_differ_are_refused_on_the_second_host(variable, first, second):
    hostvars = lan_site(2, **{variable: second})
    hostvars["docker1"][variable] = first
    assert read_issues(hostvars) == [
        f"docker2: {variable}: differs from docker1's value ({second!r} here, {first!r} on docker1): {DIFFERS}"
    ]


def test_only_eight_distinct_site_values_are_weighed():
    # Eight values once each, then a ninth on two hosts: the ninth is not counted, the first of the eight wins and
    # every other host is named.
    modes = [f"mode{number}" for number in range(1, 9)] + ["mode9", "mode9"]
    hostvars = {f"docker{index}": {"dockernet_site_mode": mode} for index, mode in enumerate(modes)}
    site, _hosts, issues = read_inputs(list(hostvars), hostvars)
    assert (site.mode, site.origin["dockernet_site_mode"]) == ("mode1", "docker0")
    assert [str(issue) for issue in issues if issue.variable == "dockernet_site_mode"] == [
        f"docker{index}: dockernet_site_mode: differs from docker0's value ({mode!r} here, 'mode1' on docker0): "
        f"{DIFFERS}"
        for index, mode in enumerate(modes)
        if index
    ]


# ---------------------------------------------------------------------------------------------------
# Which host a site-wide problem is reported on
# ---------------------------------------------------------------------------------------------------


def test_no_host_at_all_is_refused_with_the_whole_message():
    with pytest.raises(PlanError) as caught:
        plan_site(SiteInput(), [])
    assert [(issue.host, issue.variable, issue.message) for issue in caught.value.issues] == [
        ("(no host)", "host list", "no hosts to plan: the host group is empty")
    ]


def test_a_site_value_of_unknown_origin_is_reported_on_the_first_host():
    assert site_refusals(SiteInput(mode="bgp"), host_inputs(2)) == [
        "docker1: dockernet_site_mode: 'bgp' is not a mode: use 'ndp_proxy' or 'routed'",
        "docker1: dockernet_site_lan_prefix: required variable is not set",
    ]


# Every site-wide variable carried by docker2, not by the first host.
ON_DOCKER2 = {variable: "docker2" for variable in SITE_VARIABLES}


@pytest.mark.parametrize(
    "site, lines",
    [
        (
            SiteInput(
                mode="bgp",
                gateways="x",
                slice_prefixlen="x",
                container_pool="x",
                container_prefixlen="x",
                networks="x",
                pool_prefixlen="x",
                allowed_sources="x",
                masquerade_outside="yes",
                origin=ON_DOCKER2,
            ),
            [
                "docker2: dockernet_site_mode: 'bgp' is not a mode: use 'ndp_proxy' or 'routed'",
                "docker2: dockernet_site_lan_prefix: required variable is not set",
                "docker2: dockernet_site_gateways: 'x' is not a list: give a list of IPv6 addresses",
                "docker2: dockernet_site_slice_prefixlen: 'x' is not an integer prefix length: write a number such "
                "as 66",
                "docker2: dockernet_site_container_pool: 'x' has no prefix length: write it like 2001:db8:ab11::/64",
                "docker2: dockernet_site_container_prefixlen: 'x' is not an integer prefix length: write a number "
                "such as 66",
                "docker2: dockernet_networks: 'x' is not a list of networks",
                "docker2: dockernet_site_pool_prefixlen: 'x' is not an integer prefix length: write a number such "
                "as 66",
                "docker2: dockernet_site_allowed_sources: 'x' is not a list: give a list of IPv6 prefixes",
                "docker2: dockernet_site_masquerade_outside: 'yes' is not a boolean: use true or false",
            ],
        ),
        (
            SiteInput(
                lan_prefix=LAN,
                renumber="yes",
                networks=[{"name": "n0", "ipv6_prefix": "2001:db8:cd11::/66"}],
                origin=ON_DOCKER2,
            ),
            [
                "docker2: dockernet_site_renumber: 'yes' is not a boolean: use true or false",
                "docker2: dockernet_networks[0].ipv6_prefix: 2001:db8:cd11::/66 is outside the LAN prefix "
                "2001:db8:ab11::/64: in ndp_proxy mode container addresses must be on the LAN; pick an unused part "
                "of it",
            ],
        ),
        (
            SiteInput(
                mode="routed",
                lan_prefix=LAN,
                container_pool="2001:db8:cd00::/56",
                container_prefixlen=48,
                origin=ON_DOCKER2,
            ),
            [
                "docker2: dockernet_site_container_prefixlen: /48 is shorter than the pool 2001:db8:cd00::/56: use "
                "/56 or longer"
            ],
        ),
        (
            SiteInput(lan_prefix=LAN, container_pool="fe80::/64", origin=ON_DOCKER2),
            [
                "docker2: dockernet_site_container_pool: fe80::/64 covers link-local addresses, which are never "
                "forwarded (fe80::/10): give a routable prefix to take the hosts' container prefixes from"
            ],
        ),
    ],
)
def test_a_site_value_is_reported_on_the_host_that_carries_it(site, lines):
    assert site_refusals(site, host_inputs(2)) == lines


def test_a_lan_too_small_for_a_slice_per_host_is_reported_on_the_host_that_carries_it():
    # 129 hosts need 8 bits: a /120 would leave /129 slices.
    site = SiteInput(lan_prefix=LAN_120, origin=ON_DOCKER2)
    assert site_refusals(site, host_inputs(129)) == [
        "docker2: dockernet_site_lan_prefix: 2001:db8:ab11::/120 is too small to give 129 hosts a slice each: use a "
        "shorter prefix"
    ]


def test_a_lan_that_gives_each_host_a_single_address_is_sliced_and_each_slice_refused():
    # 65 hosts need 7 bits: a /120 gives /128 slices, which exist but hold no default bridge and pool.
    assert refusals(lan_site(65, lan=LAN_120)) == [
        f"docker{number}: dockernet_site_slice_prefixlen: this host's container prefix "
        f"2001:db8:ab11::{0x7F + number:x}/128 is too small to hold the default bridge and an address pool: use a "
        "prefix of /122 or shorter"
        for number in range(1, 66)
    ]


def test_a_slice_length_without_a_lan_prefix_may_be_as_short_as_1():
    assert site_refusals(SiteInput(slice_prefixlen=1), host_inputs(1)) == [
        "docker1: dockernet_site_lan_prefix: required variable is not set"
    ]
    assert site_refusals(SiteInput(slice_prefixlen=0), host_inputs(1)) == [
        "docker1: dockernet_site_lan_prefix: required variable is not set",
        "docker1: dockernet_site_slice_prefixlen: 0 is out of range: it must be between 1 and 128",
    ]


# ---------------------------------------------------------------------------------------------------
# Hosts
# ---------------------------------------------------------------------------------------------------


def test_a_forward_policy_that_is_none_of_the_two_is_refused_with_both_explained():
    hostvars = lan_site()
    hostvars["docker2"]["dockernet_forward_policy"] = "accept"
    assert refusals(hostvars) == [
        "docker2: dockernet_forward_policy: 'accept' is not a policy: use 'drop' (forward only what Docker and the "
        "site need) or 'keep' (leave the IPv6 FORWARD policy as it is, on hosts that route for other reasons)"
    ]


def test_an_override_holding_a_host_address_is_refused_with_the_whole_message():
    hostvars = lan_site()
    hostvars["docker2"]["dockernet_container_prefix"] = "2001:db8:ab11::/66"
    assert refusals(hostvars) == [
        "docker2: dockernet_container_prefix: 2001:db8:ab11::/66 contains docker1's dockernet_lan_address "
        "2001:db8:ab11::1: containers would take addresses that are in use; pick a prefix without them"
    ]


def test_a_duplicate_address_is_found_after_a_host_without_one():
    hostvars = lan_site(3)
    del hostvars["docker1"]["dockernet_lan_address"]
    hostvars["docker3"]["dockernet_lan_address"] = "2001:db8:ab11::2"
    assert refusals(hostvars) == [
        "docker1: dockernet_lan_address: required variable is not set",
        "docker3: dockernet_lan_address: 2001:db8:ab11::2 is already docker2's address: give every host its own "
        "address",
    ]


def test_a_gathered_address_is_read_up_to_its_first_slash():
    # Whatever follows the first '/' is not the address: 2001:db8:ab11::2 is configured on eth0.
    hostvars = lan_site()
    hostvars["docker2"]["dockernet_host_addresses"] = {"eth0": ["2001:db8:ab11::2/64/extra"]}
    result = plan_from_hostvars(list(hostvars), hostvars)
    assert "2001:db8:ab11::2/128" in result["site_sources"]


def test_two_hosts_on_one_address_name_the_first_in_inventory_order_inside_a_network():
    # web2 comes first in the inventory: the network is refused for holding web2's address, not web1's.
    network = {"name": "n0", "ipv6_prefix": "2001:db8:ab11:0:4000::/66"}
    hostvars = {
        name: {
            "dockernet_site_lan_prefix": LAN,
            "dockernet_lan_interface": "eth0",
            "dockernet_lan_address": "2001:db8:ab11:0:4000::5",
            "dockernet_networks": [network],
        }
        for name in ("web2", "web1")
    }
    assert refusals(hostvars) == [
        "web1: dockernet_lan_address: 2001:db8:ab11:0:4000::5 is already web2's address: give every host its own "
        "address",
        "web2: dockernet_networks[0].ipv6_prefix: 2001:db8:ab11:0:4000::/66 contains web2's dockernet_lan_address "
        "2001:db8:ab11:0:4000::5: pick a prefix without it",
    ]


def test_a_gateway_below_the_host_addresses_is_still_found_inside_a_network():
    # The gateway :1000::1 lies between docker1's ::1 and docker2's :3fff::2, whatever the labels say.
    network = {"name": "n0", "ipv6_prefix": "2001:db8:ab11:0:1000::/68"}
    hostvars = lan_site(2, dockernet_site_gateways=["2001:db8:ab11:0:1000::1"], dockernet_networks=[network])
    hostvars["docker2"]["dockernet_lan_address"] = "2001:db8:ab11:0:3fff::2"
    assert refusals(hostvars) == [
        "docker1: dockernet_networks[0].ipv6_prefix: 2001:db8:ab11:0:1000::/68 contains gateway "
        "2001:db8:ab11:0:1000::1 (dockernet_site_gateways): pick a prefix without it"
    ]


# ---------------------------------------------------------------------------------------------------
# Overlaps: touching ends, nested prefixes, equal prefixes
# ---------------------------------------------------------------------------------------------------


def ipv4_networks(subnets: list) -> list:
    return [
        {"name": f"n{index}", "ipv6_prefix": f"2001:db8:ab11:0:{index + 4}000::/68", "ipv4_subnet": subnet}
        for index, subnet in enumerate(subnets)
    ]


DOCKER0 = (
    "172.17.0.0/16, the default bridge docker0's subnet unless daemon.json moves it (bip): the engine refuses to "
    "create a network that overlaps it; give the network a subnet of its own"
)
ANOTHER = (
    "the engine refuses to create a network on addresses another network uses; give the network a subnet of its own"
)


@pytest.mark.parametrize(
    "subnets, lines",
    [
        # The last address of docker0's subnet, and its first, are docker0's.
        (
            ["172.17.255.255/32"],
            [f"docker1: dockernet_networks[0].ipv4_subnet: 172.17.255.255/32 overlaps {DOCKER0}"],
        ),
        (["172.17.0.0/32"], [f"docker1: dockernet_networks[0].ipv4_subnet: 172.17.0.0/32 overlaps {DOCKER0}"]),
        # networks[1] ends where networks[0] ends: networks[2], inside both, is named with the widest one.
        (
            ["10.0.0.0/24", "10.0.0.128/25", "10.0.0.200/29"],
            [
                "docker1: dockernet_networks[1].ipv4_subnet: 10.0.0.128/25 overlaps dockernet_networks[0].ipv4_subnet "
                f"10.0.0.0/24: {ANOTHER}",
                "docker1: dockernet_networks[2].ipv4_subnet: 10.0.0.200/29 overlaps dockernet_networks[0].ipv4_subnet "
                f"10.0.0.0/24: {ANOTHER}",
            ],
        ),
    ],
)
def test_ipv4_subnets_that_share_a_single_address_or_an_end_overlap(subnets, lines):
    assert refusals(lan_site(2, dockernet_networks=ipv4_networks(subnets))) == lines


def test_a_network_on_the_same_prefix_as_two_overrides_names_the_first_host():
    hostvars = lan_site(2, dockernet_networks=[{"name": "n0", "ipv6_prefix": "2001:db8:ab11:0:8000::/66"}])
    for name in ("docker1", "docker2"):
        hostvars[name]["dockernet_container_prefix"] = "2001:db8:ab11:0:8000::/66"
    assert refusals(hostvars) == [
        "docker2: dockernet_container_prefix: 2001:db8:ab11:0:8000::/66 overlaps docker1's dockernet_container_prefix "
        "2001:db8:ab11:0:8000::/66: give each host its own prefix",
        "docker1: dockernet_networks[0].ipv6_prefix: 2001:db8:ab11:0:8000::/66 overlaps docker1's container prefix "
        "2001:db8:ab11:0:8000::/66: give the network a prefix of its own",
    ]


@pytest.mark.parametrize("override", ["2001:db8:ab11:0:8000::/128", "2001:db8:ab11:0:bfff:ffff:ffff:ffff/128"])
def test_an_earlier_prefix_cannot_stay_over_a_single_address_override_at_either_end(override):
    hostvars = lan_site()
    hostvars["docker1"]["dockernet_host_current"] = {"container_prefix": "2001:db8:ab11:0:8000::/66"}
    hostvars["docker2"]["dockernet_container_prefix"] = override
    assert refusals(hostvars) == [
        "docker1: dockernet_site_renumber: this host's default bridge and address pool (its container prefix) uses "
        "2001:db8:ab11:0:8000::/66 from an earlier rollout, which the site can no longer keep (it overlaps another "
        "host's container prefix): the plan would move it to 2001:db8:ab11:0:c000::/66, so the engine restarts and "
        "every container on the default bridge or a pool network gets a new address. Nothing was changed: set "
        "dockernet_site_renumber: true for one run to renumber, or undo the change that made it unusable",
        f"docker2: dockernet_container_prefix: this host's container prefix {override} is too small to hold the "
        "default bridge and an address pool: use a prefix of /122 or shorter",
    ]


def test_the_lower_half_of_the_lan_is_sliced_up_to_its_own_end():
    # /127 slices of a /120, every one of them covered by an override but ::80/127 and ::82/127: three hosts
    # want a slice, two get one, whichever half of the LAN is sliced first.
    hostvars = lan_site(9, lan=LAN_120, dockernet_site_slice_prefixlen=127)
    overrides = ("::/121", "::c0/122", "::a0/123", "::90/124", "::88/125", "::84/126")
    for number, override in enumerate(overrides, start=1):
        hostvars[f"docker{number}"]["dockernet_container_prefix"] = f"2001:db8:ab11{override}"
    assert (
        "docker9: dockernet_site_slice_prefixlen: more hosts than slices: 2001:db8:ab11::/120 has only 2 free /127 "
        "slices for 3 hosts without dockernet_container_prefix (slices holding a host address, a gateway or an "
        "override are skipped): set a longer dockernet_site_slice_prefixlen, or unset it to get the default"
    ) in refusals(hostvars)


# ---------------------------------------------------------------------------------------------------
# What an earlier rollout left
# ---------------------------------------------------------------------------------------------------


def test_an_earlier_prefix_is_kept_when_the_host_reports_no_networks():
    hostvars = lan_site()
    hostvars["docker1"]["dockernet_host_current"] = {"container_prefix": "2001:db8:ab11:0:c000::/66"}
    result = plan_from_hostvars(list(hostvars), hostvars)
    assert {name: host["address_pools_scope"][0] for name, host in result["hosts"].items()} == {
        "docker1": "2001:db8:ab11:0:c000::/66",
        "docker2": "2001:db8:ab11:0:8000::/66",
    }


def test_an_earlier_slice_is_kept_after_a_network_entry_that_cannot_be_read():
    hostvars = lan_site(2, dockernet_networks=[{"name": "ipv6_bridge", "ipv6_prefix": "2001:db8:ab11:0:4000::/66"}])
    hostvars["docker1"]["dockernet_host_current"] = {
        "container_prefix": "2001:db8:ab11:0:8000::/66",
        "networks": {
            "unreadable": "x",
            "ipv6_bridge": {"ipv6_subnets": ["2001:db8:ab11:0:6000::/67"], "enable_ipv6": True},
        },
    }
    result = plan_from_hostvars(list(hostvars), hostvars)
    assert {name: [n["ipv6_subnet"] for n in host["networks"]] for name, host in result["hosts"].items()} == {
        "docker1": ["2001:db8:ab11:0:6000::/67"],
        "docker2": ["2001:db8:ab11:0:4000::/67"],
    }


@pytest.mark.parametrize(
    "docker1_networks", [{}, {"bridge": {"ipv6_subnets": [], "enable_ipv6": False, "containers": []}}]
)
def test_live_restore_is_checked_on_a_host_after_one_with_no_container_on_its_default_bridge(docker1_networks):
    hostvars = lan_site()
    hostvars["docker1"]["dockernet_host_current"] = {
        "container_prefix": "2001:db8:ab11:0:8000::/66",
        "live_restore": True,
        "networks": docker1_networks,
    }
    hostvars["docker2"]["dockernet_host_current"] = {
        "container_prefix": "2001:db8:ab11:0:c000::/66",
        "live_restore": True,
        "networks": {"bridge": {"ipv6_subnets": [], "enable_ipv6": False, "containers": ["a", "b"]}},
    }
    assert refusals(hostvars) == [
        "docker2: live-restore: the engine runs with live-restore and containers on the default bridge (a, b): a "
        "restart would keep docker0 without 2001:db8:ab11:0:c000::/67, so nothing was changed. Stop those "
        "containers (or move them to another network) for the rollout, or turn live-restore off for it; "
        "docs/lifecycle.md says how"
    ]
