# Copyright: dockernet.ipv6 contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Unit tests of the docker_network logic written from the mutants that test__docker_network.py let survive.

Each test checks whole results: every refusal word for word, whole create bodies, summaries and diffs. The inspect
output is the lab's recordings of test__docker_network.py and engine_outputs.py, and shapes that engines are
known to report (quoted where each is used).
"""

from __future__ import annotations

import json

import pytest

from ansible_collections.dockernet.ipv6.plugins.module_utils import _docker_network as netlogic
from ansible_collections.dockernet.ipv6.tests.unit.engine_outputs import INSPECT_26_1, NETWORKS_28_5
from ansible_collections.dockernet.ipv6.tests.unit.plugins.module_utils.test__docker_network import (
    BOOK_PARAMS,
    CTR_26_DYN1,
    CTR_26_STOPPED1,
    CTR_26_WEB1,
    NET_26_BOOK,
    NET_26_FULL6,
    NET_28_BOOK,
    NET_28_V6ONLY,
    book_attachments,
    wanted,
)

RELC_BACK = next(network for network in NETWORKS_28_5 if network["Name"] == "relc_back")

# 27.x and 28.0 until the daemon restarts (moby/moby#49520): `docker network create --ipv6 b46` without a subnet
# reports the engine-picked IPv6 gateway with its prefix length.
NET_27_B46 = json.loads("""
{"Name": "b46", "Id": "3f0a5c1f2b7e4d8c9a6b5e4d3c2b1a0f9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b", "Scope": "local",
 "Driver": "bridge", "EnableIPv4": true, "EnableIPv6": true,
 "IPAM": {"Driver": "default", "Options": {}, "Config": [{"Subnet": "172.19.0.0/16", "Gateway": "172.19.0.1"},
                                                        {"Subnet": "fdcf:eadc:be2c::/64", "Gateway": "fdcf:eadc:be2c::1/64"}]},
 "Internal": false, "Attachable": false, "Options": {}, "Labels": {}}
""")

# Engines before 25.0 (moby/moby#45759 added the check) took subnets and ranges with host bits set (docker/for-linux#170)
# and report them as given:
# `docker network create --subnet 172.20.0.1/16 --ip-range 172.20.5.1/24 old24` on 24.0.
NET_24_HOST_BITS = json.loads("""
{"Name": "old24", "Id": "5e1d2c3b4a59687f0e1d2c3b4a59687f0e1d2c3b4a59687f0e1d2c3b4a59687f", "Scope": "local",
 "Driver": "bridge", "EnableIPv6": false,
 "IPAM": {"Driver": "default", "Options": {}, "Config": [{"Subnet": "172.20.0.1/16", "IPRange": "172.20.5.1/24",
                                                         "Gateway": "172.20.0.1"}]},
 "Internal": false, "Attachable": false, "Options": {}, "Labels": {}}
""")

# An attachable ipvlan network whose addresses come from an IPAM plugin with options of its own.
NET_PLUGIN_IPAM = {
    "Name": "lab_l2",
    "Driver": "ipvlan",
    "EnableIPv6": True,
    "Internal": False,
    "Attachable": True,
    "IPAM": {
        "Driver": "example/ipam",
        "Options": {"pool": "lab"},
        "Config": [{"Subnet": "2001:db8:ab11:1::/64", "Gateway": "2001:db8:ab11:1::1"}],
    },
    "Options": {"parent": "eth1", "ipvlan_mode": "l2"},
    "Labels": {},
}


def refusal(**params):
    with pytest.raises(netlogic.InvalidNetworkSpec) as caught:
        wanted(**params)
    return str(caught.value)


# --------------------------------------------------------------------------- normalising the task


@pytest.mark.parametrize(
    "params, message",
    [
        ({"ipam_config": [{"subnet": ""}]}, "every ipam_config entry needs a subnet"),
        ({"ipam_config": [{"gateway": "172.31.0.1"}]}, "every ipam_config entry needs a subnet"),
        ({"ipam_config": [{"subnet": "2001:db8:zz::/64"}]}, "subnet '2001:db8:zz::/64' is not an IPv4 or IPv6 prefix"),
        (
            {"ipam_config": [{"subnet": "2001:db8:ab11:0:4000::1/67"}]},
            "subnet '2001:db8:ab11:0:4000::1/67' has host bits set; did you mean 2001:db8:ab11:0:4000::/67?",
        ),
        (
            {"ipam_config": [{"subnet": "2001:db8:cd11::/64", "gateway": "nonsense"}]},
            "gateway 'nonsense' is not an IPv4 or IPv6 address",
        ),
        (
            {"ipam_config": [{"subnet": "2001:db8:cd11::/64", "gateway": "2001:db8:ef11::1"}]},
            "gateway 2001:db8:ef11::1 is not in subnet 2001:db8:cd11::/64",
        ),
        (
            {"ipam_config": [{"subnet": "2001:db8:cd11::/64", "ip_range": "2001:db8:cd11::1/80"}]},
            "ip_range '2001:db8:cd11::1/80' of subnet 2001:db8:cd11::/64 is not a valid prefix"
            " (2001:db8:cd11::1/80 has host bits set)",
        ),
        (
            {"ipam_config": [{"subnet": "2001:db8:cd11::/64", "ip_range": "upper half"}]},
            "ip_range 'upper half' of subnet 2001:db8:cd11::/64 is not a valid prefix"
            " ('upper half' does not appear to be an IPv4 or IPv6 network)",
        ),
        (
            {"ipam_config": [{"subnet": "2001:db8:cd11::/64", "ip_range": "2001:db8:ef11::/80"}]},
            "ip_range 2001:db8:ef11::/80 is not inside subnet 2001:db8:cd11::/64",
        ),
        (
            {"ipam_config": [{"subnet": "2001:db8:cd11::/64", "ip_range": "10.0.0.0/24"}]},
            "ip_range 10.0.0.0/24 is not inside subnet 2001:db8:cd11::/64",
        ),
        (
            {"ipam_config": [{"subnet": "2001:db8:cd11::/64", "aux_addresses": {"router": "2001:db8:cd11::/64"}}]},
            "aux_addresses[router] '2001:db8:cd11::/64' is a prefix; give a single IPv4 or IPv6 address"
            " (without /length)",
        ),
        (
            {"ipam_config": [{"subnet": "2001:db8:cd11::/64", "aux_addresses": {"r": "2001:db8:ef11::2"}}]},
            "aux_addresses[r] 2001:db8:ef11::2 is not in subnet 2001:db8:cd11::/64",
        ),
        (
            {"ipam_config": [{"subnet": "2001:db8:cd11::/64"}, {"subnet": "2001:db8:cd11::/80"}]},
            "subnets 2001:db8:cd11::/64 and 2001:db8:cd11::/80 overlap",
        ),
        (
            {"enable_ipv6": False, "ipam_config": [{"subnet": "2001:db8:cd11::/64"}]},
            "enable_ipv6 is false but ipam_config has IPv6 subnets",
        ),
        (
            {"enable_ipv4": False, "ipam_config": [{"subnet": "172.31.0.0/24"}, {"subnet": "2001:db8:cd11::/64"}]},
            "enable_ipv4 is false but ipam_config has IPv4 subnets",
        ),
        (
            {"enable_ipv4": False},
            "enable_ipv4: false (an IPv6-only network) needs enable_ipv6: true or an IPv6 subnet",
        ),
        (
            {"driver_options": {"com.docker.network.bridge.gateway_mode_ipv4": "nat-protected"}},
            "driver option com.docker.network.bridge.gateway_mode_ipv4=nat-protected: the gateway mode must be one of"
            " isolated, nat, nat-unprotected, routed",
        ),
    ],
)
def test_every_refusal_of_the_task_is_a_whole_sentence(params, message):
    assert refusal(**params) == message


def test_true_driver_options_and_labels_become_the_engines_true():
    spec = wanted(
        driver_options={"com.docker.network.bridge.enable_ip_masquerade": True},
        labels={"exposed": True, "legacy": False},
    )
    assert spec["driver_options"] == {"com.docker.network.bridge.enable_ip_masquerade": "true"}
    assert spec["labels"] == {"exposed": "true", "legacy": "false"}


def test_the_driver_is_the_tasks_and_bridge_when_unset():
    assert netlogic.normalise_wanted({"name": "lab_l2", "driver": "ipvlan"}) == {
        "name": "lab_l2",
        "driver": "ipvlan",
        "driver_options": None,
        "ipam_driver": None,
        "ipam_driver_options": None,
        "ipam_config": None,
        "enable_ipv6": None,
        "enable_ipv4": None,
        "internal": None,
        "attachable": None,
        "labels": None,
    }
    assert netlogic.normalise_wanted({"name": "plain", "driver": None})["driver"] == "bridge"


# --------------------------------------------------------------------------- create and restore bodies


def test_create_body_names_the_ipam_driver_of_the_task():
    spec = wanted(
        name="lab_l2",
        driver="ipvlan",
        attachable=True,
        driver_options={"parent": "eth1", "ipvlan_mode": "l2"},
        ipam_driver="example/ipam",
        ipam_driver_options={"pool": "lab"},
        ipam_config=[{"subnet": "2001:db8:ab11:1::/64", "gateway": "2001:db8:ab11:1::1"}],
    )
    assert netlogic.create_body(spec, (1, 51)) == {
        "Name": "lab_l2",
        "Driver": "ipvlan",
        "Options": {"parent": "eth1", "ipvlan_mode": "l2"},
        "IPAM": {
            "Driver": "example/ipam",
            "Options": {"pool": "lab"},
            "Config": [{"Subnet": "2001:db8:ab11:1::/64", "Gateway": "2001:db8:ab11:1::1"}],
        },
        "EnableIPv6": True,
        "Attachable": True,
    }


def test_restore_body_of_a_28_ipv6_only_network_keeps_ipv4_off():
    assert netlogic.restore_body(NET_28_V6ONLY) == {
        "Name": "v6only",
        "Driver": "bridge",
        "EnableIPv6": True,
        "EnableIPv4": False,
        "Internal": False,
        "Attachable": False,
        "Options": {"com.docker.network.bridge.gateway_mode_ipv6": "routed"},
        "IPAM": {"Driver": "default", "Config": [{"Subnet": "2001:db8:ef11::/64"}]},
    }


def test_restore_body_of_a_28_dual_stack_network_sends_ipv4_on():
    assert netlogic.restore_body(NET_28_BOOK) == {
        "Name": "ipv6_bridge",
        "Driver": "bridge",
        "EnableIPv6": True,
        "EnableIPv4": True,
        "Internal": False,
        "Attachable": False,
        "IPAM": {"Driver": "default", "Config": [{"Subnet": "172.31.0.0/24"}, {"Subnet": "2001:db8:ab11:0:4000::/67"}]},
    }


def test_restore_body_of_an_internal_network_keeps_it_internal():
    assert netlogic.restore_body(RELC_BACK) == {
        "Name": "relc_back",
        "Driver": "bridge",
        "EnableIPv6": True,
        "Internal": True,
        "Attachable": False,
        "IPAM": {
            "Driver": "default",
            "Config": [
                {"Subnet": "172.18.0.0/16", "Gateway": "172.18.0.1"},
                {"Subnet": "fd17:e864:e155::/64", "Gateway": "fd17:e864:e155::1"},
            ],
        },
    }


def test_restore_body_keeps_the_driver_the_ipam_plugin_and_its_options():
    assert netlogic.restore_body(NET_PLUGIN_IPAM) == {
        "Name": "lab_l2",
        "Driver": "ipvlan",
        "EnableIPv6": True,
        "Internal": False,
        "Attachable": True,
        "Options": {"parent": "eth1", "ipvlan_mode": "l2"},
        "IPAM": {
            "Driver": "example/ipam",
            "Options": {"pool": "lab"},
            "Config": [{"Subnet": "2001:db8:ab11:1::/64", "Gateway": "2001:db8:ab11:1::1"}],
        },
    }


def test_restore_body_of_a_record_without_drivers_uses_the_engines_defaults():
    assert netlogic.restore_body({"Name": "trimmed", "IPAM": None}) == {
        "Name": "trimmed",
        "Driver": "bridge",
        "EnableIPv6": False,
        "Internal": False,
        "Attachable": False,
        "IPAM": {"Driver": "default", "Config": []},
    }


# --------------------------------------------------------------------------- summaries


def test_summary_of_an_attachable_network_with_an_ipam_plugin():
    assert netlogic.summarise(NET_PLUGIN_IPAM) == {
        "name": "lab_l2",
        "driver": "ipvlan",
        "driver_options": {"parent": "eth1", "ipvlan_mode": "l2"},
        "ipam_driver": "example/ipam",
        "ipam_driver_options": {"pool": "lab"},
        "ipam_config": [{"subnet": "2001:db8:ab11:1::/64", "gateway": "2001:db8:ab11:1::1"}],
        "enable_ipv6": True,
        "enable_ipv4": True,
        "internal": False,
        "attachable": True,
        "labels": {},
    }


def test_summary_of_a_record_without_ipam_driver_says_default():
    # host_info's trimmed 26.1 record has no IPAM Driver.
    assert netlogic.summarise(INSPECT_26_1[1]) == {
        "name": "ipv6_bridge",
        "driver": "bridge",
        "driver_options": {},
        "ipam_driver": "default",
        "ipam_driver_options": {},
        "ipam_config": [{"subnet": "172.31.0.0/24"}, {"subnet": "2001:db8:ab11:0:4000::/68"}],
        "enable_ipv6": True,
        "enable_ipv4": True,
        "internal": False,
        "attachable": False,
        "labels": {},
    }


def test_a_gateway_reported_with_its_prefix_length_is_read_as_an_address():
    assert netlogic.summarise(NET_27_B46)["ipam_config"] == [
        {"subnet": "172.19.0.0/16", "gateway": "172.19.0.1"},
        {"subnet": "fdcf:eadc:be2c::/64", "gateway": "fdcf:eadc:be2c::1"},
    ]
    spec = wanted(
        name="b46", enable_ipv6=True, ipam_config=[{"subnet": "fdcf:eadc:be2c::/64", "gateway": "fdcf:eadc:be2c::1"}]
    )
    assert netlogic.compare(spec, netlogic.summarise(NET_27_B46)) == []


def test_subnets_and_ranges_with_host_bits_from_old_engines_are_read_as_prefixes():
    assert netlogic.summarise(NET_24_HOST_BITS)["ipam_config"] == [
        {"subnet": "172.20.0.0/16", "gateway": "172.20.0.1", "ip_range": "172.20.5.0/24"}
    ]


def test_an_ipam_entry_without_subnet_is_skipped_and_the_ones_after_it_are_read():
    network = dict(
        NET_26_BOOK,
        IPAM={"Driver": "default", "Options": {}, "Config": [{}, {"Subnet": "172.31.0.0/24"}, {"Subnet": ""}]},
    )
    assert netlogic.summarise(network)["ipam_config"] == [{"subnet": "172.31.0.0/24"}]


# --------------------------------------------------------------------------- comparing and the diff


def test_another_driver_is_a_difference():
    assert netlogic.compare(wanted(name="full6", driver="ipvlan"), netlogic.summarise(NET_26_FULL6)) == [
        {"parameter": "driver", "have": "bridge", "want": "ipvlan"}
    ]


def test_another_ipam_driver_is_a_difference_and_the_same_one_is_not():
    current = netlogic.summarise(NET_26_FULL6)
    assert netlogic.compare(wanted(name="full6", ipam_driver="example/ipam"), current) == [
        {"parameter": "ipam_driver", "have": "default", "want": "example/ipam"}
    ]
    assert netlogic.compare(wanted(name="full6", ipam_driver="default"), current) == []


def test_subnets_of_both_families_that_moved_are_both_differences():
    moved = wanted(ipam_config=[{"subnet": "172.31.1.0/24"}, {"subnet": "2001:db8:ab11:0:6000::/67"}])
    assert netlogic.compare(moved, netlogic.summarise(NET_26_BOOK)) == [
        {"parameter": "ipam_config (IPv4 subnets)", "have": ["172.31.0.0/24"], "want": ["172.31.1.0/24"]},
        {
            "parameter": "ipam_config (IPv6 subnets)",
            "have": ["2001:db8:ab11:0:4000::/67"],
            "want": ["2001:db8:ab11:0:6000::/67"],
        },
    ]


def test_after_of_a_new_network_with_nothing_set_is_the_engines_defaults():
    assert netlogic.project_after(netlogic.normalise_wanted({"name": "plain"}), {}) == {
        "name": "plain",
        "driver": "bridge",
        "driver_options": {},
        "ipam_driver": "default",
        "ipam_driver_options": {},
        "ipam_config": [],
        "enable_ipv6": False,
        "enable_ipv4": True,
        "internal": False,
        "attachable": False,
        "labels": {},
    }


def test_after_adds_the_tasks_labels_and_pool_keys_to_what_the_network_has():
    current = netlogic.summarise(NET_26_FULL6)
    spec = wanted(
        name="full6",
        labels={"tier": "web"},
        ipam_config=[{"subnet": "2001:db8:ef11::/64", "aux_addresses": {"r2": "2001:db8:ef11::3"}}],
    )
    after = netlogic.project_after(spec, current)
    assert after["labels"] == {"team": "net", "tier": "web"}
    assert after["driver_options"] == {"com.docker.network.bridge.gateway_mode_ipv6": "routed"}
    assert after["ipam_config"] == [
        {"subnet": "172.19.0.0/16", "gateway": "172.19.0.1"},
        {
            "subnet": "2001:db8:ef11::/64",
            "ip_range": "2001:db8:ef11::8000/113",
            "gateway": "2001:db8:ef11::fffe",
            "aux_addresses": {"r2": "2001:db8:ef11::3"},
        },
    ]


# --------------------------------------------------------------------------- overlaps with other networks


def test_overlaps_are_found_after_an_entry_without_subnet_and_with_host_bits_of_old_engines():
    spec = wanted(ipam_config=[{"subnet": "172.20.5.0/24"}])
    without_subnet_first = dict(
        NET_26_FULL6, IPAM={"Driver": "default", "Config": [{}, {"Subnet": "172.20.0.0/16", "Gateway": "172.20.0.1"}]}
    )
    assert netlogic.overlapping_networks(spec, [without_subnet_first, NET_24_HOST_BITS]) == [
        "subnet 172.20.5.0/24 overlaps 172.20.0.0/16 of network full6",
        "subnet 172.20.5.0/24 overlaps 172.20.0.0/16 of network old24",
    ]


# --------------------------------------------------------------------------- attached containers


def test_an_endpoint_is_found_by_network_id_under_another_key():
    # moby/moby#46404: with `--network <id>` and `--ip`, engines kept the endpoint settings under the network's ID as
    # well as under its name; here the ID's key is the only one.
    container = json.loads(json.dumps(CTR_26_WEB1))
    endpoint = container["NetworkSettings"]["Networks"].pop("ipv6_bridge")
    container["NetworkSettings"]["Networks"]["89aa25380dbe"] = endpoint
    # The same attachment as under the network's name (test__docker_network.py checks that one whole).
    by_name = netlogic.attachment(CTR_26_WEB1, NET_26_BOOK["Id"], "ipv6_bridge")
    assert by_name["ipv6_address"] == "2001:db8:ab11:0:4000::10"
    assert netlogic.attachment(container, NET_26_BOOK["Id"], "ipv6_bridge") == by_name


def test_only_the_leading_slash_is_taken_off_a_container_name():
    container = dict(CTR_26_DYN1, Name="/Xvfb")
    assert netlogic.attachment(container, NET_26_BOOK["Id"], "ipv6_bridge")["container"] == "Xvfb"


def test_a_record_without_name_or_id_gives_empty_ones():
    container = {"NetworkSettings": {"Networks": {"ipv6_bridge": {"Aliases": ["web"]}}}}
    assert netlogic.attachment(container, NET_26_BOOK["Id"], "ipv6_bridge") == {
        "container": "",
        "container_id": "",
        "running": False,
        "aliases": ["web"],
        "ipv4_address": None,
        "ipv6_address": None,
        "link_local_ips": [],
        "driver_opts": {},
    }


def stopped1(**addresses):
    entry = netlogic.attachment(CTR_26_STOPPED1, NET_26_BOOK["Id"], "ipv6_bridge")
    return dict(entry, **{"ipv4_address": None, "ipv6_address": None, **addresses})


def test_an_address_that_does_not_parse_is_not_kept():
    _reconnect, not_kept = netlogic.plan_reconnections(
        [stopped1(ipv6_address="2001:db8:ab11:0:4000::zz")], netlogic.normalise_wanted(BOOK_PARAMS)
    )
    assert not_kept == [{"container": "stopped1", "address": "2001:db8:ab11:0:4000::zz", "reason": "not an IP address"}]


def test_an_address_of_a_family_without_subnet_in_the_task_is_not_kept():
    _reconnect, not_kept = netlogic.plan_reconnections(
        [stopped1(ipv6_address="2001:db8:ab11:0:4000::20")], wanted(enable_ipv6=True)
    )
    assert not_kept == [
        {
            "container": "stopped1",
            "address": "2001:db8:ab11:0:4000::20",
            "reason": "the new network has no IPv6 subnet in ipam_config; the engine accepts static addresses only"
            " in subnets the network was created with",
        }
    ]


def test_both_addresses_of_a_31_are_usable():
    # A /31 (RFC 3021) has no network or broadcast address: the one that is not the gateway is kept.
    _reconnect, not_kept = netlogic.plan_reconnections(
        [stopped1(ipv4_address="172.31.0.20")], wanted(ipam_config=[{"subnet": "172.31.0.20/31"}])
    )
    assert not_kept == []
    _reconnect, not_kept = netlogic.plan_reconnections(
        [stopped1(ipv4_address="172.31.0.21")],
        wanted(ipam_config=[{"subnet": "172.31.0.20/31", "gateway": "172.31.0.20"}]),
    )
    assert not_kept == []


def test_an_address_outside_every_new_subnet_names_them_all():
    spec = wanted(ipam_config=[{"subnet": "172.31.1.0/24"}, {"subnet": "172.31.2.0/24"}])
    _reconnect, not_kept = netlogic.plan_reconnections([stopped1(ipv4_address="172.31.0.20")], spec)
    assert not_kept == [
        {
            "container": "stopped1",
            "address": "172.31.0.20",
            "reason": "not in the new IPv4 subnets (172.31.1.0/24, 172.31.2.0/24)",
        }
    ]


def test_a_container_with_only_a_static_ipv4_address_is_reconnected_first():
    dyn1 = book_attachments()[2]
    reconnect, not_kept = netlogic.plan_reconnections(
        [dyn1, stopped1(ipv4_address="172.31.0.20")], netlogic.normalise_wanted(BOOK_PARAMS)
    )
    assert not_kept == []
    assert [(entry["container"], entry["ipv4_address"]) for entry in reconnect] == [
        ("stopped1", "172.31.0.20"),
        ("dyn1", None),
    ]
