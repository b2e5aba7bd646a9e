#!/usr/bin/python
# Copyright: dockernet.ipv6 contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: ndp_proxy
short_description: Manage the IPv6 neighbour proxy (NDP proxy) entries of one interface
version_added: 0.1.0
description:
  - Adds or removes the IPv6 proxy neighbour entries (C(ip -6 neigh add proxy ADDR dev IF)) of one interface, so that
    the host answers neighbour solicitations on that link for addresses that live behind it, such as its containers.
  - Addresses come from O(addresses), from the running containers of the local Docker engine (O(from_containers)),
    or both, limited to O(prefixes) when given.
  - With O(exclusive=true), entries inside O(prefixes) that are not wanted and carry the collection's tag
    (O(protocol)) are removed as well. An entry inside O(prefixes) that is untagged or tagged by someone else is
    never removed by O(exclusive); it is left alone and listed in RV(foreign). Entries outside O(prefixes) are
    never touched unless named in O(addresses).
  - The current entries are read with one C(ip -N -j -6 neigh show proxy dev IF) and every change is applied with one
    C(ip -6 -batch -) process, so the cost hardly depends on the number of entries.
  - A wanted address is present when an entry for it exists, whatever protocol it is tagged with; such an entry is
    kept as it is.
  - Every value that goes into a command is validated first (IPv6 addresses written back in canonical form,
    without zone index; the link name), so that no input can add a second command to a batch line.
  - The kernel answers for these entries only while C(net.ipv6.conf.<interface>.proxy_ndp) is 1 (see
    M(ansible.posix.sysctl)); this module does not change sysctls.
author:
  - dockernet.ipv6 contributors (@dockernet)
extends_documentation_fragment:
  - dockernet.ipv6.attributes
  - dockernet.ipv6.attributes.ALL
  - dockernet.ipv6.attributes.LINUX
  - dockernet.ipv6.docker
options:
  interface:
    description:
      - The interface the proxy entries belong to, usually the LAN interface of a Docker host.
      - It must exist; 1-15 characters among C(A-Z a-z 0-9 _ . @ -), not starting with C(-).
    type: str
    required: true
    aliases: [dev]
  addresses:
    description:
      - IPv6 addresses to proxy (O(state=present)) or to stop proxying (O(state=absent)).
      - Any notation Python's C(ipaddress) accepts; they are compared and returned in canonical (RFC 5952) form.
      - When O(prefixes) is given, addresses outside it are skipped with a warning.
    type: list
    elements: str
    default: []
  from_containers:
    description:
      - Also use the global IPv6 address of every running container, on every network of the local Docker engine
        (user-defined networks and the default bridge), limited to O(prefixes) when given.
      - Containers' addresses on internal networks (C(docker network create --internal)) are left out, because those networks
        must stay unreachable from other hosts.
      - Read through the Docker SDK for Python at O(docker_host), which must be installed on the target.
    type: bool
    default: false
  prefixes:
    description:
      - IPv6 prefixes (C(2001:db8:ab11:0:8000::/66)) that make up the address space this task manages.
      - Wanted addresses outside them are ignored; O(exclusive=true) acts only inside them.
      - Required when O(exclusive=true).
    type: list
    elements: str
    default: []
  state:
    description:
      - V(present) adds the wanted entries that are missing; V(absent) removes the wanted entries that exist,
        whatever their tag (they are named in O(addresses)).
    type: str
    choices: [present, absent]
    default: present
  exclusive:
    description:
      - Also remove every entry inside O(prefixes) that is not wanted and is tagged with O(protocol). With
        O(state=absent) nothing is wanted, so every entry of ours inside O(prefixes) is removed.
      - Entries inside O(prefixes) without that tag are kept and listed in RV(foreign); entries outside O(prefixes)
        are kept.
      - Needs O(prefixes) and a O(protocol) other than V(0).
    type: bool
    default: false
  protocol:
    description:
      - Route protocol number (1-255) the entries added by this module are tagged with, shown by
        C(ip -6 neigh show proxy) as C(proto N) and usable as a filter (C(ip -6 neigh show proxy protocol N)).
      - The default 214 (0xd6) is unnamed in iproute2's C(rt_protos) and the kernel's C(RTPROT_*) list; the roles of this
        collection name it C(dockernet) in C(/etc/iproute2/rt_protos.d/).
      - Entries with this tag are the ones O(exclusive) may remove.
      - V(0) adds untagged entries (and then O(exclusive) cannot be used, since an untagged entry may be anyone's).
      - An entry that already exists keeps its tag.
    type: int
    default: 214
requirements:
  - iproute2 with JSON output (C(ip -j), 4.15 or later) on the target.
  - The engine (O(docker_host), O(timeout)) and the Docker SDK are used only with O(from_containers=true).
notes:
  - Only IPv6 proxy entries are handled.
  - If the batch fails part way (for example because another process removed an entry at the same time), the lines
    before the failing one stay applied; running the task again converges.
seealso:
  - name: Linux ip-neighbour(8)
    description: The command the module drives.
    link: https://man7.org/linux/man-pages/man8/ip-neighbour.8.html
  - module: ansible.posix.sysctl
"""

EXAMPLES = r"""
- name: Proxy two container addresses on the LAN interface
  dockernet.ipv6.ndp_proxy:
    interface: eth0
    addresses:
      - 2001:db8:ab11:0:8000::2
      - 2001:db8:ab11:0:8000::3

- name: Proxy every running container of this host in its slice of the LAN /64, and nothing else in it
  dockernet.ipv6.ndp_proxy:
    interface: eth0
    from_containers: true
    prefixes:
      - 2001:db8:ab11:0:8000::/66
    exclusive: true

- name: Stop proxying one address
  dockernet.ipv6.ndp_proxy:
    interface: eth0
    addresses:
      - 2001:db8:ab11:0:8000::3
    state: absent

- name: Remove every proxy entry of ours inside the slice, keep the others (and anyone else's)
  dockernet.ipv6.ndp_proxy:
    interface: eth0
    prefixes:
      - 2001:db8:ab11:0:8000::/66
    state: absent
    exclusive: true
"""

RETURN = r"""
added:
  description: Addresses whose proxy entry was added (or would be, in check mode), in numeric order.
  returned: always
  type: list
  elements: str
  sample: ["2001:db8:ab11:0:8000::2", "2001:db8:ab11:0:8000::3"]
removed:
  description: Addresses whose proxy entry was removed (or would be, in check mode), in numeric order.
  returned: always
  type: list
  elements: str
  sample: ["2001:db8:ab11:0:8000::9"]
foreign:
  description:
    - With O(exclusive=true), the entries inside O(prefixes) that are not wanted but were kept because they are
      untagged or tagged with another protocol than O(protocol), in numeric order. Remove them by hand, or name them
      with O(state=absent), if they are stale.
  returned: always
  type: list
  elements: str
  sample: ["2001:db8:ab11:0:8000::98"]
entries:
  description:
    - Addresses of all IPv6 proxy entries of the interface after the change (predicted in check mode), in numeric
      order, including entries outside O(prefixes).
  returned: always
  type: list
  elements: str
  sample: ["2001:db8:ab11::5", "2001:db8:ab11:0:8000::2", "2001:db8:ab11:0:8000::3"]
diff:
  description:
    - The addresses of the interface's proxy entries before and after, one per line in numeric order, as text so that
      C(--diff) shows a line diff.
  returned: always
  type: dict
  contains:
    before:
      description: Before the change.
      type: str
      returned: always
      sample: "2001:db8:ab11::5\n2001:db8:ab11:0:8000::2\n2001:db8:ab11:0:8000::9\n"
    after:
      description: After the change (predicted in check mode).
      type: str
      returned: always
      sample: "2001:db8:ab11::5\n2001:db8:ab11:0:8000::2\n2001:db8:ab11:0:8000::3\n"
    before_header:
      description: Names what is compared.
      type: str
      returned: always
      sample: proxy entries of eth0
    after_header:
      description: Names what is compared.
      type: str
      returned: always
      sample: proxy entries of eth0
"""

from ansible.module_utils.basic import AnsibleModule, env_fallback, missing_required_lib

from ansible_collections.dockernet.ipv6.plugins.module_utils._hostlib.converge import converge
from ansible_collections.dockernet.ipv6.plugins.module_utils._hostlib.docker_addresses import (
    DEFAULT_DOCKER_HOST,
    DEFAULT_TIMEOUT,
    DockerEngineUnavailable,
    DockerSDKMissing,
    list_networks,
    list_running_containers,
)
from ansible_collections.dockernet.ipv6.plugins.module_utils._hostlib.iproute import (
    DEFAULT_PROTOCOL,
    IprouteError,
    link_name,
)
from ansible_collections.dockernet.ipv6.plugins.module_utils._hostlib.ndp_proxy import (
    as_strings,
    parse_addresses,
    parse_prefixes,
)
from ansible_collections.dockernet.ipv6.plugins.module_utils._hostlib.runner import module_runner


def read_engine(module) -> tuple[list, list]:
    """The engine's running containers and networks, for from_containers."""
    try:
        containers = list_running_containers(module.params['docker_host'], module.params['timeout'])
        networks = list_networks(module.params['docker_host'], module.params['timeout'])
    except DockerSDKMissing as exc:
        module.fail_json(msg=missing_required_lib('docker (the Docker SDK for Python)'), exception=exc.import_traceback)
    except DockerEngineUnavailable as exc:
        module.fail_json(msg=str(exc))
    return containers, networks


def main() -> None:
    module = AnsibleModule(
        argument_spec=dict(
            interface=dict(type='str', required=True, aliases=['dev']),
            addresses=dict(type='list', elements='str', default=[]),
            from_containers=dict(type='bool', default=False),
            prefixes=dict(type='list', elements='str', default=[]),
            state=dict(type='str', default='present', choices=['present', 'absent']),
            exclusive=dict(type='bool', default=False),
            protocol=dict(type='int', default=DEFAULT_PROTOCOL),
            docker_host=dict(type='str', default=DEFAULT_DOCKER_HOST, fallback=(env_fallback, ['DOCKER_HOST'])),
            timeout=dict(type='int', default=DEFAULT_TIMEOUT),
        ),
        supports_check_mode=True,
    )
    interface = module.params['interface']
    try:
        link_name(interface)
    except ValueError as exc:
        module.fail_json(msg='interface: %s' % exc)
    protocol = module.params['protocol']
    if not 0 <= protocol <= 255:
        module.fail_json(msg='protocol must be between 0 and 255, not %d' % protocol)
    prefixes, errors = parse_prefixes(module.params['prefixes'])
    if errors:
        module.fail_json(msg='Invalid prefixes: %s' % '; '.join(errors))
    if module.params['exclusive'] and not prefixes:
        module.fail_json(msg='exclusive=true needs prefixes: the address space in which unwanted entries are removed')
    if module.params['exclusive'] and not protocol:
        module.fail_json(
            msg='exclusive=true needs a protocol of 1-255: only entries carrying that tag are removed, '
            'and protocol 0 tags none'
        )

    listed, errors = parse_addresses(module.params['addresses'])
    if errors:
        module.fail_json(msg='Invalid addresses: %s' % '; '.join(errors))
    containers, networks = read_engine(module) if module.params['from_containers'] else (None, ())

    ip_bin = module.get_bin_path('ip', required=True)
    try:
        result = converge(
            module_runner(module),
            interface,
            prefixes,
            addresses=listed,
            containers=containers,
            networks=networks,
            state=module.params['state'],
            exclusive=module.params['exclusive'],
            protocol=protocol,
            ip_bin=ip_bin,
            check=module.check_mode,
        )
    except IprouteError as exc:
        module.fail_json(**exc.fail_kwargs())
    except ValueError as exc:
        module.fail_json(msg='Refusing to change proxy entries: %s' % exc)
    if result.outside:
        module.warn(
            'Skipped addresses outside the prefixes %s: %s'
            % (', '.join(p.compressed for p in prefixes), ', '.join(as_strings(result.outside)))
        )

    after = result.entries
    module.exit_json(
        changed=result.changed,
        added=result.added,
        removed=result.removed,
        foreign=result.foreign,
        entries=after,
        # Text, one address a line: Ansible's callbacks render str (and dict) diffs, but fail on lists.
        diff=dict(
            before=''.join(address + '\n' for address in result.before),
            after=''.join(address + '\n' for address in after),
            before_header='proxy entries of %s' % interface,
            after_header='proxy entries of %s' % interface,
        ),
    )


if __name__ == '__main__':
    main()
