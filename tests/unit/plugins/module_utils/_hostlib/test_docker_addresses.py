# Copyright: dockernet.ipv6 contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

import json

from ansible_collections.dockernet.ipv6.plugins.module_utils._hostlib import docker_addresses
from ansible_collections.dockernet.ipv6.plugins.module_utils._hostlib import ndp_proxy as ndp
from ansible_collections.dockernet.ipv6.tests.unit.engine_outputs import NETWORKS_28_5

# docker.APIClient().containers(all=True) from Docker 26.1.5 (Debian trixie), trimmed to the keys that matter:
# default bridge with ipv6 + fixed-cidr-v6 2001:db8:ab11:0:8000::/66 (MAC-derived addresses), a user network
# v6net 2001:db8:cd11::/64, an IPv4-only user network, a host-network container and a stopped one.
CONTAINERS_26_1 = json.loads("""[
{"Id": "b875b016e088", "Names": ["/stopped1"], "State": "exited", "HostConfig": {"NetworkMode": "bridge"},
 "NetworkSettings": {"Networks": {"bridge": {"IPAMConfig": null, "IPAddress": "", "GlobalIPv6Address": "",
  "GlobalIPv6PrefixLen": 0}}}},
{"Id": "379847d548b7", "Names": ["/host1"], "State": "running", "HostConfig": {"NetworkMode": "host"},
 "NetworkSettings": {"Networks": {"host": {"IPAMConfig": null, "IPAddress": "", "GlobalIPv6Address": "",
  "GlobalIPv6PrefixLen": 0}}}},
{"Id": "22e1728f87ab", "Names": ["/web3"], "State": "running", "HostConfig": {"NetworkMode": "v6net"},
 "NetworkSettings": {"Networks": {
  "bridge": {"IPAMConfig": {}, "IPAddress": "172.17.0.3", "GlobalIPv6Address": "2001:db8:ab11:0:8000:242:ac11:3",
   "GlobalIPv6PrefixLen": 66},
  "v6net": {"IPAMConfig": {"IPv6Address": "2001:db8:cd11::30"}, "IPAddress": "172.31.1.3",
   "GlobalIPv6Address": "2001:db8:cd11::30", "GlobalIPv6PrefixLen": 64}}}},
{"Id": "0bbe525a03dd", "Names": ["/web2"], "State": "running", "HostConfig": {"NetworkMode": "v6net"},
 "NetworkSettings": {"Networks": {
  "v4only": {"IPAMConfig": {}, "IPAddress": "172.18.0.2", "GlobalIPv6Address": "", "GlobalIPv6PrefixLen": 0},
  "v6net": {"IPAMConfig": null, "IPAddress": "172.31.1.2", "GlobalIPv6Address": "2001:db8:cd11::2",
   "GlobalIPv6PrefixLen": 64}}}},
{"Id": "8cdb4e0f6f5e", "Names": ["/web1"], "State": "running", "HostConfig": {"NetworkMode": "bridge"},
 "NetworkSettings": {"Networks": {"bridge": {"IPAMConfig": null, "IPAddress": "172.17.0.2",
  "GlobalIPv6Address": "2001:db8:ab11:0:8000:242:ac11:2", "GlobalIPv6PrefixLen": 66}}}}
]""")


def test_every_network_of_every_running_container():
    assert docker_addresses.container_ipv6_addresses(CONTAINERS_26_1) == [
        {'address': '2001:db8:ab11:0:8000:242:ac11:3', 'container': 'web3', 'network': 'bridge'},
        {'address': '2001:db8:cd11::30', 'container': 'web3', 'network': 'v6net'},
        {'address': '2001:db8:cd11::2', 'container': 'web2', 'network': 'v6net'},
        {'address': '2001:db8:ab11:0:8000:242:ac11:2', 'container': 'web1', 'network': 'bridge'},
    ]


def test_filtered_to_the_hosts_slice():
    found = ndp.parse_addresses(item['address'] for item in docker_addresses.container_ipv6_addresses(CONTAINERS_26_1))
    prefixes = ndp.parse_prefixes(['2001:db8:ab11:0:8000::/66'])[0]
    inside = ndp.split_by_prefixes(found[0], prefixes)[0]
    assert ndp.as_strings(ndp.sort_addresses(inside)) == [
        '2001:db8:ab11:0:8000:242:ac11:2',
        '2001:db8:ab11:0:8000:242:ac11:3',
    ]


def test_nothing_running():
    assert docker_addresses.container_ipv6_addresses([]) == []


def test_tolerates_missing_keys():
    # Older engines and odd containers: no Names, no NetworkSettings, null endpoints.
    containers = [
        {
            'Id': '0123456789abcdef',
            'State': 'running',
            'NetworkSettings': {'Networks': {'n': {'GlobalIPv6Address': '2001:db8::7'}}},
        },
        {'Id': 'x', 'Names': ['/a'], 'NetworkSettings': None},
        {'Id': 'y', 'Names': ['/b'], 'NetworkSettings': {'Networks': {'n': None}}},
        'not a container',
    ]
    assert docker_addresses.container_ipv6_addresses(containers) == [
        {'address': '2001:db8::7', 'container': '0123456789ab', 'network': 'n'}
    ]


def test_internal_network_names_from_the_engine_network_list():
    assert docker_addresses.internal_network_names(NETWORKS_28_5) == frozenset({"relc_back"})


def test_containers_on_excluded_networks_contribute_nothing():
    found = docker_addresses.container_ipv6_addresses(CONTAINERS_26_1, frozenset({"v6net"}))
    assert [item["network"] for item in found] == ["bridge"] * len(found)
    assert "2001:db8:cd11::30" not in [item["address"] for item in found]
