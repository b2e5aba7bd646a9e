# Copyright: dockernet.ipv6 contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The root-owned files the modules install: what is at a path, creating directories, writing a file atomically and
setting its mode and owner, on real files under tmp_path. A stand-in module takes fail_json and atomic_move; os.chown
is recorded instead of run, so that the tests need not run as root (docs/mutation.md)."""

from __future__ import annotations

import os
import re

import pytest

from ansible_collections.dockernet.ipv6.plugins.module_utils import _root_files
from ansible_collections.dockernet.ipv6.plugins.module_utils._root_files import (
    found_at,
    make_directory,
    set_attributes,
    write_file,
)
from ansible_collections.dockernet.ipv6.plugins.module_utils._service_files import Found


class Failed(Exception):
    """What AnsibleModule.fail_json does: the task ends there, with the message."""


class Module:
    """Stands in for AnsibleModule: fail_json ends the task, atomic_move renames and records."""

    def __init__(self, move_error=None):
        self.moves = []
        self.move_error = move_error

    def fail_json(self, msg):
        raise Failed(msg)

    def atomic_move(self, src, dest):
        with open(src, 'rb') as handle:
            self.moves.append((src, dest, handle.read()))
        if self.move_error is not None:
            raise self.move_error
        os.replace(src, dest)


@pytest.fixture
def chowned(monkeypatch):
    """The (path, uid, gid) of every os.chown, which is not run."""
    calls = []
    monkeypatch.setattr(os, 'chown', lambda path, uid, gid: calls.append((str(path), uid, gid)))
    return calls


def failure(call, *args):
    with pytest.raises(Failed) as caught:
        call(Module(), *args)
    return str(caught.value)


# --- found_at


def test_a_file_is_found_with_its_bytes_mode_and_owner(tmp_path):
    path = tmp_path / 'dockernet-ndp.service'
    path.write_bytes(b'[Unit]\nDescription=x\n')
    path.chmod(0o640)
    info = os.lstat(path)
    assert found_at(Module(), str(path)) == Found(b'[Unit]\nDescription=x\n', 0o640, info.st_uid, info.st_gid)
    assert found_at(Module(), str(path), directory=False) == found_at(Module(), str(path))


def test_a_directory_is_found_without_content(tmp_path):
    path = tmp_path / 'dockernet'
    path.mkdir()
    path.chmod(0o750)
    info = os.lstat(path)
    assert found_at(Module(), str(path), directory=True) == Found(None, 0o750, info.st_uid, info.st_gid)


def test_nothing_at_the_path_is_none(tmp_path):
    assert found_at(Module(), str(tmp_path / 'absent.conf')) is None
    assert found_at(Module(), str(tmp_path / 'absent'), directory=True) is None


def test_the_wrong_kind_of_thing_at_the_path_is_named(tmp_path):
    (tmp_path / 'file').write_text('x')
    (tmp_path / 'link').symlink_to(tmp_path / 'file')
    assert failure(found_at, str(tmp_path), False) == '%s exists and is not a regular file' % tmp_path
    # lstat: a symbolic link is not followed, so a link to a file is no file to replace in place.
    assert failure(found_at, str(tmp_path / 'link'), False) == '%s/link exists and is not a regular file' % tmp_path
    assert failure(found_at, str(tmp_path / 'file'), True) == '%s/file exists and is not a directory' % tmp_path


def test_a_path_that_cannot_be_looked_at_is_named_with_the_reason(tmp_path):
    (tmp_path / 'file').write_text('x')
    path = str(tmp_path / 'file' / 'x.conf')
    expected = "Cannot read %s: [Errno 20] Not a directory: '%s'" % (path, path)
    assert failure(found_at, path, False) == expected
    assert failure(found_at, path, True) == expected


def test_a_file_that_cannot_be_opened_is_named_with_the_reason(tmp_path, monkeypatch):
    path = str(tmp_path / 'x.conf')
    with open(path, 'w') as handle:
        handle.write('x')

    def refuse(name, mode):
        assert (name, mode) == (path, 'rb')
        raise PermissionError(13, 'Permission denied', name)

    monkeypatch.setattr(_root_files, 'open', refuse, raising=False)
    assert failure(found_at, path) == "Cannot read %s: [Errno 13] Permission denied: '%s'" % (path, path)


# --- make_directory


def test_a_directory_and_its_missing_parents_are_made_root_owned_0755(tmp_path, chowned):
    old = os.umask(0o077)
    try:
        make_directory(Module(), str(tmp_path / 'a' / 'b' / 'c'))
    finally:
        os.umask(old)
    made = [str(tmp_path / 'a'), str(tmp_path / 'a' / 'b'), str(tmp_path / 'a' / 'b' / 'c')]
    assert [oct(os.stat(path).st_mode & 0o7777) for path in made] == ['0o755'] * 3
    assert chowned == [(path, 0, 0) for path in made]


def test_an_existing_directory_is_left_as_it_is(tmp_path, chowned):
    (tmp_path / 'a').mkdir(mode=0o700)
    make_directory(Module(), str(tmp_path / 'a'))
    assert os.stat(tmp_path / 'a').st_mode & 0o7777 == 0o700
    assert chowned == []


def test_a_directory_that_cannot_be_made_is_named_with_the_reason(tmp_path, chowned):
    (tmp_path / 'file').write_text('x')
    path = str(tmp_path / 'file' / 'd')
    assert failure(make_directory, path) == "Cannot create %s: [Errno 20] Not a directory: '%s'" % (path, path)
    assert chowned == []


# --- write_file and set_attributes


def test_a_file_is_written_through_a_temporary_file_beside_it_then_given_mode_and_owner(tmp_path, chowned):
    module = Module()
    path = str(tmp_path / 'etc' / 'dockernet' / 'ndp.conf')
    write_file(module, path, b'prefix=2001:db8::/64\n', 0o640)
    [(src, dest, content)] = module.moves
    assert dest == path and content == b'prefix=2001:db8::/64\n'
    assert os.path.dirname(src) == os.path.dirname(path)
    assert re.fullmatch(r'\.ndp\.conf\.[a-z0-9_]{8}\.tmp', os.path.basename(src))
    with open(path, 'rb') as handle:
        assert handle.read() == b'prefix=2001:db8::/64\n'
    assert os.stat(path).st_mode & 0o7777 == 0o640
    assert os.listdir(os.path.dirname(path)) == ['ndp.conf']
    assert chowned == [(str(tmp_path / 'etc'), 0, 0), (str(tmp_path / 'etc' / 'dockernet'), 0, 0), (path, 0, 0)]


def test_a_file_replaced_takes_the_mode_wanted_not_the_old_one(tmp_path, chowned):
    path = tmp_path / 'x.conf'
    path.write_bytes(b'old\n')
    path.chmod(0o600)
    write_file(Module(), str(path), b'new\n', 0o644)
    assert path.read_bytes() == b'new\n'
    assert path.stat().st_mode & 0o7777 == 0o644
    assert chowned == [(str(path), 0, 0)]


def test_a_file_that_cannot_be_moved_in_place_is_named_and_its_temporary_file_removed(tmp_path, chowned):
    path = str(tmp_path / 'x.conf')
    module = Module(move_error=OSError(30, 'Read-only file system'))
    with pytest.raises(Failed) as caught:
        write_file(module, path, b'x\n', 0o644)
    assert str(caught.value) == 'Cannot write %s: [Errno 30] Read-only file system' % path
    assert [content for _src, _dest, content in module.moves] == [b'x\n']
    assert os.listdir(tmp_path) == []
    assert chowned == []


def test_attributes_are_set_or_the_reason_named(tmp_path, chowned):
    path = tmp_path / 'x.conf'
    path.write_text('x')
    set_attributes(Module(), str(path), 0o600)
    assert path.stat().st_mode & 0o7777 == 0o600
    assert chowned == [(str(path), 0, 0)]
    absent = str(tmp_path / 'absent.conf')
    assert failure(set_attributes, absent, 0o644) == (
        "Cannot set the mode and owner of %s: [Errno 2] No such file or directory: '%s'" % (absent, absent)
    )


@pytest.fixture
def chown_refused(monkeypatch):
    def refuse(path, uid, gid):
        raise PermissionError(1, 'Operation not permitted', path)

    monkeypatch.setattr(os, 'chown', refuse)


def test_an_owner_that_cannot_be_set_is_named(tmp_path, chown_refused):
    path = str(tmp_path / 'x.conf')
    with open(path, 'w') as handle:
        handle.write('x')
    assert failure(set_attributes, path, 0o644) == (
        "Cannot set the mode and owner of %s: [Errno 1] Operation not permitted: '%s'" % (path, path)
    )


def test_a_file_written_but_refused_its_owner_is_named(tmp_path, chown_refused):
    path = tmp_path / 'x.conf'
    assert failure(write_file, str(path), b'y\n', 0o644) == (
        "Cannot set the mode and owner of %s: [Errno 1] Operation not permitted: '%s'" % (path, path)
    )
    assert path.read_bytes() == b'y\n'


@pytest.mark.parametrize(
    'call, args', [(make_directory, ('d/e',)), (write_file, ('d/f/x.conf', b'x\n', 0o644))], ids=['parent', 'file']
)
def test_the_first_directory_refused_its_owner_is_named(tmp_path, chown_refused, call, args):
    # Made, but not given to root: nothing is made inside it.
    made = str(tmp_path / 'd')
    assert failure(call, str(tmp_path / args[0]), *args[1:]) == (
        "Cannot create %s: [Errno 1] Operation not permitted: '%s'" % (made, made)
    )
    assert os.listdir(made) == []


def test_a_file_whose_directory_cannot_hold_it_is_named_with_the_reason(tmp_path, chowned):
    # The "directory" is a regular file: no temporary file can be made in it.
    (tmp_path / 'sysctl.d').write_text('x')
    path = str(tmp_path / 'sysctl.d' / '60-dockernet-ipv6.conf')
    with pytest.raises(Failed) as caught:
        write_file(Module(), path, b'x\n', 0o644)
    assert re.fullmatch(
        r"Cannot write %s: \[Errno 20\] Not a directory: '%s/\.60-dockernet-ipv6\.conf\.[a-z0-9_]{8}\.tmp'"
        % (re.escape(path), re.escape(str(tmp_path / 'sysctl.d'))),
        str(caught.value),
    )
    assert chowned == []
