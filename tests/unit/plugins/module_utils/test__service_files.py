# Copyright: dockernet.ipv6 contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

import pytest

from ansible_collections.dockernet.ipv6.plugins.module_utils._service_files import (
    Found,
    ServiceFilesError,
    check_paths,
    directory_change,
    file_change,
    parse_mode,
    unit_verbs,
)


@pytest.mark.parametrize(
    ('value', 'mode'), [('0644', 0o644), ('644', 0o644), ('0755', 0o755), (0o600, 0o600), ('0', 0)]
)
def test_parse_mode(value, mode):
    assert parse_mode(value, 'files: /x: mode') == mode


@pytest.mark.parametrize(
    ('value', 'message'),
    [
        ('0664', 'files: /x: mode: 0o664 lets others than root write'),
        ('0646', 'files: /x: mode: 0o646 lets others than root write'),
        ('rw-r--r--', "files: /x: mode: 'rw-r--r--' is not an octal mode"),
        ('0899', "files: /x: mode: '0899' is not an octal mode"),
        ('01644', "files: /x: mode: '01644' is not a permission mode (0 to 0777)"),
        (-1, 'files: /x: mode: -1 is not a permission mode (0 to 0777)'),
        (['0644'], "files: /x: mode: ['0644'] is not an octal mode"),
        (None, 'files: /x: mode: None is not an octal mode'),
        (True, 'files: /x: mode: True is not an octal mode'),
    ],
)
def test_parse_mode_refuses(value, message):
    with pytest.raises(ServiceFilesError) as err:
        parse_mode(value, 'files: /x: mode')
    assert str(err.value).startswith(message)


def test_check_paths():
    check_paths(['/a', '/b/c'], 'files')
    with pytest.raises(ServiceFilesError, match=r'^absent: a/b is not an absolute path$'):
        check_paths(['/x', 'a/b'], 'absent')
    with pytest.raises(ServiceFilesError, match=r'^files: /a is given twice$'):
        check_paths(['/a', '/b', '/a'], 'files')


def test_file_change():
    assert file_change(b'x', 0o644, None) == ['content']
    assert file_change(b'x', 0o644, Found(b'x', 0o644, 0, 0)) == []
    assert file_change(b'x', 0o644, Found(b'y', 0o644, 0, 0)) == ['content']
    assert file_change(b'x', 0o644, Found(b'x', 0o666, 0, 0)) == ['mode']
    assert file_change(b'x', 0o644, Found(b'x', 0o644, 1000, 0)) == ['owner']
    assert file_change(b'x', 0o644, Found(b'x', 0o644, 0, 1000)) == ['owner']
    assert file_change(b'x', 0o600, Found(b'y', 0o644, 1000, 1000)) == ['content', 'mode', 'owner']


def test_directory_change():
    assert directory_change(None) == ['create']
    assert directory_change(Found(None, 0o755, 0, 0)) == []
    assert directory_change(Found(None, 0o777, 0, 0)) == ['mode']
    assert directory_change(Found(None, 0o755, 0, 50)) == ['owner']
    assert directory_change(Found(None, 0o700, 1, 1)) == ['mode', 'owner']


@pytest.mark.parametrize(
    ('state', 'unit_changed', 'files_changed', 'enabled', 'active', 'verbs'),
    [
        # A unit systemd does not know yet.
        ('started', True, True, 'not-found', 'inactive', ['daemon-reload', 'enable', 'start']),
        ('enabled', True, False, 'not-found', 'inactive', ['daemon-reload', 'enable']),
        # Nothing to do.
        ('started', False, False, 'enabled', 'active', []),
        ('enabled', False, False, 'enabled', 'inactive', []),
        ('enabled', False, True, 'enabled', 'inactive', []),
        # A running unit follows new files only once restarted.
        ('started', False, True, 'enabled', 'active', ['restart']),
        ('started', True, False, 'enabled', 'active', ['daemon-reload', 'restart']),
        ('started', False, True, 'enabled', 'activating', ['restart']),
        # One that does not run starts with the new files: no restart on top.
        ('started', False, True, 'enabled', 'failed', ['start']),
        ('started', False, False, 'enabled', 'inactive', ['start']),
        # Disabled by hand: enabled again.
        ('started', False, False, 'disabled', 'active', ['enable']),
        ('enabled', False, False, 'disabled', 'inactive', ['enable']),
        ('started', False, False, 'static', 'active', []),
    ],
)
def test_unit_verbs(state, unit_changed, files_changed, enabled, active, verbs):
    assert unit_verbs(state, unit_changed, files_changed, enabled, active) == verbs


@pytest.mark.parametrize(
    ('value', 'message'),
    [
        ('0777', 'files: /x: mode: 0o777 lets others than root write; the collection keeps its files root-owned'),
        (0o620, 'files: /x: mode: 0o620 lets others than root write; the collection keeps its files root-owned'),
        ('01000', "files: /x: mode: '01000' is not a permission mode (0 to 0777)"),
        (0o4755, 'files: /x: mode: 2541 is not a permission mode (0 to 0777)'),
        ('u=rw,go=r', "files: /x: mode: 'u=rw,go=r' is not an octal mode"),
    ],
)
def test_parse_mode_refuses_with_the_whole_message(value, message):
    with pytest.raises(ServiceFilesError) as err:
        parse_mode(value, 'files: /x: mode')
    assert str(err.value) == message


@pytest.mark.parametrize('enabled', ['enabled-runtime', 'alias', 'indirect', 'generated'])
def test_a_unit_systemd_enables_another_way_is_not_enabled_again(enabled):
    assert unit_verbs('started', False, False, enabled, 'active') == []


def test_a_unit_reloading_counts_as_running_and_is_restarted_for_new_files():
    assert unit_verbs('started', False, True, 'enabled', 'reloading') == ['restart']
