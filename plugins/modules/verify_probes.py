#!/usr/bin/python
# Copyright: dockernet.ipv6 contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: verify_probes
short_description: Start, ask and remove the probe containers that prove a rollout by the packet
version_added: 0.2.0
description:
  - The three steps of the collection's reachability check on one host, each one task for all of the host's
    networks. A probe is a busybox container attached to one network only, so that the address it sends from is
    unambiguous, serving a CGI over HTTP that answers with the address the request came from.
  - V(started) removes what an interrupted run may have left, creates O(compose_network) the way Docker Compose
    creates a network (IPv6 on, no subnet, Compose's labels), starts one probe per network of O(networks), on that
    network, and returns each probe's IPv6 address.
  - V(asked) has each of this host's probes ask the probe of every host in O(peers) on the same network which
    address the request came from (up to O(tries) times, O(timeout) seconds each, 1 s apart; all at once), and with
    O(by_name_network) a second container on that network pings this host's probe by name over IPv6, through the
    engine's embedded DNS.
  - V(absent) removes the probes, the by-name container and the Compose-style network.
  - The probes exist only while a run verifies, so the module never reports a change. A probe that cannot start,
    a network that cannot be created, and a probe that does not answer are findings, returned in RV(problems) and
    RV(results), not failures of the task; the task fails only when C(docker) cannot be run or cannot remove what
    it started.
  - The module runs the C(docker) command-line client of the host against its local engine; user input reaches
    it as arguments, never through a shell.
  - In check mode nothing is run and the results are empty.
author:
  - dockernet.ipv6 contributors (@dockernet)
extends_documentation_fragment:
  - dockernet.ipv6.attributes
  - dockernet.ipv6.attributes.READ_ONLY
  - dockernet.ipv6.attributes.LINUX
options:
  state:
    description: Which step to run.
    type: str
    choices: [started, asked, absent]
    required: true
  networks:
    description:
      - The networks to put a probe on, O(compose_network) included when it is to be probed. The probe names come
        from them, so every step takes the same list.
    type: list
    elements: str
    required: true
  compose_network:
    description:
      - The name of the network made the way Docker Compose makes one; V(started) creates it, V(absent) removes it.
    type: str
  prefix:
    description: The start of every probe's name; the rest is the network's name, with characters a container name
      cannot hold written as C(_).
    type: str
    default: dockernet-verify-
  peer:
    description: The name of the container that pings a probe by name; choose one no probe can have.
    type: str
    default: dockernet-verify.peer
  image:
    description: The image of the probes; it needs C(sh), C(httpd), C(nc) and C(ping) (busybox has them).
    type: str
    default: busybox:latest
  port:
    description: The TCP port the probes serve on.
    type: int
    default: 7777
  peers:
    description:
      - With V(asked), the other hosts and what their V(started) step returned (a mapping with C(addresses), the
        address of each network's probe), or V(null) for a host that has none. Each of this host's probes with an
        address asks the probe of each of these hosts on its network.
    type: dict
    default: {}
  addresses:
    description: With V(asked), this host's probe addresses, as its V(started) step returned them.
    type: dict
    default: {}
  by_name_network:
    description: With V(asked), the network on which a second container pings this host's probe by name.
    type: str
  tries:
    description: With V(asked), how many times a probe that does not answer is asked.
    type: int
    default: 3
  timeout:
    description: With V(asked), how many seconds C(nc) waits for an answer each time.
    type: int
    default: 2
requirements:
  - The C(docker) command-line client on the target.
seealso:
  - plugin: dockernet.ipv6.reachability_matrix
    plugin_type: filter
"""

EXAMPLES = r"""
- name: Start one probe per network
  dockernet.ipv6.verify_probes:
    state: started
    networks: [bridge, app, dockernet-verify_default]
    compose_network: dockernet-verify_default
  register: started

- name: Ask the other hosts' probes
  dockernet.ipv6.verify_probes:
    state: asked
    networks: [bridge, app, dockernet-verify_default]
    addresses: "{{ started.addresses }}"
    peers:
      docker2: "{{ hostvars['docker2'].started }}"
    by_name_network: app
  register: asked

- name: Remove the probes
  dockernet.ipv6.verify_probes:
    state: absent
    networks: [bridge, app, dockernet-verify_default]
    compose_network: dockernet-verify_default
"""

RETURN = r"""
addresses:
  description: With V(started), each network's probe address; an empty text where the probe has none or did not start.
  returned: success
  type: dict
  sample: {bridge: "2001:db8:ab11:0:8000::2", app: "2001:db8:ab11:0:8000:1::2"}
problems:
  description: With V(started), why a network has no probe (the engine's message).
  returned: success
  type: dict
  sample: {dockernet-verify_default: "could not create the network: ..."}
results:
  description:
    - With V(asked), one entry per question, in order, in the shape of a loop's results, so that the
      M(dockernet.ipv6.reachability_matrix) filter reads them.
    - C(item) is C([network, host]); C(stdout), C(stderr), C(rc) and C(attempts) those of the last C(nc); C(skipped)
      is V(true) where that host has no probe on the network (nothing to ask).
  returned: success
  type: list
  elements: dict
by_name:
  description: With V(asked) and O(by_name_network), the ping by name (C(rc), C(stdout), C(stderr)).
  returned: success
  type: dict
"""

import time
from concurrent.futures import ThreadPoolExecutor

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.dockernet.ipv6.plugins.module_utils._hostlib.runner import module_run, subprocess_runner
from ansible_collections.dockernet.ipv6.plugins.module_utils._verify_probes import (
    REQUEST,
    answered,
    ask_argv,
    ask_items,
    create_compose_network_argv,
    inspect_argv,
    ping_by_name_argv,
    probe_names,
    read_addresses,
    removal_failed,
    remove_containers_argv,
    remove_network_argv,
    run_probe_argv,
    unique,
)

# At most this many docker commands at once: the questions of a large site finish together, without starting
# hundreds of clients on the host.
PARALLEL = 8


def remove(module, docker, names, compose_network):
    """Remove the probes, each at once (and then the Compose-style network); the task fails when docker reports a
    real error."""
    run = subprocess_runner()
    with ThreadPoolExecutor(max_workers=PARALLEL) as pool:
        removed = list(pool.map(lambda name: run(remove_containers_argv(docker, [name])), names))
    errors = [err.strip() for rc, _out, err in removed if removal_failed(rc, err, 'container')]
    if errors:
        module.fail_json(msg='Cannot remove the probe containers: %s' % '; '.join(errors))
    if compose_network:
        rc, _out, err = module_run(module, remove_network_argv(docker, compose_network))
        if removal_failed(rc, err, 'network'):
            module.fail_json(msg='Cannot remove the network %s: %s' % (compose_network, err.strip()), rc=rc)


def start(module, docker, networks, names):
    params = module.params
    problems = {}
    compose_network = params['compose_network']
    if compose_network:
        rc, out, err = module_run(module, create_compose_network_argv(docker, compose_network))
        if rc != 0:
            problems[compose_network] = 'could not create the network: %s' % err.strip()
    probed = [network for network in networks if network not in problems]
    run = subprocess_runner()
    with ThreadPoolExecutor(max_workers=PARALLEL) as pool:
        started = list(
            pool.map(
                lambda network: run(run_probe_argv(docker, names[network], network, params['image'], params['port'])),
                probed,
            )
        )
    for network, (rc, _out, err) in zip(probed, started):
        if rc != 0:
            problems[network] = 'could not start the probe: %s' % err.strip()
    running = [network for network in probed if network not in problems]
    addresses = dict.fromkeys(networks, '')
    if running:
        rc, out, err = module_run(module, inspect_argv(docker, [names[network] for network in running]))
        if rc != 0:
            module.fail_json(msg='Cannot read the probes: %s' % err.strip(), rc=rc)
        addresses.update(read_addresses(running, out))
    return {'addresses': addresses, 'problems': problems}


def ask(run, docker, name, address, port, tries, timeout):
    """Ask the probe at ``address`` from probe ``name``, up to ``tries`` times, 1 s apart, until it answers."""
    for attempt in range(1, tries + 1):
        rc, out, err = run(ask_argv(docker, name, address, port, timeout), REQUEST)
        if answered(out) or attempt == tries:
            return {'rc': rc, 'stdout': out, 'stderr': err, 'attempts': attempt}
        time.sleep(1)


def ask_all(module, docker, names):
    params = module.params
    items = ask_items(params['addresses'], params['peers'])
    run = subprocess_runner()
    by_name_network = params['by_name_network']
    with ThreadPoolExecutor(max_workers=PARALLEL) as pool:
        asked = [
            pool.submit(ask, run, docker, names[network], address, params['port'], params['tries'], params['timeout'])
            if address and network in names
            else None
            for network, host, address in items
        ]
        by_name = None
        if by_name_network:
            argv = ping_by_name_argv(docker, params['peer'], by_name_network, params['image'], names[by_name_network])
            by_name = pool.submit(run, argv)
        results = [
            dict(item=[network, host], **future.result()) if future else {'item': [network, host], 'skipped': True}
            for (network, host, address), future in zip(items, asked)
        ]
    result = {'results': results}
    if by_name is not None:
        rc, out, err = by_name.result()
        result['by_name'] = {'rc': rc, 'stdout': out, 'stderr': err}
    return result


def main() -> None:
    module = AnsibleModule(
        argument_spec=dict(
            state=dict(type='str', required=True, choices=['started', 'asked', 'absent']),
            networks=dict(type='list', elements='str', required=True),
            compose_network=dict(type='str'),
            prefix=dict(type='str', default='dockernet-verify-'),
            peer=dict(type='str', default='dockernet-verify.peer'),
            image=dict(type='str', default='busybox:latest'),
            port=dict(type='int', default=7777),
            peers=dict(type='dict', default={}),
            addresses=dict(type='dict', default={}),
            by_name_network=dict(type='str'),
            tries=dict(type='int', default=3),
            timeout=dict(type='int', default=2),
        ),
        supports_check_mode=True,
    )
    params = module.params
    networks = unique(params['networks'])
    names = probe_names(params['prefix'], networks)
    if params['by_name_network'] and params['by_name_network'] not in names:
        module.fail_json(msg='by_name_network: %s is not one of networks' % params['by_name_network'])
    if params['tries'] < 1 or params['timeout'] < 1:
        module.fail_json(msg='tries and timeout must be 1 or more')
    if module.check_mode:
        module.exit_json(changed=False, addresses={}, problems={}, results=[])
    docker = module.get_bin_path('docker', required=True)
    containers = list(names.values()) + [params['peer']]
    if params['state'] == 'absent':
        remove(module, docker, containers, params['compose_network'])
        module.exit_json(changed=False)
    if params['state'] == 'started':
        remove(module, docker, containers, params['compose_network'])
        module.exit_json(changed=False, **start(module, docker, networks, names))
    module.exit_json(changed=False, **ask_all(module, docker, names))


if __name__ == '__main__':
    main()
