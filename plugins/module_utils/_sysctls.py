# Copyright: dockernet.ipv6 contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Sysctl names, their /proc/sys paths, and what setting the IPv6 sysctls changes: pure decisions for the
ipv6_sysctls module (``sysctl_path`` is also the original_state module's).

The module reads the runtime values and the file that persists them; these functions check the options, write the
file's text and decide what to write, so that check mode predicts exactly what the real run does. Nothing here
touches a file. Nothing outside this collection may rely on this file.
"""

from __future__ import annotations

import collections
import re

from ansible_collections.dockernet.ipv6.plugins.module_utils._service_files import Found, file_change

PROC_SYS = '/proc/sys'
# The only sysctls the module sets.
IPV6_PREFIX = 'net.ipv6.'
FILE_MODE = 0o644
FILE_HEADER = (
    '# dockernet.ipv6: IPv6 sysctls, written whole by Ansible (local changes are lost); see dockernet-sysctl.service'
)

_SYSCTL_NAME = re.compile(r'^[A-Za-z0-9_]+(\.[A-Za-z0-9_@/-]+)+$')
# A value as sysctl(8) writes it: one word, nothing it would read as a separator, comment or assignment.
_VALUE = re.compile(r'^[A-Za-z0-9_.:+-]+$')
_NUMBER = re.compile(r'^[+-]?[0-9]+$')

# What the module is to do: the names whose runtime value is to be set (in the order they are written), the file's
# text, what about the file is to change (any of 'content', 'mode', 'owner') and the diffs to report.
Plan = collections.namedtuple('Plan', 'runtime file_text file_changes diff')


class SysctlsError(ValueError):
    """An option or a host state the module cannot act on, with the key named."""


def sysctl_path(name: str) -> str:
    """/proc/sys path of a sysctl written as sysctl(8) does (dots between parts, slashes for dots in a part).

    A part that would become ``.`` or ``..`` (an interface name cannot be either) is refused, so that the path never
    leaves the tree the name stands for."""
    if not isinstance(name, str) or not _SYSCTL_NAME.fullmatch(name) or '..' in name:
        raise ValueError('%r is not a sysctl name' % (name,))
    parts = [part.replace('/', '.') for part in name.split('.')]
    if any(part in ('.', '..') for part in parts):
        raise ValueError('%r is not a sysctl name' % (name,))
    return PROC_SYS + '/' + '/'.join(parts)


def check_name(name) -> str:
    """The /proc/sys path of a key of ``values``; only C(net.ipv6.*) names are taken."""
    try:
        path = sysctl_path(name)
    except ValueError:
        raise SysctlsError(
            'values: %r is not a sysctl name (dots between parts, a dot inside an interface name written as a slash)'
            % (name,)
        ) from None
    if not name.startswith(IPV6_PREFIX):
        raise SysctlsError('values: %s is not a net.ipv6.* sysctl; this module sets no other' % name)
    return path


def check_value(name: str, value) -> str:
    """The value of ``name`` as the text written to /proc/sys and to the file: an int, or one word of letters,
    digits and ``_.:+-``; a number given as text is taken in its plain decimal form only."""
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        raise SysctlsError(
            'values: %s: %r is a %s; give an int or a string without whitespace'
            % (name, value, 'boolean (write 0 or 1)' if isinstance(value, bool) else type(value).__name__)
        )
    if isinstance(value, int):
        return str(value)
    if not _VALUE.fullmatch(value):
        raise SysctlsError(
            'values: %s: %r is not a sysctl value: one word of letters, digits and _.:+- without whitespace'
            % (name, value)
        )
    if _NUMBER.fullmatch(value) and value != str(int(value)):
        # The kernel reads a leading 0 as octal: 010 would be 8, and never read back as written.
        raise SysctlsError('values: %s: write %r as %s' % (name, value, int(value)))
    return value


def _order(name: str):
    """``all`` first (writing it changes every interface), then ``default``, then the rest by name."""
    parts = name.split('.')
    rank = {'all': 0, 'default': 1}.get(parts[3] if len(parts) > 3 and parts[2] == 'conf' else '', 2)
    return rank, name


def check_values(values) -> dict:
    """{name: value text} in the order they are written, from the ``values`` option; SysctlsError naming the key."""
    if not isinstance(values, dict) or not values:
        raise SysctlsError('values: give at least one net.ipv6.* sysctl and its value')
    wanted = {}
    for name in sorted(values, key=lambda name: _order(str(name))):
        check_name(name)
        wanted[name] = check_value(name, values[name])
    return wanted


def check_file(path: str) -> None:
    """The file that persists the values: absolute, and read by sysctl(8) and systemd-sysctl (C(*.conf))."""
    if not isinstance(path, str) or not path.startswith('/') or path.endswith('/'):
        raise SysctlsError('file: %r is not an absolute path to a file' % (path,))
    if not path.endswith('.conf'):
        raise SysctlsError(
            'file: %s does not end in .conf; sysctl --system and systemd-sysctl read no other file' % path
        )


def render_file(wanted: dict) -> str:
    """The whole text of the file: the header, then one ``name=value`` line per key, in the order written."""
    return FILE_HEADER + '\n' + ''.join('%s=%s\n' % (name, value) for name, value in wanted.items())


def normalise(text: str | None) -> str | None:
    """A value read from /proc/sys as the module compares it (words separated by one space)."""
    return None if text is None else ' '.join(text.split())


def missing_error(missing: dict) -> str:
    """The message for keys whose /proc/sys path does not exist ({name: path})."""
    return 'values: %s; nothing was written' % '; '.join(
        '%s: %s does not exist (no such interface, or no such sysctl)' % (name, path) for name, path in missing.items()
    )


def unwritable_error(unwritable: dict) -> str:
    """The message for keys to set whose /proc/sys path cannot be written ({name: path})."""
    return 'values: %s; nothing was written' % '; '.join(
        '%s: %s cannot be written (a read-only sysctl, or /proc/sys mounted read-only)' % (name, path)
        for name, path in unwritable.items()
    )


def plan(wanted: dict, current: dict, file_path: str, found: Found | None) -> Plan:
    """What the module is to do.

    ``wanted``: from check_values; ``current``: {name: runtime value text, None when its /proc/sys path does not
    exist}; ``found``: the file as it is (None when absent). A missing key is a SysctlsError naming every such key
    and its path: nothing may be written then."""
    missing = {name: sysctl_path(name) for name in wanted if current.get(name) is None}
    if missing:
        raise SysctlsError(missing_error(missing))
    runtime = [name for name, value in wanted.items() if normalise(current[name]) != value]
    text = render_file(wanted)
    file_changes = file_change(text.encode('utf-8'), FILE_MODE, found)
    before_text = '' if found is None else found.content.decode('utf-8', errors='replace')
    diff = [
        dict(
            before_header=file_path,
            after_header=file_path,
            before=before_text,
            after=text if 'content' in file_changes else before_text,
        ),
        dict(
            before_header='runtime values',
            after_header='runtime values',
            before=''.join('%s=%s\n' % (name, normalise(current[name])) for name in runtime),
            after=''.join('%s=%s\n' % (name, wanted[name]) for name in runtime),
        ),
    ]
    return Plan(runtime=runtime, file_text=text, file_changes=file_changes, diff=diff)


def readback_error(wanted: dict, after: dict) -> str | None:
    """After the writes, the message naming every key the kernel does not hold as written (it took another value,
    or a later key changed it); None when all read back as wanted."""
    wrong = [
        '%s reads %r, not %r' % (name, normalise(after.get(name)), value)
        for name, value in wanted.items()
        if normalise(after.get(name)) != value
    ]
    if not wrong:
        return None
    return 'values: after writing, %s; the kernel does not keep these values as given: give the values it reads' % (
        '; '.join(wrong)
    )
