# Copyright: dockernet.ipv6 contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ansible_collections.dockernet.ipv6.plugins.module_utils import _daemon_config as dc

PATH = '/etc/docker/daemon.json'
USER_FILE = """{
    "log-driver": "json-file",
    "log-opts": {"max-size": "10m", "max-file": "3"},
    "registry-mirrors": ["https://mirror.example"]
}
"""
OWNED = {'ipv6': True, 'fixed-cidr-v6': '2001:db8:ab11:0:8000::/66', 'ip6tables': True}


# --- parse_config

@pytest.mark.parametrize('text', [None, '', '  \n'])
def test_absent_or_blank_file_is_empty(text):
    assert dc.parse_config(text, PATH) == {}


@pytest.mark.parametrize('text, words', [
    ('{"ipv6": true,}', ['/etc/docker/daemon.json is not valid JSON', 'left untouched']),
    ('["ipv6"]', ['/etc/docker/daemon.json holds a JSON list', 'left untouched']),
    ('"ipv6"', ['holds a JSON str']),
])
def test_unusable_file_names_the_file(text, words):
    with pytest.raises(dc.DaemonConfigError) as info:
        dc.parse_config(text, PATH)
    for word in words:
        assert word in str(info.value)


# --- merge and plan_merge

def test_merge_keeps_other_keys_and_their_order():
    plan = dc.plan_merge(USER_FILE, OWNED, [], PATH)
    assert plan.changed
    assert list(plan.config) == ['log-driver', 'log-opts', 'registry-mirrors', 'ipv6', 'fixed-cidr-v6', 'ip6tables']
    assert plan.config['log-opts'] == {'max-size': '10m', 'max-file': '3'}
    assert plan.after_text == dc.render(plan.config)
    assert plan.after_text.startswith('{\n  "log-driver": "json-file",\n  "log-opts": {\n    "max-size"')
    assert plan.after_text.endswith('}\n')


def test_updated_key_stays_in_place():
    before = dc.render({'ipv6': False, 'log-driver': 'json-file'})
    plan = dc.plan_merge(before, {'ipv6': True}, [], PATH)
    assert list(plan.config.items()) == [('ipv6', True), ('log-driver', 'json-file')]


def test_second_run_is_unchanged_and_keeps_formatting():
    first = dc.plan_merge(USER_FILE, OWNED, [], PATH)
    second = dc.plan_merge(first.after_text, OWNED, [], PATH)
    assert not second.changed
    # A file already in the wanted state is not reformatted, whatever its indent.
    hand_written = '{"ipv6": true,    "fixed-cidr-v6": "2001:db8:ab11:0:8000::/66", "ip6tables": true}'
    assert not dc.plan_merge(hand_written, OWNED, [], PATH).changed


def test_key_order_of_settings_does_not_matter_when_present():
    before = dc.render({'ip6tables': True, 'fixed-cidr-v6': '2001:db8:ab11:0:8000::/66', 'ipv6': True})
    assert not dc.plan_merge(before, OWNED, [], PATH).changed


@pytest.mark.parametrize('current, wanted', [
    (1, True), (0, False), (True, 1), ('true', True), (1.0, 1), ({'a': 1}, {'a': True}),
])
def test_json_types_differ_even_when_python_equal(current, wanted):
    plan = dc.plan_merge(dc.render({'debug': current}), {'debug': wanted}, [], PATH)
    assert plan.changed
    assert plan.config == {'debug': wanted}


def test_nested_value_is_replaced_not_merged():
    plan = dc.plan_merge(USER_FILE, {'log-opts': {'max-size': '20m'}}, [], PATH)
    assert plan.config['log-opts'] == {'max-size': '20m'}


def test_remove_deletes_only_named_keys():
    before = dc.render({'experimental': True, 'ipv6': True, 'log-driver': 'local'})
    plan = dc.plan_merge(before, {}, ['experimental', 'not-there'], PATH)
    assert plan.changed
    assert plan.config == {'ipv6': True, 'log-driver': 'local'}
    assert not dc.plan_merge(plan.after_text, {}, ['experimental'], PATH).changed


def test_set_and_remove_same_key_is_refused():
    with pytest.raises(dc.DaemonConfigError, match='both set and removed: ipv6'):
        dc.plan_merge(None, {'ipv6': True}, ['ipv6'], PATH)


def test_absent_file_is_created_only_with_settings():
    created = dc.plan_merge(None, OWNED, [], PATH)
    assert created.changed and created.before_text is None
    assert json.loads(created.after_text) == OWNED
    nothing = dc.plan_merge(None, {}, ['experimental'], PATH)
    assert not nothing.changed and nothing.after_text is None


def test_blank_file_with_nothing_to_do_is_left_alone():
    assert not dc.plan_merge('\n', {}, ['experimental'], PATH).changed


def test_invalid_existing_file_is_not_merged():
    with pytest.raises(dc.DaemonConfigError, match='not valid JSON'):
        dc.plan_merge('{"log-driver": ', OWNED, [], PATH)


def test_unicode_is_written_as_is():
    plan = dc.plan_merge(None, {'labels': ['site=Zürich']}, [], PATH)
    assert 'Zürich' in plan.after_text


json_scalars = st.none() | st.booleans() | st.integers() | st.text(max_size=8)
json_values = st.recursive(json_scalars, lambda inner: st.lists(inner, max_size=3)
                           | st.dictionaries(st.text(max_size=5), inner, max_size=3), max_leaves=6)
configs = st.dictionaries(st.text(min_size=1, max_size=8), json_values, max_size=6)


@given(current=configs, settings=configs, remove=st.lists(st.text(min_size=1, max_size=8), max_size=3))
def test_merge_properties(current, settings, remove):
    remove = [key for key in remove if key not in settings]
    plan = dc.plan_merge(dc.render(current), settings, remove, PATH)
    for key, value in settings.items():
        assert dc.same_value(plan.config[key], value)
    for key, value in current.items():
        if key not in settings and key not in remove:
            assert plan.config[key] == value
    assert not set(remove) & set(plan.config)
    # What was written reads back as the config, and applying the same change again does nothing.
    if plan.after_text is not None:
        assert json.loads(plan.after_text) == plan.config
        assert not dc.plan_merge(plan.after_text, settings, remove, PATH).changed


# --- restore

def test_restore_existing_text_exactly():
    after_merge = dc.plan_merge(USER_FILE, OWNED, [], PATH).after_text
    plan = dc.plan_restore(after_merge, True, USER_FILE, PATH)
    assert plan.changed
    assert plan.after_text == USER_FILE
    assert plan.config['log-driver'] == 'json-file'
    assert not dc.plan_restore(USER_FILE, True, USER_FILE, PATH).changed


def test_restore_absent_removes_file():
    plan = dc.plan_restore('{"ipv6": true}\n', False, None, PATH)
    assert plan.changed and plan.after_text is None and plan.config == {}
    assert not dc.plan_restore(None, False, None, PATH).changed


def test_restore_puts_back_even_unreadable_json():
    plan = dc.plan_restore('{}\n', True, '{"broken": ', PATH)
    assert plan.changed and plan.after_text == '{"broken": ' and plan.config == {}


def test_restore_needs_content_when_file_existed():
    with pytest.raises(dc.DaemonConfigError, match='restore.content is required'):
        dc.plan_restore(None, True, None, PATH)


@pytest.mark.parametrize('before', [None, '', USER_FILE])
def test_previous_round_trips_through_restore(before):
    merged = dc.plan_merge(before, OWNED, [], PATH)
    undo = dc.previous(before)
    plan = dc.plan_restore(merged.after_text, undo['existed'], undo['content'], PATH)
    assert plan.after_text == before


def test_diff_marks_absent_files():
    created = dc.diff(dc.plan_merge(None, OWNED, [], PATH), PATH)
    assert created['before'] == '' and created['before_header'] == PATH + ' (absent)'
    assert created['after_header'] == PATH and created['after'].startswith('{\n  "ipv6": true')
    removed = dc.diff(dc.plan_restore(USER_FILE, False, None, PATH), PATH)
    assert removed['after'] == '' and removed['after_header'] == PATH + ' (absent)'


# --- engine and service

@pytest.mark.parametrize('text, version, can_validate', [
    ('Docker version 20.10.24+dfsg1, build 297e128\n', '20.10.24', False),
    ('Docker version 26.1.5+dfsg1, build a72d7cd\n', '26.1.5', True),
    ('Docker version 28.5.2+dfsg1, build 89c5e8f\n', '28.5.2', True),
    ('Docker version 23.0.0, build e92dd87\n', '23.0.0', True),
    ('Docker version 22.06.0-beta.0, build 1234\n', '22.06.0', False),
    ('dockerd: command not found', None, False),
])
def test_engine_version(text, version, can_validate):
    assert dc.parse_engine_version(text) == version
    assert dc.supports_validate(version) is can_validate


@pytest.mark.parametrize('exec_start, flags', [
    # Debian docker.io (bookworm, trixie, forky)
    ('{ path=/usr/sbin/dockerd ; argv[]=/usr/sbin/dockerd -H fd:// $DOCKER_OPTS ; ignore_errors=no ; '
     'start_time=[n/a] ; stop_time=[n/a] ; pid=0 ; code=(null) ; status=0/0 }',
     ['-H', 'fd://']),
    # docker-ce
    ('{ path=/usr/bin/dockerd ; argv[]=/usr/bin/dockerd -H fd:// --containerd=/run/containerd/containerd.sock ; '
     'ignore_errors=no ; start_time=[Thu 2025-01-02 10:00:00 UTC] ; pid=812 ; code=(null) ; status=0/0 }',
     ['-H', 'fd://', '--containerd=/run/containerd/containerd.sock']),
    # a drop-in that points at another file, or sets hosts twice
    ('{ path=/usr/bin/dockerd ; argv[]=/usr/bin/dockerd --config-file /srv/d.json -H unix:///run/a.sock '
     '--config-file=/x.json ${EXTRA} ; ignore_errors=no }',
     ['-H', 'unix:///run/a.sock']),
    ('{ path=/usr/bin/dockerd ; argv[]=/usr/bin/dockerd ; ignore_errors=no }', []),
    ('', []),
])
def test_service_flags(exec_start, flags):
    assert dc.service_flags(exec_start) == flags


def test_validate_argv_and_message():
    tmp = '/etc/docker/.daemon.json.x1.tmp'
    assert dc.validate_argv('/usr/sbin/dockerd', ['-H', 'fd://'], tmp) == [
        '/usr/sbin/dockerd', '--validate', '-H', 'fd://', '--config-file', tmp]
    output = ('unable to configure the Docker daemon with file %s: the following directives are specified both as '
              'a flag and in the configuration file: hosts: (from flag: [fd://], from file: [unix:///run/x.sock])\n'
              % tmp)
    message = dc.validation_message(output, tmp, PATH)
    assert tmp not in message
    assert message.startswith('unable to configure the Docker daemon with file /etc/docker/daemon.json: ')
    assert dc.validation_message('\n', tmp, PATH) == 'dockerd --validate failed without a message'
