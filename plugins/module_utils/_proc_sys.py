# Copyright: dockernet.ipv6 contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Reading and writing runtime sysctls under /proc/sys for a module (ipv6_sysctls sets them, original_state records
and restores them): one reader and one writer, so that both modules see a value the same way and fail the same
way. Nothing outside this collection may rely on this file."""

from __future__ import annotations

import os

from ansible.module_utils.common.text.converters import to_native

from ansible_collections.dockernet.ipv6.plugins.module_utils._hostlib import files
from ansible_collections.dockernet.ipv6.plugins.module_utils._sysctls import normalise, sysctl_path


def _path(module, option: str, name) -> str:
    try:
        return sysctl_path(name)
    except ValueError as exc:
        module.fail_json(msg='%s: %s' % (option, exc))


def module_read(module, option: str, name) -> str | None:
    """The runtime value of the sysctl ``name`` (words separated by one space), or None when its /proc/sys path does
    not exist (an interface not there). A name that is no sysctl, a path that is a directory or a file that cannot
    be read fails the task, naming ``option`` (the module option that holds the name)."""
    path = _path(module, option, name)
    if os.path.isdir(path):
        module.fail_json(msg='%s: %s: %s is a directory, not a sysctl' % (option, name, path))
    return normalise(files.module_read_text(module, path))


def module_write(module, option: str, name, value: str) -> None:
    """Set the sysctl ``name`` to ``value`` at run time; when the kernel refuses, the task fails saying why."""
    path = _path(module, option, name)
    try:
        files.write_line(path, value)
    except OSError as exc:
        module.fail_json(msg='%s: cannot set %s to %s: %s' % (option, name, value, to_native(exc)))
