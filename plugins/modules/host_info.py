#!/usr/bin/python
# Copyright: dockernet.ipv6 contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: host_info
short_description: Read what the site planner needs to know about a Docker host
version_added: 0.1.0
description:
  - Reads, without changing anything, the network interfaces of a host, which of them take their
    configuration from router advertisements, and the version of its Docker engine, so that the controller
    can validate the whole site before any host is touched.
  - The engine version comes from the C(dockerd) binary, so it is known even when the engine is stopped.
author:
  - dockernet.ipv6 contributors (@dockernet)
options:
  dockerd_path:
    description:
      - Name or path of the engine binary.
    type: str
    default: dockerd
  daemon_config_path:
    description:
      - The engine's configuration file, read for the firewall backend it selects (RV(firewall_backend)).
    type: path
    default: /etc/docker/daemon.json
extends_documentation_fragment:
  - dockernet.ipv6.attributes
  - dockernet.ipv6.attributes.LINUX
  - dockernet.ipv6.attributes.READ_ONLY
  - dockernet.ipv6.docker
requirements:
  - iproute2 on the managed host
  - the Docker SDK for Python on the managed host, for RV(current.networks) and the engine's live-restore
"""

EXAMPLES = r"""
- name: Read interfaces and engine version
  dockernet.ipv6.host_info:
  register: dockernet_host

- name: Show the engine version
  ansible.builtin.debug:
    msg: "{{ dockernet_host.engine_version }}"
"""

RETURN = r"""
interfaces:
  description: Names of the host's network interfaces, in the kernel's order.
  returned: success
  type: list
  elements: str
  sample: [lo, eth0, docker0]
ra_interfaces:
  description:
    - Interfaces configured from router advertisements (holding an address made from an advertised prefix, or
      a route learnt from an advertisement). Forwarding would make the kernel ignore further advertisements
      on them unless C(accept_ra) is 2.
  returned: success
  type: list
  elements: str
  sample: []
engine_version:
  description: Version of the Docker engine binary, without distribution suffixes; null when there is none.
  returned: success
  type: str
  sample: 26.1.5
addresses:
  description:
    - Every interface's IPv6 addresses, as C(address/prefixlen); addresses that failed duplicate address detection
      are left out.
  returned: success
  type: dict
  sample: {"lo": ["::1/128"], "eth0": ["2001:db8:ab11::1/64", "fe80::42:acff:fe1e:b01/64"]}
firewall_backend:
  description:
    - The C(firewall-backend) that O(daemon_config_path) sets (Docker 29 and later accept C(iptables) or C(nftables));
      null when the file does not set it.
  returned: success
  type: str
  sample: null
current:
  description:
    - What an earlier rollout left on this host, for the planner to keep. C(container_prefix) is read back from
      O(daemon_config_path) (null when the file does not hold both halves of one prefix). C(engine_running) says
      whether the engine answered; C(live_restore) is the engine's own answer (the file's setting when it does not
      run). C(networks) maps each network's name to its IPv6 subnets, whether IPv6 is on and the names of the
      attached containers (empty when the engine does not answer or the Docker SDK for Python is missing).
  returned: success
  type: dict
  contains:
    container_prefix:
      description: The container prefix an earlier rollout gave this host, or null.
      type: str
    engine_running:
      description: Whether the engine answered.
      type: bool
    live_restore:
      description: Whether the engine runs with live-restore.
      type: bool
    networks:
      description: Per network name, C(enable_ipv6), C(ipv6_subnets) and the names of the attached C(containers).
      type: dict
  sample:
    container_prefix: 2001:db8:ab11:0:8000::/66
    engine_running: true
    live_restore: false
    networks:
      bridge: {enable_ipv6: true, ipv6_subnets: ["2001:db8:ab11:0:8000::/67"], containers: [web]}
"""

from ansible.module_utils.basic import AnsibleModule, env_fallback

from ansible_collections.dockernet.ipv6.plugins.module_utils._docker_engine import (
    DEFAULT_DOCKER_HOST,
    DEFAULT_TIMEOUT,
    HAS_DOCKER,
    DockerException,
    EngineClient,
    EngineError,
    NotFound,
)
from ansible_collections.dockernet.ipv6.plugins.module_utils._engine_capabilities import version_text
from ansible_collections.dockernet.ipv6.plugins.module_utils._host_info import (
    current_container_prefix,
    engine_networks,
    firewall_backend,
    interface_addresses,
    interface_names,
    live_restore_configured,
    ra_interfaces,
)
from ansible_collections.dockernet.ipv6.plugins.module_utils._hostlib.iproute import IP_ENVIRON, IprouteError, run_json
from ansible_collections.dockernet.ipv6.plugins.module_utils._hostlib.runner import module_runner


def _inspect(client: EngineClient, network_id: str) -> dict:
    """A network's full record, or an empty one when it went away since it was listed."""
    try:
        return client.api.inspect_network(network_id)
    except NotFound:
        return {}


def _current(daemon_json: str | None, docker_host: str, timeout: int) -> dict:
    """What an earlier rollout left on this host: its container prefix, live-restore and the engine's networks."""
    current = dict(
        container_prefix=current_container_prefix(daemon_json),
        engine_running=False,
        live_restore=live_restore_configured(daemon_json),
        networks={},
    )
    if not HAS_DOCKER:
        return current
    try:
        client = EngineClient(docker_host, timeout=timeout)
    except EngineError:
        return current
    try:
        current['live_restore'] = bool(client.api.info().get('LiveRestoreEnabled'))
        inspected = [_inspect(client, network['Id']) for network in client.api.networks()]
    except DockerException:
        return current
    finally:
        client.close()
    current.update(engine_running=True, networks=engine_networks(inspected))
    return current


def main() -> None:
    module = AnsibleModule(
        argument_spec=dict(
            dockerd_path=dict(type='str', default='dockerd'),
            daemon_config_path=dict(type='path', default='/etc/docker/daemon.json'),
            docker_host=dict(type='str', default=DEFAULT_DOCKER_HOST, fallback=(env_fallback, ['DOCKER_HOST'])),
            timeout=dict(type='int', default=DEFAULT_TIMEOUT),
        ),
        supports_check_mode=True,
    )
    ip_bin = module.get_bin_path('ip', required=True)
    try:
        links = run_json(module_runner(module), [ip_bin, '-j', 'addr', 'show'])
        ra_routes = run_json(module_runner(module), [ip_bin, '-j', '-6', 'route', 'show', 'proto', 'ra'])
    except IprouteError as exc:
        module.fail_json(**exc.fail_kwargs())

    engine_version = None
    dockerd = module.get_bin_path(module.params['dockerd_path'])
    if dockerd:
        rc, out, err = module.run_command([dockerd, '--version'], environ_update=IP_ENVIRON)
        if rc == 0:
            engine_version = version_text(out)
    try:
        with open(module.params['daemon_config_path'], encoding='utf-8') as handle:
            daemon_json = handle.read()
    except OSError:
        daemon_json = None
    current = _current(daemon_json, module.params['docker_host'], module.params['timeout'])
    module.exit_json(
        changed=False,
        current=current,
        interfaces=interface_names(links),
        addresses=interface_addresses(links),
        ra_interfaces=ra_interfaces(links, ra_routes),
        engine_version=engine_version,
        firewall_backend=firewall_backend(daemon_json),
    )


if __name__ == '__main__':
    main()
