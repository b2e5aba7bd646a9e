#!/usr/bin/python
# Copyright: dockernet.ipv6 contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: original_state
short_description: Record what a host held before the collection changed it, and put it back
version_added: 0.2.0
description:
  - Keeps a JSON record (O(path)) of the state a Docker host had before the collection first changed it, so that
    removing the collection can put that state back.
  - With O(state=present), the runtime value of every sysctl in O(sysctls) and, with O(forward_policy), the policy
    of the IPv6 filter C(FORWARD) chain are recorded, each only when the record does not hold it yet, so the record
    keeps the value from before the first rollout. Names in O(networks) are added to the networks the collection
    created.
  - With O(state=restored), every recorded sysctl whose runtime value differs is written back (a key that does not
    exist any more, because its interface is gone, is skipped), and, with O(forward_policy), the recorded C(FORWARD)
    policy is set again. Sysctl files are not touched; the record itself is kept.
  - The record is written atomically, root-owned with mode C(0644), its directory created with mode C(0755); never
    in check mode.
  - The daemon.json part of the record is kept by M(dockernet.ipv6.docker_daemon_config) (O(path) is shared).
author:
  - dockernet.ipv6 contributors (@dockernet)
extends_documentation_fragment:
  - dockernet.ipv6.attributes
  - dockernet.ipv6.attributes.ALL
  - dockernet.ipv6.attributes.LINUX
options:
  path:
    description: The record file.
    type: path
    default: /etc/dockernet/original.json
  state:
    description:
      - V(present) records; V(restored) puts the recorded runtime values back.
    type: str
    choices: [present, restored]
    default: present
  sysctls:
    description:
      - Sysctls the collection sets, written as sysctl(8) takes them (C(net.ipv6.conf.eth0.proxy_ndp); a dot inside
        an interface name is written as C(/)).
      - With O(state=restored), an empty list restores every recorded sysctl.
    type: list
    elements: str
    default: []
  forward_policy:
    description:
      - Record, or put back, the policy of the IPv6 filter C(FORWARD) chain (C(ip6tables -S FORWARD)).
      - The sysctl role, first of the rollout, records it before anything changes it, because engines before 28.0 set
        it to C(DROP) themselves as soon as their IPv6 firewall is on.
      - Nothing is recorded when ip6tables is not installed.
    type: bool
    default: false
  networks:
    description:
      - Names of Docker networks the collection has just created; only with O(state=present).
    type: list
    elements: str
    default: []
requirements:
  - ip6tables on the target to put the C(FORWARD) policy back.
seealso:
  - module: dockernet.ipv6.owned_cleanup
  - module: dockernet.ipv6.docker_daemon_config
"""

EXAMPLES = r"""
- name: Record the sysctls and the FORWARD policy before the first change
  dockernet.ipv6.original_state:
    sysctls:
      - net.ipv6.conf.all.forwarding
      - net.ipv6.conf.eth0.proxy_ndp
    forward_policy: true

- name: Put them back when removing the collection
  dockernet.ipv6.original_state:
    state: restored
    forward_policy: true
"""

RETURN = r"""
record:
  description: The record after the task (predicted in check mode).
  returned: always
  type: dict
  sample:
    version: 1
    daemon: {ipv6: {present: false}}
    daemon_pools: {owned: [], scope: []}
    sysctls: {net.ipv6.conf.all.forwarding: "0"}
    ip6tables: {forward_policy: ACCEPT}
    networks: [ipv6_bridge]
restored:
  description: What O(state=restored) set back (predicted in check mode), as C(name=value) lines.
  returned: always
  type: list
  elements: str
  sample: [net.ipv6.conf.all.forwarding=0, ip6tables FORWARD policy ACCEPT]
diff:
  description: The record (O(state=present)) or the restored values (O(state=restored)) before and after, as text.
  returned: always
  type: dict
"""

import os
import tempfile

from ansible.module_utils.basic import AnsibleModule
from ansible.module_utils.common.text.converters import to_bytes

from ansible_collections.dockernet.ipv6.plugins.module_utils._hostlib import files
from ansible_collections.dockernet.ipv6.plugins.module_utils._hostlib.runner import module_run
from ansible_collections.dockernet.ipv6.plugins.module_utils._original_state import (
    RecordError,
    forward_policy,
    parse_record,
    record_names,
    record_values,
    render_record,
    sysctl_restores,
)
from ansible_collections.dockernet.ipv6.plugins.module_utils._proc_sys import module_read, module_write


def current_forward_policy(module, required):
    """The policy of the IPv6 filter FORWARD chain; None when ip6tables is not installed and not ``required``."""
    ip6tables = module.get_bin_path('ip6tables', required=required)
    if ip6tables is None:
        return None
    argv = [ip6tables, '--wait', '-S', 'FORWARD']
    rc, out, err = module_run(module, argv)
    if rc != 0:
        module.fail_json(msg='%s failed: %s' % (' '.join(argv), err.strip()), cmd=argv, rc=rc)
    return forward_policy(out)


def write_record(module, path, text):
    directory = os.path.dirname(path) or '.'
    if not os.path.isdir(directory):
        os.makedirs(directory)
        os.chmod(directory, 0o755)
    fd, temp_path = tempfile.mkstemp(dir=directory, prefix='.%s.' % os.path.basename(path), suffix='.tmp')
    try:
        with os.fdopen(fd, 'wb') as handle:
            handle.write(to_bytes(text))
        os.chmod(temp_path, 0o644)
        module.atomic_move(temp_path, path)
    finally:
        if os.path.exists(temp_path):
            os.unlink(temp_path)
    module.set_mode_if_different(path, '0644', False)


def main() -> None:
    module = AnsibleModule(
        argument_spec=dict(
            path=dict(type='path', default='/etc/dockernet/original.json'),
            state=dict(type='str', choices=['present', 'restored'], default='present'),
            sysctls=dict(type='list', elements='str', default=[]),
            forward_policy=dict(type='bool', default=False),
            networks=dict(type='list', elements='str', default=[]),
        ),
        supports_check_mode=True,
    )
    path = module.params['path']
    text = files.module_read_text(module, path)
    try:
        record = parse_record(text, path)
    except RecordError as exc:
        module.fail_json(msg=str(exc))

    if module.params['state'] == 'present':
        new = record_values(
            record,
            'sysctls',
            {
                name: module_read(module, 'sysctls', name)
                for name in module.params['sysctls']
                if name not in record['sysctls']
            },
        )
        if module.params['forward_policy'] and 'forward_policy' not in record['ip6tables']:
            policy = current_forward_policy(module, required=False)
            if policy is not None:
                new = record_values(new, 'ip6tables', {'forward_policy': policy})
        new = record_names(new, 'networks', module.params['networks'])
        changed = new != record
        if changed and not module.check_mode:
            write_record(module, path, render_record(new))
        module.exit_json(
            changed=changed,
            record=new,
            restored=[],
            diff=dict(
                before=render_record(record) if text is not None else '',
                after=render_record(new) if changed or text is not None else '',
                before_header=path,
                after_header=path,
            ),
        )

    if module.params['networks']:
        module.fail_json(msg='networks is only used with state=present')
    names = module.params['sysctls'] or sorted(record['sysctls'])
    current = {name: module_read(module, 'sysctls', name) for name in names}
    wanted = {name: value for name, value in record['sysctls'].items() if name in names}
    restores = sysctl_restores({'sysctls': wanted}, current)
    before_lines = ['%s=%s' % (name, current[name]) for name in sorted(restores)]
    restored = ['%s=%s' % (name, value) for name, value in sorted(restores.items())]
    policy_before = None
    original_policy = record['ip6tables'].get('forward_policy')
    if module.params['forward_policy'] and original_policy in ('ACCEPT', 'DROP'):
        policy_before = current_forward_policy(module, required=True)
        if policy_before is not None and policy_before != original_policy:
            before_lines.append('ip6tables FORWARD policy %s' % policy_before)
            restored.append('ip6tables FORWARD policy %s' % original_policy)
        else:
            policy_before = None
    changed = bool(restored)
    if changed and not module.check_mode:
        for name, value in sorted(restores.items()):
            module_write(module, 'sysctls', name, value)
        if policy_before is not None:
            argv = [
                module.get_bin_path('ip6tables', required=True),
                '--wait',
                '-t',
                'filter',
                '-P',
                'FORWARD',
                original_policy,
            ]
            rc, out, err = module_run(module, argv)
            if rc != 0:
                module.fail_json(msg='Cannot set the FORWARD policy back: %s' % err.strip(), cmd=argv, rc=rc)
    module.exit_json(
        changed=changed,
        record=record,
        restored=restored,
        diff=dict(
            before=''.join(line + '\n' for line in before_lines),
            after=''.join(line + '\n' for line in restored),
            before_header='runtime values',
            after_header='runtime values',
        ),
    )


if __name__ == '__main__':
    main()
