# Copyright: dockernet.ipv6 contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

import json

import pytest

from ansible_collections.dockernet.ipv6.plugins.module_utils._host_info import (
    current_container_prefix,
    engine_networks,
    firewall_backend,
    interface_addresses,
    interface_names,
    live_restore_configured,
    ra_interfaces,
)
from ansible_collections.dockernet.ipv6.tests.unit.engine_outputs import INSPECT_26_1, NETWORKS_28_5

# `ip -j addr show` (iproute2 6.1) in a network namespace: lo, a veth with an address of finite lifetime (as
# SLAAC makes them) and one with a static address.
LINKS = json.loads("""[
 {"ifindex":1,"ifname":"lo","flags":["LOOPBACK"],"addr_info":[]},
 {"ifindex":2,"ifname":"hb","flags":["BROADCAST"],"addr_info":[
   {"family":"inet6","local":"2001:db8:ab11::2","prefixlen":64,"scope":"global","valid_life_time":4294967295}]},
 {"ifindex":3,"ifname":"ha","flags":["BROADCAST"],"addr_info":[
   {"family":"inet6","local":"2001:db8:ab11::5","prefixlen":64,"scope":"global","nodad":true,"dynamic":true,
    "valid_life_time":100,"preferred_life_time":100},
   {"family":"inet6","local":"fe80::1","prefixlen":64,"scope":"link","dynamic":true}]}
]""")


def test_interface_names_keep_the_kernel_order():
    assert interface_names(LINKS) == ['lo', 'hb', 'ha']


def test_a_dynamic_global_address_marks_the_link():
    assert ra_interfaces(LINKS, []) == ['ha']


def test_a_static_link_with_only_a_dynamic_link_local_address_does_not_count():
    links = [{'ifname': 'eth0', 'addr_info': [{'family': 'inet6', 'scope': 'link', 'dynamic': True}]}]
    assert ra_interfaces(links, []) == []


def test_a_route_learnt_from_an_advertisement_marks_its_link_once():
    routes = [
        {'dst': 'default', 'gateway': 'fe80::1', 'dev': 'hb', 'protocol': 'ra'},
        {'dst': '2001:db8:ab11::/64', 'dev': 'ha', 'protocol': 'ra'},
    ]
    assert ra_interfaces(LINKS, routes) == ['ha', 'hb']


@pytest.mark.parametrize(
    ("daemon_json", "backend"),
    [
        (None, None),
        ("", None),
        ("{\n}\n", None),
        ('{"ipv6": true, "firewall-backend": "nftables"}', "nftables"),
        ('{"firewall-backend": "iptables"}', "iptables"),
        ('{"firewall-backend": 1}', None),
        ("[]", None),
        ("{not json", None),
    ],
)
def test_firewall_backend_from_daemon_json(daemon_json, backend):
    assert firewall_backend(daemon_json) == backend


# `ip -j addr show` on a lab host (Debian trixie, iproute2 6.15.0), lo and eth0, plus a made-up link holding an
# address that failed duplicate address detection.
LAB_LINKS = json.loads("""[
{"ifindex":1,"ifname":"lo","flags":["LOOPBACK","UP","LOWER_UP"],"mtu":65536,"operstate":"UNKNOWN","addr_info":[
 {"family":"inet","local":"127.0.0.1","prefixlen":8,"scope":"host","label":"lo"},
 {"family":"inet6","local":"::1","prefixlen":128,"scope":"host","protocol":"kernel_lo"}]},
{"ifindex":3,"link_index":4,"ifname":"eth0","flags":["BROADCAST","MULTICAST","UP","LOWER_UP"],"addr_info":[
 {"family":"inet","local":"172.30.11.1","prefixlen":24,"broadcast":"172.30.11.255","scope":"global","label":"eth0"},
 {"family":"inet6","local":"2001:db8:ab11::1","prefixlen":64,"scope":"global","nodad":true},
 {"family":"inet6","local":"fe80::42:acff:fe1e:b01","prefixlen":64,"scope":"link","protocol":"kernel_ll"}]},
{"ifindex":4,"ifname":"dup0","flags":["BROADCAST"],"addr_info":[
 {"family":"inet6","local":"2001:db8:ab11::7","prefixlen":64,"scope":"global","dadfailed":true,"tentative":true}]}
]""")


def test_interface_addresses_keeps_ipv6_with_lengths_and_drops_failed_dad():
    assert interface_addresses(LAB_LINKS) == {
        'lo': ['::1/128'],
        'eth0': ['2001:db8:ab11::1/64', 'fe80::42:acff:fe1e:b01/64'],
        'dup0': [],
    }


# What the daemon role writes for the book's docker1 (container prefix 2001:db8:ab11:0:8000::/66).
ROLLED_OUT = json.dumps(
    {
        "ipv6": True,
        "fixed-cidr-v6": "2001:db8:ab11:0:8000::/67",
        "ip6tables": True,
        "default-address-pools": [
            {"base": "2001:db8:ab11:0:a000::/67", "size": 75},
            {"base": "172.17.0.0/16", "size": 16},
        ],
    }
)


@pytest.mark.parametrize(
    "daemon_json, prefix",
    [
        (ROLLED_OUT, "2001:db8:ab11:0:8000::/66"),
        # Only one half of a prefix: a hand-made file, not a rollout's.
        (json.dumps({"fixed-cidr-v6": "2001:db8:ab11:0:8000::/67"}), None),
        (
            json.dumps(
                {
                    "fixed-cidr-v6": "2001:db8:ab11:0:8000::/67",
                    "default-address-pools": [{"base": "2001:db8:ab11:0:c000::/67", "size": 75}],
                }
            ),
            None,
        ),
        # fixed-cidr-v6 as the upper half of its supernet cannot come from a rollout.
        (
            json.dumps(
                {
                    "fixed-cidr-v6": "2001:db8:ab11:0:a000::/67",
                    "default-address-pools": [{"base": "2001:db8:ab11:0:a000::/67", "size": 75}],
                }
            ),
            None,
        ),
        (json.dumps({"fixed-cidr-v6": "not a prefix"}), None),
        (json.dumps({"fixed-cidr-v6": "::/0"}), None),
        (json.dumps({"fixed-cidr-v6": "2001:db8:ab11:0:8000::/67", "default-address-pools": "oops"}), None),
        ("{broken", None),
        ("", None),
        (None, None),
    ],
)
def test_current_container_prefix(daemon_json, prefix):
    assert current_container_prefix(daemon_json) == prefix


@pytest.mark.parametrize(
    "daemon_json, expected",
    [
        (json.dumps({"live-restore": True}), True),
        (json.dumps({"live-restore": "true"}), False),
        (ROLLED_OUT, False),
        (None, False),
    ],
)
def test_live_restore_configured(daemon_json, expected):
    assert live_restore_configured(daemon_json) is expected


def test_engine_networks_from_a_recorded_inspect():
    assert engine_networks(INSPECT_26_1) == {
        "bridge": {"enable_ipv6": True, "ipv6_subnets": ["2001:db8:ab11:0:8000::/67"], "containers": ["web-b"]},
        "ipv6_bridge": {"enable_ipv6": True, "ipv6_subnets": ["2001:db8:ab11:0:4000::/68"], "containers": ["web-n"]},
    }


def test_engine_networks_of_the_list_endpoint_have_no_containers():
    found = engine_networks(NETWORKS_28_5)
    assert found["relc_back"] == {"enable_ipv6": True, "ipv6_subnets": ["fd17:e864:e155::/64"], "containers": []}
    assert found["bridge"]["ipv6_subnets"] == [] and found["none"]["enable_ipv6"] is False


# Objects of the `ip -j` output that are not links, or links without a name, are skipped, and the links after them
# still count.
ODD_LINKS = [
    'not a link',
    {'ifindex': 7, 'addr_info': [{'family': 'inet6', 'local': '2001:db8:ab11::8', 'scope': 'global', 'dynamic': True}]},
    {
        'ifname': 'eth0',
        'addr_info': [{'family': 'inet6', 'local': '2001:db8:ab11::9', 'scope': 'global', 'dynamic': True}],
    },
]


def test_interface_names_skip_objects_that_are_no_named_link():
    assert interface_names(ODD_LINKS) == ['eth0']


def test_interface_addresses_skip_objects_that_are_no_named_link():
    assert interface_addresses(ODD_LINKS) == {'eth0': ['2001:db8:ab11::9/128']}


def test_an_address_without_a_length_is_a_single_address():
    links = [{'ifname': 'eth0', 'addr_info': [{'family': 'inet6', 'local': '2001:db8:ab11::9'}]}]
    assert interface_addresses(links) == {'eth0': ['2001:db8:ab11::9/128']}


def test_ra_interfaces_skip_objects_that_are_no_link():
    assert ra_interfaces(ODD_LINKS, []) == ['eth0']


@pytest.mark.parametrize("daemon_json", ["[]", "true", '"live-restore"', "1"])
def test_a_daemon_json_that_is_no_object_sets_nothing(daemon_json):
    assert live_restore_configured(daemon_json) is False
    assert current_container_prefix(daemon_json) is None


def test_pool_entries_that_are_no_pool_are_skipped():
    daemon_json = json.dumps(
        {
            "fixed-cidr-v6": "2001:db8:ab11:0:8000::/67",
            "default-address-pools": [
                "2001:db8:ab11:0:a000::/67",
                {"base": "not a prefix", "size": 75},
                {"size": 75},
                {"base": "2001:db8:ab11:0:a000::/67", "size": 75},
            ],
        }
    )
    assert current_container_prefix(daemon_json) == "2001:db8:ab11:0:8000::/66"


def test_engine_networks_skip_what_is_no_named_network_and_odd_ipam_entries():
    inspected = [
        "not a network",
        {"Name": "", "EnableIPv6": True},
        {"EnableIPv6": True},
        {
            "Name": "v6net",
            "EnableIPv6": True,
            "IPAM": {"Config": [None, "2001:db8:cd11::/64", {"Subnet": "2001:db8:cd11::/64"}]},
            "Containers": {"0123456789abcdef0123": {}, "fedcba9876543210fedc": "not a member"},
        },
    ]
    assert engine_networks(inspected) == {
        "v6net": {"enable_ipv6": True, "ipv6_subnets": ["2001:db8:cd11::/64"], "containers": ["0123456789ab"]}
    }
