#!/usr/bin/python
# Copyright: dockernet.ipv6 contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: owned_cleanup
short_description: Remove the firewall chains, proxy entries and networks that carry the collection's marks
version_added: 0.2.0
description:
  - Removes from a Docker host what the collection recognises as its own, and nothing else.
  - With O(ip6tables), every IPv6 chain whose name starts with C(DOCKERNET-), in every table, and every rule of
    another chain that jumps to one of them (read with C(ip6tables-save)). The jumps are deleted by position and
    the chains flushed, then deleted. The engine's chains (C(DOCKER-USER) and the others) are left as they are.
  - With O(proxy_entries), every IPv6 proxy neighbour entry tagged with O(protocol), on every link (C(ip -N -j -6
    neigh show proxy)); entries without that tag are kept.
  - With O(networks), every Docker network the record O(record) says the collection created, unless a container is
    attached to it; such a network is kept and listed in RV(networks_kept).
  - Routes tagged with the collection's protocol are removed by M(dockernet.ipv6.ipv6_routes) (C(exclusive=true)
    and no routes); the sysctls and the C(FORWARD) policy are put back by
    M(dockernet.ipv6.original_state).
author:
  - dockernet.ipv6 contributors (@dockernet)
extends_documentation_fragment:
  - dockernet.ipv6.attributes
  - dockernet.ipv6.attributes.ALL
  - dockernet.ipv6.attributes.LINUX
  - dockernet.ipv6.docker
options:
  ip6tables:
    description: Remove the C(DOCKERNET-*) chains and the jumps to them.
    type: bool
    default: true
  proxy_entries:
    description: Remove the proxy entries tagged with O(protocol).
    type: bool
    default: true
  protocol:
    description: The route protocol number that marks the collection's proxy entries.
    type: int
    default: 214
  networks:
    description: Remove the networks recorded as created by the collection, when nothing is attached.
    type: bool
    default: true
  record:
    description: The record kept by M(dockernet.ipv6.original_state); without it no network is removed.
    type: path
    default: /etc/dockernet/original.json
  stale_bridge_prefix:
    description:
      - The IPv6 prefix the default bridge had from the collection (its former C(fixed-cidr-v6)). Engines 26.1 and
        28.5 keep its gateway address on the bridge, their link-local gateway C(fe80::1/64) and the route to the
        prefix after they start without IPv6 on the default bridge; all are removed (the kernel's own routes go with
        the addresses).
      - Give it only once the engine runs without IPv6 on the default bridge.
    type: str
  bridge:
    description: The default bridge's link, for O(stale_bridge_prefix).
    type: str
    default: docker0
requirements:
  - ip6tables and iproute2 on the target; the engine (O(docker_host), O(timeout)) only when the record names networks.
seealso:
  - module: dockernet.ipv6.original_state
  - module: dockernet.ipv6.ipv6_routes
"""

EXAMPLES = r"""
- name: Remove the collection's chains, proxy entries and unused networks
  dockernet.ipv6.owned_cleanup:
  register: cleanup

- name: Say which networks were kept
  ansible.builtin.debug:
    msg: "{{ cleanup.networks_kept }}"
  when: cleanup.networks_kept | length > 0
"""

RETURN = r"""
ip6tables_removed:
  description: The jumps and chains removed (predicted in check mode), one line each, led by the table.
  returned: always
  type: list
  elements: str
  sample: ["nat: -A POSTROUTING -j DOCKERNET-POSTROUTING", "nat: chain DOCKERNET-POSTROUTING"]
proxy_entries_removed:
  description: The proxy entries removed, as C(address dev link).
  returned: always
  type: list
  elements: str
  sample: ["2001:db8:ab11:0:8000::2 dev eth0"]
networks_removed:
  description: The networks removed.
  returned: always
  type: list
  elements: str
  sample: [ipv6_bridge]
stale_bridge_removed:
  description: The commands that took the old gateway address and its route off the bridge.
  returned: always
  type: list
  elements: str
  sample: [address del 2001:db8:ab11:0:8000::1/67 dev docker0]
networks_kept:
  description: Networks the collection created that were kept, with the reason.
  returned: always
  type: list
  elements: dict
  sample: [{name: ipv6_bridge, reason: "containers attached: web1"}]
"""

from ansible.module_utils.basic import AnsibleModule, env_fallback
from ansible.module_utils.common.text.converters import to_native

from ansible_collections.dockernet.ipv6.plugins.module_utils._docker_engine import DEFAULT_DOCKER_HOST, DEFAULT_TIMEOUT
from ansible_collections.dockernet.ipv6.plugins.module_utils._hostlib import files
from ansible_collections.dockernet.ipv6.plugins.module_utils._hostlib.iproute import (
    DEFAULT_PROTOCOL,
    InterfaceNotFound,
    IprouteError,
    link_name,
    neigh_proxy_del_line,
    proxy_entries,
    run_batch,
    run_json,
)
from ansible_collections.dockernet.ipv6.plugins.module_utils._hostlib.runner import module_run, module_runner
from ansible_collections.dockernet.ipv6.plugins.module_utils._original_state import (
    RecordError,
    ip6tables_removal,
    network_removals,
    owned_proxy_entries,
    parse_record,
    stale_bridge_lines,
)


def clean_ip6tables(module, result):
    save = [module.get_bin_path('ip6tables-save', required=True)]
    rc, out, err = module_run(module, save)
    if rc != 0:
        module.fail_json(msg='ip6tables-save failed: %s' % err.strip(), cmd=save, rc=rc)
    commands, described = ip6tables_removal(out)
    result['ip6tables_removed'] = described
    if commands and not module.check_mode:
        ip6tables = module.get_bin_path('ip6tables', required=True)
        for args in commands:
            argv = [ip6tables, '--wait', *args]
            rc, out, err = module_run(module, argv)
            if rc != 0:
                module.fail_json(msg='%s failed: %s' % (' '.join(argv), err.strip()), cmd=argv, rc=rc, **result)
    return bool(commands)


def clean_proxy_entries(module, result):
    ip_bin = module.get_bin_path('ip', required=True)
    try:
        entries = proxy_entries(run_json(module_runner(module), [ip_bin, '-N', '-j', '-6', 'neigh', 'show', 'proxy']))
        owned = owned_proxy_entries(entries, module.params['protocol'])
        result['proxy_entries_removed'] = ['%s dev %s' % (entry['address'], entry['dev']) for entry in owned]
        if owned and not module.check_mode:
            run_batch(
                module_runner(module), ip_bin, [neigh_proxy_del_line(entry['address'], entry['dev']) for entry in owned]
            )
    except IprouteError as exc:
        module.fail_json(**exc.fail_kwargs())
    except ValueError as exc:
        module.fail_json(msg='Refusing to remove proxy entries: %s' % exc)
    return bool(owned)


def clean_networks(module, result):
    path = module.params['record']
    try:
        record = parse_record(files.module_read_text(module, path), path)
    except RecordError as exc:
        module.fail_json(msg=str(exc))
    if not record['networks']:
        return False
    from ansible_collections.dockernet.ipv6.plugins.module_utils._docker_engine import (
        DOCKER_IMPORT_ERROR,
        DockerException,
        EngineClient,
        EngineError,
        NotFound,
    )

    if DOCKER_IMPORT_ERROR is not None:
        module.fail_json(
            msg='The Docker SDK for Python (python3-docker) is needed to remove the networks %s'
            % ', '.join(record['networks']),
            exception=DOCKER_IMPORT_ERROR,
        )
    try:
        client = EngineClient(module.params['docker_host'], module.params['timeout'])
        found = {}
        for name in record['networks']:
            try:
                network = client.api.inspect_network(name)
            except NotFound:
                continue
            # A name may also match an ID prefix: only a network of exactly that name counts.
            if network.get('Name') == name:
                found[name] = network
        remove, kept = network_removals(record['networks'], found)
        result['networks_removed'], result['networks_kept'] = remove, kept
        if not module.check_mode:
            for name in remove:
                client.api.remove_network(found[name]['Id'])
    except (DockerException, EngineError) as exc:
        module.fail_json(msg='Cannot remove the networks: %s' % to_native(exc), **result)
    for item in kept:
        module.warn('network %s was created by dockernet.ipv6 but is kept: %s' % (item['name'], item['reason']))
    return bool(remove)


def clean_stale_bridge(module, result):
    ip_bin = module.get_bin_path('ip', required=True)
    bridge, prefix = module.params['bridge'], module.params['stale_bridge_prefix']
    try:
        link_name(bridge)
        addresses = run_json(module_runner(module), [ip_bin, '-j', '-6', 'addr', 'show', 'dev', bridge])
        routes = run_json(module_runner(module), [ip_bin, '-N', '-j', '-6', 'route', 'show', 'table', 'main'])
        lines = stale_bridge_lines(addresses, routes, prefix, bridge)
        result['stale_bridge_removed'] = lines
        if lines and not module.check_mode:
            run_batch(module_runner(module), ip_bin, lines)
    except InterfaceNotFound:
        return False
    except IprouteError as exc:
        module.fail_json(**exc.fail_kwargs())
    except ValueError as exc:
        module.fail_json(msg='stale_bridge_prefix: %s' % exc)
    return bool(lines)


def main() -> None:
    module = AnsibleModule(
        argument_spec=dict(
            ip6tables=dict(type='bool', default=True),
            proxy_entries=dict(type='bool', default=True),
            protocol=dict(type='int', default=DEFAULT_PROTOCOL),
            networks=dict(type='bool', default=True),
            record=dict(type='path', default='/etc/dockernet/original.json'),
            stale_bridge_prefix=dict(type='str'),
            bridge=dict(type='str', default='docker0'),
            docker_host=dict(type='str', default=DEFAULT_DOCKER_HOST, fallback=(env_fallback, ['DOCKER_HOST'])),
            timeout=dict(type='int', default=DEFAULT_TIMEOUT),
        ),
        supports_check_mode=True,
    )
    if not 1 <= module.params['protocol'] <= 255:
        module.fail_json(msg='protocol must be between 1 and 255, not %d' % module.params['protocol'])
    result = dict(
        ip6tables_removed=[], proxy_entries_removed=[], networks_removed=[], networks_kept=[], stale_bridge_removed=[]
    )
    changed = False
    if module.params['networks']:
        changed |= clean_networks(module, result)
    if module.params['proxy_entries']:
        changed |= clean_proxy_entries(module, result)
    if module.params['ip6tables']:
        changed |= clean_ip6tables(module, result)
    if module.params['stale_bridge_prefix']:
        changed |= clean_stale_bridge(module, result)
    before = (
        result['ip6tables_removed']
        + result['proxy_entries_removed']
        + result['stale_bridge_removed']
        + ['network %s' % name for name in result['networks_removed']]
    )
    module.exit_json(
        changed=changed,
        diff=dict(
            before=''.join(line + '\n' for line in before),
            after='',
            before_header='owned by dockernet.ipv6',
            after_header='owned by dockernet.ipv6',
        ),
        **result,
    )


if __name__ == '__main__':
    main()
