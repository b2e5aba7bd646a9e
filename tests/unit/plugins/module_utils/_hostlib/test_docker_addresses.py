# Copyright: dockernet.ipv6 contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

import json
import sys
import types

import pytest

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


def test_only_running_containers_count_and_a_missing_state_counts_as_running():
    # A list from all=True holds stopped containers too; an engine that leaves State out lists running ones only.
    containers = [
        'not a container',
        {
            'Names': ['/gone'],
            'State': 'exited',
            'NetworkSettings': {'Networks': {'n': {'GlobalIPv6Address': '2001:db8::1'}}},
        },
        {
            'Names': ['/new'],
            'State': 'created',
            'NetworkSettings': {'Networks': {'n': {'GlobalIPv6Address': '2001:db8::2'}}},
        },
        {'Names': ['/old'], 'NetworkSettings': {'Networks': {'n': {'GlobalIPv6Address': '2001:db8::3'}}}},
        # Paused: its entry must outlast the pause, or it is unreachable from the LAN once unpaused.
        {
            'Names': ['/still'],
            'State': 'paused',
            'NetworkSettings': {'Networks': {'n': {'GlobalIPv6Address': '2001:db8::6'}}},
        },
    ]
    assert docker_addresses.container_ipv6_addresses(containers) == [
        {'address': '2001:db8::3', 'container': 'old', 'network': 'n'},
        {'address': '2001:db8::6', 'container': 'still', 'network': 'n'},
    ]


def test_only_the_leading_slash_is_taken_off_a_container_name():
    containers = [
        {'Names': ['/X11-bridge'], 'NetworkSettings': {'Networks': {'n': {'GlobalIPv6Address': '2001:db8::4'}}}}
    ]
    assert [item['container'] for item in docker_addresses.container_ipv6_addresses(containers)] == ['X11-bridge']


def test_a_container_without_name_or_id_has_an_empty_name():
    containers = [{'State': 'running', 'NetworkSettings': {'Networks': {'n': {'GlobalIPv6Address': '2001:db8::5'}}}}]
    assert docker_addresses.container_ipv6_addresses(containers) == [
        {'address': '2001:db8::5', 'container': '', 'network': 'n'}
    ]


# The engine is asked through the Docker SDK for Python; these tests put a stand-in for it (and for requests, whose
# errors it raises) in sys.modules, so that they run without the SDK and without an engine.
class FakeDockerException(Exception):
    pass


class FakeRequestException(Exception):
    pass


class FakeEngine:
    """What the stand-in SDK answers: ``answer`` to every call, or ``refusal`` raised when connecting (version='auto'
    asks the engine at once) or ``failure`` raised by the call; records the clients it made."""

    def __init__(self, answer=None, refusal=None, failure=None):
        self.answer, self.refusal, self.failure = answer, refusal, failure
        self.clients = []


@pytest.fixture
def engine(monkeypatch):
    state = FakeEngine()

    class APIClient:
        def __init__(self, base_url, version, timeout):
            if state.refusal is not None:
                raise state.refusal
            self.base_url, self.version, self.timeout = base_url, version, timeout
            self.calls, self.closed = [], False
            state.clients.append(self)

        def containers(self, all):
            self.calls.append(('containers', all))
            return self._answer()

        def networks(self):
            self.calls.append(('networks',))
            return self._answer()

        def _answer(self):
            if state.failure is not None:
                raise state.failure
            return state.answer

        def close(self):
            self.closed = True

    docker = types.ModuleType('docker')
    docker.APIClient = APIClient
    docker.errors = types.ModuleType('docker.errors')
    docker.errors.DockerException = FakeDockerException
    requests = types.ModuleType('requests')
    requests.exceptions = types.ModuleType('requests.exceptions')
    requests.exceptions.RequestException = FakeRequestException
    for name, module in [
        ('docker', docker),
        ('docker.errors', docker.errors),
        ('requests', requests),
        ('requests.exceptions', requests.exceptions),
    ]:
        monkeypatch.setitem(sys.modules, name, module)
    return state


def test_running_containers_are_asked_of_the_engine_at_the_socket_given(engine):
    engine.answer = CONTAINERS_26_1
    assert docker_addresses.list_running_containers('unix:///run/other.sock', 5) == CONTAINERS_26_1
    [client] = engine.clients
    assert (client.base_url, client.version, client.timeout) == ('unix:///run/other.sock', 'auto', 5)
    assert client.calls == [('containers', False)]
    assert client.closed


def test_networks_are_asked_of_the_default_socket_by_default(engine):
    engine.answer = NETWORKS_28_5
    assert docker_addresses.list_networks() == NETWORKS_28_5
    [client] = engine.clients
    assert (client.base_url, client.timeout) == ('unix:///var/run/docker.sock', 60)
    assert client.calls == [('networks',)]
    assert client.closed


def test_an_engine_that_does_not_answer_is_named_with_the_error(engine):
    engine.refusal = FakeDockerException('Error while fetching server API version: connection refused')
    with pytest.raises(docker_addresses.DockerEngineUnavailable) as caught:
        docker_addresses.list_running_containers()
    assert str(caught.value) == (
        'Cannot list the containers of the Docker engine at unix:///var/run/docker.sock: '
        'Error while fetching server API version: connection refused'
    )
    assert engine.clients == []


def test_a_call_that_fails_is_named_and_its_client_closed(engine):
    engine.failure = FakeRequestException('Read timed out. (read timeout=5)')
    with pytest.raises(docker_addresses.DockerEngineUnavailable) as caught:
        docker_addresses.list_networks('tcp://127.0.0.1:2375', 5)
    assert str(caught.value) == (
        'Cannot list the networks of the Docker engine at tcp://127.0.0.1:2375: Read timed out. (read timeout=5)'
    )
    assert [client.closed for client in engine.clients] == [True]


def test_without_the_sdk_the_error_says_so_and_carries_the_import_traceback(monkeypatch):
    monkeypatch.setitem(sys.modules, 'docker', None)
    with pytest.raises(docker_addresses.DockerSDKMissing) as caught:
        docker_addresses.list_running_containers()
    assert str(caught.value) == 'the Docker SDK for Python (docker) is not importable'
    assert 'import docker' in caught.value.import_traceback and 'ModuleNotFoundError' in caught.value.import_traceback
