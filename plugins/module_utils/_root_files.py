# Copyright: dockernet.ipv6 contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The root-owned files and directories that modules install on the hosts: what is at a path, and writing one
atomically with root as owner. Module glue (each function fails the task through ``module.fail_json``); the
decisions of what to change are the modules' own pure code. Nothing outside this collection may rely on this
file."""

from __future__ import annotations

import os
import stat
import tempfile

from ansible.module_utils.common.text.converters import to_native

from ansible_collections.dockernet.ipv6.plugins.module_utils._service_files import DIRECTORY_MODE, ROOT, Found


def found_at(module, path, directory=False):
    """What is at ``path`` now, None when nothing is; fails when it is not the kind wanted (file or directory)."""
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        return None
    except OSError as exc:
        module.fail_json(msg='Cannot read %s: %s' % (path, to_native(exc)))
    if directory:
        if not stat.S_ISDIR(info.st_mode):
            module.fail_json(msg='%s exists and is not a directory' % path)
        return Found(None, stat.S_IMODE(info.st_mode), info.st_uid, info.st_gid)
    if not stat.S_ISREG(info.st_mode):
        module.fail_json(msg='%s exists and is not a regular file' % path)
    try:
        with open(path, 'rb') as handle:
            content = handle.read()
    except OSError as exc:
        module.fail_json(msg='Cannot read %s: %s' % (path, to_native(exc)))
    return Found(content, stat.S_IMODE(info.st_mode), info.st_uid, info.st_gid)


def make_directory(module, path):
    """Create ``path`` and its missing parents, root-owned with mode 0755."""
    parent = os.path.dirname(path)
    if parent and not os.path.isdir(parent):
        make_directory(module, parent)
    try:
        os.mkdir(path, DIRECTORY_MODE)
        os.chmod(path, DIRECTORY_MODE)
        os.chown(path, ROOT, ROOT)
    except FileExistsError:
        pass
    except OSError as exc:
        module.fail_json(msg='Cannot create %s: %s' % (path, to_native(exc)))


def write_file(module, path, content, mode):
    """Write ``content`` (bytes) to ``path`` atomically, root-owned with ``mode``; missing parents are created."""
    directory = os.path.dirname(path)
    if not os.path.isdir(directory):
        make_directory(module, directory)
    try:
        fd, temp_path = tempfile.mkstemp(dir=directory, prefix='.%s.' % os.path.basename(path), suffix='.tmp')
    except OSError as exc:
        # A directory that cannot hold the temporary file (not writable, read-only, no directory at all).
        module.fail_json(msg='Cannot write %s: %s' % (path, to_native(exc)))
    try:
        with os.fdopen(fd, 'wb') as handle:
            handle.write(content)
        module.atomic_move(temp_path, path)
    except OSError as exc:
        module.fail_json(msg='Cannot write %s: %s' % (path, to_native(exc)))
    finally:
        if os.path.exists(temp_path):
            os.unlink(temp_path)
    # atomic_move keeps the attributes of a file it replaces: set the wanted ones on the new file.
    set_attributes(module, path, mode)


def set_attributes(module, path, mode):
    """Give ``path`` ``mode`` and root as owner and group."""
    try:
        os.chmod(path, mode)
        os.chown(path, ROOT, ROOT)
    except OSError as exc:
        module.fail_json(msg='Cannot set the mode and owner of %s: %s' % (path, to_native(exc)))
