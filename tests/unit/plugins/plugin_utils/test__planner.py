# Copyright: dockernet.ipv6 contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

import bisect
import json
import re
import typing as t
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from netaddr import IPAddress, IPNetwork

from ansible_collections.dockernet.ipv6.plugins.plugin_utils import _addresses, _plan_inputs, _plan_site_rules
from ansible_collections.dockernet.ipv6.plugins.plugin_utils._plan_intervals import allocate_slices
from ansible_collections.dockernet.ipv6.plugins.plugin_utils._planner import (
    HostInput,
    NetaddrMissingError,
    PlanError,
    SiteInput,
    plan_from_hostvars,
    plan_site,
    read_inputs,
)

LAN = "2001:db8:ab11::/64"
BOOK_NETWORK = {"name": "ipv6_bridge", "ipv6_prefix": "2001:db8:ab11:0:4000::/66", "ipv4_subnet": "172.31.0.0/24"}


def make_hostvars(
    count: int = 2, site: dict[str, t.Any] | None = None, **per_host: dict[str, t.Any]
) -> dict[str, dict[str, t.Any]]:
    """docker1..dockerN on the book's LAN (addresses ::1, ::2, ...); per_host adds or replaces host variables."""
    site_vars = {"dockernet_site_lan_prefix": LAN}
    site_vars.update(site or {})
    hostvars = {}
    for number in range(1, count + 1):
        name = f"docker{number}"
        host_vars = dict(site_vars, dockernet_lan_interface="eth0", dockernet_lan_address=f"2001:db8:ab11::{number:x}")
        host_vars.update(per_host.get(name, {}))
        hostvars[name] = {key: value for key, value in host_vars.items() if value is not None}
    return hostvars


def plan(hostvars: dict[str, dict[str, t.Any]]) -> dict[str, t.Any]:
    return plan_from_hostvars(list(hostvars), hostvars)


def errors(hostvars: dict[str, dict[str, t.Any]]) -> list[str]:
    with pytest.raises(PlanError) as caught:
        plan(hostvars)
    lines = str(caught.value).splitlines()
    assert lines == [str(issue) for issue in caught.value.issues]
    return lines


def assert_error(hostvars: dict[str, dict[str, t.Any]], host: str, variable: str, *fragments: str) -> str:
    lines = errors(hostvars)
    matching = [line for line in lines if line.startswith(f"{host}: {variable}: ")]
    assert matching, lines
    assert any(all(fragment in line for fragment in fragments) for line in matching), matching
    return matching[0]


# ---------------------------------------------------------------------------------------------------
# The book's topology and the allocation rules
# ---------------------------------------------------------------------------------------------------


def test_book_ndp_proxy_two_hosts():
    result = plan(make_hostvars(2))
    assert result["mode"] == "ndp_proxy"
    docker1, docker2 = result["hosts"]["docker1"], result["hosts"]["docker2"]
    # Exactly what the roles take, as playbooks/configure.yml passes it on: nothing else.
    assert docker1 == {
        "lan_interface": "eth0",
        "proxy_ndp": True,
        "accept_ra": False,
        "proxy_delay": None,
        "fixed_cidr_v6": "2001:db8:ab11:0:8000::/67",
        "address_pools": [{"base": "2001:db8:ab11:0:a000::/67", "size": 75}],
        "address_pools_scope": ["2001:db8:ab11:0:8000::/66"],
        "networks": [],
        "owned_prefixes": ["2001:db8:ab11:0:8000::/66"],
        "internal_prefixes": [],
        "proxy_prefixes": ["2001:db8:ab11:0:8000::/66"],
        "routes": [],
        "forward_policy": "drop",
        "raw_table_accept": True,
    }
    assert docker2["address_pools_scope"][0] == "2001:db8:ab11:0:c000::/66"
    assert docker2["fixed_cidr_v6"] == "2001:db8:ab11:0:c000::/67"
    assert docker2["address_pools"] == [{"base": "2001:db8:ab11:0:e000::/67", "size": 75}]
    # The hosts' own addresses and their container prefixes; the rest of the LAN is not a source.
    assert result["site_sources"] == ["2001:db8:ab11::1/128", "2001:db8:ab11::2/128", "2001:db8:ab11:0:8000::/65"]
    assert result["nat_exempt_destinations"] == []
    assert sorted(result) == ["hosts", "mode", "nat_exempt_destinations", "site_sources"]


def test_one_host_takes_the_upper_half():
    assert plan(make_hostvars(1))["hosts"]["docker1"]["address_pools_scope"][0] == "2001:db8:ab11:0:8000::/65"


def test_three_hosts_take_slices_of_the_upper_half_in_inventory_order():
    hosts = plan(make_hostvars(3))["hosts"]
    assert [hosts[name]["address_pools_scope"][0] for name in ("docker1", "docker2", "docker3")] == [
        "2001:db8:ab11:0:8000::/67",
        "2001:db8:ab11:0:a000::/67",
        "2001:db8:ab11:0:c000::/67",
    ]


def test_slices_holding_a_host_address_are_skipped_then_the_lower_half_is_used():
    hostvars = make_hostvars(2, docker1={"dockernet_lan_address": "2001:db8:ab11:0:8000::1"})
    hosts = plan(hostvars)["hosts"]
    assert hosts["docker1"]["address_pools_scope"][0] == "2001:db8:ab11:0:c000::/66"
    # :: /66 holds docker2's ::2, so the next lower-half slice is taken.
    assert hosts["docker2"]["address_pools_scope"][0] == "2001:db8:ab11:0:4000::/66"


def test_slices_holding_a_gateway_are_skipped():
    site = {"dockernet_site_gateways": ["2001:db8:ab11:0:8000::fffe"], "dockernet_site_slice_prefixlen": 66}
    assert (
        plan(make_hostvars(1, site=site))["hosts"]["docker1"]["address_pools_scope"][0] == "2001:db8:ab11:0:c000::/66"
    )


def test_override_is_used_and_skipped_by_the_other_hosts():
    hostvars = make_hostvars(2, docker2={"dockernet_container_prefix": "2001:db8:ab11:0:8000::/80"})
    hosts = plan(hostvars)["hosts"]
    assert hosts["docker2"]["address_pools_scope"][0] == "2001:db8:ab11:0:8000::/80"
    assert hosts["docker1"]["address_pools_scope"][0] == "2001:db8:ab11:0:c000::/66"


def test_explicit_slice_prefixlen_as_int_or_digit_string():
    for value in (80, "80"):
        hostvars = make_hostvars(2, site={"dockernet_site_slice_prefixlen": value})
        hosts = plan(hostvars)["hosts"]
        assert hosts["docker1"]["address_pools_scope"][0] == "2001:db8:ab11:0:8000::/80"
        assert hosts["docker2"]["address_pools_scope"][0] == "2001:db8:ab11:0:8001::/80"


def test_book_routed_with_overrides_routes_each_host_to_the_other():
    hostvars = make_hostvars(
        2,
        site={"dockernet_site_mode": "routed"},
        docker1={"dockernet_container_prefix": "2001:db8:cd11::/64"},
        docker2={"dockernet_container_prefix": "2001:db8:ef11::/64"},
    )
    result = plan(hostvars)
    docker1, docker2 = result["hosts"]["docker1"], result["hosts"]["docker2"]
    assert docker1["routes"] == [{"dest": "2001:db8:ef11::/64", "via": "2001:db8:ab11::2"}]
    assert docker2["routes"] == [{"dest": "2001:db8:cd11::/64", "via": "2001:db8:ab11::1"}]
    assert docker1["fixed_cidr_v6"] == "2001:db8:cd11::/65"
    assert docker1["proxy_prefixes"] == [] and docker2["proxy_prefixes"] == []
    sources = ["2001:db8:ab11::1/128", "2001:db8:ab11::2/128", "2001:db8:cd11::/64", "2001:db8:ef11::/64"]
    assert result["site_sources"] == sources
    assert result["nat_exempt_destinations"] == sources
    assert not docker1["proxy_ndp"] and not docker2["proxy_ndp"]


def test_routed_pool_allocation_skips_overrides():
    hostvars = make_hostvars(
        3,
        site={"dockernet_site_mode": "routed", "dockernet_site_container_pool": "2001:db8:cd00::/56"},
        docker2={"dockernet_container_prefix": "2001:db8:cd00::/64"},
    )
    hosts = plan(hostvars)["hosts"]
    assert hosts["docker1"]["address_pools_scope"][0] == "2001:db8:cd00:1::/64"
    assert hosts["docker2"]["address_pools_scope"][0] == "2001:db8:cd00::/64"
    assert hosts["docker3"]["address_pools_scope"][0] == "2001:db8:cd00:2::/64"
    assert hosts["docker3"]["routes"] == [
        {"dest": "2001:db8:cd00:1::/64", "via": "2001:db8:ab11::1"},
        {"dest": "2001:db8:cd00::/64", "via": "2001:db8:ab11::2"},
    ]


def test_routed_pool_allocation_skips_the_lan_prefix_and_honours_the_prefixlen():
    hostvars = make_hostvars(
        2, site={"dockernet_site_mode": "routed", "dockernet_site_container_pool": "2001:db8:ab11::/62"}
    )
    hosts = plan(hostvars)["hosts"]
    assert [hosts["docker1"]["address_pools_scope"][0], hosts["docker2"]["address_pools_scope"][0]] == [
        "2001:db8:ab11:1::/64",
        "2001:db8:ab11:2::/64",
    ]
    hostvars = make_hostvars(
        2,
        site={
            "dockernet_site_mode": "routed",
            "dockernet_site_container_pool": "2001:db8:cd00::/48",
            "dockernet_site_container_prefixlen": 80,
        },
    )
    hosts = plan(hostvars)["hosts"]
    assert [hosts["docker1"]["address_pools_scope"][0], hosts["docker2"]["address_pools_scope"][0]] == [
        "2001:db8:cd00::/80",
        "2001:db8:cd00:0:1::/80",
    ]


def test_routed_site_prefixes_are_merged():
    hostvars = make_hostvars(
        2, site={"dockernet_site_mode": "routed", "dockernet_site_container_pool": "2001:db8:cd00::/56"}
    )
    assert plan(hostvars)["site_sources"] == ["2001:db8:ab11::1/128", "2001:db8:ab11::2/128", "2001:db8:cd00::/63"]
    assert plan(hostvars)["hosts"]["docker2"]["address_pools_scope"][0] == "2001:db8:cd00:1::/64"


def test_networks_are_sliced_per_host_in_inventory_order():
    network = dict(
        BOOK_NETWORK, ipv4_gateway="172.31.0.1", internal=True, driver_options={"com.docker.network.bridge.name": "br6"}
    )
    hosts = plan(make_hostvars(2, site={"dockernet_networks": [network]}))["hosts"]
    assert hosts["docker1"]["networks"] == [
        {
            "name": "ipv6_bridge",
            "ipv6_subnet": "2001:db8:ab11:0:4000::/67",
            "ipv4_subnet": "172.31.0.0/24",
            "ipv4_gateway": "172.31.0.1",
            "internal": True,
            "driver_options": {"com.docker.network.bridge.name": "br6"},
        }
    ]
    assert hosts["docker2"]["networks"][0]["ipv6_subnet"] == "2001:db8:ab11:0:6000::/67"
    # Internal: neither owned nor proxied, only listed.
    assert hosts["docker1"]["owned_prefixes"] == ["2001:db8:ab11:0:8000::/66"]
    assert hosts["docker1"]["internal_prefixes"] == ["2001:db8:ab11:0:4000::/67"]
    assert hosts["docker2"]["proxy_prefixes"] == ["2001:db8:ab11:0:c000::/66"]
    assert hosts["docker2"]["internal_prefixes"] == ["2001:db8:ab11:0:6000::/67"]


def test_network_slices_are_owned_and_proxied_unless_internal():
    hosts = plan(make_hostvars(2, site={"dockernet_networks": [BOOK_NETWORK]}))["hosts"]
    assert hosts["docker1"]["owned_prefixes"] == ["2001:db8:ab11:0:8000::/66", "2001:db8:ab11:0:4000::/67"]
    assert hosts["docker2"]["proxy_prefixes"] == ["2001:db8:ab11:0:c000::/66", "2001:db8:ab11:0:6000::/67"]
    assert hosts["docker1"]["internal_prefixes"] == [] and hosts["docker2"]["internal_prefixes"] == []


def test_network_defaults_and_three_host_slices():
    hosts = plan(
        make_hostvars(3, site={"dockernet_networks": [{"name": "v6only", "ipv6_prefix": "2001:db8:ab11:0:4000::/66"}]})
    )["hosts"]
    assert hosts["docker1"]["networks"] == [
        {
            "name": "v6only",
            "ipv6_subnet": "2001:db8:ab11:0:4000::/68",
            "ipv4_subnet": None,
            "ipv4_gateway": None,
            "internal": False,
            "driver_options": {},
        }
    ]
    assert [hosts[name]["networks"][0]["ipv6_subnet"] for name in ("docker2", "docker3")] == [
        "2001:db8:ab11:0:5000::/68",
        "2001:db8:ab11:0:6000::/68",
    ]


def test_routed_networks_are_routed_and_in_the_site_sources():
    hostvars = make_hostvars(
        2,
        site={
            "dockernet_site_mode": "routed",
            "dockernet_site_container_pool": "2001:db8:cd00::/56",
            "dockernet_networks": [{"name": "ipv6_bridge", "ipv6_prefix": "2001:db8:ce00::/63"}],
        },
    )
    result = plan(hostvars)
    assert result["hosts"]["docker1"]["routes"] == [
        {"dest": "2001:db8:cd00:1::/64", "via": "2001:db8:ab11::2"},
        {"dest": "2001:db8:ce00:1::/64", "via": "2001:db8:ab11::2"},
    ]
    assert result["site_sources"] == [
        "2001:db8:ab11::1/128",
        "2001:db8:ab11::2/128",
        "2001:db8:cd00::/63",
        "2001:db8:ce00::/63",
    ]


def test_plan_is_plain_json_data():
    result = plan(make_hostvars(3, site={"dockernet_networks": [BOOK_NETWORK]}))
    assert json.loads(json.dumps(result)) == result


def test_plan_site_takes_plain_dataclasses():
    site = SiteInput(lan_prefix=LAN)
    hosts = [HostInput("a", "eth0", "2001:db8:ab11::a"), HostInput("b", "eth1", "2001:db8:ab11::b")]
    result = plan_site(site, hosts)
    assert result["hosts"]["b"]["address_pools_scope"][0] == "2001:db8:ab11:0:c000::/66"
    assert result["hosts"]["b"]["lan_interface"] == "eth1"


def test_read_inputs_records_where_site_values_come_from():
    gateways = {"dockernet_site_gateways": ["fe80::1"]}
    hostvars = make_hostvars(3, docker2=gateways, docker3=gateways)
    site, hosts, issues = read_inputs(["docker1", "docker2", "docker3"], hostvars)
    assert [host.name for host in hosts] == ["docker1", "docker2", "docker3"]
    assert site.gateways == ["fe80::1"] and site.origin["dockernet_site_gateways"] == "docker2"
    assert site.origin["dockernet_site_lan_prefix"] == "docker1"
    assert [str(issue) for issue in issues] == [
        "docker1: dockernet_site_gateways: differs from docker2's value (not set here, ['fe80::1'] on docker2): "
        "a site-wide variable must be the same on every host; set it once for the whole group, in group_vars"
    ]


def test_allocate_slices_jumps_over_large_blocked_ranges():
    lan = IPNetwork(LAN)
    upper = lan.first + lan.size // 2
    # /120 slices with the whole upper half blocked: one jump, not 2**55 steps.
    taken = allocate_slices(
        [(upper, lan.last), (lan.first, upper - 1)], 120, 2, [(upper, lan.last), (lan.first, lan.first)]
    )
    assert taken == [lan.first + 256, lan.first + 512]


# ---------------------------------------------------------------------------------------------------
# The container prefix split: default bridge below, address pool above
# ---------------------------------------------------------------------------------------------------


def test_pool_layout_ndp_proxy():
    hosts = plan(make_hostvars(2))["hosts"]
    assert [(host["fixed_cidr_v6"], host["address_pools"], host["address_pools_scope"]) for host in hosts.values()] == [
        (
            "2001:db8:ab11:0:8000::/67",
            [{"base": "2001:db8:ab11:0:a000::/67", "size": 75}],
            ["2001:db8:ab11:0:8000::/66"],
        ),
        (
            "2001:db8:ab11:0:c000::/67",
            [{"base": "2001:db8:ab11:0:e000::/67", "size": 75}],
            ["2001:db8:ab11:0:c000::/66"],
        ),
    ]


def test_pool_layout_routed():
    hostvars = make_hostvars(
        2,
        site={"dockernet_site_mode": "routed", "dockernet_site_container_pool": "2001:db8:cd00::/56"},
        docker2={"dockernet_container_prefix": "2001:db8:ef11::/64"},
    )
    hosts = plan(hostvars)["hosts"]
    assert hosts["docker1"]["fixed_cidr_v6"] == "2001:db8:cd00::/65"
    assert hosts["docker1"]["address_pools"] == [{"base": "2001:db8:cd00:0:8000::/65", "size": 73}]
    assert hosts["docker1"]["address_pools_scope"] == ["2001:db8:cd00::/64"]
    assert hosts["docker2"]["fixed_cidr_v6"] == "2001:db8:ef11::/65"
    assert hosts["docker2"]["address_pools"] == [{"base": "2001:db8:ef11:0:8000::/65", "size": 73}]
    assert hosts["docker2"]["address_pools_scope"] == ["2001:db8:ef11::/64"]
    # The pool lies inside the container prefix, so the other host's route to that prefix covers it.
    assert hosts["docker1"]["routes"] == [{"dest": "2001:db8:ef11::/64", "via": "2001:db8:ab11::2"}]


def test_pool_size_is_capped_for_small_container_prefixes():
    hostvars = make_hostvars(2, docker2={"dockernet_container_prefix": "2001:db8:ab11:0:c000::/122"})
    docker2 = plan(hostvars)["hosts"]["docker2"]
    assert docker2["fixed_cidr_v6"] == "2001:db8:ab11:0:c000::/123"
    # /123 + 8 would be /131: capped at /124.
    assert docker2["address_pools"] == [{"base": "2001:db8:ab11:0:c000::20/123", "size": 124}]


@pytest.mark.parametrize("value", [80, "80"])
def test_explicit_pool_prefixlen(value):
    hosts = plan(make_hostvars(2, site={"dockernet_site_pool_prefixlen": value}))["hosts"]
    assert hosts["docker1"]["address_pools"] == [{"base": "2001:db8:ab11:0:a000::/67", "size": 80}]
    assert hosts["docker2"]["address_pools"] == [{"base": "2001:db8:ab11:0:e000::/67", "size": 80}]


def test_explicit_pool_prefixlen_one_longer_than_the_base_and_the_maximum():
    hosts = plan(make_hostvars(2, site={"dockernet_site_pool_prefixlen": 68}))["hosts"]
    assert hosts["docker1"]["address_pools"] == [{"base": "2001:db8:ab11:0:a000::/67", "size": 68}]
    hosts = plan(make_hostvars(2, site={"dockernet_site_pool_prefixlen": 124}))["hosts"]
    assert hosts["docker2"]["address_pools"] == [{"base": "2001:db8:ab11:0:e000::/67", "size": 124}]


# ---------------------------------------------------------------------------------------------------
# Internal networks, site sources, NAT, forwarding and the raw table
# ---------------------------------------------------------------------------------------------------

INTERNAL_NETWORK = {"name": "backend", "ipv6_prefix": "2001:db8:ab11:0:4000::/66", "internal": True}


def test_internal_network_is_left_out_everywhere_ndp_proxy():
    result = plan(make_hostvars(2, site={"dockernet_networks": [INTERNAL_NETWORK]}))
    docker1, docker2 = result["hosts"]["docker1"], result["hosts"]["docker2"]
    assert docker1["networks"][0]["ipv6_subnet"] == "2001:db8:ab11:0:4000::/67"
    assert docker1["networks"][0]["internal"] is True
    assert docker1["owned_prefixes"] == docker1["proxy_prefixes"] == ["2001:db8:ab11:0:8000::/66"]
    assert docker2["owned_prefixes"] == docker2["proxy_prefixes"] == ["2001:db8:ab11:0:c000::/66"]
    assert docker1["internal_prefixes"] == ["2001:db8:ab11:0:4000::/67"]
    assert docker2["internal_prefixes"] == ["2001:db8:ab11:0:6000::/67"]
    assert result["site_sources"] == ["2001:db8:ab11::1/128", "2001:db8:ab11::2/128", "2001:db8:ab11:0:8000::/65"]


def test_non_internal_network_is_a_site_source_ndp_proxy():
    result = plan(make_hostvars(2, site={"dockernet_networks": [dict(INTERNAL_NETWORK, internal=False)]}))
    assert result["site_sources"] == [
        "2001:db8:ab11::1/128",
        "2001:db8:ab11::2/128",
        "2001:db8:ab11:0:4000::/66",
        "2001:db8:ab11:0:8000::/65",
    ]


def test_internal_network_is_left_out_everywhere_routed():
    networks = [
        {"name": "ipv6_bridge", "ipv6_prefix": "2001:db8:ce00::/63"},
        {"name": "backend", "ipv6_prefix": "2001:db8:cf00::/63", "internal": True},
    ]
    site = {
        "dockernet_site_mode": "routed",
        "dockernet_site_container_pool": "2001:db8:cd00::/56",
        "dockernet_networks": networks,
    }
    result = plan(make_hostvars(2, site=site))
    docker1, docker2 = result["hosts"]["docker1"], result["hosts"]["docker2"]
    assert [network["ipv6_subnet"] for network in docker2["networks"]] == [
        "2001:db8:ce00:1::/64",
        "2001:db8:cf00:1::/64",
    ]
    assert docker1["routes"] == [
        {"dest": "2001:db8:cd00:1::/64", "via": "2001:db8:ab11::2"},
        {"dest": "2001:db8:ce00:1::/64", "via": "2001:db8:ab11::2"},
    ]
    assert docker2["routes"] == [
        {"dest": "2001:db8:cd00::/64", "via": "2001:db8:ab11::1"},
        {"dest": "2001:db8:ce00::/64", "via": "2001:db8:ab11::1"},
    ]
    assert docker1["owned_prefixes"] == ["2001:db8:cd00::/64", "2001:db8:ce00::/64"]
    assert docker1["proxy_prefixes"] == [] and docker2["proxy_prefixes"] == []
    assert docker1["internal_prefixes"] == ["2001:db8:cf00::/64"]
    assert docker2["internal_prefixes"] == ["2001:db8:cf00:1::/64"]
    sources = ["2001:db8:ab11::1/128", "2001:db8:ab11::2/128", "2001:db8:cd00::/63", "2001:db8:ce00::/63"]
    assert result["site_sources"] == sources
    assert result["nat_exempt_destinations"] == sources


def test_allowed_sources_are_merged_into_the_site_sources():
    site = {"dockernet_site_allowed_sources": ["2001:db8:fe00::/48", "2001:db8:ab11::3/128"]}
    result = plan(make_hostvars(2, site=site))
    # ::3 joins docker2's ::2 into ::2/127.
    assert result["site_sources"] == [
        "2001:db8:ab11::1/128",
        "2001:db8:ab11::2/127",
        "2001:db8:ab11:0:8000::/65",
        "2001:db8:fe00::/48",
    ]
    assert result["nat_exempt_destinations"] == []


def test_allowed_sources_can_let_the_whole_lan_in_again():
    result = plan(make_hostvars(2, site={"dockernet_site_allowed_sources": [LAN]}))
    assert result["site_sources"] == [LAN]


def test_allowed_source_of_exactly_16_bits_is_accepted():
    result = plan(make_hostvars(2, site={"dockernet_site_allowed_sources": ["2001::/16"]}))
    assert result["site_sources"] == ["2001::/16"]


def test_allowed_sources_are_nat_exempt_when_masquerading():
    hostvars = make_hostvars(
        2,
        site={"dockernet_site_mode": "routed", "dockernet_site_allowed_sources": ["2001:db8:fe00::/48"]},
        docker1={"dockernet_container_prefix": "2001:db8:cd11::/64"},
        docker2={"dockernet_container_prefix": "2001:db8:ef11::/64"},
    )
    result = plan(hostvars)
    sources = [
        "2001:db8:ab11::1/128",
        "2001:db8:ab11::2/128",
        "2001:db8:cd11::/64",
        "2001:db8:ef11::/64",
        "2001:db8:fe00::/48",
    ]
    assert result["site_sources"] == sources
    assert result["nat_exempt_destinations"] == sources


@pytest.mark.parametrize(
    ("mode", "value", "masquerade", "exempt"),
    [
        ("ndp_proxy", None, False, []),
        ("routed", None, True, ["2001:db8:ab11::1/128", "2001:db8:ab11::2/128", "2001:db8:cd00::/63"]),
        ("ndp_proxy", True, True, ["2001:db8:ab11::1/128", "2001:db8:ab11::2/128", "2001:db8:ab11:0:8000::/65"]),
        ("routed", False, False, []),
    ],
)
def test_masquerade_outside_default_per_mode_and_explicit(mode, value, masquerade, exempt):
    site = {
        "dockernet_site_mode": mode,
        "dockernet_site_container_pool": "2001:db8:cd00::/56",
        "dockernet_site_masquerade_outside": value,
    }
    result = plan(make_hostvars(2, site=site))
    assert result["nat_exempt_destinations"] == exempt
    assert bool(exempt) is masquerade


@pytest.mark.parametrize(
    "docker2, accept_ra",
    [
        ({}, False),
        # Detected by the preflight: the LAN interface takes its address or route from advertisements.
        ({"dockernet_ra_interfaces": ["eth0"]}, True),
        ({"dockernet_ra_interfaces": ["eth1"]}, False),
        # The user's choice wins over the detection, written as YAML, as -e text or as a number.
        ({"dockernet_ra_interfaces": ["eth0"], "dockernet_accept_ra": False}, False),
        ({"dockernet_ra_interfaces": ["eth0"], "dockernet_accept_ra": "no"}, False),
        ({"dockernet_accept_ra": True}, True),
        ({"dockernet_accept_ra": "true"}, True),
        ({"dockernet_accept_ra": 1}, True),
    ],
)
def test_accept_ra_chosen_or_detected_per_host(docker2, accept_ra):
    hosts = plan(make_hostvars(2, docker2=docker2))["hosts"]
    assert hosts["docker2"]["accept_ra"] is accept_ra
    assert hosts["docker1"]["accept_ra"] is False


@pytest.mark.parametrize("value", ["maybe", 2, "", [True], {"eth0": True}])
def test_accept_ra_must_be_a_boolean(value):
    line = assert_error(make_hostvars(2, docker2={"dockernet_accept_ra": value}), "docker2", "dockernet_accept_ra")
    assert line.endswith("is not a boolean: write true or false"), line


@pytest.mark.parametrize("value", ["eth0", {"eth0": True}, 0])
def test_gathered_ra_interfaces_must_be_a_list(value):
    assert_error(
        make_hostvars(2, docker2={"dockernet_ra_interfaces": value}),
        "docker2",
        "dockernet_ra_interfaces",
        "is not a list of interface names: the preflight gathers it, do not set it",
    )


@pytest.mark.parametrize(
    "value, delay", [(None, None), (0, 0), ("0", 0), (80, 80), (" 80 ", 80), (2**31 - 1, 2**31 - 1)]
)
def test_proxy_delay_is_passed_on_as_jiffies(value, delay):
    hosts = plan(make_hostvars(2, docker2={"dockernet_proxy_delay": value}))["hosts"]
    assert hosts["docker2"]["proxy_delay"] == delay
    assert hosts["docker1"]["proxy_delay"] is None


@pytest.mark.parametrize(
    "value, fragment",
    [
        (-1, "-1 is not a whole number of jiffies: write 0 or more"),
        ("-1", "'-1' is not a whole number of jiffies: write 0 or more"),
        (True, "is not a whole number of jiffies"),
        (0.5, "is not a whole number of jiffies"),
        ("fast", "'fast' is not a whole number of jiffies"),
        (2**31, f"{2**31} is out of range: it must be between 0 and {2**31 - 1} jiffies"),
    ],
)
def test_proxy_delay_must_be_a_whole_number_of_jiffies(value, fragment):
    line = assert_error(
        make_hostvars(2, docker2={"dockernet_proxy_delay": value}), "docker2", "dockernet_proxy_delay", fragment
    )
    assert line.endswith(", or leave it unset for the kernel's value"), line


def test_forward_policy_default_and_keep():
    hosts = plan(make_hostvars(2, docker2={"dockernet_forward_policy": "keep"}))["hosts"]
    assert hosts["docker1"]["forward_policy"] == "drop"
    assert hosts["docker2"]["forward_policy"] == "keep"
    hosts = plan(make_hostvars(2, docker1={"dockernet_forward_policy": "drop"}))["hosts"]
    assert [host["forward_policy"] for host in hosts.values()] == ["drop", "drop"]


@pytest.mark.parametrize(
    ("version", "accept"),
    [("26.1.5", False), ("20.10.24+dfsg1", False), ("27.5.1", False), ("28.0.0", True), ("28.5.2", True)],
)
def test_raw_table_accept_follows_the_engine_version(version, accept):
    hosts = plan(make_hostvars(2, docker2={"dockernet_engine_version": version}))["hosts"]
    assert hosts["docker2"]["raw_table_accept"] is accept
    # Engine unknown (planning without the hosts): assume the newer engine's raw-table drop.
    assert hosts["docker1"]["raw_table_accept"] is True


def test_old_engine_takes_a_container_prefix_of_79_bits():
    hostvars = make_hostvars(
        2, docker2={"dockernet_engine_version": "26.1.5", "dockernet_container_prefix": "2001:db8:ab11:0:c000::/79"}
    )
    docker2 = plan(hostvars)["hosts"]["docker2"]
    assert docker2["fixed_cidr_v6"] == "2001:db8:ab11:0:c000::/80"
    assert docker2["address_pools"] == [{"base": "2001:db8:ab11:0:c001::/80", "size": 88}]
    assert docker2["raw_table_accept"] is False


# ---------------------------------------------------------------------------------------------------
# Every validation error: host and variable named
# ---------------------------------------------------------------------------------------------------


def test_error_unknown_mode():
    assert_error(
        make_hostvars(2, site={"dockernet_site_mode": "bridged"}),
        "docker1",
        "dockernet_site_mode",
        "'bridged'",
        "ndp_proxy",
    )


def test_error_site_variable_differs_between_hosts():
    hostvars = make_hostvars(3, docker3={"dockernet_site_lan_prefix": "2001:db8:ab12::/64"})
    line = assert_error(hostvars, "docker3", "dockernet_site_lan_prefix", "differs from docker1's value")
    assert "2001:db8:ab12::/64" in line
    assert len(errors(hostvars)) == 1


def test_error_site_variable_differs_names_the_odd_host_not_the_group():
    hostvars = make_hostvars(3, docker1={"dockernet_site_lan_prefix": "2001:db8:ab12::/64"})
    lines = errors(hostvars)
    assert lines[0].startswith("docker1: dockernet_site_lan_prefix: differs from docker2's value")
    assert not any(line.startswith(("docker2: dockernet_site", "docker3: dockernet_site")) for line in lines)


def test_error_site_variable_set_on_one_host_only():
    hostvars = make_hostvars(
        2, docker2={"dockernet_site_mode": "routed", "dockernet_container_prefix": "2001:db8:cd11::/64"}
    )
    assert_error(hostvars, "docker2", "dockernet_site_mode", "differs from docker1's value", "not set")


def test_error_lan_prefix_missing():
    hostvars = make_hostvars(
        2, docker1={"dockernet_site_lan_prefix": None}, docker2={"dockernet_site_lan_prefix": None}
    )
    assert "docker1: dockernet_site_lan_prefix: required variable is not set" in errors(hostvars)


@pytest.mark.parametrize(
    ("value", "fragment"),
    [
        ("2001:db8:ab11::1/64", "host bits set: the prefix is 2001:db8:ab11::/64"),
        ("10.0.0.0/8", "IPv4 prefix"),
        ("2001:db8:ab11::", "no prefix length"),
        ("not-a-prefix/64", "not an IPv6 prefix"),
        (64, "not an IPv6 prefix"),
    ],
)
def test_error_lan_prefix_malformed(value, fragment):
    assert_error(
        make_hostvars(2, site={"dockernet_site_lan_prefix": value}), "docker1", "dockernet_site_lan_prefix", fragment
    )


def test_error_lan_prefix_too_small_for_the_default_slices():
    # A /120 (the longest ndp_proxy LAN) has 256 addresses: 200 hosts need 2**8 slices of its upper half.
    hostvars = make_hostvars(200, site={"dockernet_site_lan_prefix": "2001:db8:ab11::/120"})
    assert errors(hostvars) == [
        "docker1: dockernet_site_lan_prefix: 2001:db8:ab11::/120 is too small to give 200 hosts a slice each: "
        "use a shorter prefix"
    ]


def test_error_gateways_not_a_list():
    assert_error(
        make_hostvars(2, site={"dockernet_site_gateways": "fe80::1"}),
        "docker1",
        "dockernet_site_gateways",
        "not a list",
    )


def test_error_gateway_malformed():
    hostvars = make_hostvars(2, site={"dockernet_site_gateways": ["fe80::1", "192.0.2.1"]})
    assert_error(hostvars, "docker1", "dockernet_site_gateways[1]", "IPv4 address")


@pytest.mark.parametrize(
    ("value", "fragment"),
    [
        ("sixty-six", "not an integer"),
        (True, "not an integer"),
        (64, "between 65 and 128"),
        (129, "between 65 and 128"),
    ],
)
def test_error_slice_prefixlen_invalid(value, fragment):
    hostvars = make_hostvars(2, site={"dockernet_site_slice_prefixlen": value})
    assert_error(hostvars, "docker1", "dockernet_site_slice_prefixlen", fragment)


def test_error_more_hosts_than_slices():
    # /65: the upper half for docker1; the lower half holds the host addresses, so docker2 is left without one.
    hostvars = make_hostvars(3, site={"dockernet_site_slice_prefixlen": 65})
    line = assert_error(hostvars, "docker2", "dockernet_site_slice_prefixlen", "more hosts than slices")
    assert "docker3" not in line


def test_error_routed_pool_missing_names_the_first_host_without_override():
    hostvars = make_hostvars(
        3, site={"dockernet_site_mode": "routed"}, docker1={"dockernet_container_prefix": "2001:db8:cd11::/64"}
    )
    assert_error(hostvars, "docker2", "dockernet_site_container_pool", "required in routed mode")


def test_error_routed_pool_malformed():
    hostvars = make_hostvars(
        2, site={"dockernet_site_mode": "routed", "dockernet_site_container_pool": "2001:db8:cd00::1/56"}
    )
    lines = errors(hostvars)
    assert lines == [
        "docker1: dockernet_site_container_pool: '2001:db8:cd00::1/56' has host bits set: the prefix is 2001:db8:cd00::/56"
    ]


def test_error_routed_pool_exhausted():
    hostvars = make_hostvars(
        3, site={"dockernet_site_mode": "routed", "dockernet_site_container_pool": "2001:db8:cd00::/63"}
    )
    assert_error(hostvars, "docker3", "dockernet_site_container_pool", "only 2 free /64")


@pytest.mark.parametrize(
    ("value", "fragment"), [("big", "not an integer"), (0, "between 1 and 128"), (48, "shorter than the pool")]
)
def test_error_container_prefixlen_invalid(value, fragment):
    site = {
        "dockernet_site_mode": "routed",
        "dockernet_site_container_pool": "2001:db8:cd00::/56",
        "dockernet_site_container_prefixlen": value,
    }
    assert_error(make_hostvars(2, site=site), "docker1", "dockernet_site_container_prefixlen", fragment)


def test_error_networks_not_a_list():
    assert_error(
        make_hostvars(2, site={"dockernet_networks": BOOK_NETWORK}), "docker1", "dockernet_networks", "not a list"
    )


def test_error_network_not_a_mapping():
    assert_error(
        make_hostvars(2, site={"dockernet_networks": ["ipv6_bridge"]}),
        "docker1",
        "dockernet_networks[0]",
        "not a mapping",
    )


def test_error_network_unknown_key_names_the_closest_key():
    network = dict(BOOK_NETWORK, ipv4_gatway="172.31.0.1", color="blue")
    assert errors(make_hostvars(2, site={"dockernet_networks": [network]})) == [
        "docker1: dockernet_networks[0].color: unknown key: dockernet.ipv6 reads no key of this name (the keys are "
        "name, ipv6_prefix, slice_prefixlen, ipv4_subnet, ipv4_gateway, internal, driver_options); correct its name or remove it",
        "docker1: dockernet_networks[0].ipv4_gatway: unknown key: did you mean 'ipv4_gateway'? dockernet.ipv6 reads "
        "no key of this name (the keys are name, ipv6_prefix, slice_prefixlen, ipv4_subnet, ipv4_gateway, internal, driver_options)",
    ]


def test_error_network_name_missing():
    network = {"ipv6_prefix": "2001:db8:ab11:0:4000::/66"}
    assert_error(
        make_hostvars(2, site={"dockernet_networks": [network]}),
        "docker1",
        "dockernet_networks[0].name",
        "not a network name",
    )


def test_error_network_name_duplicate():
    other = {"name": "ipv6_bridge", "ipv6_prefix": "2001:db8:ab11:0:2000::/67"}
    hostvars = make_hostvars(2, site={"dockernet_networks": [BOOK_NETWORK, other]})
    assert_error(hostvars, "docker1", "dockernet_networks[1].name", "already the name of dockernet_networks[0]")


def test_error_network_ipv6_prefix_missing():
    assert_error(
        make_hostvars(2, site={"dockernet_networks": [{"name": "n"}]}),
        "docker1",
        "dockernet_networks[0].ipv6_prefix",
        "required",
    )


@pytest.mark.parametrize(
    ("value", "fragment"), [("172.31.0.0/24", "IPv4 prefix"), ("2001:db8:ab11:0:4000::1/66", "host bits")]
)
def test_error_network_ipv6_prefix_malformed(value, fragment):
    network = dict(BOOK_NETWORK, ipv6_prefix=value)
    assert_error(
        make_hostvars(2, site={"dockernet_networks": [network]}),
        "docker1",
        "dockernet_networks[0].ipv6_prefix",
        fragment,
    )


def test_error_network_ipv6_prefix_too_small_for_the_hosts():
    network = dict(BOOK_NETWORK, ipv6_prefix="2001:db8:ab11:0:4000::/127")
    assert_error(
        make_hostvars(3, site={"dockernet_networks": [network]}),
        "docker1",
        "dockernet_networks[0].ipv6_prefix",
        "too small",
    )


@pytest.mark.parametrize(
    ("value", "fragment"),
    [("2001:db8::/64", "IPv6 prefix"), ("172.31.0.1/24", "host bits"), ("172.31.0.0", "no prefix length")],
)
def test_error_network_ipv4_subnet_malformed(value, fragment):
    network = dict(BOOK_NETWORK, ipv4_subnet=value)
    assert_error(
        make_hostvars(2, site={"dockernet_networks": [network]}),
        "docker1",
        "dockernet_networks[0].ipv4_subnet",
        fragment,
    )


@pytest.mark.parametrize(
    ("changes", "fragment"),
    [
        ({"ipv4_gateway": "172.31.0.256"}, "not an IPv4 address"),
        ({"ipv4_gateway": "172.32.0.1"}, "not inside ipv4_subnet"),
        ({"ipv4_gateway": "172.31.0.1", "ipv4_subnet": None}, "needs ipv4_subnet"),
    ],
)
def test_error_network_ipv4_gateway(changes, fragment):
    network = dict(BOOK_NETWORK, **changes)
    network = {key: value for key, value in network.items() if value is not None}
    assert_error(
        make_hostvars(2, site={"dockernet_networks": [network]}),
        "docker1",
        "dockernet_networks[0].ipv4_gateway",
        fragment,
    )


def test_error_network_internal_not_bool():
    network = dict(BOOK_NETWORK, internal="yes")
    assert_error(
        make_hostvars(2, site={"dockernet_networks": [network]}),
        "docker1",
        "dockernet_networks[0].internal",
        "true or false",
    )


def test_error_network_driver_options_not_mapping():
    network = dict(BOOK_NETWORK, driver_options=["mtu=1400"])
    assert_error(
        make_hostvars(2, site={"dockernet_networks": [network]}),
        "docker1",
        "dockernet_networks[0].driver_options",
        "mapping",
    )


def test_error_network_outside_the_lan_in_ndp_proxy_mode():
    network = dict(BOOK_NETWORK, ipv6_prefix="2001:db8:ce00::/64")
    assert_error(
        make_hostvars(2, site={"dockernet_networks": [network]}),
        "docker1",
        "dockernet_networks[0].ipv6_prefix",
        "outside the LAN prefix",
    )


def test_error_network_overlaps_a_host_container_slice():
    network = dict(BOOK_NETWORK, ipv6_prefix="2001:db8:ab11:0:c000::/67")
    line = assert_error(
        make_hostvars(2, site={"dockernet_networks": [network]}),
        "docker2",
        "dockernet_networks[0].ipv6_prefix",
        "overlaps",
    )
    assert "docker2's container prefix 2001:db8:ab11:0:c000::/66" in line


def test_error_network_overlaps_another_network():
    other = {"name": "second", "ipv6_prefix": "2001:db8:ab11:0:6000::/67"}
    hostvars = make_hostvars(2, site={"dockernet_networks": [BOOK_NETWORK, other]})
    assert_error(hostvars, "docker1", "dockernet_networks[1].ipv6_prefix", "overlaps dockernet_networks[0].ipv6_prefix")


def test_error_network_contains_a_host_address():
    network = dict(BOOK_NETWORK, ipv6_prefix="2001:db8:ab11::/66")
    assert_error(
        make_hostvars(2, site={"dockernet_networks": [network]}),
        "docker1",
        "dockernet_networks[0].ipv6_prefix",
        "docker1's dockernet_lan_address",
    )


def test_error_network_contains_a_gateway():
    site = {"dockernet_networks": [BOOK_NETWORK], "dockernet_site_gateways": ["2001:db8:ab11:0:4000::1"]}
    assert_error(
        make_hostvars(2, site=site), "docker1", "dockernet_networks[0].ipv6_prefix", "gateway 2001:db8:ab11:0:4000::1"
    )


def test_error_lan_interface_missing():
    assert_error(
        make_hostvars(2, docker2={"dockernet_lan_interface": None}),
        "docker2",
        "dockernet_lan_interface",
        "required variable is not set",
    )


def test_error_lan_interface_not_a_name():
    assert_error(
        make_hostvars(2, docker2={"dockernet_lan_interface": ["eth0"]}),
        "docker2",
        "dockernet_lan_interface",
        "not an interface name",
    )


def test_error_lan_interface_does_not_exist_on_the_host():
    hostvars = make_hostvars(
        2, docker2={"dockernet_lan_interface": "eht0", "dockernet_host_interfaces": ["lo", "eth0"]}
    )
    assert errors(hostvars) == [
        "docker2: dockernet_lan_interface: interface 'eht0' does not exist on this host (it has: eth0, lo)"
    ]


def test_error_lan_address_missing():
    assert errors(make_hostvars(2, docker1={"dockernet_lan_address": None})) == [
        "docker1: dockernet_lan_address: required variable is not set"
    ]


@pytest.mark.parametrize(
    ("value", "fragment"),
    [
        ("2001:db8:ab11::1/64", "is a prefix, not an address"),
        ("192.0.2.1", "IPv4 address"),
        ("2001:db8:ab11::g", "not an IPv6 address"),
    ],
)
def test_error_lan_address_malformed(value, fragment):
    assert_error(
        make_hostvars(2, docker2={"dockernet_lan_address": value}), "docker2", "dockernet_lan_address", fragment
    )


@pytest.mark.parametrize("mode", ["ndp_proxy", "routed"])
def test_error_lan_address_outside_the_lan(mode):
    hostvars = make_hostvars(
        2,
        site={"dockernet_site_mode": mode, "dockernet_site_container_pool": "2001:db8:cd00::/56"},
        docker2={"dockernet_lan_address": "2001:db8:ab12::2"},
    )
    assert_error(hostvars, "docker2", "dockernet_lan_address", "outside the LAN prefix")


def test_error_lan_address_duplicate_names_the_second_host():
    hostvars = make_hostvars(3, docker3={"dockernet_lan_address": "2001:db8:ab11::1"})
    assert_error(hostvars, "docker3", "dockernet_lan_address", "already docker1's address")


def test_error_lan_address_is_a_gateway():
    hostvars = make_hostvars(2, site={"dockernet_site_gateways": ["2001:db8:ab11::2"]})
    assert_error(hostvars, "docker2", "dockernet_lan_address", "dockernet_site_gateways")


def test_error_container_prefix_malformed():
    assert_error(
        make_hostvars(2, docker1={"dockernet_container_prefix": "2001:db8:cd11::"}),
        "docker1",
        "dockernet_container_prefix",
        "no prefix length",
    )


def test_error_container_prefix_outside_the_lan_in_ndp_proxy_mode():
    hostvars = make_hostvars(2, docker1={"dockernet_container_prefix": "2001:db8:cd11::/64"})
    assert_error(hostvars, "docker1", "dockernet_container_prefix", "outside the LAN prefix")


def test_error_container_prefixes_overlap_names_the_second_host():
    hostvars = make_hostvars(
        2,
        docker1={"dockernet_container_prefix": "2001:db8:ab11:0:8000::/66"},
        docker2={"dockernet_container_prefix": "2001:db8:ab11:0:8000::/80"},
    )
    assert_error(hostvars, "docker2", "dockernet_container_prefix", "overlaps docker1's dockernet_container_prefix")


def test_error_container_prefixes_overlap_in_routed_mode():
    hostvars = make_hostvars(
        2,
        site={"dockernet_site_mode": "routed"},
        docker1={"dockernet_container_prefix": "2001:db8:cd11::/64"},
        docker2={"dockernet_container_prefix": "2001:db8:cd11::/64"},
    )
    assert_error(hostvars, "docker2", "dockernet_container_prefix", "overlaps docker1's")


def test_error_container_prefix_contains_a_host_address():
    hostvars = make_hostvars(2, docker2={"dockernet_container_prefix": "2001:db8:ab11::/66"})
    assert_error(hostvars, "docker2", "dockernet_container_prefix", "contains docker1's dockernet_lan_address")


def test_error_container_prefix_contains_a_gateway():
    hostvars = make_hostvars(
        2,
        site={"dockernet_site_gateways": ["2001:db8:ab11:0:ffff::1"]},
        docker2={"dockernet_container_prefix": "2001:db8:ab11:0:c000::/66"},
    )
    assert_error(hostvars, "docker2", "dockernet_container_prefix", "contains gateway 2001:db8:ab11:0:ffff::1")


@pytest.mark.parametrize("value", ["latest", 28])
def test_error_engine_version_malformed(value):
    assert_error(
        make_hostvars(2, docker1={"dockernet_engine_version": value}),
        "docker1",
        "dockernet_engine_version",
        "not a Docker Engine version",
    )


def test_error_old_engine_with_a_long_override():
    hostvars = make_hostvars(
        2, docker2={"dockernet_engine_version": "26.1.5", "dockernet_container_prefix": "2001:db8:ab11:0:c000::/96"}
    )
    assert_error(hostvars, "docker2", "dockernet_container_prefix", "26.1.5", "/80 or shorter")


def test_error_old_engine_with_a_long_slice():
    hostvars = make_hostvars(
        2, site={"dockernet_site_slice_prefixlen": 96}, docker1={"dockernet_engine_version": "20.10.24+dfsg1"}
    )
    assert_error(hostvars, "docker1", "dockernet_site_slice_prefixlen", "20.10.24", "/80 or shorter")


def test_error_old_engine_with_a_long_pool_prefix():
    site = {
        "dockernet_site_mode": "routed",
        "dockernet_site_container_pool": "2001:db8:cd00::/56",
        "dockernet_site_container_prefixlen": 96,
    }
    hostvars = make_hostvars(2, site=site, docker2={"dockernet_engine_version": "26.1.5"})
    assert_error(hostvars, "docker2", "dockernet_site_container_prefixlen", "/80 or shorter")


def test_new_engines_take_long_prefixes():
    hostvars = make_hostvars(
        2, docker2={"dockernet_engine_version": "28.5.2", "dockernet_container_prefix": "2001:db8:ab11:0:c000::/96"}
    )
    docker2 = plan(hostvars)["hosts"]["docker2"]
    assert docker2["fixed_cidr_v6"] == "2001:db8:ab11:0:c000::/97"
    assert docker2["address_pools"] == [{"base": "2001:db8:ab11:0:c000:0:8000:0/97", "size": 105}]


def test_error_old_engine_with_an_80_bit_override():
    # The container prefix itself is /80, but fixed-cidr-v6 is its lower half, /81.
    hostvars = make_hostvars(
        2, docker2={"dockernet_engine_version": "26.1.5", "dockernet_container_prefix": "2001:db8:ab11:0:c000::/80"}
    )
    line = assert_error(
        hostvars, "docker2", "dockernet_container_prefix", "26.1.5", "2001:db8:ab11:0:c000::/81", "/79 or shorter"
    )
    assert len(errors(hostvars)) == 1, line


def test_error_old_engine_with_an_80_bit_slice():
    hostvars = make_hostvars(
        2, site={"dockernet_site_slice_prefixlen": 80}, docker2={"dockernet_engine_version": "26.1.5"}
    )
    assert_error(hostvars, "docker2", "dockernet_site_slice_prefixlen", "2001:db8:ab11:0:8001::/81", "/79 or shorter")
    assert len(errors(hostvars)) == 1


def test_error_container_prefix_too_small_for_bridge_and_pool():
    hostvars = make_hostvars(2, docker2={"dockernet_container_prefix": "2001:db8:ab11:0:c000::/123"})
    assert_error(hostvars, "docker2", "dockernet_container_prefix", "2001:db8:ab11:0:c000::/123", "too small", "/122")
    assert len(errors(hostvars)) == 1


def test_error_slices_too_small_for_bridge_and_pool():
    hostvars = make_hostvars(2, site={"dockernet_site_slice_prefixlen": 123})
    lines = errors(hostvars)
    assert [line.split(": ")[0] + ": " + line.split(": ")[1] for line in lines] == [
        "docker1: dockernet_site_slice_prefixlen",
        "docker2: dockernet_site_slice_prefixlen",
    ]
    assert all("too small" in line for line in lines)


def test_error_routed_prefixlen_too_small_for_bridge_and_pool():
    site = {
        "dockernet_site_mode": "routed",
        "dockernet_site_container_pool": "2001:db8:cd00::/56",
        "dockernet_site_container_prefixlen": 124,
    }
    assert_error(make_hostvars(2, site=site), "docker1", "dockernet_site_container_prefixlen", "too small")


def test_error_pool_prefixlen_not_longer_than_one_hosts_base():
    # docker1's pool base is :c000::/67 (upper half :e000::/67); docker2's override /80 gives a /81 base.
    hostvars = make_hostvars(
        2,
        site={"dockernet_site_pool_prefixlen": 72},
        docker2={"dockernet_container_prefix": "2001:db8:ab11:0:8000::/80"},
    )
    lines = errors(hostvars)
    assert len(lines) == 1, lines
    assert_error(hostvars, "docker2", "dockernet_site_pool_prefixlen", "/72", "2001:db8:ab11:0:8000:8000::/81", "/82")


def test_error_pool_prefixlen_equal_to_the_base_names_every_host():
    lines = errors(make_hostvars(2, site={"dockernet_site_pool_prefixlen": 67}))
    assert [line.split(": ")[0] + ": " + line.split(": ")[1] for line in lines] == [
        "docker1: dockernet_site_pool_prefixlen",
        "docker2: dockernet_site_pool_prefixlen",
    ]
    assert "/68 to /124" in lines[0]


@pytest.mark.parametrize(
    ("value", "fragment"),
    [
        (125, "between 2 and 124"),
        (128, "between 2 and 124"),
        (1, "between 2 and 124"),
        ("seventy-two", "not an integer"),
        (True, "not an integer"),
        (72.0, "not an integer"),
    ],
)
def test_error_pool_prefixlen_invalid(value, fragment):
    hostvars = make_hostvars(2, site={"dockernet_site_pool_prefixlen": value})
    assert_error(hostvars, "docker1", "dockernet_site_pool_prefixlen", fragment)


@pytest.mark.parametrize(
    ("value", "fragment"),
    [
        ("::/0", "shorter than /16"),
        ("2000::/15", "shorter than /16"),
        # 2001::/15 is refused before its length is looked at: the last bit of 2001 lies outside /15.
        ("2001::/15", "host bits set: the prefix is 2000::/15"),
        ("fe80::/64", "link-local"),
        ("ff02::/16", "multicast"),
        ("::ffff:0:0/96", "IPv4-mapped"),
        ("::1/128", "loopback"),
        ("::/128", "unspecified"),
        ("2001:db8:fe00::", "no prefix length"),
        ("2001:db8:fe00::1/48", "host bits"),
        ("198.51.100.0/24", "IPv4 prefix"),
        ("not-a-prefix/48", "not an IPv6 prefix"),
        (48, "not an IPv6 prefix"),
    ],
)
def test_error_allowed_source_refused(value, fragment):
    site = {"dockernet_site_allowed_sources": ["2001:db8:fe00::/48", value]}
    hostvars = make_hostvars(2, site=site)
    assert_error(hostvars, "docker1", "dockernet_site_allowed_sources[1]", fragment)
    assert len(errors(hostvars)) == 1


@pytest.mark.parametrize("value", ["2001:db8:fe00::/48", {"office": "2001:db8:fe00::/48"}, 48])
def test_error_allowed_sources_not_a_list(value):
    hostvars = make_hostvars(2, site={"dockernet_site_allowed_sources": value})
    assert_error(hostvars, "docker1", "dockernet_site_allowed_sources", "not a list")


@pytest.mark.parametrize("value", ["yes", "true", 1, 0, [True]])
def test_error_masquerade_outside_not_a_bool(value):
    hostvars = make_hostvars(2, site={"dockernet_site_masquerade_outside": value})
    assert_error(hostvars, "docker1", "dockernet_site_masquerade_outside", "not a boolean", "true or false")


@pytest.mark.parametrize("value", ["accept", "DROP", "", ["drop"], True])
def test_error_forward_policy_invalid(value):
    hostvars = make_hostvars(2, docker2={"dockernet_forward_policy": value})
    assert_error(hostvars, "docker2", "dockernet_forward_policy", "not a policy", "'drop'", "'keep'")
    assert len(errors(hostvars)) == 1


def test_error_host_not_in_hostvars():
    hostvars = make_hostvars(2)
    with pytest.raises(PlanError) as caught:
        plan_from_hostvars(["docker1", "docker2", "docker9"], hostvars)
    assert str(caught.value).startswith("docker9: inventory: ")


def test_error_no_hosts():
    with pytest.raises(PlanError, match="no hosts"):
        plan_from_hostvars([], {})


def test_error_netaddr_missing(monkeypatch):
    monkeypatch.setattr(_addresses, "HAS_NETADDR", False)
    with pytest.raises(NetaddrMissingError, match="netaddr"):
        plan(make_hostvars(2))


def test_all_errors_are_reported_together():
    hostvars = make_hostvars(
        3,
        site={"dockernet_networks": [dict(BOOK_NETWORK, internal="no")]},
        docker1={"dockernet_lan_address": None},
        docker2={"dockernet_lan_interface": "eht0", "dockernet_host_interfaces": ["eth0", "lo"]},
        docker3={"dockernet_container_prefix": "2001:db8:cd11::/64", "dockernet_site_mode": "routed"},
    )
    prefixes = [line.split(": ")[0] + ": " + line.split(": ")[1] for line in errors(hostvars)]
    assert prefixes == [
        "docker3: dockernet_site_mode",
        "docker1: dockernet_networks[0].internal",
        "docker1: dockernet_lan_address",
        "docker2: dockernet_lan_interface",
        "docker3: dockernet_container_prefix",
    ]


# ---------------------------------------------------------------------------------------------------
# Hardening: never-routed addresses, LAN lengths, tiny networks, network names, misspelt variables,
# site-wide values by meaning, the LAN address on its interface
# ---------------------------------------------------------------------------------------------------

ROUTED = {"dockernet_site_mode": "routed", "dockernet_site_container_pool": "2001:db8:cd00::/56"}


def test_error_lan_prefix_link_local_exact_message():
    assert errors(make_hostvars(2, site={"dockernet_site_lan_prefix": "fe80::/64"})) == [
        "docker1: dockernet_site_lan_prefix: fe80::/64 covers link-local addresses, which are never forwarded "
        "(fe80::/10): give the hosts' routable LAN prefix"
    ]


@pytest.mark.parametrize(
    ("value", "fragment"),
    [
        ("fe80::/64", "fe80::/64 covers link-local addresses"),
        ("ff05::/64", "ff05::/64 covers multicast addresses (ff00::/8)"),
        ("::ffff:0:0/96", "::ffff:0.0.0.0/96 covers IPv4-mapped addresses (::ffff:0:0/96)"),
        ("::/64", "::/64 covers the unspecified address (::/128)"),
        ("::/120", "::/120 covers the unspecified address (::/128)"),
        ("::c000:200/120", "::192.0.2.0/120 covers IPv4-compatible addresses, which are deprecated (::/96)"),
    ],
)
@pytest.mark.parametrize("mode", [{}, ROUTED])
def test_error_lan_prefix_not_routable(value, fragment, mode):
    hostvars = make_hostvars(2, site=dict(mode, dockernet_site_lan_prefix=value))
    lines = errors(hostvars)
    assert len(lines) == 1, lines
    assert lines[0].startswith(f"docker1: dockernet_site_lan_prefix: {fragment}"), lines


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("fe80::2", "fe80::2 is a link-local address, which is never forwarded (fe80::/10)"),
        ("::1", "::1 is the loopback address (::1/128)"),
        ("::", ":: is the unspecified address (::/128)"),
        ("ff02::1", "ff02::1 is a multicast address (ff00::/8)"),
        ("::ffff:192.0.2.2", "::ffff:192.0.2.2 is an IPv4-mapped address (::ffff:0:0/96)"),
        ("::c000:202", "::192.0.2.2 is an IPv4-compatible address, which is deprecated (::/96)"),
    ],
)
def test_error_lan_address_not_routable(value, message):
    assert errors(make_hostvars(2, docker2={"dockernet_lan_address": value})) == [
        f"docker2: dockernet_lan_address: {message}: give this host's routable address on the LAN"
    ]


@pytest.mark.parametrize(
    ("value", "covers"),
    [
        ("fe80::/64", "link-local addresses, which are never forwarded (fe80::/10)"),
        ("ff05::/64", "multicast addresses (ff00::/8)"),
        ("::ffff:0:0/96", "IPv4-mapped addresses (::ffff:0:0/96)"),
        ("::/64", "the unspecified address (::/128)"),
    ],
)
@pytest.mark.parametrize("mode", [{}, ROUTED])
def test_error_container_prefix_not_routable(value, covers, mode):
    prefix = str(IPNetwork(value))
    assert errors(make_hostvars(2, site=mode, docker2={"dockernet_container_prefix": value})) == [
        f"docker2: dockernet_container_prefix: {prefix} covers {covers}: give a routable prefix for this host's "
        "containers"
    ]


@pytest.mark.parametrize("value", ["fe80::/56", "ff00::/56", "::/56"])
def test_error_container_pool_not_routable(value):
    lines = errors(make_hostvars(2, site=dict(ROUTED, dockernet_site_container_pool=value)))
    assert len(lines) == 1, lines
    assert lines[0].startswith(f"docker1: dockernet_site_container_pool: {value} covers ")
    assert lines[0].endswith(": give a routable prefix to take the hosts' container prefixes from")


@pytest.mark.parametrize("value", ["fe80::/64", "ff0e::/64", "::ffff:0:0/112", "::/64", "::1/128"])
@pytest.mark.parametrize("mode", [{}, ROUTED])
def test_error_network_prefix_not_routable(value, mode):
    network = dict(BOOK_NETWORK, ipv6_prefix=value)
    lines = errors(make_hostvars(2, site=dict(mode, dockernet_networks=[network])))
    assert len(lines) == 1, lines
    assert lines[0].startswith(f"docker1: dockernet_networks[0].ipv6_prefix: {IPNetwork(value)} covers ")
    assert lines[0].endswith(": give a routable prefix for the network's containers")


def test_link_local_and_global_gateways_are_accepted():
    site = {"dockernet_site_gateways": ["fe80::1", "FE80::2", "2001:db8:ab11::fffe"]}
    assert (
        plan(make_hostvars(2, site=site))["hosts"]["docker1"]["address_pools_scope"][0] == "2001:db8:ab11:0:8000::/66"
    )


def test_error_gateways_that_are_no_router_address():
    site = {"dockernet_site_gateways": ["fe80::1", "ff02::2", "::", "::1", "::ffff:10.0.0.1"]}
    fix = "give the router's address on the LAN, global or link-local"
    assert errors(make_hostvars(2, site=site)) == [
        f"docker1: dockernet_site_gateways[1]: ff02::2 is a multicast address (ff00::/8): {fix}",
        f"docker1: dockernet_site_gateways[2]: :: is the unspecified address (::/128): {fix}",
        f"docker1: dockernet_site_gateways[3]: ::1 is the loopback address (::1/128): {fix}",
        f"docker1: dockernet_site_gateways[4]: ::ffff:10.0.0.1 is an IPv4-mapped address (::ffff:0:0/96): {fix}",
    ]


def test_one_table_of_never_routed_ranges_for_every_variable():
    # Sources, LAN, addresses, prefixes and gateways all answer from _NOT_ROUTABLE: one place for the concept.
    assert [entry[0] for entry in _plan_site_rules._NOT_ROUTABLE] == [
        "::/128",
        "::1/128",
        "::/96",
        "::ffff:0:0/96",
        "fe80::/10",
        "ff00::/8",
    ]
    assert not hasattr(_plan_site_rules, "_NOT_A_SOURCE")


@pytest.mark.parametrize(
    ("mode", "lan", "ok"),
    [
        ({}, "2001:db8:ab10::/47", False),
        ({}, "2001:db8:ab11::/48", True),
        ({}, "2001:db8:ab11::/120", True),
        ({}, "2001:db8:ab11::/121", False),
        (ROUTED, "2001:db8:ab10::/47", False),
        (ROUTED, "2001:db8:ab11::/48", True),
        (ROUTED, "2001:db8:ab11::/126", True),
        (ROUTED, "2001:db8:ab11::/127", False),
    ],
)
def test_lan_prefix_length_bounds_per_mode(mode, lan, ok):
    hostvars = make_hostvars(2, site=dict(mode, dockernet_site_lan_prefix=lan))
    if ok:
        assert plan(hostvars)["site_sources"][0] == "2001:db8:ab11::1/128"
    else:
        lines = errors(hostvars)
        assert len(lines) == 1 and lines[0].startswith(f"docker1: dockernet_site_lan_prefix: {lan} is "), lines


def test_error_lan_prefix_length_messages():
    assert errors(make_hostvars(2, site={"dockernet_site_lan_prefix": "2001:db8::/32"})) == [
        "docker1: dockernet_site_lan_prefix: 2001:db8::/32 is shorter than /48, more than a whole site is normally "
        "given: most likely a mistyped length; give the LAN's own prefix, /48 to /120"
    ]
    assert errors(make_hostvars(2, site={"dockernet_site_lan_prefix": "2001:db8:ab11::/124"})) == [
        "docker1: dockernet_site_lan_prefix: 2001:db8:ab11::/124 is longer than /120: in ndp_proxy mode every "
        "host's slice of it must still hold a default bridge and an address pool; give the LAN's own prefix, "
        "/48 to /120"
    ]
    routed = dict(ROUTED, dockernet_site_lan_prefix="2001:db8:ab11::/128")
    assert errors(make_hostvars(1, site=routed)) == [
        "docker1: dockernet_site_lan_prefix: 2001:db8:ab11::/128 is longer than /126: it must hold the hosts' and "
        "the routers' addresses; give the LAN's own prefix, /48 to /126"
    ]


def test_routed_lan_of_126_needs_no_slices_for_many_hosts():
    # Only ndp_proxy mode slices the LAN: a routed /126 with three hosts is fine.
    hostvars = make_hostvars(3, site=dict(ROUTED, dockernet_site_lan_prefix="2001:db8:ab11::/126"))
    assert plan(hostvars)["hosts"]["docker3"]["address_pools_scope"][0] == "2001:db8:cd00:2::/64"


def test_unknown_mode_holds_the_lan_prefix_to_every_modes_bounds():
    hostvars = make_hostvars(2, site={"dockernet_site_mode": "bgp", "dockernet_site_lan_prefix": "2001:db8::/40"})
    assert [line.split(": ")[1] for line in errors(hostvars)] == ["dockernet_site_mode", "dockernet_site_lan_prefix"]
    hostvars = make_hostvars(2, site={"dockernet_site_mode": "bgp", "dockernet_site_lan_prefix": "2001:db8:ab11::/124"})
    assert [line.split(": ")[1] for line in errors(hostvars)] == ["dockernet_site_mode"]


def test_error_network_slices_too_small_for_a_gateway_and_a_container():
    network = dict(BOOK_NETWORK, ipv6_prefix="2001:db8:ab11:0:4000::/126")
    assert errors(make_hostvars(2, site={"dockernet_networks": [network]})) == [
        "docker1: dockernet_networks[0].ipv6_prefix: 2001:db8:ab11:0:4000::/126 is too small for 2 hosts: each "
        "host's slice would be a /127, with no room for the network's gateway and a container; use /125 or shorter "
        "(a /126 slice per host at least)"
    ]


def test_error_network_prefix_that_cannot_be_split_for_the_hosts():
    network = dict(BOOK_NETWORK, ipv6_prefix="2001:db8:ab11:0:4000::/128")
    assert errors(make_hostvars(2, site={"dockernet_networks": [network]})) == [
        "docker1: dockernet_networks[0].ipv6_prefix: 2001:db8:ab11:0:4000::/128 is too small to give 2 hosts a slice "
        "each: use /125 or shorter, so that each host's slice is a /126 at least, with room for the network's "
        "gateway and a container"
    ]


@pytest.mark.parametrize(
    ("count", "prefixlen", "ok"),
    [(1, 126, True), (1, 127, False), (1, 128, False), (2, 125, True), (3, 124, True), (3, 125, False)],
)
def test_network_slices_of_126_are_the_smallest(count, prefixlen, ok):
    network = dict(BOOK_NETWORK, ipv6_prefix=f"2001:db8:ab11:0:4000::/{prefixlen}")
    hostvars = make_hostvars(count, site={"dockernet_networks": [network]})
    if ok:
        subnets = [host["networks"][0]["ipv6_subnet"] for host in plan(hostvars)["hosts"].values()]
        assert all(IPNetwork(subnet).prefixlen <= 126 for subnet in subnets)
    else:
        assert_error(hostvars, "docker1", "dockernet_networks[0].ipv6_prefix", "is too small", "/126")


@pytest.mark.parametrize("name", ["bridge", "host", "none", "default"])
def test_error_network_named_like_the_engines_own(name):
    assert errors(make_hostvars(2, site={"dockernet_networks": [dict(BOOK_NETWORK, name=name)]})) == [
        f"docker1: dockernet_networks[0].name: '{name}' is reserved by the engine (bridge, host, none are its own "
        "networks, default a network mode) and cannot be created: give the network another name"
    ]


@pytest.mark.parametrize(
    "name", ["ipv6 bridge", " web", "web\t", "web\n", "-web", ".web", "_web", "web/1", "web:1", "wéb", "container:x"]
)
def test_error_network_name_the_engine_cannot_use(name):
    assert errors(make_hostvars(2, site={"dockernet_networks": [dict(BOOK_NETWORK, name=name)]})) == [
        f"docker1: dockernet_networks[0].name: {name!r} is not a usable network name: start with a letter or a "
        "digit and use only letters, digits, '_', '.' and '-', as the engine asks of container and volume names"
    ]


@pytest.mark.parametrize("name", ["ipv6_bridge", "Web.1_x-y", "9net", "Bridge", "bridge2"])
def test_network_names_the_engine_takes(name):
    hosts = plan(make_hostvars(2, site={"dockernet_networks": [dict(BOOK_NETWORK, name=name)]}))["hosts"]
    assert hosts["docker1"]["networks"][0]["name"] == name


def test_error_network_names_that_differ_only_in_case():
    networks = [
        dict(BOOK_NETWORK, name="Web"),
        {"name": "web", "ipv6_prefix": "2001:db8:ab11:0:2000::/67"},
        {"name": "WEB", "ipv6_prefix": "2001:db8:ab11:0:1000::/68"},
    ]
    assert errors(make_hostvars(2, site={"dockernet_networks": networks})) == [
        "docker1: dockernet_networks[1].name: 'web' differs only in case from 'Web', the name of "
        "dockernet_networks[0]: give each network a name of its own, not just other capitals",
        "docker1: dockernet_networks[2].name: 'WEB' differs only in case from 'Web', the name of "
        "dockernet_networks[0]: give each network a name of its own, not just other capitals",
    ]


def _second_network(**changes: t.Any) -> dict[str, t.Any]:
    return dict({"name": "web", "ipv6_prefix": "2001:db8:ab11:0:2000::/67"}, **changes)


def test_error_two_networks_on_one_ipv4_subnet():
    networks = [BOOK_NETWORK, _second_network(ipv4_subnet="172.31.0.0/24")]
    assert errors(make_hostvars(2, site={"dockernet_networks": networks})) == [
        "docker1: dockernet_networks[1].ipv4_subnet: 172.31.0.0/24 overlaps dockernet_networks[0].ipv4_subnet "
        "172.31.0.0/24: the engine refuses to create a network on addresses another network uses; give the network "
        "a subnet of its own"
    ]


def test_error_overlapping_ipv4_subnets_blame_the_later_network_whichever_starts_first():
    networks = [dict(BOOK_NETWORK, ipv4_subnet="172.31.5.0/24"), _second_network(ipv4_subnet="172.31.0.0/16")]
    line = assert_error(
        make_hostvars(2, site={"dockernet_networks": networks}),
        "docker1",
        "dockernet_networks[1].ipv4_subnet",
        "172.31.0.0/16 overlaps dockernet_networks[0].ipv4_subnet 172.31.5.0/24",
    )
    assert len(errors(make_hostvars(2, site={"dockernet_networks": networks}))) == 1, line


@pytest.mark.parametrize("subnet", ["172.17.0.0/24", "172.17.255.0/24", "172.16.0.0/12", "172.17.0.0/16"])
def test_error_ipv4_subnet_overlaps_docker0(subnet):
    assert errors(make_hostvars(2, site={"dockernet_networks": [dict(BOOK_NETWORK, ipv4_subnet=subnet)]})) == [
        f"docker1: dockernet_networks[0].ipv4_subnet: {subnet} overlaps 172.17.0.0/16, the default bridge "
        "docker0's subnet unless daemon.json moves it (bip): the engine refuses to create a network that overlaps "
        "it; give the network a subnet of its own"
    ]


@pytest.mark.parametrize("subnet", ["172.18.0.0/16", "172.16.0.0/16", "172.18.0.0/24", "192.168.0.0/20", "10.0.0.0/8"])
def test_ipv4_subnets_in_the_engines_pools_are_accepted(subnet):
    # The engine skips pool subnets in use, so a network there takes nothing another one needs.
    hosts = plan(make_hostvars(2, site={"dockernet_networks": [dict(BOOK_NETWORK, ipv4_subnet=subnet)]}))["hosts"]
    assert hosts["docker2"]["networks"][0]["ipv4_subnet"] == subnet


def test_ipv4_overlap_check_is_a_scan_not_all_pairs():
    # 3000 networks on distinct /24s, one duplicate at the end: only it is named.
    networks = [
        {
            "name": f"n{index}",
            "ipv6_prefix": str(IPNetwork("2001:db8:ce00::/64").next(index)),
            "ipv4_subnet": f"10.{index // 256}.{index % 256}.0/24",
        }
        for index in range(3000)
    ]
    networks.append({"name": "late", "ipv6_prefix": "2001:db8:cf00::/64", "ipv4_subnet": "10.5.7.0/24"})
    hostvars = make_hostvars(2, site=dict(ROUTED, dockernet_networks=networks))
    assert [line.split(": ")[1] for line in errors(hostvars)] == ["dockernet_networks[3000].ipv4_subnet"]


def test_error_misspelt_group_variable_is_named_once_with_the_closest_name():
    hostvars = make_hostvars(3, site={"dockernet_site_slice_prefixlenn": 66})
    assert errors(hostvars) == [
        "docker1: dockernet_site_slice_prefixlenn: unknown variable: did you mean 'dockernet_site_slice_prefixlen'? "
        "dockernet.ipv6 reads no variable of this name (all are listed in docs/variables.md); every host has it: fix "
        "it in group_vars"
    ]


def test_error_misspelt_host_variables_are_named_per_host():
    hostvars = make_hostvars(
        3,
        docker2={"dockernet_lan_adress": "2001:db8:ab11::2", "dockernet_widget": 1},
        docker3={"dockernet_lan_adress": "2001:db8:ab11::3"},
    )
    assert errors(hostvars) == [
        "docker2: dockernet_lan_adress: unknown variable: did you mean 'dockernet_lan_address'? dockernet.ipv6 reads "
        "no variable of this name (all are listed in docs/variables.md)",
        "docker3: dockernet_lan_adress: unknown variable: did you mean 'dockernet_lan_address'? dockernet.ipv6 reads "
        "no variable of this name (all are listed in docs/variables.md)",
        "docker2: dockernet_widget: unknown variable: dockernet.ipv6 reads no variable of this name (all are listed "
        "in docs/variables.md); correct its name or remove it",
    ]


def test_misspelt_variable_is_reported_with_the_other_problems():
    hostvars = make_hostvars(2, site={"dockernet_site_lan_prefx": LAN}, docker2={"dockernet_lan_address": "::1"})
    assert [line.split(": ")[0] + ": " + line.split(": ")[1] for line in errors(hostvars)] == [
        "docker1: dockernet_site_lan_prefx",
        "docker2: dockernet_lan_address",
    ]


def test_known_variables_lab_namespace_and_other_names_are_not_reported():
    every_known = {
        "dockernet_accept_ra": True,
        "dockernet_proxy_delay": 0,
        "dockernet_daemon_extra_settings": {},
        "dockernet_verify_image": "busybox:latest",
        "dockernet_ra_interfaces": [],
        "dockernet_plan": {},
        "dockernet_engine_version": "28.5.2",
        "dockernet_host_interfaces": ["lo", "eth0"],
        "dockernet_host_addresses": {"eth0": ["2001:db8:ab11::1/64"]},
        "dockernet_forward_policy": "drop",
        # Written by tools/lab/lab.sh: the lab's own variables.
        "dockernet_lab_name": "dockernet",
        "dockernet_lab_engine": "trixie",
        "dockernet_lab_docker_host": "unix:///run/dockernet-lab-dockernet/docker.sock",
        "dockernet_lab_busybox_image": "dockernet/busybox:latest",
        # Not the collection's: other prefixes, the preflight's registered result.
        "_dockernet_host_info": {},
        "ansible_host": "dockernet-docker1",
        "dockernetwork": 1,
    }
    assert "2001:db8:ab11::1/128" in plan(make_hostvars(2, docker1=every_known))["site_sources"]


def test_every_dockernet_variable_the_repository_uses_is_known():
    # The known list must follow the playbooks, roles and inventories, and the variables documented: a name used
    # there and missing here would be reported as misspelt on every real run.
    repo = Path(_plan_inputs.__file__).resolve().parents[2]
    patterns = ["playbooks/*.yml", "roles/**/*.yml", "roles/**/*.j2", "inventory/**/*.yml", "molecule/**/*.yml"]
    files = [path for pattern in patterns for path in repo.glob(pattern)] + [repo / ".config/molecule/config.yml"]
    used = set()
    for path in files:
        used.update(re.findall(r"(?<![\w.])dockernet_[a-z0-9_]+", path.read_text()))
    documented = re.findall(r"^\| `(dockernet_[a-z0-9_]+)`", (repo / "docs/variables.md").read_text(), re.MULTILINE)
    assert len(documented) > 15 and len(used) > 15
    used.update(documented)
    unknown = {
        name for name in used if name not in _plan_inputs.KNOWN_VARIABLES and not name.startswith("dockernet_lab_")
    }
    assert unknown == set()


def test_read_inputs_iterates_hostvars_names_without_templating_values():
    class Untemplatable(dict):
        def __getitem__(self, key):
            if key == "dockernet_secret_typo":
                raise AssertionError("an unknown variable's value was read")
            return super().__getitem__(key)

    hostvars = make_hostvars(2)
    hostvars["docker2"] = Untemplatable(hostvars["docker2"], dockernet_secret_typo="{{ undefined }}")
    issues = read_inputs(["docker1", "docker2"], hostvars)[2]
    assert [str(issue).split(": ")[1] for issue in issues] == ["dockernet_secret_typo"]


@pytest.mark.parametrize(
    ("variable", "here", "group"),
    [
        ("dockernet_site_lan_prefix", "2001:DB8:AB11::/64", LAN),
        ("dockernet_site_lan_prefix", " 2001:db8:ab11:0::/64 ", LAN),
        ("dockernet_site_mode", None, "ndp_proxy"),
        # Three hosts on a /64: the default slice is a /67.
        ("dockernet_site_slice_prefixlen", "67", None),
        ("dockernet_site_slice_prefixlen", 67, " 67"),
        ("dockernet_site_gateways", ["FE80::1", "2001:db8:ab11::fffe"], ["2001:db8:ab11::FFFE", "fe80::1", "fe80::1"]),
        ("dockernet_site_gateways", [], None),
        (
            "dockernet_site_allowed_sources",
            ["2001:DB8:FE00::/48", "2001:db8:fd00::/48"],
            ["2001:db8:fd00::/48", "2001:db8:fe00::/48"],
        ),
        ("dockernet_site_allowed_sources", None, []),
        ("dockernet_site_masquerade_outside", False, None),
        ("dockernet_site_pool_prefixlen", "80", 80),
        ("dockernet_networks", [], None),
        (
            "dockernet_networks",
            [{"name": "ipv6_bridge", "ipv6_prefix": "2001:DB8:AB11:0:4000::/66", "ipv4_subnet": "172.31.0.0/24"}],
            [dict(BOOK_NETWORK, internal=False, driver_options=None, ipv4_gateway=None)],
        ),
    ],
)
def test_site_values_are_compared_by_meaning(variable, here, group):
    hostvars = make_hostvars(3, site={variable: group}, docker2={variable: here})
    plan(hostvars)
    hostvars = make_hostvars(3, site={variable: here}, docker3={variable: group})
    plan(hostvars)


@pytest.mark.parametrize(
    ("site", "here"),
    [
        ({"dockernet_site_mode": "routed"}, {"dockernet_site_container_prefixlen": "64"}),
        ({"dockernet_site_mode": "routed"}, {"dockernet_site_masquerade_outside": True}),
        ({"dockernet_site_container_prefixlen": 64}, {"dockernet_site_container_prefixlen": None}),
    ],
)
def test_site_defaults_that_depend_on_the_mode_or_prefix_are_compared_by_meaning(site, here):
    hostvars = make_hostvars(2, site=dict(ROUTED, **site), docker2=here)
    assert plan(hostvars)["mode"] == "routed"


def test_site_values_that_differ_in_meaning_are_still_reported():
    hostvars = make_hostvars(2, docker2={"dockernet_site_slice_prefixlen": "67"})
    assert errors(hostvars) == [
        "docker2: dockernet_site_slice_prefixlen: differs from docker1's value ('67' here, not set on docker1): a "
        "site-wide variable must be the same on every host; set it once for the whole group, in group_vars"
    ]
    hostvars = make_hostvars(2, docker2={"dockernet_site_masquerade_outside": True})
    assert_error(hostvars, "docker2", "dockernet_site_masquerade_outside", "differs from docker1's value")
    hostvars = make_hostvars(2, docker2={"dockernet_site_lan_prefix": "2001:db8:ab11::/63"})
    assert_error(hostvars, "docker2", "dockernet_site_lan_prefix", "differs from docker1's value")
    hostvars = make_hostvars(2, docker2={"dockernet_site_pool_prefixlen": 75})
    assert_error(hostvars, "docker2", "dockernet_site_pool_prefixlen", "not set on docker1")
    # 1 == True in Python, but only true is a boolean.
    hostvars = make_hostvars(
        2, site={"dockernet_site_masquerade_outside": True}, docker2={"dockernet_site_masquerade_outside": 1}
    )
    assert errors(hostvars) == [
        "docker2: dockernet_site_masquerade_outside: differs from docker1's value (1 here, True on docker1): a "
        "site-wide variable must be the same on every host; set it once for the whole group, in group_vars"
    ]


def test_a_host_in_another_mode_is_reported_for_the_mode_only():
    # Masquerading's default follows the site's mode, not the odd host's own.
    hostvars = make_hostvars(
        2, site={"dockernet_site_container_pool": "2001:db8:cd00::/56"}, docker2={"dockernet_site_mode": "routed"}
    )
    assert [line.split(": ")[1] for line in errors(hostvars)] == ["dockernet_site_mode"]


def test_site_value_chosen_is_a_holders_own_spelling():
    hostvars = make_hostvars(
        3, site={"dockernet_site_lan_prefix": "2001:DB8:AB11::/64"}, docker3={"dockernet_site_lan_prefix": LAN}
    )
    site, _hosts, issues = read_inputs(["docker1", "docker2", "docker3"], hostvars)
    assert issues == [] and site.lan_prefix == "2001:DB8:AB11::/64"


LAN_ADDRESSES = {"eth0": ["2001:db8:ab11::2/64", "fe80::2/64"], "lo": ["::1/128"]}


@pytest.mark.parametrize(
    "gathered",
    [
        LAN_ADDRESSES,
        {"eth0": ["2001:DB8:AB11::2"], "docker0": []},
        {"eth0": ["172.30.11.2/24", "2001:db8:ab11::2/64", "not-an-address"]},
    ],
)
def test_lan_address_configured_on_the_lan_interface(gathered):
    hostvars = make_hostvars(2, docker2={"dockernet_host_addresses": gathered})
    assert "2001:db8:ab11::2/128" in plan(hostvars)["site_sources"]


def test_error_lan_address_not_configured_on_the_lan_interface():
    hostvars = make_hostvars(2, docker2={"dockernet_host_addresses": {"eth0": ["2001:db8:ab11::3/64", "fe80::3/64"]}})
    assert errors(hostvars) == [
        "docker2: dockernet_lan_address: 2001:db8:ab11::2 is not configured on eth0 (it has: 2001:db8:ab11::3, "
        "fe80::3): give the address this host has on the LAN, or configure it on eth0 first"
    ]


def test_error_lan_address_on_another_interface_or_none():
    hostvars = make_hostvars(2, docker2={"dockernet_host_addresses": {"eth1": ["2001:db8:ab11::2/64"], "eth0": []}})
    assert_error(hostvars, "docker2", "dockernet_lan_address", "not configured on eth0 (it has: no IPv6 address)")
    hostvars = make_hostvars(2, docker2={"dockernet_host_addresses": {"eth1": ["2001:db8:ab11::2/64"]}})
    assert_error(hostvars, "docker2", "dockernet_lan_address", "not configured on eth0 (it has: no IPv6 address)")


def test_missing_lan_interface_is_reported_once_not_as_a_missing_address():
    hostvars = make_hostvars(
        2,
        docker2={
            "dockernet_lan_interface": "eth9",
            "dockernet_host_interfaces": ["lo", "eth0"],
            "dockernet_host_addresses": LAN_ADDRESSES,
        },
    )
    assert [line.split(": ")[1] for line in errors(hostvars)] == ["dockernet_lan_interface"]


@pytest.mark.parametrize("gathered", [["eth0"], "eth0", {"eth0": "2001:db8:ab11::2"}])
def test_error_host_addresses_malformed(gathered):
    hostvars = make_hostvars(2, docker2={"dockernet_host_addresses": gathered})
    assert_error(hostvars, "docker2", "dockernet_host_addresses", "not a mapping of interface names to lists")
    # Reported with the other problems, whatever they are.
    hostvars = make_hostvars(2, docker2={"dockernet_host_addresses": gathered, "dockernet_lan_address": None})
    assert [line.split(": ")[1] for line in errors(hostvars)] == ["dockernet_lan_address", "dockernet_host_addresses"]


def test_plan_site_takes_host_addresses():
    site = SiteInput(lan_prefix=LAN)
    hosts = [
        HostInput("a", "eth0", "2001:db8:ab11::a", host_addresses={"eth0": ["2001:db8:ab11::a/64"]}),
        HostInput("b", "eth0", "2001:db8:ab11::b", host_addresses={"eth0": ["2001:db8:ab11::c/64"]}),
    ]
    with pytest.raises(PlanError) as caught:
        plan_site(site, hosts)
    assert [issue.host for issue in caught.value.issues] == ["b"]


# ---------------------------------------------------------------------------------------------------
# Properties
# ---------------------------------------------------------------------------------------------------


def _assert_pool_layout(host: dict[str, t.Any], pool_prefixlen: int | None = None) -> None:
    """fixed-cidr-v6 is the lower half of the container prefix, the one address pool the upper half."""
    container_prefix = IPNetwork(host["address_pools_scope"][0])
    fixed_cidr = IPNetwork(host["fixed_cidr_v6"])
    [pool] = host["address_pools"]
    base = IPNetwork(pool["base"])
    assert fixed_cidr.prefixlen == base.prefixlen == container_prefix.prefixlen + 1
    assert fixed_cidr.first == container_prefix.first and base.last == container_prefix.last
    assert base.first == fixed_cidr.last + 1
    expected_size = pool_prefixlen if pool_prefixlen is not None else min(base.prefixlen + 8, 124)
    assert pool["size"] == expected_size and base.prefixlen < pool["size"] <= 124
    assert host["address_pools_scope"] == [host["address_pools_scope"][0]]


def _assert_disjoint_inside(prefixes: list[IPNetwork], parent: IPNetwork) -> None:
    ordered = sorted(prefixes, key=lambda prefix: prefix.first)
    for prefix in ordered:
        assert parent.first <= prefix.first and prefix.last <= parent.last
    for before, after in zip(ordered, ordered[1:]):
        assert before.last < after.first


@settings(max_examples=60, deadline=None)
@given(count=st.integers(min_value=1, max_value=300), offsets=st.data())
def test_property_slices_are_disjoint_inside_the_lan_and_hold_no_host_address(count, offsets):
    lan = IPNetwork(LAN)
    # Host addresses anywhere in the LAN, so that some land in the upper half's slices.
    addresses = offsets.draw(
        st.lists(st.integers(min_value=1, max_value=lan.size - 1), min_size=count, max_size=count, unique=True)
    )
    hostvars = make_hostvars(count)
    for host_vars, offset in zip(hostvars.values(), addresses):
        host_vars["dockernet_lan_address"] = str(IPAddress(lan.first + offset, 6))
    # The default slice length gives at least twice as many slices as hosts, so that however the host addresses
    # fall, at most `count` slices hold one and `count` stay free: the plan never fails here.
    result = plan(hostvars)
    slices = [IPNetwork(host["address_pools_scope"][0]) for host in result["hosts"].values()]
    # Which ones, worked out here: upper half of the LAN first, then the lower half, skipping every slice that
    # holds a host address, in host order.
    slice_count = 2 ** (1 + (count - 1).bit_length())
    slice_size = lan.size // slice_count
    holding = {offset // slice_size for offset in addresses}
    order = list(range(slice_count // 2, slice_count)) + list(range(slice_count // 2))
    free = [number for number in order if number not in holding][:count]
    assert [(item.first - lan.first, item.size) for item in slices] == [
        (number * slice_size, slice_size) for number in free
    ]
    _assert_disjoint_inside(slices, lan)
    values = sorted(lan.first + offset for offset in addresses)
    for container_slice in slices:
        assert not any(container_slice.first <= value <= container_slice.last for value in values)
    for host in list(result["hosts"].values())[:5]:
        _assert_pool_layout(host)
    # The sources cover exactly the host addresses and the slices (disjoint, so their sizes add up): nothing
    # else of the LAN, and no address twice.
    sources = [IPNetwork(source) for source in result["site_sources"]]
    _assert_disjoint_inside(sources, lan)
    assert sum(source.size for source in sources) == count + sum(container_slice.size for container_slice in slices)
    firsts = [source.first for source in sources]
    lasts = [source.last for source in sources]
    for first, last in [(value, value) for value in values] + [(item.first, item.last) for item in slices]:
        index = bisect.bisect_right(firsts, first) - 1
        assert index >= 0 and last <= lasts[index]


@settings(max_examples=40, deadline=None)
@given(count=st.integers(min_value=1, max_value=300), internal=st.booleans())
def test_property_network_slices_are_disjoint_inside_the_network(count, internal):
    network = IPNetwork("2001:db8:ab11:0:4000::/66")
    result = plan(make_hostvars(count, site={"dockernet_networks": [dict(BOOK_NETWORK, internal=internal)]}))
    hosts = result["hosts"]
    subnets = [IPNetwork(host["networks"][0]["ipv6_subnet"]) for host in hosts.values()]
    _assert_disjoint_inside(
        subnets + [IPNetwork(host["address_pools_scope"][0]) for host in hosts.values()], IPNetwork(LAN)
    )
    _assert_disjoint_inside(subnets, network)
    assert len({subnet.prefixlen for subnet in subnets}) == 1
    for host, subnet in zip(hosts.values(), subnets):
        reachable = [host["address_pools_scope"][0]] + ([] if internal else [str(subnet)])
        assert host["owned_prefixes"] == host["proxy_prefixes"] == reachable
        assert host["internal_prefixes"] == ([str(subnet)] if internal else [])
    # An internal network's addresses are no source; a routable network's slices are, each whole.
    sources = [IPNetwork(source) for source in result["site_sources"]]
    overlapping = [source for source in sources if source.first <= network.last and network.first <= source.last]
    if internal:
        assert overlapping == []
    else:
        for subnet in subnets:
            assert any(source.first <= subnet.first and subnet.last <= source.last for source in overlapping)


@settings(max_examples=150, deadline=None)
@given(
    # Lengths near the limits (fixed-cidr-v6 /80 before 28.0, bridge and pool /124) come up often.
    prefixlen=st.one_of(st.integers(min_value=40, max_value=128), st.sampled_from([78, 79, 80, 81, 121, 122, 123])),
    pool_choice=st.one_of(
        st.none(),
        st.integers(min_value=2, max_value=124),
        st.tuples(st.just("around the base"), st.integers(min_value=-1, max_value=2)),
    ),
    engine=st.sampled_from([None, "26.1.5", "28.5.2"]),
)
def test_property_container_prefix_holds_the_bridge_and_the_pool(prefixlen, pool_choice, engine):
    pool_prefixlen = pool_choice
    if isinstance(pool_choice, tuple):
        # Relative to docker1's pool base (one longer than its container prefix), within 2..124.
        pool_prefixlen = min(max(prefixlen + 1 + pool_choice[1], 2), 124)
    override = str(IPNetwork(f"2001:db8:cd00::/{prefixlen}").cidr)
    hostvars = make_hostvars(
        2,
        site={
            "dockernet_site_mode": "routed",
            "dockernet_site_container_pool": "2001:db8:ee00::/56",
            "dockernet_site_pool_prefixlen": pool_prefixlen,
        },
        docker1={"dockernet_container_prefix": override, "dockernet_engine_version": engine},
    )
    expected = []
    if prefixlen + 2 > 124:
        expected.append("docker1: dockernet_container_prefix")
    else:
        if pool_prefixlen is not None and pool_prefixlen <= prefixlen + 1:
            expected.append("docker1: dockernet_site_pool_prefixlen")
        elif engine == "26.1.5" and pool_prefixlen is not None and pool_prefixlen - (prefixlen + 1) > 16:
            # Engines before 28.0 list every subnet of a pool: at most 2**16 of them.
            expected.append("docker1: dockernet_site_pool_prefixlen")
        if engine == "26.1.5" and prefixlen + 1 > 80:
            expected.append("docker1: dockernet_container_prefix")
    # docker2 takes a /64 from the pool: base /65, so any pool length above 65 fits it.
    if pool_prefixlen is not None and pool_prefixlen <= 65:
        expected.append("docker2: dockernet_site_pool_prefixlen")
    if expected:
        lines = errors(hostvars)
        assert sorted(line.split(": ")[0] + ": " + line.split(": ")[1] for line in lines) == sorted(expected)
        return
    result = plan(hostvars)
    docker1 = result["hosts"]["docker1"]
    assert docker1["address_pools_scope"][0] == override
    _assert_pool_layout(docker1, pool_prefixlen)
    _assert_pool_layout(result["hosts"]["docker2"], pool_prefixlen)
    assert docker1["raw_table_accept"] is (engine != "26.1.5")


def test_old_engines_refuse_pools_of_more_than_65536_networks():
    site = {"dockernet_site_pool_prefixlen": 84}
    hostvars = make_hostvars(2, site=site, docker2={"dockernet_engine_version": "26.1.5"})
    assert errors(hostvars) == [
        "docker2: dockernet_site_pool_prefixlen: Docker Engine 26.1.5 (before 28.0) lists every subnet of its address "
        "pools when it starts, and /84 subnets of 2001:db8:ab11:0:e000::/67 are 2**17 of them: use /83 or shorter, "
        "or upgrade the engine"
    ]
    site = {"dockernet_site_pool_prefixlen": 83}
    assert plan(make_hostvars(2, site=site, docker2={"dockernet_engine_version": "26.1.5"}))["hosts"]["docker2"][
        "address_pools"
    ] == [{"base": "2001:db8:ab11:0:e000::/67", "size": 83}]
    assert plan(
        make_hostvars(2, site={"dockernet_site_pool_prefixlen": 84}, docker2={"dockernet_engine_version": "28.5.2"})
    )
