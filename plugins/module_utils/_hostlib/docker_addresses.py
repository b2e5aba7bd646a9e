# Copyright: dockernet.ipv6 contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The host library's reader of the IPv6 addresses of the running containers of the local Docker engine.

One pure function extracts the addresses from the engine's container list (``GET /containers/json``, as
``docker.APIClient.containers()`` returns it); one thin function asks the engine for that list through
the Docker SDK for Python. Nothing outside this collection may rely on this file.
"""

from __future__ import annotations

import traceback

DEFAULT_DOCKER_HOST = 'unix:///var/run/docker.sock'
DEFAULT_TIMEOUT = 60


class DockerSDKMissing(Exception):
    """The Docker SDK for Python cannot be imported on the target."""

    def __init__(self, import_traceback: str) -> None:
        super().__init__('the Docker SDK for Python (docker) is not importable')
        self.import_traceback = import_traceback


class DockerEngineUnavailable(Exception):
    """The engine did not answer, or answered with an error."""


def container_ipv6_addresses(containers: list, excluded_networks: frozenset = frozenset()) -> list[dict]:
    """The global IPv6 addresses of running containers, from the engine's container list.

    One dict per (container, network) pair holding an address: ``address``, ``container`` (its name
    without the leading slash) and ``network``; a paused container counts as running. Networks without IPv6,
    containers on the host network, stopped containers (if the list came from ``all=True``) and the networks named in ``excluded_networks``
    (internal networks, which must stay unreachable from other hosts) contribute nothing.
    """
    found = []
    for container in containers:
        if not isinstance(container, dict):
            continue
        # A paused container keeps its address and answers again once unpaused: its entry must stay.
        if container.get('State', 'running') not in ('running', 'paused'):
            continue
        names = container.get('Names') or []
        name = names[0].lstrip('/') if names else (container.get('Id') or '')[:12]
        networks = (container.get('NetworkSettings') or {}).get('Networks') or {}
        for network_name, endpoint in sorted(networks.items()):
            if network_name in excluded_networks:
                continue
            address = (endpoint or {}).get('GlobalIPv6Address') or ''
            if address:
                found.append({'address': address, 'container': name, 'network': network_name})
    return found


def internal_network_names(networks: list) -> frozenset:
    """The names of the internal networks in the engine's network list (``GET /networks``)."""
    return frozenset(
        network.get('Name') for network in networks if isinstance(network, dict) and network.get('Internal')
    )


def list_running_containers(docker_host: str = DEFAULT_DOCKER_HOST, timeout: int = DEFAULT_TIMEOUT) -> list:
    """The engine's list of running containers, with their network settings."""
    return _ask_engine(docker_host, timeout, 'containers', lambda client: client.containers(all=False))


def list_networks(docker_host: str = DEFAULT_DOCKER_HOST, timeout: int = DEFAULT_TIMEOUT) -> list:
    """The engine's list of networks (``Internal`` and IPAM settings included)."""
    return _ask_engine(docker_host, timeout, 'networks', lambda client: client.networks())


def _ask_engine(docker_host: str, timeout: int, what: str, call) -> list:
    try:
        import docker
        from docker.errors import DockerException
        from requests.exceptions import RequestException
    except ImportError:
        raise DockerSDKMissing(traceback.format_exc()) from None
    client = None
    try:
        # version='auto' asks the engine first, so an engine that does not answer fails here.
        client = docker.APIClient(base_url=docker_host, version='auto', timeout=timeout)
        return call(client)
    except (DockerException, RequestException) as exc:
        raise DockerEngineUnavailable(
            'Cannot list the %s of the Docker engine at %s: %s' % (what, docker_host, exc)
        ) from exc
    finally:
        if client is not None:
            client.close()
