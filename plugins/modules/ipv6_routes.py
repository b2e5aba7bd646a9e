#!/usr/bin/python
# Copyright: dockernet.ipv6 contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: ipv6_routes
short_description: Manage the static IPv6 routes the collection owns
version_added: 0.1.0
description:
  - Adds and removes static IPv6 routes through gateways, as the routed design of the site needs
    (C(ip -6 route add <prefix> via <gateway>)), in the main routing table.
  - Every route it adds is tagged with a route protocol number of its own (O(protocol)), so that later runs
    recognise its routes and never touch anyone else's. A wanted destination that is already routed by
    someone else is an error, not something to replace.
  - Reads the main routing table with one C(ip -N -j -6 route show table main) call and applies every change
    with one C(ip -6 -batch -) process.
  - A route tagged with O(protocol) counts as the collection's whatever its shape, so a device route
    (C(dev eth0) without a gateway), a multipath route (C(nexthop via ... nexthop via ...)), a source-specific
    or an C(unreachable) route tagged that way is removed like any other unwanted route of ours. It is deleted
    by what the kernel identifies it with, destination (and source), protocol and metric as read, plus its
    gateway and link when it has a single one, so the kernel itself refuses to delete a route with another tag.
  - Routes of other tables are neither read nor changed.
  - Every value that goes into a command is validated first (IPv6 addresses and prefixes, written back in
    canonical form, without zone index; link names of 1-15 characters among C(A-Z a-z 0-9 _ . @ -), not
    starting with C(-)), so that no input can add a second command to a batch line.
author:
  - dockernet.ipv6 contributors (@dockernet)
options:
  routes:
    description:
      - The wanted routes.
    type: list
    elements: dict
    default: []
    suboptions:
      dest:
        description: Destination IPv6 prefix, for example V(2001:db8:ef11::/64).
        type: str
        required: true
      via:
        description: Gateway, an IPv6 address on the link O(interface).
        type: str
        required: true
  interface:
    description:
      - The link the gateways are reached on.
      - 1-15 characters among C(A-Z a-z 0-9 _ . @ -), not starting with C(-).
    type: str
    required: true
  state:
    description:
      - V(present) installs O(routes); V(absent) removes those of them that are installed and tagged as ours.
    type: str
    choices: [present, absent]
    default: present
  exclusive:
    description:
      - With O(state=present), also remove routes tagged with O(protocol) that are not in O(routes), on any
        link and of any shape (device, multipath...); these are routes the collection installed earlier and no
        longer wants. Routes with another protocol, or none, are never removed.
    type: bool
    default: true
  protocol:
    description:
      - Route protocol number that marks the routes as the collection's (C(ip route ... proto N)).
      - The collection's roles name it C(dockernet) in C(/etc/iproute2/rt_protos.d/).
    type: int
    default: 214
extends_documentation_fragment:
  - dockernet.ipv6.attributes
  - dockernet.ipv6.attributes.ALL
  - dockernet.ipv6.attributes.LINUX
requirements:
  - iproute2 with JSON output (C(ip -j)) on the managed host
seealso:
  - module: dockernet.ipv6.ndp_proxy
"""

EXAMPLES = r"""
- name: Route docker2's container prefix via its LAN address (the book's routed recipe)
  dockernet.ipv6.ipv6_routes:
    interface: eth0
    routes:
      - dest: 2001:db8:ef11::/64
        via: 2001:db8:ab11::2

- name: Remove every route the collection installed
  dockernet.ipv6.ipv6_routes:
    interface: eth0
    routes: []
    exclusive: true
"""

RETURN = r"""
added:
  description: Routes added (or that would be added in check mode).
  returned: always
  type: list
  elements: str
  sample: [2001:db8:ef11::/64 via 2001:db8:ab11::2 dev eth0]
removed:
  description:
    - Routes of ours removed (or that would be removed in check mode), as C(ip route) would print them, with
      C(metric) when it is not the default 1024.
  returned: always
  type: list
  elements: str
  sample:
    - 2001:db8:cd11::/64 dev eth0
    - 2001:db8:cd12::/64 nexthop via 2001:db8:ab11::2 dev eth0 nexthop via 2001:db8:ab11::3 dev eth0
routes:
  description: The routes tagged as ours after the run (as predicted in check mode).
  returned: always
  type: list
  elements: str
  sample: [2001:db8:ef11::/64 via 2001:db8:ab11::2 dev eth0]
wanted:
  description:
    - The routes of O(routes) as validated, in canonical form, with O(interface) as C(dev); what the
      C(dockernet.ipv6.routes) role persists for the boot replay.
  returned: always
  type: list
  elements: dict
  sample: [{dest: 2001:db8:ef11::/64, via: 2001:db8:ab11::2, dev: eth0}]
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.dockernet.ipv6.plugins.module_utils._hostlib.iproute import (
    DEFAULT_PROTOCOL,
    IprouteError,
    link_name,
    protocol_number,
    route_show_argv,
    run_batch,
    run_json,
)
from ansible_collections.dockernet.ipv6.plugins.module_utils._hostlib.runner import module_runner
from ansible_collections.dockernet.ipv6.plugins.module_utils._routes import (
    Route,
    batch_lines,
    conflict_message,
    plan_routes,
    routes_from_ip,
    wanted_route,
)


def wanted_routes(module: AnsibleModule) -> list[Route]:
    """The O(routes) option as Route objects, failing with the offending entry on bad input."""
    interface = module.params['interface']
    routes = []
    for index, item in enumerate(module.params['routes']):
        try:
            routes.append(wanted_route(item['dest'], item['via'], interface))
        except ValueError as exc:
            module.fail_json(msg='routes[%d]: %s' % (index, exc))
    return routes


def main() -> None:
    module = AnsibleModule(
        argument_spec=dict(
            routes=dict(
                type='list',
                elements='dict',
                default=[],
                options=dict(
                    dest=dict(type='str', required=True),
                    via=dict(type='str', required=True),
                ),
            ),
            interface=dict(type='str', required=True),
            state=dict(type='str', choices=['present', 'absent'], default='present'),
            exclusive=dict(type='bool', default=True),
            protocol=dict(type='int', default=DEFAULT_PROTOCOL),
        ),
        supports_check_mode=True,
    )
    interface = module.params['interface']
    protocol = module.params['protocol']
    try:
        link_name(interface)
    except ValueError as exc:
        module.fail_json(msg='interface: %s' % exc)
    try:
        protocol_number(protocol)
    except ValueError as exc:
        module.fail_json(msg='protocol: %s' % exc)
    wanted = wanted_routes(module)
    ip_bin = module.get_bin_path('ip', required=True)

    try:
        run_json(module_runner(module), [ip_bin, '-j', 'link', 'show', 'dev', interface])
        current = routes_from_ip(run_json(module_runner(module), route_show_argv(ip_bin)))
    except IprouteError as exc:
        module.fail_json(**exc.fail_kwargs())

    plan = plan_routes(wanted, current, protocol, module.params['state'], module.params['exclusive'])
    if plan.conflicts:
        module.fail_json(msg=conflict_message(plan.conflicts))

    changed = bool(plan.to_add or plan.to_remove)
    if changed and not module.check_mode:
        try:
            run_batch(module_runner(module), ip_bin, batch_lines(plan, protocol))
        except ValueError as exc:
            module.fail_json(msg='Refusing to change routes: %s' % exc)
        except IprouteError as exc:
            module.fail_json(**exc.fail_kwargs())

    result = dict(
        changed=changed,
        added=[route.describe() for route in plan.to_add],
        removed=[route.describe() for route in plan.to_remove],
        routes=list(plan.after),
        wanted=[route.as_dict() for route in wanted],
    )
    if module._diff:
        result['diff'] = dict(
            before='\n'.join(plan.before) + '\n',
            after='\n'.join(plan.after) + '\n',
        )
    module.exit_json(**result)


if __name__ == '__main__':
    main()
