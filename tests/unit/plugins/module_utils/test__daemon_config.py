# Copyright: dockernet.ipv6 contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

import ipaddress
import json

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from ansible_collections.dockernet.ipv6.plugins.module_utils import _daemon_config as dc
from ansible_collections.dockernet.ipv6.plugins.module_utils._engine_capabilities import version_text

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


@pytest.mark.parametrize(
    'text, words',
    [
        ('{"ipv6": true,}', ['/etc/docker/daemon.json is not valid JSON', 'left untouched']),
        ('["ipv6"]', ['/etc/docker/daemon.json holds a JSON list', 'left untouched']),
        ('"ipv6"', ['holds a JSON str']),
    ],
)
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


@pytest.mark.parametrize(
    'current, wanted',
    [
        (1, True),
        (0, False),
        (True, 1),
        ('true', True),
        (1.0, 1),
        ({'a': 1}, {'a': True}),
    ],
)
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
json_values = st.recursive(
    json_scalars,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
    max_leaves=6,
)
configs = st.dictionaries(st.text(min_size=1, max_size=8), json_values, max_size=6)

# Generation time depends on the machine's load, not on the code under test.
not_timed = hypothesis_settings(suppress_health_check=[HealthCheck.too_slow], deadline=None)


@not_timed
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


# --- merge_address_pools and plan_merge with address pools

SITE = '2001:db8:ab11::/64'
OURS = {'base': '2001:db8:ab11:0:a000::/67', 'size': 80}
OURS_OLD = {'base': '2001:db8:ab11:0:9000::/68', 'size': 80}
OURS_SECOND = {'base': '2001:db8:ab11:0:e000::/67', 'size': 96}
FOREIGN_V6 = {'base': 'fd00:1234::/48', 'size': 64}
SIBLING_V6 = {'base': '2001:db8:ab12::/64', 'size': 80}
CUSTOM_V4 = {'base': '10.10.0.0/16', 'size': 24}
CUSTOM_V4_B = {'base': '10.20.0.0/16', 'size': 24}
ENGINE_V4 = [
    {'base': '172.17.0.0/16', 'size': 16},
    {'base': '172.18.0.0/16', 'size': 16},
    {'base': '172.19.0.0/16', 'size': 16},
    {'base': '172.20.0.0/14', 'size': 16},
    {'base': '172.24.0.0/14', 'size': 16},
    {'base': '172.28.0.0/14', 'size': 16},
    {'base': '192.168.0.0/16', 'size': 20},
]


@pytest.mark.parametrize(
    'current, pools, scope, expected',
    [
        pytest.param(None, [OURS], [], ENGINE_V4 + [OURS], id='absent key: engine IPv4 pools, then ours'),
        pytest.param([], [OURS], [SITE], ENGINE_V4 + [OURS], id='empty list means engine pools too'),
        pytest.param([CUSTOM_V4], [OURS], [SITE], [CUSTOM_V4, OURS], id='custom IPv4 kept, no engine pools added'),
        pytest.param([CUSTOM_V4, OURS_OLD], [OURS], [SITE], [CUSTOM_V4, OURS], id='old pool inside scope replaced'),
        pytest.param(
            [CUSTOM_V4, FOREIGN_V6, OURS_OLD],
            [OURS],
            [SITE],
            [CUSTOM_V4, OURS, FOREIGN_V6],
            id='foreign IPv6 kept, after ours',
        ),
        pytest.param(
            [FOREIGN_V6, CUSTOM_V4, SIBLING_V6, CUSTOM_V4_B],
            [OURS],
            [SITE],
            [CUSTOM_V4, CUSTOM_V4_B, OURS, FOREIGN_V6, SIBLING_V6],
            id='IPv4 first, then ours, then foreign IPv6, each in file order',
        ),
        pytest.param(
            [CUSTOM_V4, OURS_OLD], [OURS], [], [CUSTOM_V4, OURS, OURS_OLD], id='without scope an old pool is foreign'
        ),
        pytest.param([CUSTOM_V4, OURS], [OURS], [], [CUSTOM_V4, OURS], id='wanted pool outside scope not doubled'),
        pytest.param([CUSTOM_V4, OURS, FOREIGN_V6], [OURS], [SITE], [CUSTOM_V4, OURS, FOREIGN_V6], id='idempotent'),
        pytest.param(
            [CUSTOM_V4, FOREIGN_V6, OURS],
            [OURS],
            [SITE],
            [CUSTOM_V4, OURS, FOREIGN_V6],
            id='ours moved ahead of foreign IPv6',
        ),
        pytest.param(
            [CUSTOM_V4],
            [OURS_SECOND, OURS],
            [SITE],
            [CUSTOM_V4, OURS_SECOND, OURS],
            id='several pools in the given order',
        ),
        pytest.param(
            [CUSTOM_V4, {'base': '2001:db8:ab11:0:9000::1/68', 'size': 80}],
            [OURS],
            [SITE],
            [CUSTOM_V4, OURS],
            id='old pool with host bits inside scope replaced',
        ),
        pytest.param(
            [CUSTOM_V4, OURS_OLD, FOREIGN_V6],
            [],
            [SITE],
            [CUSTOM_V4, FOREIGN_V6],
            id='no pools with a scope removes ours, keeps the rest',
        ),
        pytest.param(None, [], [SITE], None, id='absent key with nothing to add stays absent'),
        pytest.param([], [], [SITE], [], id='empty list with nothing to add stays empty'),
        pytest.param(
            [CUSTOM_V4, SIBLING_V6], [OURS], ['2001:db8:ab10::/44'], [CUSTOM_V4, OURS], id='scope wider than the pools'
        ),
        pytest.param(
            [{'base': '2001:db8:ab11::/48', 'size': 64}],
            [OURS],
            [SITE],
            [OURS, {'base': '2001:db8:ab11::/48', 'size': 64}],
            id='a pool containing the scope is not inside it',
        ),
    ],
)
def test_merge_address_pools(current, pools, scope, expected):
    assert dc.merge_address_pools(current, pools, scope, PATH) == expected


def test_engine_pools_are_copies():
    merged = dc.merge_address_pools(None, [OURS], [], PATH)
    merged[0]['size'] = 24
    assert dc.ENGINE_IPV4_ADDRESS_POOLS[0] == {'base': '172.17.0.0/16', 'size': 16}


@pytest.mark.parametrize(
    'written',
    [
        {'base': '2001:DB8:AB11:0:A000::/67', 'size': 80},
        {'base': '2001:0db8:ab11:0000:a000:0000:0000:0000/67', 'size': 80},
    ],
)
def test_wanted_pool_is_matched_by_meaning_and_kept_as_written(written):
    merged = dc.merge_address_pools([CUSTOM_V4, written], [OURS], [SITE], PATH)
    assert merged == [CUSTOM_V4, written]
    before = dc.render({'ipv6': True, 'default-address-pools': [CUSTOM_V4, written]})
    plan = dc.plan_merge(before, {}, [], PATH, address_pools=[OURS], address_pools_scope=[SITE])
    assert not plan.changed
    assert plan.after_text == before


@pytest.mark.parametrize(
    'pools, scope, words',
    [
        ([{'base': 'fd00::/130', 'size': 140}], [], ["ipv6_address_pools[0].base: 'fd00::/130' is not an IPv6 prefix"]),
        ([{'base': 'not-a-prefix', 'size': 80}], [], ["ipv6_address_pools[0].base: 'not-a-prefix'"]),
        ([OURS, {'base': '10.0.0.0/8', 'size': 24}], [], ['ipv6_address_pools[1].base: 10.0.0.0/8 is an IPv4 prefix']),
        ([{'base': '2001:db8::1/64', 'size': 80}], [], ['ipv6_address_pools[0].base', 'has host bits set']),
        ([{'base': 64, 'size': 80}], [], ['ipv6_address_pools[0].base: 64 is not an IPv6 prefix']),
        (
            [{'base': '2001:db8::/64', 'size': 64}],
            [],
            ['ipv6_address_pools[0]: size 64 must be a prefix length longer than the base 2001:db8::/64'],
        ),
        ([{'base': '2001:db8::/64', 'size': 48}], [], ['ipv6_address_pools[0]: size 48']),
        ([{'base': '2001:db8::/64', 'size': 129}], [], ['ipv6_address_pools[0]: size 129', 'at most 128']),
        ([{'base': '2001:db8::/64', 'size': True}], [], ['ipv6_address_pools[0]: size True']),
        ([{'base': '2001:db8::/64', 'size': '80'}], [], ["ipv6_address_pools[0]: size '80'"]),
        ([{'base': '2001:db8::/64'}], [], ['ipv6_address_pools[0]:', 'exactly the keys base and size']),
        ([{'base': '2001:db8::/64', 'size': 80, 'scope': 'x'}], [], ['ipv6_address_pools[0]:', 'exactly the keys']),
        (
            [OURS, {'base': '2001:DB8:AB11:0:A000::/67', 'size': 80}],
            [],
            ['ipv6_address_pools[1]: 2001:db8:ab11:0:a000::/67 size 80 is listed twice'],
        ),
        ([OURS], ['2001:db8:ab11::/64', 'bogus'], ["ipv6_address_pools_scope[1]: 'bogus' is not an IPv6 prefix"]),
        ([OURS], ['192.0.2.0/24'], ['ipv6_address_pools_scope[0]: 192.0.2.0/24 is an IPv4 prefix']),
        ([], ['2001:db8:ab11::1/64'], ['ipv6_address_pools_scope[0]', 'has host bits set']),
    ],
)
def test_bad_option_is_named(pools, scope, words):
    with pytest.raises(dc.DaemonConfigError) as info:
        dc.merge_address_pools([CUSTOM_V4], pools, scope, PATH)
    for word in words:
        assert word in str(info.value)


@pytest.mark.parametrize(
    'current, words',
    [
        ({'base': '10.0.0.0/8', 'size': 24}, ['default-address-pools holds a JSON dict, not a list of pools']),
        ('10.0.0.0/8', ['default-address-pools holds a JSON str']),
        ([CUSTOM_V4, '10.0.0.0/8'], ['default-address-pools[1] "10.0.0.0/8" is not an object with base and size']),
        ([CUSTOM_V4, {'base': '10.0.0.0/8'}], ['default-address-pools[1] {"base": "10.0.0.0/8"} is not an object']),
        ([{'base': '10.0.0.0/33', 'size': 24}], ['default-address-pools[0]', 'has a base that is not a prefix']),
        ([{'base': None, 'size': 24}], ['default-address-pools[0]', 'has a base that is not a prefix']),
        (
            [{'base': '10.0.0.0/8', 'size': '24'}],
            ['default-address-pools[0] {"base": "10.0.0.0/8", "size": "24"} has a size'],
        ),
        ([{'base': '10.0.0.0/8', 'size': 4}], ['default-address-pools[0]', 'has a size']),
        ([{'base': 'fd00::/48', 'size': 129}], ['default-address-pools[0]', 'between the base\'s and 128']),
        ([{'base': '10.0.0.0/8', 'size': 24.0}], ['default-address-pools[0]', 'has a size']),
    ],
)
def test_malformed_pools_in_file_name_the_file(current, words):
    for pools in ([OURS], []):
        with pytest.raises(dc.DaemonConfigError) as info:
            dc.merge_address_pools(current, pools, [SITE], PATH)
        message = str(info.value)
        assert message.startswith(PATH + ': ')
        assert 'left untouched' in message
        for word in words:
            assert word in message


def test_pools_plan_creates_keeps_and_restores():
    created = dc.plan_merge(None, {}, [], PATH, address_pools=[OURS], address_pools_scope=[SITE])
    assert created.changed and created.before_text is None
    assert json.loads(created.after_text) == {'default-address-pools': ENGINE_V4 + [OURS]}
    assert created.config == {'default-address-pools': ENGINE_V4 + [OURS]}
    again = dc.plan_merge(created.after_text, {}, [], PATH, address_pools=[OURS], address_pools_scope=[SITE])
    assert not again.changed and again.after_text == created.after_text
    undo = dc.previous(None)
    assert dc.plan_restore(created.after_text, undo['existed'], undo['content'], PATH).after_text is None


def test_pools_key_stays_in_place_beside_settings():
    before = dc.render({'log-driver': 'local', 'default-address-pools': [CUSTOM_V4, OURS_OLD], 'debug': False})
    plan = dc.plan_merge(before, OWNED, ['debug'], PATH, address_pools=[OURS], address_pools_scope=[SITE])
    assert plan.changed
    assert list(plan.config.items()) == [
        ('log-driver', 'local'),
        ('default-address-pools', [CUSTOM_V4, OURS]),
        ('ipv6', True),
        ('fixed-cidr-v6', '2001:db8:ab11:0:8000::/66'),
        ('ip6tables', True),
    ]
    diff = dc.diff(plan, PATH)
    assert '9000::/68' in diff['before'] and '9000::/68' not in diff['after']
    assert 'a000::/67' in diff['after']
    undo = dc.previous(before)
    assert dc.plan_restore(plan.after_text, undo['existed'], undo['content'], PATH).after_text == before


def test_pools_without_anything_to_add_leave_the_file_alone():
    assert dc.plan_merge(None, {}, [], PATH, address_pools=[], address_pools_scope=[SITE]).after_text is None
    assert not dc.plan_merge(USER_FILE, {}, [], PATH, address_pools=[], address_pools_scope=[SITE]).changed


def test_pools_unused_leave_the_key_alone():
    # Without address_pools the key is an ordinary one: kept as it is, even when it is malformed.
    before = dc.render({'default-address-pools': [{'base': 'garbage'}]})
    assert dc.plan_merge(before, {'ipv6': False}, [], PATH).config['default-address-pools'] == [{'base': 'garbage'}]


@pytest.mark.parametrize(
    'settings, remove',
    [
        ({'default-address-pools': [CUSTOM_V4]}, []),
        ({}, ['default-address-pools']),
    ],
)
def test_pools_key_cannot_also_be_set_or_removed(settings, remove):
    with pytest.raises(dc.DaemonConfigError, match='default-address-pools is managed by ipv6_address_pools'):
        dc.plan_merge(None, settings, remove, PATH, address_pools=[OURS])


v4_entries = st.builds(
    lambda second, size: {'base': '10.%d.0.0/16' % second, 'size': size}, st.integers(0, 255), st.integers(16, 28)
)
# Canonical spelling, as the module writes a pool it adds.
v6_entries = st.builds(
    lambda block, size: dc.pool_entry(ipaddress.ip_network('2001:db8:%x::/48' % block), size),
    st.integers(0, 0xFFFF),
    st.integers(49, 80),
)


@given(current=st.lists(v4_entries | v6_entries, max_size=8), pools=st.lists(v6_entries, max_size=3, unique_by=str))
def test_merge_address_pools_properties(current, pools):
    scope = ipaddress.ip_network('2001:db8:ab00::/40')
    merged = dc.merge_address_pools(current, pools, [str(scope)], PATH)
    if not current and not pools:
        assert merged == current
        return
    ipv4 = [entry for entry in merged if '.' in entry['base']]
    assert ipv4 == ([entry for entry in current if '.' in entry['base']] if current else ENGINE_V4)
    assert merged[len(ipv4) : len(ipv4) + len(pools)] == pools
    foreign = [
        entry
        for entry in current
        if ':' in entry['base'] and entry not in pools and not ipaddress.ip_network(entry['base']).subnet_of(scope)
    ]
    assert merged[len(ipv4) + len(pools) :] == foreign
    assert dc.merge_address_pools(merged, pools, [str(scope)], PATH) == merged


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


@pytest.mark.parametrize(
    'text, version, can_validate',
    [
        ('Docker version 20.10.24+dfsg1, build 297e128\n', '20.10.24', False),
        ('Docker version 26.1.5+dfsg1, build a72d7cd\n', '26.1.5', True),
        ('Docker version 28.5.2+dfsg1, build 89c5e8f\n', '28.5.2', True),
        ('Docker version 23.0.0, build e92dd87\n', '23.0.0', True),
        ('Docker version 22.06.0-beta.0, build 1234\n', '22.06.0', False),
        ('dockerd: command not found', None, False),
    ],
)
def test_engine_version(text, version, can_validate):
    assert version_text(text) == version
    assert dc.supports_validate(version) is can_validate


@pytest.mark.parametrize(
    'exec_start, flags',
    [
        # Debian docker.io (bookworm, trixie, forky)
        (
            '{ path=/usr/sbin/dockerd ; argv[]=/usr/sbin/dockerd -H fd:// $DOCKER_OPTS ; ignore_errors=no ; '
            'start_time=[n/a] ; stop_time=[n/a] ; pid=0 ; code=(null) ; status=0/0 }',
            ['-H', 'fd://'],
        ),
        # docker-ce
        (
            '{ path=/usr/bin/dockerd ; argv[]=/usr/bin/dockerd -H fd:// --containerd=/run/containerd/containerd.sock ; '
            'ignore_errors=no ; start_time=[Thu 2025-01-02 10:00:00 UTC] ; pid=812 ; code=(null) ; status=0/0 }',
            ['-H', 'fd://', '--containerd=/run/containerd/containerd.sock'],
        ),
        # a drop-in that points at another file, or sets hosts twice
        (
            '{ path=/usr/bin/dockerd ; argv[]=/usr/bin/dockerd --config-file /srv/d.json -H unix:///run/a.sock '
            '--config-file=/x.json ${EXTRA} ; ignore_errors=no }',
            ['-H', 'unix:///run/a.sock'],
        ),
        ('{ path=/usr/bin/dockerd ; argv[]=/usr/bin/dockerd ; ignore_errors=no }', []),
        ('', []),
    ],
)
def test_service_flags(exec_start, flags):
    assert dc.service_flags(exec_start) == flags


def test_validate_argv_and_message():
    tmp = '/etc/docker/.daemon.json.x1.tmp'
    assert dc.validate_argv('/usr/sbin/dockerd', ['-H', 'fd://'], tmp) == [
        '/usr/sbin/dockerd',
        '--validate',
        '-H',
        'fd://',
        '--config-file',
        tmp,
    ]
    output = (
        'unable to configure the Docker daemon with file %s: the following directives are specified both as '
        'a flag and in the configuration file: hosts: (from flag: [fd://], from file: [unix:///run/x.sock])\n' % tmp
    )
    message = dc.validation_message(output, tmp, PATH)
    assert tmp not in message
    assert message.startswith('unable to configure the Docker daemon with file /etc/docker/daemon.json: ')
    assert dc.validation_message('\n', tmp, PATH) == 'dockerd --validate failed without a message'


# --- secrets

PASSWORD = 'pa55-w0rd'
PROXY = 'http://builder:%s@proxy.example:3128' % PASSWORD
TOKEN = '1a2b3c4d-5e6f-splunk-token'
SECRET_FILE = """{
    "log-driver": "splunk",
    "log-opts": {"splunk-token": "%s", "splunk-url": "https://splunk.example:8088"},
    "proxies": {
        "http-proxy": "%s",
        "https-proxy": "%s",
        "no-proxy": "localhost,.example"
    }
}
""" % (TOKEN, PROXY, PROXY)


@pytest.mark.parametrize(
    'config, secret_places',
    [
        (
            {'proxies': {'http-proxy': PROXY, 'https-proxy': PROXY, 'no-proxy': 'localhost'}},
            [('proxies', 'http-proxy'), ('proxies', 'https-proxy')],
        ),
        (
            {'log-opts': {'splunk-token': TOKEN, 'splunk-url': 'https://s', 'max-size': '10m'}},
            [('log-opts', 'splunk-token')],
        ),
        ({'log-opts': {'logentries-token': TOKEN}}, [('log-opts', 'logentries-token')]),
        # Not an object: dockerd refuses it, but whatever it holds is hidden as a whole.
        ({'proxies': PROXY}, [('proxies', None)]),
        # Nothing to hide in an empty value, in other keys, or in keys of the same name elsewhere.
        ({'proxies': {'http-proxy': '', 'no-proxy': 'x'}}, []),
        ({'http-proxy': PROXY, 'registry-mirrors': ['https://m.example'], 'log-opts': {'max-size': '10m'}}, []),
    ],
)
def test_which_values_are_secret(config, secret_places):
    assert [where for where, _value in dc.secret_values(config)] == secret_places


def test_redact_config_hides_secrets_and_keeps_the_rest():
    config = json.loads(SECRET_FILE)
    redacted = dc.redact_config(config)
    assert redacted['proxies'] == {
        'http-proxy': dc.REDACTED,
        'https-proxy': dc.REDACTED,
        'no-proxy': 'localhost,.example',
    }
    assert redacted['log-opts'] == {'splunk-token': dc.REDACTED, 'splunk-url': 'https://splunk.example:8088'}
    assert redacted['log-driver'] == 'splunk'
    # The configuration itself is left alone: the file is written with the real values.
    assert config['proxies']['http-proxy'] == PROXY


def test_redact_text_keeps_the_formatting():
    redacted = dc.redact_text(SECRET_FILE)
    assert PASSWORD not in redacted and TOKEN not in redacted
    assert redacted == SECRET_FILE.replace(json.dumps(PROXY), '"********"').replace(json.dumps(TOKEN), '"********"')


@pytest.mark.parametrize(
    'text',
    [
        # An escape the module would not write, a number, a secret also used as a non-secret value.
        '{"proxies": {"http-proxy": "http:\\/\\/u:%s@p:3128"}}' % PASSWORD,
        '{"proxies": {"http-proxy": 31280000}}',
        '{"labels": ["%s"], "proxies": {"http-proxy": "%s"}}' % (PROXY, PROXY),
    ],
)
def test_redact_text_rewrites_when_the_secret_cannot_be_replaced_in_place(text):
    redacted = dc.redact_text(text)
    assert json.loads(redacted)['proxies']['http-proxy'] == dc.REDACTED
    assert redacted == dc.render(dc.redact_config(json.loads(text)))


@pytest.mark.parametrize('text', [None, '', '{"proxies": ', '["x"]', USER_FILE])
def test_redact_text_leaves_texts_without_secrets(text):
    assert dc.redact_text(text) == text


@not_timed
@given(
    st.dictionaries(
        st.sampled_from(['http-proxy', 'https-proxy', 'no-proxy']), st.text(min_size=1, max_size=30), min_size=1
    )
)
def test_no_secret_survives_redaction(proxies):
    text = dc.render({'ipv6': True, 'proxies': proxies})
    redacted = json.loads(dc.redact_text(text))
    for key, value in proxies.items():
        if key == 'no-proxy':
            assert redacted['proxies'][key] == value
        else:
            assert redacted['proxies'][key] == dc.REDACTED


def test_a_new_secret_is_a_change_that_the_diff_does_not_show():
    new_proxy = PROXY.replace(PASSWORD, 'n3w-pa55')
    plan = dc.plan_merge(SECRET_FILE, {'proxies': {'http-proxy': new_proxy}}, [], PATH)
    assert plan.changed
    diff = dc.diff(plan, PATH)
    for shown in (diff['before'], diff['after']):
        assert PASSWORD not in shown and 'n3w-pa55' not in shown and TOKEN not in shown
        assert '"http-proxy": "********"' in shown
    # The file gets the real value.
    assert json.loads(plan.after_text)['proxies']['http-proxy'] == new_proxy
    assert not dc.plan_merge(plan.after_text, {'proxies': {'http-proxy': new_proxy}}, [], PATH).changed


def test_previous_hides_secrets():
    undo = dc.previous(SECRET_FILE)
    assert undo['existed'] and PASSWORD not in undo['content'] and TOKEN not in undo['content']


def test_restore_takes_secrets_from_the_backup():
    new_proxy = PROXY.replace(PASSWORD, 'n3w-pa55')
    changed = dc.plan_merge(SECRET_FILE, {'proxies': {'http-proxy': new_proxy}, 'ipv6': True}, [], PATH)
    undo = dc.previous(SECRET_FILE)
    plan = dc.plan_restore(changed.after_text, True, undo['content'], PATH, backup_text=SECRET_FILE, backup_path='b')
    assert plan.after_text == SECRET_FILE
    assert plan.config['proxies']['http-proxy'] == PROXY


def test_restore_without_backup_keeps_the_secrets_the_file_holds():
    changed = dc.plan_merge(SECRET_FILE, {'ipv6': True}, [], PATH)
    undo = dc.previous(SECRET_FILE)
    # A backup of another text is not used.
    plan = dc.plan_restore(changed.after_text, True, undo['content'], PATH, backup_text=USER_FILE, backup_path='b')
    assert plan.after_text == SECRET_FILE
    assert dc.plan_restore(SECRET_FILE, True, undo['content'], PATH).changed is False


def test_restore_refuses_a_redacted_secret_it_cannot_find():
    undo = dc.previous(SECRET_FILE)
    with pytest.raises(
        dc.DaemonConfigError,
        match='of log-opts.splunk-token redacted, and neither /etc/docker/daemon.json nor the backup b holds it',
    ):
        dc.plan_restore('{"ipv6": true}\n', True, undo['content'], PATH, backup_text=None, backup_path='b')


def test_redact_recorded():
    recorded = {
        'proxies': {'present': True, 'value': {'http-proxy': PROXY, 'no-proxy': 'x'}},
        'ipv6': {'present': False},
        'ip6tables': {'present': True, 'value': False},
    }
    assert dc.redact_recorded(recorded) == {
        'proxies': {'present': True, 'value': {'http-proxy': dc.REDACTED, 'no-proxy': 'x'}},
        'ipv6': {'present': False},
        'ip6tables': {'present': True, 'value': False},
    }


# --- whole messages


def _message(call, *args, **kwargs):
    with pytest.raises(dc.DaemonConfigError) as info:
        call(*args, **kwargs)
    return str(info.value)


def test_unusable_file_messages_are_whole_sentences():
    assert _message(dc.parse_config, '{"ipv6": true,}', PATH) == (
        '/etc/docker/daemon.json is not valid JSON (Expecting property name enclosed in double quotes: line 1 column '
        '15 (char 14)); fix or remove it by hand, it was left untouched'
    )
    assert _message(dc.parse_config, '["ipv6"]', PATH) == (
        '/etc/docker/daemon.json holds a JSON list, not an object of daemon settings; it was left untouched'
    )


def test_keys_both_set_and_removed_are_all_named_in_order():
    assert _message(dc.merge, {}, {'ipv6': True, 'debug': True, 'ip6tables': True}, ['ipv6', 'debug']) == (
        'keys cannot be both set and removed: debug, ipv6'
    )


@pytest.mark.parametrize(
    'pools, scope, message',
    [
        (
            [{'base': 'fd00::/130', 'size': 140}],
            [],
            "ipv6_address_pools[0].base: 'fd00::/130' is not an IPv6 prefix ('fd00::/130' does not appear to be an "
            'IPv4 or IPv6 network)',
        ),
        ([{'base': 64, 'size': 80}], [], 'ipv6_address_pools[0].base: 64 is not an IPv6 prefix'),
        (
            [OURS, {'base': '10.0.0.0/8', 'size': 24}],
            [],
            'ipv6_address_pools[1].base: 10.0.0.0/8 is an IPv4 prefix; only IPv6 pools are managed',
        ),
        (
            [{'base': '2001:db8::/64', 'size': 64}],
            [],
            'ipv6_address_pools[0]: size 64 must be a prefix length longer than the base 2001:db8::/64 and at most 128',
        ),
        (
            [{'base': '2001:db8::/64'}],
            [],
            "ipv6_address_pools[0]: {'base': '2001:db8::/64'} must have exactly the keys base and size",
        ),
        (['2001:db8::/64'], [], "ipv6_address_pools[0]: '2001:db8::/64' must have exactly the keys base and size"),
        (
            [OURS, {'base': '2001:DB8:AB11:0:A000::/67', 'size': 80}],
            [],
            'ipv6_address_pools[1]: 2001:db8:ab11:0:a000::/67 size 80 is listed twice',
        ),
        (
            [OURS],
            [SITE, '2001:db8:ab11::1/64'],
            "ipv6_address_pools_scope[1]: '2001:db8:ab11::1/64' is not an IPv6 prefix (2001:db8:ab11::1/64 has host "
            'bits set)',
        ),
    ],
)
def test_bad_option_messages_are_whole_sentences(pools, scope, message):
    assert _message(dc.merge_address_pools, [CUSTOM_V4], pools, scope, PATH) == message


@pytest.mark.parametrize(
    'current, message',
    [
        (
            {'base': '10.0.0.0/8', 'size': 24},
            'default-address-pools holds a JSON dict, not a list of pools; fix or remove it by hand, the file was '
            'left untouched',
        ),
        (
            [CUSTOM_V4, {'size': 24}],
            'default-address-pools[1] {"size": 24} is not an object with base and size; fix or remove it by hand, '
            'the file was left untouched',
        ),
        (
            [{'base': '10.0.0.0/8', 'size': None}],
            'default-address-pools[0] {"base": "10.0.0.0/8", "size": null} has a size that is not a prefix length '
            "between the base's and 32; fix or remove it by hand, the file was left untouched",
        ),
        (
            [CUSTOM_V4, 24],
            'default-address-pools[1] 24 is not an object with base and size; fix or remove it by hand, the file was '
            'left untouched',
        ),
        (
            [{'base': '10.0.0.0/33', 'size': 24}],
            'default-address-pools[0] {"base": "10.0.0.0/33", "size": 24} has a base that is not a prefix; fix or '
            'remove it by hand, the file was left untouched',
        ),
        (
            [{'base': ['10.0.0.0/8'], 'size': 24}],
            'default-address-pools[0] {"base": ["10.0.0.0/8"], "size": 24} has a base that is not a prefix; fix or '
            'remove it by hand, the file was left untouched',
        ),
        (
            [{'base': 'fd00::/33', 'size': 129}],
            'default-address-pools[0] {"base": "fd00::/33", "size": 129} has a size that is not a prefix length '
            "between the base's and 128; fix or remove it by hand, the file was left untouched",
        ),
    ],
)
def test_malformed_pools_in_file_messages_are_whole_sentences(current, message):
    assert _message(dc.merge_address_pools, current, [OURS], [SITE], PATH) == PATH + ': ' + message


def test_pools_key_named_elsewhere_message_is_a_whole_sentence():
    assert _message(dc.plan_merge, None, {}, ['default-address-pools'], PATH, address_pools=[]) == (
        'default-address-pools is managed by ipv6_address_pools; do not name it in settings or remove as well'
    )


def test_restore_messages_are_whole_sentences():
    assert _message(dc.plan_restore, None, True, None, PATH) == (
        'restore.content is required when restore.existed is true'
    )
    undo = dc.previous(SECRET_FILE)
    assert _message(dc.plan_restore, '{"ipv6": true}\n', True, undo['content'], PATH) == (
        'restore.content shows the value of log-opts.splunk-token redacted, and neither /etc/docker/daemon.json nor '
        'the backup (none given) holds it; put the file back from a backup by hand'
    )
    hidden_whole = dc.render({'proxies': dc.REDACTED})
    assert _message(dc.plan_restore, '{}', True, hidden_whole, PATH, backup_path='/var/backups/daemon.json') == (
        'restore.content shows the value of proxies redacted, and neither /etc/docker/daemon.json nor the backup '
        '/var/backups/daemon.json holds it; put the file back from a backup by hand'
    )


def test_errors_met_while_planning_name_the_file():
    assert _message(dc.plan_merge, '{"log-driver": ', OWNED, [], PATH) == (
        '/etc/docker/daemon.json is not valid JSON (Expecting value: line 1 column 16 (char 15)); fix or remove it '
        'by hand, it was left untouched'
    )
    assert _message(dc.plan_merge, '{"default-address-pools": 5}', {}, [], PATH, address_pools=[OURS]) == (
        '/etc/docker/daemon.json: default-address-pools holds a JSON int, not a list of pools; fix or remove it by '
        'hand, the file was left untouched'
    )
    undo = dc.previous(SECRET_FILE)
    assert _message(dc.plan_restore, '{"ipv6": ', True, undo['content'], PATH) == (
        '/etc/docker/daemon.json is not valid JSON (Expecting value: line 1 column 10 (char 9)); fix or remove it '
        'by hand, it was left untouched'
    )


def test_pools_of_single_addresses_are_allowed():
    # A size of 128 (or 32 for IPv4) gives one address per network: odd, but the engine takes it.
    host_pools = [{'base': '10.30.0.0/24', 'size': 32}, {'base': 'fd00:1::/120', 'size': 128}]
    wanted = {'base': '2001:db8:ab11::/120', 'size': 128}
    assert dc.merge_address_pools(host_pools, [wanted], [SITE], PATH) == [host_pools[0], wanted, host_pools[1]]


def test_removing_the_last_key_leaves_an_empty_object():
    plan = dc.plan_merge('{"debug": true}\n', {}, ['debug'], PATH)
    assert plan.changed
    assert plan.after_text == '{}\n'
    assert plan.config == {}


def test_diff_headers_of_a_file_that_stays():
    plan = dc.plan_merge(USER_FILE, OWNED, [], PATH)
    diff = dc.diff(plan, PATH)
    assert (diff['before_header'], diff['after_header']) == (PATH, PATH)
    assert diff['before'] == USER_FILE


def test_a_restore_from_the_backup_to_the_same_text_is_no_change():
    undo = dc.previous(SECRET_FILE)
    plan = dc.plan_restore(SECRET_FILE, True, undo['content'], PATH, backup_text=SECRET_FILE, backup_path='b')
    assert plan.before_text == SECRET_FILE
    assert not plan.changed


def test_restore_without_backup_gives_the_config_with_the_real_secrets():
    changed = dc.plan_merge(SECRET_FILE, {'ipv6': True}, [], PATH)
    plan = dc.plan_restore(changed.after_text, True, dc.previous(SECRET_FILE)['content'], PATH)
    assert plan.config == json.loads(SECRET_FILE)


def test_restore_puts_back_a_whole_section_that_was_redacted():
    # dockerd refuses a proxies that is no object, but the file is put back as it was.
    before = '{"proxies": "%s", "debug": true}\n' % PROXY
    undo = dc.previous(before)
    assert undo['content'] == '{"proxies": "********", "debug": true}\n'
    plan = dc.plan_restore('{"proxies": "%s"}\n' % PROXY, True, undo['content'], PATH)
    assert plan.after_text == before
    assert plan.config == {'proxies': PROXY, 'debug': True}


def test_empty_secret_values_and_sections_after_a_whole_secret():
    assert dc.secret_values({'proxies': '', 'log-opts': None}) == []
    assert dc.redact_text('{"proxies": ""}') == '{"proxies": ""}'
    config = {'proxies': PROXY, 'log-opts': {'splunk-token': TOKEN}}
    assert dc.secret_values(config) == [(('proxies', None), PROXY), (('log-opts', 'splunk-token'), TOKEN)]
    assert dc.redact_config(config) == {'proxies': dc.REDACTED, 'log-opts': {'splunk-token': dc.REDACTED}}


def test_redact_text_keeps_the_formatting_around_nulls_and_non_ascii_secrets():
    # The password holds its ä as it is, not as \u00e4; the nulls around it stay as they are.
    text = '{"debug": null,\n "proxies": {"http-proxy": "http://u:päss@p:3128",  "no-proxy": null}}'
    assert dc.redact_text(text) == '{"debug": null,\n "proxies": {"http-proxy": "********",  "no-proxy": null}}'


def test_redact_text_rewrites_when_replacing_the_secret_would_break_the_json():
    # The secret's spelling ": " is also the separator between every key and its value.
    assert dc.redact_text('{"proxies": {"http-proxy": ": "}}') == dc.render({'proxies': {'http-proxy': dc.REDACTED}})


def test_restore_without_backup_gives_back_a_non_ascii_secret_as_written():
    before = '{"proxies": {"http-proxy": "http://u:päss@p:3128"}, "debug": true}\n'
    undo = dc.previous(before)
    assert undo['content'] == '{"proxies": {"http-proxy": "********"}, "debug": true}\n'
    plan = dc.plan_restore('{"proxies": {"http-proxy": "http://u:päss@p:3128"}}', True, undo['content'], PATH)
    assert plan.after_text == before


def test_restore_rewrites_when_a_marker_is_no_secret():
    # A label that reads like the marker: the markers cannot be told apart, so the file is written out anew.
    content = '{"proxies": {"http-proxy": "********"}, "labels": ["********"]}'
    plan = dc.plan_restore('{"proxies": {"http-proxy": "%s"}}' % PROXY, True, content, PATH)
    assert plan.after_text == dc.render({'proxies': {'http-proxy': PROXY}, 'labels': [dc.REDACTED]})


@pytest.mark.parametrize(
    'exec_start, flags',
    [
        # Only the argv, without the fields systemd prints after it.
        ('argv[]=/usr/bin/dockerd -H fd://', ['-H', 'fd://']),
        # A quote shlex cannot close: split at blanks instead.
        (
            '{ path=/usr/bin/dockerd ; argv[]=/usr/bin/dockerd --label "a b -H fd:// ; ignore_errors=no }',
            ['--label', '"a', 'b', '-H', 'fd://'],
        ),
        # Flags after an environment reference and after --config-file=... are kept.
        (
            '{ path=/usr/sbin/dockerd ; argv[]=/usr/sbin/dockerd $DOCKER_OPTS --config-file=/x.json -H fd:// ; '
            'ignore_errors=no }',
            ['-H', 'fd://'],
        ),
    ],
)
def test_service_flags_of_unusual_exec_start(exec_start, flags):
    assert dc.service_flags(exec_start) == flags


def test_validation_message_joins_its_lines_with_a_space():
    tmp = '/etc/docker/.daemon.json.x1.tmp'
    output = '  unable to configure the Docker daemon with file %s:\n\n invalid default-address-pools\n' % tmp
    assert dc.validation_message(output, tmp, PATH) == (
        'unable to configure the Docker daemon with file /etc/docker/daemon.json: invalid default-address-pools'
    )
