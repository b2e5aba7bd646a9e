#!/usr/bin/python
# Copyright: dockernet.ipv6 contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: ipv6_sysctls
short_description: Set IPv6 sysctls at run time and persist them in one file, in one task
version_added: 0.2.0
description:
  - Sets every sysctl of O(values) whose runtime value (in C(/proc/sys)) differs, and writes O(file), which persists
    them, in one module run instead of one per key.
  - Only C(net.ipv6.*) sysctls are taken. A key whose C(/proc/sys) path does not exist (an interface that is not
    there), and a key to set whose path cannot be written (a read-only sysctl, or C(/proc/sys) mounted read-only),
    fail the task, naming the key and the path, before anything is written.
  - Runtime values are written in this order, as the file lists them for C(sysctl -p) - C(net.ipv6.conf.all.*) first
    (writing them changes every interface), then C(net.ipv6.conf.default.*), then the others by name. Afterwards
    every key is read back, and the task fails when the kernel does not hold a value as given (so that a second run
    would not set it again) - C(proxy_delay), for one, is kept in jiffies, and an odd value reads back one less on a
    kernel with C(HZ=250).
  - O(file) is the collection's own file and is written whole - a header comment, then one C(name=value) line per
    key; a line it held for any other key is dropped. It is written atomically, root-owned with mode C(0644), only
    when its text differs; its mode and owner are set when they differ.
  - In check mode nothing is written; C(/proc/sys) and O(file) are read, and the result names what the real run
    would set and whether it would write the file. With C(--diff) both the file's text and the runtime values that
    change are shown.
author:
  - dockernet.ipv6 contributors (@dockernet)
extends_documentation_fragment:
  - dockernet.ipv6.attributes
  - dockernet.ipv6.attributes.ALL
  - dockernet.ipv6.attributes.LINUX
options:
  values:
    description:
      - The sysctls to set, each name with its value, names written as sysctl(8) takes them - dots between the parts,
        a dot inside an interface name written as C(/) (C(net.ipv6.conf.eth0/100.proxy_ndp) for C(eth0.100)).
      - Only names under C(net.ipv6.) are accepted.
      - A value is an int, or a string of one word (letters, digits and C(_.:+-), no whitespace); a number given as
        text must be in its plain decimal form (C(8), not C(010)). Booleans are refused; give V(0) or V(1).
    type: dict
    required: true
  file:
    description:
      - The file that persists O(values), normally under C(/etc/sysctl.d); its name must end in C(.conf), the only
        files C(sysctl --system) and systemd-sysctl read.
      - Its directory is created (mode C(0755)) when missing.
    type: path
    required: true
notes:
  - The module does not run C(sysctl); at boot the file is applied by systemd-sysctl, and in this collection again by
    C(dockernet-sysctl.service) once the network is up.
seealso:
  - module: ansible.posix.sysctl
  - module: dockernet.ipv6.original_state
"""

EXAMPLES = r"""
- name: Set and persist the IPv6 sysctls
  dockernet.ipv6.ipv6_sysctls:
    values:
      net.ipv6.conf.all.forwarding: 1
      net.ipv6.conf.eth0/100.proxy_ndp: 1
      net.ipv6.neigh.eth0/100.proxy_delay: 0
    file: /etc/sysctl.d/60-dockernet-ipv6.conf
"""

RETURN = r"""
runtime_changed:
  description: The names whose runtime value was set (would be, in check mode), in the order written.
  returned: always
  type: list
  elements: str
  sample: [net.ipv6.conf.all.forwarding, net.ipv6.conf.eth0.proxy_ndp]
file_changed:
  description: Whether O(file) was written or its mode or owner set (would be, in check mode).
  returned: always
  type: bool
  sample: true
diff:
  description:
    - The text of O(file) before and after, and the runtime values that change as C(name=value) lines before and
      after; shown with C(--diff).
  returned: always
  type: list
  elements: dict
"""

import os

from ansible.module_utils.basic import AnsibleModule
from ansible.module_utils.common.text.converters import to_bytes

from ansible_collections.dockernet.ipv6.plugins.module_utils._proc_sys import module_read, module_write
from ansible_collections.dockernet.ipv6.plugins.module_utils._root_files import found_at, set_attributes, write_file
from ansible_collections.dockernet.ipv6.plugins.module_utils._sysctls import (
    FILE_MODE,
    SysctlsError,
    check_file,
    check_values,
    plan,
    readback_error,
    sysctl_path,
    unwritable_error,
)


def main() -> None:
    module = AnsibleModule(
        argument_spec=dict(
            values=dict(type='dict', required=True),
            file=dict(type='path', required=True),
        ),
        supports_check_mode=True,
    )
    path = module.params['file']
    try:
        check_file(path)
        wanted = check_values(module.params['values'])
    except SysctlsError as exc:
        module.fail_json(msg=str(exc))
    current = {name: module_read(module, 'values', name) for name in wanted}
    try:
        todo = plan(wanted, current, path, found_at(module, path))
    except SysctlsError as exc:
        module.fail_json(msg=str(exc))
    # Checked in check mode too, so that it predicts the failure; only the keys to set need to be writable.
    unwritable = {name: sysctl_path(name) for name in todo.runtime if not os.access(sysctl_path(name), os.W_OK)}
    if unwritable:
        module.fail_json(msg=unwritable_error(unwritable))

    if not module.check_mode:
        for name in todo.runtime:
            module_write(module, 'values', name, wanted[name])
        if todo.runtime:
            error = readback_error(wanted, {name: module_read(module, 'values', name) for name in wanted})
            if error:
                module.fail_json(msg=error, runtime_changed=todo.runtime)
        if 'content' in todo.file_changes:
            write_file(module, path, to_bytes(todo.file_text), FILE_MODE)
        elif todo.file_changes:
            set_attributes(module, path, FILE_MODE)

    module.exit_json(
        changed=bool(todo.runtime or todo.file_changes),
        runtime_changed=todo.runtime,
        file_changed=bool(todo.file_changes),
        diff=todo.diff,
    )


if __name__ == '__main__':
    main()
