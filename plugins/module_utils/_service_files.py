# Copyright: dockernet.ipv6 contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What installing a service's files and unit changes: pure decisions for the service_files module.

The module reads the files, directories and the unit's systemd state; these functions decide what to write and
which systemctl verbs to run, in order, so that check mode predicts exactly what the real run does.
"""

from __future__ import annotations

import collections

ROOT = 0
DIRECTORY_MODE = 0o755

# What the module found at a path: its bytes (None when there is no regular file), mode, owner and group.
Found = collections.namedtuple('Found', 'content mode uid gid')


class ServiceFilesError(ValueError):
    """An option the module cannot act on, with the option named."""


def parse_mode(value, option: str) -> int:
    """An octal mode given as text (C('0644')) or as an int, limited to permission bits."""
    try:
        if isinstance(value, bool):
            raise TypeError('a boolean is no mode')
        mode = int(value, 8) if isinstance(value, str) else int(value)
    except (TypeError, ValueError):
        raise ServiceFilesError('%s: %r is not an octal mode' % (option, value)) from None
    if not 0 <= mode <= 0o777:
        raise ServiceFilesError('%s: %r is not a permission mode (0 to 0777)' % (option, value))
    if mode & 0o022:
        raise ServiceFilesError(
            '%s: %s lets others than root write; the collection keeps its files root-owned' % (option, oct(mode))
        )
    return mode


def check_paths(paths, option: str) -> None:
    """Absolute, each once."""
    seen = set()
    for path in paths:
        if not path.startswith('/'):
            raise ServiceFilesError('%s: %s is not an absolute path' % (option, path))
        if path in seen:
            raise ServiceFilesError('%s: %s is given twice' % (option, path))
        seen.add(path)


def file_change(want_content: bytes, want_mode: int, found: Found | None) -> list[str]:
    """What is to change about one file: any of 'content', 'mode', 'owner' (empty when it is as wanted)."""
    if found is None:
        return ['content']
    changes = []
    if found.content != want_content:
        changes.append('content')
    if found.mode != want_mode:
        changes.append('mode')
    if (found.uid, found.gid) != (ROOT, ROOT):
        changes.append('owner')
    return changes


def directory_change(found: Found | None) -> list[str]:
    """What is to change about a directory: 'create', or any of 'mode', 'owner'."""
    if found is None:
        return ['create']
    changes = []
    if found.mode != DIRECTORY_MODE:
        changes.append('mode')
    if (found.uid, found.gid) != (ROOT, ROOT):
        changes.append('owner')
    return changes


def unit_verbs(state: str, unit_changed: bool, files_changed: bool, enabled: str, active: str) -> list[str]:
    """The systemctl verbs to run, in order.

    ``enabled`` and ``active`` are what C(systemctl is-enabled) and C(systemctl is-active) printed before any change
    (C(not-found) or empty for a unit systemd does not know yet). A unit that runs already follows new files only once
    restarted; one that does not run is started (with ``state`` V(started)) and then runs with the new files.
    """
    verbs = []
    if unit_changed:
        verbs.append('daemon-reload')
    if enabled not in ('enabled', 'enabled-runtime', 'static', 'alias', 'indirect', 'generated'):
        verbs.append('enable')
    if state == 'started':
        if active in ('active', 'activating', 'reloading'):
            if unit_changed or files_changed:
                verbs.append('restart')
        else:
            verbs.append('start')
    return verbs
