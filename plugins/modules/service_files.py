#!/usr/bin/python
# Copyright: dockernet.ipv6 contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: service_files
short_description: Install a service's files and its systemd unit together, enabled, and restarted when they change
version_added: 0.2.0
description:
  - Installs every file a host-side service of the collection needs (its program, private libraries, configuration)
    and its systemd unit in one task, and brings the unit to O(unit.state).
  - Files and directories are root-owned; a file is written atomically only when its content differs, and its mode
    and owner are set when they differ. Directories are created with mode C(0755), and an existing one gets that
    mode and root as owner.
  - The unit is enabled when it is not. With O(unit.state=started), a unit that is not running is started, and one
    that runs is restarted when any of its files or the unit file changed, so that it runs with them. C(systemctl
    daemon-reload) comes first when the unit file changed.
  - In check mode nothing is written or run except C(systemctl is-enabled) and C(systemctl is-active); the result
    names what the real run would write and the C(systemctl) verbs it would run.
author:
  - dockernet.ipv6 contributors (@dockernet)
extends_documentation_fragment:
  - dockernet.ipv6.attributes
  - dockernet.ipv6.attributes.ALL
  - dockernet.ipv6.attributes.LINUX
options:
  files:
    description: The files to install, each with its content; parent directories missing are created.
    type: list
    elements: dict
    default: []
    suboptions:
      path:
        description: Absolute path of the file.
        type: path
        required: true
      content:
        description: The whole content of the file, as text.
        type: str
        required: true
      mode:
        description: Permission bits, octal; neither group nor others may write.
        type: raw
        default: '0644'
  directories:
    description: Directories to create or keep at mode C(0755), owned by root.
    type: list
    elements: path
    default: []
  absent:
    description: Files to remove when they exist (files of an earlier version of the service).
    type: list
    elements: path
    default: []
  unit:
    description: The systemd unit; without it only files and directories are handled.
    type: dict
    suboptions:
      name:
        description: The unit's name, such as C(dockernet-firewall.service); the file is C(/etc/systemd/system/<name>).
        type: str
        required: true
      content:
        description: The unit file's content.
        type: str
        required: true
      state:
        description:
          - V(started) keeps the unit enabled and running, restarted when its files change.
          - V(enabled) only enables it, for a unit that runs at boot (a oneshot).
        type: str
        choices: [started, enabled]
        default: started
requirements:
  - systemd (C(systemctl)) on the target when O(unit) is given.
seealso:
  - module: ansible.builtin.copy
  - module: ansible.builtin.systemd_service
"""

EXAMPLES = r"""
- name: Install the firewall service and keep it running with its current files
  dockernet.ipv6.service_files:
    directories: [/usr/local/lib/dockernet, /etc/dockernet]
    files:
      - path: /etc/dockernet/firewall.json
        content: "{{ _firewall_config | to_nice_json }}\n"
      - path: /usr/local/lib/dockernet/dockernet-firewall
        content: "{{ lookup('ansible.builtin.file', 'dockernet-firewall', rstrip=false) }}"
    absent: [/usr/local/sbin/dockernet-firewall]
    unit:
      name: dockernet-firewall.service
      content: "{{ lookup('ansible.builtin.template', 'dockernet-firewall.service.j2') }}"
"""

RETURN = r"""
written:
  description: The files written, or to be written in check mode, because their content differed or they were missing.
  returned: always
  type: list
  elements: str
  sample: [/etc/dockernet/firewall.json]
fixed:
  description: Files and directories whose mode or owner was set, or created directories.
  returned: always
  type: list
  elements: str
removed:
  description: The files of O(absent) that were removed (or would be).
  returned: always
  type: list
  elements: str
systemctl:
  description: The C(systemctl) verbs run on the unit, in order (predicted in check mode).
  returned: always
  type: list
  elements: str
  sample: [daemon-reload, enable, restart]
"""

import os

from ansible.module_utils.basic import AnsibleModule
from ansible.module_utils.common.text.converters import to_bytes, to_native, to_text

from ansible_collections.dockernet.ipv6.plugins.module_utils._hostlib.runner import module_run
from ansible_collections.dockernet.ipv6.plugins.module_utils._root_files import (
    found_at,
    make_directory,
    set_attributes,
    write_file,
)
from ansible_collections.dockernet.ipv6.plugins.module_utils._service_files import (
    DIRECTORY_MODE,
    ServiceFilesError,
    check_paths,
    directory_change,
    file_change,
    parse_mode,
    unit_verbs,
)

UNIT_DIRECTORY = '/etc/systemd/system'


def systemctl(module, argv, check=True):
    rc, out, err = module_run(module, [module.get_bin_path('systemctl', required=True)] + argv)
    if check and rc != 0:
        module.fail_json(msg='systemctl %s failed: %s' % (' '.join(argv), (err or out).strip()), rc=rc)
    return out.strip()


def file_diff(path, before, after):
    return dict(
        before_header=path,
        after_header=path,
        before=to_text(before, errors='surrogate_or_replace') if before is not None else '',
        after=to_text(after, errors='surrogate_or_replace'),
    )


def main() -> None:
    module = AnsibleModule(
        argument_spec=dict(
            files=dict(
                type='list',
                elements='dict',
                default=[],
                options=dict(
                    path=dict(type='path', required=True),
                    content=dict(type='str', required=True),
                    mode=dict(type='raw', default='0644'),
                ),
            ),
            directories=dict(type='list', elements='path', default=[]),
            absent=dict(type='list', elements='path', default=[]),
            unit=dict(
                type='dict',
                options=dict(
                    name=dict(type='str', required=True),
                    content=dict(type='str', required=True),
                    state=dict(type='str', choices=['started', 'enabled'], default='started'),
                ),
            ),
        ),
        supports_check_mode=True,
    )
    unit = module.params['unit']
    wanted = [(f['path'], to_bytes(f['content']), f['mode'], 'files') for f in module.params['files']]
    if unit:
        if '/' in unit['name'] or not unit['name'].strip():
            module.fail_json(msg='unit.name: %r is not a unit name' % unit['name'])
        wanted.append((os.path.join(UNIT_DIRECTORY, unit['name']), to_bytes(unit['content']), '0644', 'unit.content'))
    try:
        check_paths([path for path, _content, _mode, _option in wanted], 'files')
        check_paths(module.params['directories'], 'directories')
        check_paths(module.params['absent'], 'absent')
        wanted = [
            (path, content, parse_mode(mode, '%s: %s: mode' % (option, path))) for path, content, mode, option in wanted
        ]
    except ServiceFilesError as exc:
        module.fail_json(msg=str(exc))
    clash = {path for path, _content, _mode in wanted} & set(module.params['absent'])
    if clash:
        module.fail_json(msg='absent: %s is also a file to install' % ', '.join(sorted(clash)))

    written, fixed, removed, diffs = [], [], [], []
    for path in module.params['directories']:
        changes = directory_change(found_at(module, path, directory=True))
        if changes:
            fixed.append(path)
            if not module.check_mode:
                if changes == ['create']:
                    make_directory(module, path)
                else:
                    set_attributes(module, path, DIRECTORY_MODE)
    unit_path = os.path.join(UNIT_DIRECTORY, unit['name']) if unit else None
    unit_changed = False
    for path, content, mode in wanted:
        found = found_at(module, path)
        changes = file_change(content, mode, found)
        if 'content' in changes:
            written.append(path)
            diffs.append(file_diff(path, found.content if found else None, content))
            if path == unit_path:
                unit_changed = True
            if not module.check_mode:
                write_file(module, path, content, mode)
        elif changes:
            fixed.append(path)
            if not module.check_mode:
                set_attributes(module, path, mode)
    for path in module.params['absent']:
        found = found_at(module, path)
        if found is not None:
            removed.append(path)
            diffs.append(file_diff(path, found.content, b''))
            if not module.check_mode:
                try:
                    os.unlink(path)
                except OSError as exc:
                    module.fail_json(msg='Cannot remove %s: %s' % (path, to_native(exc)))

    verbs = []
    if unit:
        files_changed = any(path != unit_path for path in written)
        enabled = systemctl(module, ['is-enabled', unit['name']], check=False)
        active = systemctl(module, ['is-active', unit['name']], check=False)
        verbs = unit_verbs(unit['state'], unit_changed, files_changed, enabled, active)
        if not module.check_mode:
            for verb in verbs:
                systemctl(module, [verb] if verb == 'daemon-reload' else [verb, unit['name']])

    module.exit_json(
        changed=bool(written or fixed or removed or verbs),
        written=written,
        fixed=fixed,
        removed=removed,
        systemctl=verbs,
        diff=diffs,
    )


if __name__ == '__main__':
    main()
