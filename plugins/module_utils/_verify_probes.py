# Copyright: dockernet.ipv6 contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Pure parts of the verify_probes module: the probes' names, the docker commands that start, ask and remove them,
and how their output is read. The module runs the commands; nothing here touches a host.

A probe is a busybox container attached to one network only, so the address it sends from is unambiguous, serving
a CGI over HTTP that answers with the address the request came from (``peer=<address>``). Nothing outside this
collection may rely on this file.
"""

from __future__ import annotations

import re

# The CGI the probes serve, and the probe's own command: it writes the CGI (given in its environment) and becomes
# the web server. Both reach the container through argv and its environment, never through a shell on the host.
CGI = "#!/bin/sh\nprintf 'Content-Type: text/plain\\r\\n\\r\\npeer=%s\\n' \"$REMOTE_ADDR\"\n"
SERVE = (
    'mkdir -p /www/cgi-bin && printf \'%s\' "$DOCKERNET_VERIFY_CGI" > /www/cgi-bin/peer'
    ' && chmod 755 /www/cgi-bin/peer && exec httpd -f -p "$DOCKERNET_VERIFY_PORT" -h /www'
)
REQUEST = 'GET /cgi-bin/peer HTTP/1.0\r\n\r\n'
# A Go template for docker inspect: the probe's address on its only network.
ADDRESS_FORMAT = '{{range .NetworkSettings.Networks}}{{.GlobalIPv6Address}}{{end}}'
# Compose's labels on the network it creates for a project, so that the engine treats it as Compose does.
COMPOSE_LABELS = ('com.docker.compose.network=default', 'com.docker.compose.project=dockernet-verify')

_NAME_UNSAFE = re.compile(r'[^A-Za-z0-9_.-]')
# What docker prints when what is to be removed is not there: nothing to do, not an error. "exit status N" is the
# CLI's own last line when it reports errors of several containers.
_CONTAINER_ABSENT = re.compile(r'(?i)no such container|^exit status [0-9]+$')
_NETWORK_ABSENT = re.compile(r'(?i)no such network|not found|^exit status [0-9]+$')


def probe_names(prefix: str, networks: list[str]) -> dict[str, str]:
    """The probe container's name for each network (network names may hold characters container names may not)."""
    return {network: prefix + _NAME_UNSAFE.sub('_', network) for network in networks}


def unique(values: list[str]) -> list[str]:
    """``values`` without repeats, in their first order."""
    return list(dict.fromkeys(values))


def remove_containers_argv(docker: str, names: list[str]) -> list[str]:
    return [docker, 'rm', '--force'] + names


def remove_network_argv(docker: str, network: str) -> list[str]:
    return [docker, 'network', 'rm', network]


def create_compose_network_argv(docker: str, network: str) -> list[str]:
    """A network made the way Docker Compose makes one: IPv6 on, no subnet (the engine takes it from its pools)."""
    argv = [docker, 'network', 'create', '--ipv6']
    for label in COMPOSE_LABELS:
        argv += ['--label', label]
    return argv + [network]


def run_probe_argv(docker: str, name: str, network: str, image: str, port: int) -> list[str]:
    return [
        docker, 'run', '--detach', '--name', name, '--network', network,
        '--env', 'DOCKERNET_VERIFY_CGI=' + CGI, '--env', 'DOCKERNET_VERIFY_PORT=%d' % port,
        image, 'sh', '-c', SERVE,
    ]  # fmt: skip


def inspect_argv(docker: str, names: list[str]) -> list[str]:
    return [docker, 'inspect', '--format', ADDRESS_FORMAT] + names


def ask_argv(docker: str, name: str, address: str, port: int, timeout: int) -> list[str]:
    """From probe ``name``, ask the probe at ``address`` which address the request came from (``REQUEST`` on stdin)."""
    return [docker, 'exec', '--interactive', name, 'nc', '-w', str(timeout), address, str(port)]


def ping_by_name_argv(docker: str, peer: str, network: str, image: str, target: str) -> list[str]:
    """A second container on ``network`` pings probe ``target`` by name over IPv6 (the engine's embedded DNS):
    three replies, each request sent as soon as the last reply came (-A), within 8 s."""
    return [docker, 'run', '--rm', '--name', peer, '--network', network, image,
            'ping', '-6', '-A', '-c', '3', '-w', '8', target]  # fmt: skip


def removal_failed(rc: int, stderr: str, kind: str) -> bool:
    """Whether a ``docker rm`` (kind 'container') or ``docker network rm`` (kind 'network') really failed: any line
    of its error output other than 'not there'."""
    if rc == 0:
        return False
    absent = _CONTAINER_ABSENT if kind == 'container' else _NETWORK_ABSENT
    return any(line.strip() and not absent.search(line.strip()) for line in stderr.splitlines())


def read_addresses(networks: list[str], stdout: str) -> dict[str, str]:
    """The address of each network's probe from ``docker inspect`` of the probes in that order ('' when none)."""
    lines = [line.strip() for line in stdout.splitlines()]
    return {network: lines[index] if index < len(lines) else '' for index, network in enumerate(networks)}


def ask_items(addresses: dict[str, str], peers: dict[str, object]) -> list[tuple[str, str, str]]:
    """What to ask: (network, host, the host's probe address on it) for each network where this host's probe has an
    address and each other host, in order; the address is '' where that host has no probe on the network (nothing
    to ask: a FAIL cell). ``peers`` maps each other host to its report ({'addresses': {...}}, or None when it has
    none)."""
    items = []
    for network, own in addresses.items():
        if not own:
            continue
        for host, report in peers.items():
            theirs = (report.get('addresses') or {}) if isinstance(report, dict) else {}
            items.append((network, host, str(theirs.get(network) or '')))
    return items


def answered(stdout: str) -> bool:
    """Whether a probe answered (its reply names the address the request came from)."""
    return 'peer=' in stdout
