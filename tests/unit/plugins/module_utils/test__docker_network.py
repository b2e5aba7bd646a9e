# Copyright: dockernet.ipv6 contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Unit tests of the docker_network logic against inspect output recorded from real engines.

NET_26_* and CTR_26_* were captured with ``docker network inspect`` / ``docker inspect`` on Debian trixie's
docker.io 26.1.5 (API 1.45) in the lab; NET_28_* and CTR_28_* on Debian forky's 28.5.2 (API 1.51). Container inspect
output is trimmed to the fields the module reads.
"""

from __future__ import annotations

import ipaddress
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ansible_collections.dockernet.ipv6.plugins.module_utils import _docker_network as netlogic
from ansible_collections.dockernet.ipv6.plugins.module_utils._docker_engine import format_version, parse_version
from ansible_collections.dockernet.ipv6.tests.unit.engine_outputs import NETWORKS_28_5

# docker network create -d bridge --ipv6 --subnet 2001:db8:ab11:0:4000::/67 --subnet 172.31.0.0/24 ipv6_bridge
# (26.1 lists no Gateway for subnets given without one, though it uses the first address.)
NET_26_BOOK = json.loads("""
{"Name": "ipv6_bridge", "Id": "89aa25380dbea3bac0d11ae9f09cd53430e3e3e877645195136db23c301cdc8a",
 "Created": "2026-11-28T04:34:15.498304833Z", "Scope": "local", "Driver": "bridge", "EnableIPv6": true,
 "IPAM": {"Driver": "default", "Options": {}, "Config": [{"Subnet": "172.31.0.0/24"},
                                                        {"Subnet": "2001:db8:ab11:0:4000::/67"}]},
 "Internal": false, "Attachable": false, "Ingress": false, "ConfigFrom": {"Network": ""}, "ConfigOnly": false,
 "Containers": {
   "8d1e505b229cced066bd80a1e9095120c4d9af8e36369a08d99168677bf1e63e": {
     "Name": "web1", "EndpointID": "afa00cfd7887b869438bb0d15a627467b8ab943ad63be3e484644b19b8bcad85",
     "MacAddress": "02:42:ac:1f:00:02", "IPv4Address": "172.31.0.2/24", "IPv6Address": "2001:db8:ab11:0:4000::10/67"},
   "9347f5e831df7f34fe38246689e4bbad815aaca7ca8fa85f3e96137fd845aa4c": {
     "Name": "dyn1", "EndpointID": "47caa6868bf9eac7e9b88cd02cbe5cd2dab529dbf02c57c481905e3e7b22e207",
     "MacAddress": "02:42:ac:1f:00:03", "IPv4Address": "172.31.0.3/24", "IPv6Address": "2001:db8:ab11:0:4000::2/67"}},
 "Options": {}, "Labels": {}}
""")

# docker network create --ipv6 --subnet 2001:db8:cd11::/64 v6given: the engine adds an IPv4 subnet.
NET_26_V6_GIVEN = json.loads("""
{"Name": "v6given", "Id": "0caf8b74dee28275307ca51f97ab6f7b4df2022718462dd6e39ed97ea22acf77",
 "Created": "2026-11-28T04:34:15.740888404Z", "Scope": "local", "Driver": "bridge", "EnableIPv6": true,
 "IPAM": {"Driver": "default", "Options": {}, "Config": [{"Subnet": "2001:db8:cd11::/64"},
                                                        {"Subnet": "172.18.0.0/16", "Gateway": "172.18.0.1"}]},
 "Internal": false, "Attachable": false, "Ingress": false, "ConfigFrom": {"Network": ""}, "ConfigOnly": false,
 "Containers": {}, "Options": {}, "Labels": {}}
""")

# docker network create --ipv6 --subnet 2001:db8:ef11::/64 --gateway 2001:db8:ef11::fffe
#   --ip-range 2001:db8:ef11::8000/113 --aux-address r1=2001:db8:ef11::2
#   -o com.docker.network.bridge.gateway_mode_ipv6=routed --label team=net full6
NET_26_FULL6 = json.loads("""
{"Name": "full6", "Id": "e5b86ed012b024e44b045c0b0daaac11f4745cfec13b6a84fc9e98f342b6d6e6",
 "Created": "2026-11-28T04:34:15.968213077Z", "Scope": "local", "Driver": "bridge", "EnableIPv6": true,
 "IPAM": {"Driver": "default", "Options": {}, "Config": [
   {"Subnet": "2001:db8:ef11::/64", "IPRange": "2001:db8:ef11::8000/113", "Gateway": "2001:db8:ef11::fffe",
    "AuxiliaryAddresses": {"r1": "2001:db8:ef11::2"}},
   {"Subnet": "172.19.0.0/16", "Gateway": "172.19.0.1"}]},
 "Internal": false, "Attachable": false, "Ingress": false, "ConfigFrom": {"Network": ""}, "ConfigOnly": false,
 "Containers": {}, "Options": {"com.docker.network.bridge.gateway_mode_ipv6": "routed"}, "Labels": {"team": "net"}}
""")

# docker run -d --name web1 --network ipv6_bridge --ip6 2001:db8:ab11:0:4000::10 --network-alias web busybox
CTR_26_WEB1 = json.loads("""
{"Id": "8d1e505b229cced066bd80a1e9095120c4d9af8e36369a08d99168677bf1e63e", "Name": "/web1",
 "State": {"Status": "running", "Running": true},
 "NetworkSettings": {"Networks": {"ipv6_bridge": {
   "IPAMConfig": {"IPv6Address": "2001:db8:ab11:0:4000::10"}, "Links": null, "Aliases": ["web"],
   "MacAddress": "02:42:ac:1f:00:02",
   "NetworkID": "89aa25380dbea3bac0d11ae9f09cd53430e3e3e877645195136db23c301cdc8a",
   "EndpointID": "afa00cfd7887b869438bb0d15a627467b8ab943ad63be3e484644b19b8bcad85",
   "Gateway": "172.31.0.1", "IPAddress": "172.31.0.2", "IPPrefixLen": 24,
   "IPv6Gateway": "2001:db8:ab11:0:4000::1", "GlobalIPv6Address": "2001:db8:ab11:0:4000::10",
   "GlobalIPv6PrefixLen": 67, "DriverOpts": null, "DNSNames": ["web1", "web", "8d1e505b229c"]}}}}
""")

# docker create --name stopped1 --network ipv6_bridge --ip 172.31.0.20 --ip6 2001:db8:ab11:0:4000::20 busybox
# A stopped container has an empty NetworkID: only the key names the network.
CTR_26_STOPPED1 = json.loads("""
{"Id": "4a57ea1a9b4108cfa159ac8d9f37e2a5701336baa414af825b7942ef1aeb7494", "Name": "/stopped1",
 "State": {"Status": "created", "Running": false},
 "NetworkSettings": {"Networks": {"ipv6_bridge": {
   "IPAMConfig": {"IPv4Address": "172.31.0.20", "IPv6Address": "2001:db8:ab11:0:4000::20"},
   "Links": null, "Aliases": null, "MacAddress": "", "NetworkID": "", "EndpointID": "", "Gateway": "",
   "IPAddress": "", "IPPrefixLen": 0, "IPv6Gateway": "", "GlobalIPv6Address": "", "GlobalIPv6PrefixLen": 0,
   "DriverOpts": null, "DNSNames": null}}}}
""")

# docker run -d --name dyn1 --network ipv6_bridge busybox: addresses from the engine, no IPAMConfig.
CTR_26_DYN1 = json.loads("""
{"Id": "9347f5e831df7f34fe38246689e4bbad815aaca7ca8fa85f3e96137fd845aa4c", "Name": "/dyn1",
 "State": {"Status": "running", "Running": true},
 "NetworkSettings": {"Networks": {"ipv6_bridge": {
   "IPAMConfig": null, "Links": null, "Aliases": null, "MacAddress": "02:42:ac:1f:00:03",
   "NetworkID": "89aa25380dbea3bac0d11ae9f09cd53430e3e3e877645195136db23c301cdc8a",
   "EndpointID": "47caa6868bf9eac7e9b88cd02cbe5cd2dab529dbf02c57c481905e3e7b22e207",
   "Gateway": "172.31.0.1", "IPAddress": "172.31.0.3", "IPPrefixLen": 24,
   "IPv6Gateway": "2001:db8:ab11:0:4000::1", "GlobalIPv6Address": "2001:db8:ab11:0:4000::2",
   "GlobalIPv6PrefixLen": 67, "DriverOpts": null, "DNSNames": ["dyn1", "9347f5e831df"]}}}}
""")

# 28.5: docker network create --ipv6 --ipv4=false --subnet 2001:db8:ef11::/64
#   -o com.docker.network.bridge.gateway_mode_ipv6=routed v6only
NET_28_V6ONLY = json.loads("""
{"Name": "v6only", "Id": "7d3043a7954ed9187a89244d3bb0a1c8c102780625691ac9f29581b095847497",
 "Created": "2026-11-28T04:46:29.785782934Z", "Scope": "local", "Driver": "bridge", "EnableIPv4": false,
 "EnableIPv6": true, "IPAM": {"Driver": "default", "Options": {}, "Config": [{"Subnet": "2001:db8:ef11::/64"}]},
 "Internal": false, "Attachable": false, "Ingress": false, "ConfigFrom": {"Network": ""}, "ConfigOnly": false,
 "Containers": {}, "Options": {"com.docker.network.bridge.gateway_mode_ipv6": "routed"}, "Labels": {}}
""")

# 28.5: the book's ipv6_bridge; EnableIPv4 is reported, MACs are random.
NET_28_BOOK = json.loads("""
{"Name": "ipv6_bridge", "Id": "ba96d18ac76cdeaba3ddacfd8dab8b0f9715b88ffaa18e1e13e80eff9c6bed59",
 "Created": "2026-11-28T04:46:30.255397472Z", "Scope": "local", "Driver": "bridge", "EnableIPv4": true,
 "EnableIPv6": true, "IPAM": {"Driver": "default", "Options": {}, "Config": [{"Subnet": "172.31.0.0/24"},
                                                                           {"Subnet": "2001:db8:ab11:0:4000::/67"}]},
 "Internal": false, "Attachable": false, "Ingress": false, "ConfigFrom": {"Network": ""}, "ConfigOnly": false,
 "Containers": {"9ff9e98893d110163962a778c00279a7c14f77e96d3480fae0b9559485f463fe": {
   "Name": "web1", "EndpointID": "9d6bae416f9b64fd4e7ab11581642db876a725a39d3979dd08e49a4d7482fbdd",
   "MacAddress": "c6:c0:ce:58:b2:19", "IPv4Address": "172.31.0.2/24", "IPv6Address": "2001:db8:ab11:0:4000::10/67"}},
 "Options": {}, "Labels": {}}
""")

CTR_28_WEB1 = json.loads("""
{"Id": "9ff9e98893d110163962a778c00279a7c14f77e96d3480fae0b9559485f463fe", "Name": "/web1",
 "State": {"Status": "running", "Running": true},
 "NetworkSettings": {"Networks": {"ipv6_bridge": {
   "IPAMConfig": {"IPv6Address": "2001:db8:ab11:0:4000::10"}, "Links": null, "Aliases": ["web"],
   "MacAddress": "c6:c0:ce:58:b2:19", "DriverOpts": null, "GwPriority": 0,
   "NetworkID": "ba96d18ac76cdeaba3ddacfd8dab8b0f9715b88ffaa18e1e13e80eff9c6bed59",
   "EndpointID": "9d6bae416f9b64fd4e7ab11581642db876a725a39d3979dd08e49a4d7482fbdd",
   "Gateway": "172.31.0.1", "IPAddress": "172.31.0.2", "IPPrefixLen": 24,
   "IPv6Gateway": "2001:db8:ab11:0:4000::1", "GlobalIPv6Address": "2001:db8:ab11:0:4000::10",
   "GlobalIPv6PrefixLen": 67, "DNSNames": ["web1", "web", "9ff9e98893d1"]}}}}
""")

BOOK_PARAMS = {
    "name": "ipv6_bridge",
    "ipam_config": [{"subnet": "2001:db8:ab11:0:4000::/67"}, {"subnet": "172.31.0.0/24"}],
}


def wanted(**params):
    merged = {"name": "ipv6_bridge", "driver": "bridge"}
    merged.update(params)
    return netlogic.normalise_wanted(merged)


# --------------------------------------------------------------------------- normalising the task


def test_book_network_normalised_sorted_and_ipv6_enabled():
    spec = netlogic.normalise_wanted(BOOK_PARAMS)
    assert spec["ipam_config"] == [{"subnet": "172.31.0.0/24"}, {"subnet": "2001:db8:ab11:0:4000::/67"}]
    assert spec["enable_ipv6"] is True
    assert spec["enable_ipv4"] is None


def test_spelling_is_canonicalised():
    spec = wanted(
        ipam_config=[
            {
                "subnet": "2001:0DB8:AB11:0000:4000:0000:0000:0000/67",
                "gateway": "2001:db8:ab11:0:4000:0:0:1",
                "iprange": None,
                "ip_range": "2001:DB8:AB11:0:4000::/68",
                "aux_addresses": {"r": "2001:db8:ab11:0:4000:0:0:2"},
            }
        ]
    )
    assert spec["ipam_config"] == [
        {
            "subnet": "2001:db8:ab11:0:4000::/67",
            "gateway": "2001:db8:ab11:0:4000::1",
            "ip_range": "2001:db8:ab11:0:4000::/68",
            "aux_addresses": {"r": "2001:db8:ab11:0:4000::2"},
        }
    ]


def test_options_and_labels_become_engine_strings():
    spec = wanted(
        driver_options={"com.docker.network.bridge.enable_icc": False, "com.docker.network.driver.mtu": 1400},
        labels={"tier": 1},
    )
    assert spec["driver_options"] == {
        "com.docker.network.bridge.enable_icc": "false",
        "com.docker.network.driver.mtu": "1400",
    }
    assert spec["labels"] == {"tier": "1"}


@pytest.mark.parametrize(
    "params, message",
    [
        (
            {"ipam_config": [{"subnet": "2001:db8:ab11:0:4000::1/67"}]},
            "has host bits set; did you mean 2001:db8:ab11:0:4000::/67?",
        ),
        ({"ipam_config": [{"subnet": "2001:db8:zz::/64"}]}, "subnet '2001:db8:zz::/64' is not an IPv4 or IPv6 prefix"),
        (
            {"ipam_config": [{"subnet": "2001:db8:cd11::/64", "gateway": "2001:db8:ef11::1"}]},
            "gateway 2001:db8:ef11::1 is not in subnet 2001:db8:cd11::/64",
        ),
        (
            {"ipam_config": [{"subnet": "2001:db8:cd11::/64", "gateway": "nonsense"}]},
            "gateway 'nonsense' is not an IPv4 or IPv6 address",
        ),
        (
            {"ipam_config": [{"subnet": "2001:db8:cd11::/64", "ip_range": "2001:db8:ef11::/80"}]},
            "ip_range 2001:db8:ef11::/80 is not inside subnet 2001:db8:cd11::/64",
        ),
        ({"ipam_config": [{"subnet": "2001:db8:cd11::/64", "ip_range": "10.0.0.0/24"}]}, "is not inside subnet"),
        (
            {"ipam_config": [{"subnet": "2001:db8:cd11::/64", "aux_addresses": {"r": "2001:db8:ef11::2"}}]},
            "aux_addresses[r] 2001:db8:ef11::2 is not in subnet 2001:db8:cd11::/64",
        ),
        (
            {"ipam_config": [{"subnet": "2001:db8:cd11::/64"}, {"subnet": "2001:db8:cd11::/80"}]},
            "subnets 2001:db8:cd11::/64 and 2001:db8:cd11::/80 overlap",
        ),
        ({"ipam_config": [{"subnet": ""}]}, "every ipam_config entry needs a subnet"),
        ({"enable_ipv6": False, "ipam_config": [{"subnet": "2001:db8:cd11::/64"}]}, "enable_ipv6 is false but"),
        (
            {"enable_ipv4": False, "ipam_config": [{"subnet": "172.31.0.0/24"}, {"subnet": "2001:db8:cd11::/64"}]},
            "enable_ipv4 is false but ipam_config has IPv4 subnets",
        ),
        ({"enable_ipv4": False}, "an IPv6-only network) needs enable_ipv6: true"),
        (
            {"driver_options": {"com.docker.network.bridge.gateway_mode_ipv6": "route"}},
            "the gateway mode must be one of isolated, nat, nat-unprotected, routed",
        ),
    ],
)
def test_bad_input_is_refused_with_a_message(params, message):
    with pytest.raises(netlogic.InvalidNetworkSpec) as caught:
        wanted(**params)
    assert message in str(caught.value)


def test_engine_requirements():
    assert netlogic.engine_requirements(netlogic.normalise_wanted(BOOK_PARAMS)) == []
    routed = wanted(driver_options={"com.docker.network.bridge.gateway_mode_ipv6": "routed"})
    assert netlogic.engine_requirements(routed) == [
        ((27, 0), "driver option com.docker.network.bridge.gateway_mode_ipv6=routed")
    ]
    isolated = wanted(driver_options={"com.docker.network.bridge.gateway_mode_ipv4": "isolated"})
    assert netlogic.engine_requirements(isolated)[0][0] == (28, 0)
    v6only = wanted(enable_ipv4=False, ipam_config=[{"subnet": "2001:db8:ef11::/64"}])
    assert netlogic.engine_requirements(v6only) == [((28, 0), "enable_ipv4: false (an IPv6-only network, API 1.47+)")]


# --------------------------------------------------------------------------- the create body


def test_create_body_for_the_book_network():
    assert netlogic.create_body(netlogic.normalise_wanted(BOOK_PARAMS), (1, 45)) == {
        "Name": "ipv6_bridge",
        "Driver": "bridge",
        "EnableIPv6": True,
        "IPAM": {"Driver": "default", "Config": [{"Subnet": "172.31.0.0/24"}, {"Subnet": "2001:db8:ab11:0:4000::/67"}]},
    }


def test_create_body_with_everything():
    spec = wanted(
        name="full6",
        labels={"team": "net"},
        internal=True,
        attachable=False,
        enable_ipv4=False,
        driver_options={"com.docker.network.bridge.gateway_mode_ipv6": "routed"},
        ipam_driver_options={"x": "y"},
        ipam_config=[
            {
                "subnet": "2001:db8:ef11::/64",
                "gateway": "2001:db8:ef11::fffe",
                "ip_range": "2001:db8:ef11::8000/113",
                "aux_addresses": {"r1": "2001:db8:ef11::2"},
            }
        ],
    )
    assert netlogic.create_body(spec, (1, 51)) == {
        "Name": "full6",
        "Driver": "bridge",
        "Options": {"com.docker.network.bridge.gateway_mode_ipv6": "routed"},
        "IPAM": {
            "Driver": "default",
            "Options": {"x": "y"},
            "Config": [
                {
                    "Subnet": "2001:db8:ef11::/64",
                    "IPRange": "2001:db8:ef11::8000/113",
                    "Gateway": "2001:db8:ef11::fffe",
                    "AuxiliaryAddresses": {"r1": "2001:db8:ef11::2"},
                }
            ],
        },
        "EnableIPv6": True,
        "EnableIPv4": False,
        "Internal": True,
        "Attachable": False,
        "Labels": {"team": "net"},
    }


def test_enable_ipv4_is_not_sent_to_engines_that_do_not_know_it():
    spec = wanted(enable_ipv4=True)
    assert "EnableIPv4" not in netlogic.create_body(spec, (1, 45))
    assert netlogic.create_body(spec, (1, 47))["EnableIPv4"] is True


def test_restore_body_rebuilds_the_recorded_network():
    body = netlogic.restore_body(NET_26_FULL6)
    assert body == {
        "Name": "full6",
        "Driver": "bridge",
        "EnableIPv6": True,
        "Internal": False,
        "Attachable": False,
        "Options": {"com.docker.network.bridge.gateway_mode_ipv6": "routed"},
        "Labels": {"team": "net"},
        "IPAM": {"Driver": "default", "Config": NET_26_FULL6["IPAM"]["Config"]},
    }


# --------------------------------------------------------------------------- comparing


def test_book_network_matches_its_inspect():
    assert netlogic.compare(netlogic.normalise_wanted(BOOK_PARAMS), netlogic.summarise(NET_26_BOOK)) == []


def test_engine_allocated_ipv4_subnet_and_gateway_are_ignored():
    spec = wanted(name="v6given", ipam_config=[{"subnet": "2001:db8:cd11::/64"}])
    assert netlogic.compare(spec, netlogic.summarise(NET_26_V6_GIVEN)) == []


def test_everything_given_matches_its_inspect():
    spec = wanted(
        name="full6",
        labels={"team": "net"},
        driver_options={"com.docker.network.bridge.gateway_mode_ipv6": "routed"},
        ipam_config=[
            {
                "subnet": "2001:0db8:ef11::/64",
                "gateway": "2001:db8:ef11:0::fffe",
                "ip_range": "2001:db8:ef11::8000/113",
                "aux_addresses": {"r1": "2001:db8:ef11::2"},
            }
        ],
    )
    assert netlogic.compare(spec, netlogic.summarise(NET_26_FULL6)) == []


def test_unset_options_are_not_compared():
    spec = wanted(name="full6")
    assert spec["ipam_config"] is None
    assert netlogic.compare(spec, netlogic.summarise(NET_26_FULL6)) == []


def test_differences_name_each_setting():
    spec = wanted(
        name="full6",
        labels={"team": "ops", "new": "x"},
        internal=True,
        enable_ipv4=True,
        driver_options={"com.docker.network.bridge.gateway_mode_ipv6": "nat"},
        ipam_config=[
            {
                "subnet": "2001:db8:ef11::/64",
                "gateway": "2001:db8:ef11::1",
                "ip_range": "2001:db8:ef11::4000/114",
                "aux_addresses": {"r2": "2001:db8:ef11::3"},
            },
            {"subnet": "172.19.0.0/16", "gateway": "172.19.0.1"},
        ],
    )
    assert netlogic.compare(spec, netlogic.summarise(NET_26_FULL6)) == [
        {"parameter": "internal", "have": False, "want": True},
        {"parameter": "driver_options.com.docker.network.bridge.gateway_mode_ipv6", "have": "routed", "want": "nat"},
        {"parameter": "labels.new", "have": None, "want": "x"},
        {"parameter": "labels.team", "have": "net", "want": "ops"},
        {
            "parameter": "ipam_config[2001:db8:ef11::/64].gateway",
            "have": "2001:db8:ef11::fffe",
            "want": "2001:db8:ef11::1",
        },
        {
            "parameter": "ipam_config[2001:db8:ef11::/64].ip_range",
            "have": "2001:db8:ef11::8000/113",
            "want": "2001:db8:ef11::4000/114",
        },
        {
            "parameter": "ipam_config[2001:db8:ef11::/64].aux_addresses",
            "have": {"r1": "2001:db8:ef11::2"},
            "want": {"r2": "2001:db8:ef11::3"},
        },
    ]


def test_subnets_compared_per_family_and_set_wise():
    moved = wanted(ipam_config=[{"subnet": "172.31.0.0/24"}, {"subnet": "2001:db8:ab11:0:6000::/67"}])
    assert netlogic.compare(moved, netlogic.summarise(NET_26_BOOK)) == [
        {
            "parameter": "ipam_config (IPv6 subnets)",
            "have": ["2001:db8:ab11:0:4000::/67"],
            "want": ["2001:db8:ab11:0:6000::/67"],
        }
    ]
    extra = wanted(ipam_config=[{"subnet": "2001:db8:ab11:0:4000::/67"}, {"subnet": "2001:db8:ab11:0:8000::/67"}])
    assert netlogic.compare(extra, netlogic.summarise(NET_26_BOOK))[0]["want"] == [
        "2001:db8:ab11:0:4000::/67",
        "2001:db8:ab11:0:8000::/67",
    ]


def test_ipv6_turned_on_for_a_network_without_it():
    no_v6 = dict(
        NET_26_V6_GIVEN,
        EnableIPv6=False,
        IPAM={"Driver": "default", "Options": None, "Config": [{"Subnet": "172.18.0.0/16", "Gateway": "172.18.0.1"}]},
    )
    spec = wanted(name="v6given", ipam_config=[{"subnet": "2001:db8:cd11::/64"}])
    assert netlogic.compare(spec, netlogic.summarise(no_v6)) == [
        {"parameter": "enable_ipv6", "have": False, "want": True},
        {"parameter": "ipam_config (IPv6 subnets)", "have": [], "want": ["2001:db8:cd11::/64"]},
    ]


def test_enable_ipv4_true_matches_engines_that_do_not_report_it():
    assert "EnableIPv4" not in NET_26_BOOK
    spec = wanted(enable_ipv4=True, ipam_config=BOOK_PARAMS["ipam_config"])
    assert netlogic.compare(spec, netlogic.summarise(NET_26_BOOK)) == []


def test_summarise_absent_network():
    assert netlogic.summarise(None) == {}


# --------------------------------------------------------------------------- the diff


def test_after_overlays_the_task_on_the_engine_state():
    current = netlogic.summarise(NET_26_V6_GIVEN)
    spec = wanted(
        name="v6given",
        labels={"a": "b"},
        ipam_config=[{"subnet": "2001:db8:cd11::/64", "gateway": "2001:db8:cd11::fffe"}],
    )
    after = netlogic.project_after(spec, current)
    assert after["labels"] == {"a": "b"}
    # The engine's IPv4 subnet stays, the IPv6 pool gets the task's gateway.
    assert after["ipam_config"] == [
        {"subnet": "172.18.0.0/16", "gateway": "172.18.0.1"},
        {"subnet": "2001:db8:cd11::/64", "gateway": "2001:db8:cd11::fffe"},
    ]
    assert {key for key in current if current[key] != after[key]} == {"labels", "ipam_config"}


def test_after_for_a_new_network():
    after = netlogic.project_after(netlogic.normalise_wanted(BOOK_PARAMS), {})
    assert after["name"] == "ipv6_bridge"
    assert after["enable_ipv6"] is True
    assert after["ipam_config"] == [{"subnet": "172.31.0.0/24"}, {"subnet": "2001:db8:ab11:0:4000::/67"}]


# --------------------------------------------------------------------------- overlaps with other networks


def test_overlap_with_another_network_is_found_and_own_subnets_are_not():
    spec = wanted(ipam_config=[{"subnet": "2001:db8:ab11:0:4000::/66"}, {"subnet": "172.19.5.0/24"}])
    problems = netlogic.overlapping_networks(spec, [NET_26_BOOK, NET_26_FULL6, NET_26_V6_GIVEN])
    assert problems == ["subnet 172.19.5.0/24 overlaps 172.19.0.0/16 of network full6"]
    assert (
        netlogic.overlapping_networks(
            wanted(ipam_driver="other", ipam_config=[{"subnet": "172.19.5.0/24"}]), [NET_26_FULL6]
        )
        == []
    )


# --------------------------------------------------------------------------- attached containers


def test_attachment_of_a_running_container_with_static_ipv6_and_alias():
    assert netlogic.attachment(CTR_26_WEB1, NET_26_BOOK["Id"], "ipv6_bridge") == {
        "container": "web1",
        "container_id": CTR_26_WEB1["Id"],
        "running": True,
        "aliases": ["web"],
        "ipv4_address": None,
        "ipv6_address": "2001:db8:ab11:0:4000::10",
        "link_local_ips": [],
        "driver_opts": {},
    }


def test_attachment_of_a_stopped_container_found_by_network_name():
    entry = netlogic.attachment(CTR_26_STOPPED1, NET_26_BOOK["Id"], "ipv6_bridge")
    assert entry["running"] is False
    assert (entry["ipv4_address"], entry["ipv6_address"]) == ("172.31.0.20", "2001:db8:ab11:0:4000::20")
    assert netlogic.attachment(CTR_26_STOPPED1, "0" * 64, "other") is None


def test_engine_added_short_id_alias_is_dropped():
    # Engines before API 1.44 (20.10) list the short ID among the aliases.
    old_style = json.loads(json.dumps(CTR_26_WEB1))
    old_style["NetworkSettings"]["Networks"]["ipv6_bridge"]["Aliases"] = ["web", "8d1e505b229c"]
    assert netlogic.attachment(old_style, NET_26_BOOK["Id"], "ipv6_bridge")["aliases"] == ["web"]


def test_attachment_keeps_link_local_ips_and_driver_opts():
    container = json.loads(json.dumps(CTR_26_DYN1))
    endpoint = container["NetworkSettings"]["Networks"]["ipv6_bridge"]
    endpoint["IPAMConfig"] = {"LinkLocalIPs": ["169.254.10.10"]}
    endpoint["DriverOpts"] = {"com.example.opt": "1"}
    entry = netlogic.attachment(container, NET_26_BOOK["Id"], "ipv6_bridge")
    assert entry["link_local_ips"] == ["169.254.10.10"]
    assert entry["driver_opts"] == {"com.example.opt": "1"}


def book_attachments():
    return [
        netlogic.attachment(container, NET_26_BOOK["Id"], "ipv6_bridge")
        for container in (CTR_26_WEB1, CTR_26_STOPPED1, CTR_26_DYN1)
    ]


def test_same_subnets_keep_every_address_and_static_ones_come_first():
    reconnect, not_kept = netlogic.plan_reconnections(book_attachments(), netlogic.normalise_wanted(BOOK_PARAMS))
    assert not_kept == []
    assert [entry["container"] for entry in reconnect] == ["stopped1", "web1", "dyn1"]
    assert reconnect[1]["ipv6_address"] == "2001:db8:ab11:0:4000::10"
    assert reconnect[1]["aliases"] == ["web"]


def test_addresses_outside_the_new_subnets_are_reported():
    spec = wanted(ipam_config=[{"subnet": "2001:db8:ab11:0:4000::/124"}, {"subnet": "172.31.1.0/24"}])
    reconnect, not_kept = netlogic.plan_reconnections(book_attachments(), spec)
    assert not_kept == [
        {
            "container": "web1",
            "address": "2001:db8:ab11:0:4000::10",
            "reason": "not in the new IPv6 subnets (2001:db8:ab11:0:4000::/124)",
        },
        {"container": "stopped1", "address": "172.31.0.20", "reason": "not in the new IPv4 subnets (172.31.1.0/24)"},
        {
            "container": "stopped1",
            "address": "2001:db8:ab11:0:4000::20",
            "reason": "not in the new IPv6 subnets (2001:db8:ab11:0:4000::/124)",
        },
    ]
    assert all(entry["ipv4_address"] is None and entry["ipv6_address"] is None for entry in reconnect)
    # Still reconnected, with their aliases.
    assert {entry["container"]: entry["aliases"] for entry in reconnect} == {
        "web1": ["web"],
        "stopped1": [],
        "dyn1": [],
    }


@pytest.mark.parametrize(
    "params, container, address, reason",
    [
        (
            {"ipam_config": [{"subnet": "2001:db8:ab11:0:4000::/67", "gateway": "2001:db8:ab11:0:4000::10"}]},
            "web1",
            "2001:db8:ab11:0:4000::10",
            "it is the gateway of 2001:db8:ab11:0:4000::/67",
        ),
        (
            {
                "ipam_config": [
                    {"subnet": "2001:db8:ab11:0:4000::/67", "aux_addresses": {"router": "2001:db8:ab11:0:4000::10"}}
                ]
            },
            "web1",
            "2001:db8:ab11:0:4000::10",
            "it is reserved as aux_addresses[router] of 2001:db8:ab11:0:4000::/67",
        ),
        (
            {"ipam_config": [{"subnet": "172.31.0.20/30"}]},
            "stopped1",
            "172.31.0.20",
            "it is the network address of 172.31.0.20/30",
        ),
        ({"ipam_config": [{"subnet": "172.31.0.16/30"}]}, "stopped1", "172.31.0.20", "not in the new IPv4 subnets"),
        ({"ipam_config": [{"subnet": "172.31.0.16/29"}]}, "stopped1", "172.31.0.20", None),
        (
            {"ipam_config": [{"subnet": "172.31.0.0/24"}], "enable_ipv6": False},
            "stopped1",
            "2001:db8:ab11:0:4000::20",
            "IPv6 is not enabled on the new network",
        ),
        (
            {"ipam_config": [{"subnet": "2001:db8:ab11:0:4000::/67"}], "enable_ipv4": False},
            "stopped1",
            "172.31.0.20",
            "IPv4 is disabled on the new network",
        ),
        (
            {"enable_ipv6": True},
            "web1",
            "2001:db8:ab11:0:4000::10",
            "the new network has no IPv6 subnet in ipam_config",
        ),
    ],
)
def test_address_verdicts(params, container, address, reason):
    _reconnect, not_kept = netlogic.plan_reconnections(book_attachments(), wanted(**params))
    found = [entry["reason"] for entry in not_kept if entry["container"] == container and entry["address"] == address]
    if reason is None:
        assert found == []
    else:
        assert len(found) == 1 and found[0].startswith(reason)


def test_broadcast_address_not_kept():
    two_slash30 = wanted(ipam_config=[{"subnet": "172.31.0.16/30"}, {"subnet": "172.31.0.20/30"}])
    _reconnect, not_kept = netlogic.plan_reconnections(book_attachments(), two_slash30)
    assert {
        "container": "stopped1",
        "address": "172.31.0.20",
        "reason": "it is the network address of 172.31.0.20/30",
    } in not_kept
    stopped_at_broadcast = [dict(book_attachments()[1], ipv4_address="172.31.0.23", ipv6_address=None)]
    _reconnect, not_kept = netlogic.plan_reconnections(
        stopped_at_broadcast, wanted(ipam_config=[{"subnet": "172.31.0.20/30"}])
    )
    assert not_kept[0]["reason"] == "it is the broadcast address of 172.31.0.20/30"


def test_default_gateway_is_predicted_unless_the_engine_says_otherwise():
    at_first = [dict(book_attachments()[0], ipv6_address="2001:db8:ab11:0:4000::1")]
    spec = netlogic.normalise_wanted(BOOK_PARAMS)
    _reconnect, not_kept = netlogic.plan_reconnections(at_first, spec)
    assert not_kept[0]["reason"] == "it is the gateway of 2001:db8:ab11:0:4000::/67"
    _reconnect, not_kept = netlogic.plan_reconnections(
        at_first, spec, {"2001:db8:ab11:0:4000::/67": "2001:db8:ab11:0:4000::fffe"}
    )
    assert not_kept == []


# --------------------------------------------------------------------------- engine versions


@pytest.mark.parametrize(
    "text, expected",
    [
        ("20.10.24+dfsg1", (20, 10, 24)),
        ("26.1.5+dfsg1", (26, 1, 5)),
        ("28.5.2", (28, 5, 2)),
        ("1.45", (1, 45, 0)),
        ("v1.51", (1, 51, 0)),
        ("29", (29, 0, 0)),
    ],
)
def test_parse_version(text, expected):
    assert parse_version(text) == expected


def test_format_version():
    assert format_version((27, 0)) == "27.0"
    assert format_version((27, 0, 0)) == "27.0"
    assert format_version((20, 10, 24)) == "20.10.24"


# --------------------------------------------------------------------------- properties

# Each recorded network with the task that describes it (the parameters of the command that created it).
RELC_BACK = next(network for network in NETWORKS_28_5 if network["Name"] == "relc_back")
RECORDED_TASKS = [
    (NET_26_BOOK, BOOK_PARAMS),
    (NET_28_BOOK, BOOK_PARAMS),
    (NET_26_V6_GIVEN, {"name": "v6given", "ipam_config": [{"subnet": "2001:db8:cd11::/64"}]}),
    (
        NET_26_FULL6,
        {
            "name": "full6",
            "labels": {"team": "net"},
            "driver_options": {"com.docker.network.bridge.gateway_mode_ipv6": "routed"},
            "ipam_config": [
                {
                    "subnet": "2001:db8:ef11::/64",
                    "gateway": "2001:db8:ef11::fffe",
                    "ip_range": "2001:db8:ef11::8000/113",
                    "aux_addresses": {"r1": "2001:db8:ef11::2"},
                }
            ],
        },
    ),
    (
        NET_28_V6ONLY,
        {
            "name": "v6only",
            "enable_ipv4": False,
            "driver_options": {"com.docker.network.bridge.gateway_mode_ipv6": "routed"},
            "ipam_config": [{"subnet": "2001:db8:ef11::/64"}],
        },
    ),
    (RELC_BACK, {"name": "relc_back", "enable_ipv6": True, "internal": True}),
]


@st.composite
def spelt(draw, text):
    """One of the ways a user may write an address or prefix: compressed or exploded, either case."""
    address, slash, length = text.partition("/")
    written = ipaddress.ip_address(address)
    address = written.exploded if draw(st.booleans()) else written.compressed
    return (address.upper() if draw(st.booleans()) else address) + slash + length


@st.composite
def respelt_tasks(draw):
    """A recorded network and its task, each address of the task spelt anew and its subnets in any order."""
    network, params = draw(st.sampled_from(RECORDED_TASKS))
    params = dict(params)
    if params.get("ipam_config"):
        pools = []
        for pool in params["ipam_config"]:
            pool = {
                key: draw(spelt(value)) if key in ("subnet", "gateway", "ip_range") else value
                for key, value in pool.items()
            }
            if "aux_addresses" in pool:
                pool["aux_addresses"] = {name: draw(spelt(value)) for name, value in pool["aux_addresses"].items()}
            pools.append(pool)
        params["ipam_config"] = draw(st.permutations(pools))
    return network, params


@settings(max_examples=200, deadline=None)
@given(case=respelt_tasks())
def test_a_recorded_network_matches_its_task_however_it_is_spelt(case):
    network, params = case
    spec = wanted(**params)
    current = netlogic.summarise(network)
    assert netlogic.compare(spec, current) == []
    # The diff's after is what is there.
    assert netlogic.project_after(spec, current) == current
    # What the task sends is what the engine recorded: every pool as given, the options, labels and flags.
    body = netlogic.create_body(spec, (1, 51))
    assert body["Name"] == network["Name"] and body["Driver"] == network["Driver"]
    for pool in body["IPAM"]["Config"]:
        assert pool in network["IPAM"]["Config"]
    assert body.get("Options", {}).items() <= (network.get("Options") or {}).items()
    assert body.get("Labels", {}).items() <= (network.get("Labels") or {}).items()
    for key in ("EnableIPv6", "EnableIPv4", "Internal"):
        if key in body:
            assert body[key] == network[key]


# --------------------------------------------------------------------------- 28.5


def test_ipv6_only_network_matches_its_28_inspect():
    spec = wanted(
        name="v6only",
        enable_ipv4=False,
        driver_options={"com.docker.network.bridge.gateway_mode_ipv6": "routed"},
        ipam_config=[{"subnet": "2001:db8:ef11::/64"}],
    )
    assert netlogic.compare(spec, netlogic.summarise(NET_28_V6ONLY)) == []
    assert netlogic.create_body(spec, (1, 51))["EnableIPv4"] is False


def test_turning_a_dual_stack_28_network_ipv6_only_is_a_difference():
    spec = wanted(enable_ipv4=False, ipam_config=[{"subnet": "2001:db8:ab11:0:4000::/67"}])
    assert netlogic.compare(spec, netlogic.summarise(NET_28_BOOK)) == [
        {"parameter": "enable_ipv4", "have": True, "want": False}
    ]
    web1 = netlogic.attachment(CTR_28_WEB1, NET_28_BOOK["Id"], "ipv6_bridge")
    reconnect, not_kept = netlogic.plan_reconnections([web1], spec)
    assert not_kept == []
    assert reconnect[0]["ipv6_address"] == "2001:db8:ab11:0:4000::10"
    assert reconnect[0]["aliases"] == ["web"]


def test_book_network_matches_its_28_inspect():
    assert netlogic.compare(netlogic.normalise_wanted(BOOK_PARAMS), netlogic.summarise(NET_28_BOOK)) == []
