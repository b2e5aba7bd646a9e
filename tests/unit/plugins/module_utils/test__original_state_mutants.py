# Copyright: dockernet.ipv6 contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Tests written from the surviving mutants of _original_state.py (docs/mutation.md)."""

from __future__ import annotations

import pytest

from ansible_collections.dockernet.ipv6.plugins.module_utils import _daemon_config as dc
from ansible_collections.dockernet.ipv6.plugins.module_utils import _original_state as st
from ansible_collections.dockernet.ipv6.plugins.module_utils._hostlib import iproute

PATH = '/etc/dockernet/original.json'
POOL = {'base': '2001:db8:ab11:0:a000::/67', 'size': 80}
SCOPE = '2001:db8:ab11:0:8000::/66'
BUILTIN = [dict(entry) for entry in dc.ENGINE_IPV4_ADDRESS_POOLS]
USER_POOL4 = {'base': '10.200.0.0/16', 'size': 24}
USER_POOL6 = {'base': 'fd00:1::/48', 'size': 64}

# --- the record


@pytest.mark.parametrize(
    'text, message',
    [
        (
            '{',
            PATH + ' is not valid JSON (Expecting property name enclosed in double quotes: line 1 column 2 (char 1));'
            ' it was left untouched',
        ),
        ('[]', PATH + ' holds a JSON list, not a record object; it was left untouched'),
        ('"original"', PATH + ' holds a JSON str, not a record object; it was left untouched'),
        ('{"sysctls": []}', PATH + ': sysctls holds a JSON list, expected a dict; it was left untouched'),
        ('{"networks": {"web": 1}}', PATH + ': networks holds a JSON dict, expected a list; it was left untouched'),
        (
            '{"daemon_pools": null}',
            PATH + ': daemon_pools holds a JSON NoneType, expected a dict; it was left untouched',
        ),
    ],
)
def test_an_unusable_record_is_refused_with_the_whole_message(text, message):
    with pytest.raises(st.RecordError) as err:
        st.parse_record(text, PATH)
    assert str(err.value) == message


def test_a_record_gets_the_sections_it_lacks_and_drops_unknown_keys():
    text = '{"version": 1, "sysctls": {"net.ipv6.conf.all.forwarding": "0"}, "comment": "by hand"}'
    expected = st.empty_record()
    expected['sysctls'] = {'net.ipv6.conf.all.forwarding': '0'}
    assert st.parse_record(text, PATH) == expected
    assert st.parse_record('\n', PATH) == st.empty_record()


def test_the_version_is_read_as_written_and_a_later_one_is_no_empty_record():
    later = st.parse_record('{"version": 2}', PATH)
    assert later == dict(st.empty_record(), version=2)
    assert not st.is_empty(later)
    assert st.parse_record('{"version": "1"}', PATH)['version'] == '1'


def test_the_record_text_is_sorted_and_indented_by_two():
    assert st.render_record(st.empty_record()) == (
        '{\n'
        '  "daemon": {},\n'
        '  "daemon_pools": {\n'
        '    "owned": [],\n'
        '    "scope": []\n'
        '  },\n'
        '  "ip6tables": {},\n'
        '  "networks": [],\n'
        '  "sysctls": {},\n'
        '  "version": 1\n'
        '}\n'
    )
    assert st.RECORD_PATH == PATH


def test_record_daemon_records_each_key_once_and_leaves_its_input_alone():
    config = {'ip6tables': False, 'registry-mirrors': ['https://mirror.example']}
    record = st.empty_record()
    first = st.record_daemon(record, config, ['ip6tables', 'ipv6', 'registry-mirrors'])
    assert first['daemon'] == {
        'ip6tables': {'present': True, 'value': False},
        'ipv6': {'present': False},
        'registry-mirrors': {'present': True, 'value': ['https://mirror.example']},
    }
    assert first['daemon_pools'] == {'owned': [], 'scope': []}
    assert record == st.empty_record()
    # The recorded value is a copy: the configuration changing afterwards does not change it.
    config['registry-mirrors'].append('https://other.example')
    assert first['daemon']['registry-mirrors']['value'] == ['https://mirror.example']
    later = st.record_daemon(first, {'ip6tables': True, 'ipv6': True}, ['ip6tables', 'ipv6'])
    assert later['daemon'] == first['daemon']


ULIMITS = {'nofile': {'Name': 'nofile', 'Hard': 64000, 'Soft': 64000}}


def test_recorded_values_are_copies_all_the_way_down():
    config = {'default-ulimits': {'nofile': dict(ULIMITS['nofile'])}}
    record = st.record_daemon(st.empty_record(), config, ['default-ulimits'])
    config['default-ulimits']['nofile']['Soft'] = 1024
    assert record['daemon']['default-ulimits'] == {'present': True, 'value': ULIMITS}
    reverted = st.revert_daemon({}, record)
    reverted['default-ulimits']['nofile']['Hard'] = 4096
    assert record['daemon']['default-ulimits'] == {'present': True, 'value': ULIMITS}


def test_record_daemon_with_pools_records_base_and_size_and_grows_both_lists():
    # A record written before the lists existed holds an empty daemon_pools.
    record = st.parse_record('{"version": 1, "daemon_pools": {}}', PATH)
    first = st.record_daemon(record, {}, [], [dict(POOL, note='x')], [SCOPE])
    assert first['daemon'] == {dc.ADDRESS_POOLS_KEY: {'present': False}}
    assert first['daemon_pools'] == {'owned': [POOL], 'scope': [SCOPE]}
    assert record['daemon_pools'] == {}
    other = {'base': '2001:db8:ab11:0:b000::/68', 'size': 80}
    second = st.record_daemon(
        first, {dc.ADDRESS_POOLS_KEY: [POOL]}, [], [POOL, other], [SCOPE, '2001:db8:ab11:0:c000::/66']
    )
    assert second['daemon'] == first['daemon']
    assert second['daemon_pools'] == {'owned': [POOL, other], 'scope': [SCOPE, '2001:db8:ab11:0:c000::/66']}
    # Without a scope, the one recorded stays.
    assert st.record_daemon(second, {}, [], [POOL])['daemon_pools'] == second['daemon_pools']


def test_record_values_and_names_leave_their_input_alone():
    record = st.empty_record()
    values = st.record_values(record, 'sysctls', {'net.ipv6.conf.eth0.accept_ra': '2'})
    names = st.record_names(values, 'networks', ['web', 'db'])
    assert record == st.empty_record()
    assert values['networks'] == [] and values['sysctls'] == {'net.ipv6.conf.eth0.accept_ra': '2'}
    assert st.record_names(names, 'networks', ['db', 'cache'])['networks'] == ['web', 'db', 'cache']
    assert names['networks'] == ['web', 'db']
    # Nothing inside the record is shared either.
    values['sysctls']['net.ipv6.conf.all.forwarding'] = '0'
    names['networks'].append('late')
    assert record == st.empty_record()


# --- daemon.json


def test_changed_keys_in_the_order_of_before_then_after():
    before = {'log-driver': 'json-file', 'ip6tables': False, 'debug': True, 'experimental': True, 'mtu': 1500}
    after = {'ipv6': True, 'log-driver': 'json-file', 'ip6tables': True, 'mtu': 1500, 'debug': 1}
    # True and 1 differ to dockerd; experimental is removed, ipv6 added.
    assert st.changed_keys(before, after) == ['ip6tables', 'debug', 'experimental', 'ipv6']
    assert st.changed_keys(after, after) == []


def test_pools_left_as_they_were_are_not_the_collections():
    before = {dc.ADDRESS_POOLS_KEY: [USER_POOL4, POOL]}
    after = {dc.ADDRESS_POOLS_KEY: [USER_POOL4, POOL], 'ipv6': True}
    record = st.record_change(st.empty_record(), before, after, [POOL], [SCOPE])
    assert record['daemon'] == {'ipv6': {'present': False}}
    assert record['daemon_pools'] == {'owned': [], 'scope': []}


def test_pools_recorded_earlier_are_owned_again_when_they_do_not_change():
    record = st.empty_record()
    record['daemon'][dc.ADDRESS_POOLS_KEY] = {'present': False}
    config = {dc.ADDRESS_POOLS_KEY: BUILTIN + [POOL]}
    other = {'base': '2001:db8:ab11:0:b000::/68', 'size': 80}
    again = st.record_change(record, config, config, [POOL, other], [SCOPE])
    assert again['daemon'] == record['daemon']
    assert again['daemon_pools'] == {'owned': [POOL, other], 'scope': [SCOPE]}


def test_nothing_to_revert_keeps_the_text_as_written():
    text = '{"ipv6": true, "log-driver": "json-file"}\n'
    record = st.record_daemon(st.empty_record(), {'ipv6': True}, ['ipv6'])
    plan = st.plan_revert(text, record, PATH)
    assert plan == dc.Plan(before_text=text, after_text=text, config={'ipv6': True, 'log-driver': 'json-file'})
    plan = st.plan_revert(text, st.empty_record(), PATH)
    assert plan == dc.Plan(before_text=text, after_text=text, config={'ipv6': True, 'log-driver': 'json-file'})
    assert st.plan_revert(None, st.empty_record(), PATH) == dc.Plan(before_text=None, after_text=None, config={})


def test_a_revert_writes_the_configuration_anew():
    text = '{"ipv6": true, "log-driver": "json-file", "ip6tables": true}\n'
    record = st.record_daemon(st.empty_record(), {'ip6tables': False}, ['ipv6', 'ip6tables'])
    assert st.plan_revert(text, record, PATH) == dc.Plan(
        before_text=text,
        after_text='{\n  "log-driver": "json-file",\n  "ip6tables": false\n}\n',
        config={'log-driver': 'json-file', 'ip6tables': False},
    )
    # A key only dropped is a change too.
    record = st.record_daemon(st.empty_record(), {}, ['ipv6'])
    assert st.plan_revert(text, record, PATH).after_text == (
        '{\n  "log-driver": "json-file",\n  "ip6tables": true\n}\n'
    )
    # And a key put back where it was absent.
    record = st.record_daemon(st.empty_record(), {'experimental': True}, ['experimental'])
    assert st.plan_revert(text, record, PATH).config == {
        'ipv6': True,
        'log-driver': 'json-file',
        'ip6tables': True,
        'experimental': True,
    }


def test_a_daemon_json_that_does_not_parse_is_named_in_the_refusal():
    record = st.record_daemon(st.empty_record(), {}, ['ipv6'])
    with pytest.raises(dc.DaemonConfigError) as err:
        st.plan_revert('{"ipv6": true,', record, '/etc/docker/daemon.json')
    assert str(err.value) == (
        '/etc/docker/daemon.json is not valid JSON (Expecting property name enclosed in double quotes: line 1 '
        'column 15 (char 14)); fix or remove it by hand, it was left untouched'
    )


def test_every_key_of_a_record_read_back_is_reverted():
    # The record file sorts its keys: default-address-pools comes before the keys recorded with it.
    before = {'log-driver': 'json-file', 'ip6tables': False}
    settings = {'ipv6': True, 'ip6tables': True, 'fixed-cidr-v6': '2001:db8:ab11:0:8000::/67'}
    plan = dc.plan_merge(dc.render(before), settings, [], PATH, address_pools=[POOL], address_pools_scope=[SCOPE])
    record = st.record_change(st.empty_record(), before, plan.config, [POOL], [SCOPE])
    record = st.parse_record(st.render_record(record), PATH)
    assert list(record['daemon']) == [dc.ADDRESS_POOLS_KEY, 'fixed-cidr-v6', 'ip6tables', 'ipv6']
    assert st.revert_daemon(plan.config, record) == before


def test_pools_added_after_a_rollout_onto_an_absent_key_stay_without_ours():
    record = st.empty_record()
    record['daemon'][dc.ADDRESS_POOLS_KEY] = {'present': False}
    record['daemon_pools'] = {'owned': [POOL], 'scope': [SCOPE]}
    config = {'ipv6': True, dc.ADDRESS_POOLS_KEY: [*BUILTIN, POOL, USER_POOL6]}
    assert st.revert_daemon(config, record) == {'ipv6': True, dc.ADDRESS_POOLS_KEY: [*BUILTIN, USER_POOL6]}


def test_a_pool_written_with_host_bits_is_told_by_its_network_as_the_engine_does():
    # dockerd reads a base with net.ParseCIDR, which drops host bits; the rollout replaced this one (inside the
    # scope), so the removal puts it back, and drops one written so after the rollout.
    typo = {'base': '2001:db8:ab11:0:9000::1/68', 'size': 80}
    before = {dc.ADDRESS_POOLS_KEY: [USER_POOL4, typo]}
    plan = dc.plan_merge(dc.render(before), {}, [], PATH, address_pools=[POOL], address_pools_scope=[SCOPE])
    assert plan.config[dc.ADDRESS_POOLS_KEY] == [USER_POOL4, POOL]
    record = st.record_change(st.empty_record(), before, plan.config, [POOL], [SCOPE])
    assert st.revert_daemon(plan.config, record) == before
    later = {dc.ADDRESS_POOLS_KEY: [USER_POOL4, POOL, {'base': '2001:db8:ab11:0:a000::5/67', 'size': 80}]}
    assert st.revert_daemon(later, record) == before


def test_a_recorded_value_put_back_is_a_copy():
    record = st.record_daemon(st.empty_record(), {'registry-mirrors': ['https://mirror.example']}, ['registry-mirrors'])
    config = st.revert_daemon({'registry-mirrors': []}, record)
    config['registry-mirrors'].append('https://other.example')
    assert record['daemon']['registry-mirrors']['value'] == ['https://mirror.example']


def daemon_pools(owned=(POOL,), scope=(SCOPE,)):
    return {'owned': list(owned), 'scope': list(scope)}


def test_pool_entries_that_do_not_parse_own_nothing_and_stay():
    odd = [
        {'size': 64},
        {'base': 'fd00:2::/48'},
        {'base': 'nonsense', 'size': 64},
        {'base': 'fd00:3::/48', 'size': 'x'},
    ]
    owned = daemon_pools(owned=[*odd, POOL], scope=['nonsense', SCOPE])
    current = [USER_POOL4, *odd, POOL, {'base': '2001:db8:ab11:0:8000::/68', 'size': 80}]
    assert st.revert_address_pools(current, {'present': True, 'value': [USER_POOL4]}, owned) == [USER_POOL4, *odd]
    mine = {'base': '2001:db8:ab11:0:9000::/68', 'size': 80}
    original = {'present': True, 'value': [USER_POOL4, mine]}
    assert st.revert_address_pools(current, original, owned) == [USER_POOL4, *odd, mine]
    # An entry that is no object is not the collection's either.
    assert st.revert_address_pools(['fd00::/48', POOL], {'present': False}, owned) == ['fd00::/48']


def test_owned_pools_are_told_by_what_they_mean_not_how_they_are_written():
    spelled = {'base': '2001:DB8:AB11:0:A000:0::/67', 'size': '80'}
    assert st.revert_address_pools([USER_POOL6, spelled], {'present': False}, daemon_pools(scope=())) == [USER_POOL6]
    # The same base with another size is not the owned pool, nor is a pool around the scope.
    wider = {'base': '2001:db8:ab11::/48', 'size': 80}
    resized = dict(POOL, size=72)
    assert st.revert_address_pools([resized, wider], {'present': False}, daemon_pools(scope=())) == [resized, wider]


def test_a_record_without_the_pool_lists_owns_no_pool():
    # A record written before daemon_pools held its lists.
    record = st.parse_record('{"daemon": {"default-address-pools": {"present": false}}, "daemon_pools": {}}', PATH)
    config = {dc.ADDRESS_POOLS_KEY: [*BUILTIN, USER_POOL6]}
    assert st.revert_daemon(config, record) == config


def test_an_ipv4_scope_is_ignored():
    # An IPv6 pool is never compared with an IPv4 scope (ipaddress would refuse the comparison).
    owned = daemon_pools(owned=(), scope=('10.0.0.0/8', SCOPE))
    current = [USER_POOL4, USER_POOL6, {'base': '2001:db8:ab11:0:8000::/67', 'size': 80}]
    assert st.revert_address_pools(current, {'present': False}, owned) == [USER_POOL4, USER_POOL6]


def test_pools_that_are_no_list_are_left_as_they_are():
    assert st.revert_address_pools(None, {'present': True, 'value': [USER_POOL4]}, daemon_pools()) is None
    assert st.revert_address_pools('none', {'present': False}, daemon_pools()) == 'none'
    record = st.empty_record()
    record['daemon'][dc.ADDRESS_POOLS_KEY] = {'present': True, 'value': [USER_POOL4]}
    record['daemon_pools'] = daemon_pools()
    # Removed by hand after the rollout: it stays absent.
    assert st.revert_daemon({'ipv6': True}, record) == {'ipv6': True}


def test_an_absent_key_comes_back_absent_unless_other_pools_remain():
    absent = {'present': False}
    assert st.revert_address_pools([POOL], absent, daemon_pools()) is None
    assert st.revert_address_pools([*BUILTIN, POOL], absent, daemon_pools()) is None
    assert st.revert_address_pools([*BUILTIN, USER_POOL4, POOL], absent, daemon_pools()) == [*BUILTIN, USER_POOL4]
    assert st.revert_address_pools([USER_POOL6, POOL], absent, daemon_pools()) == [USER_POOL6]


def test_an_empty_list_recorded_comes_back_empty_and_other_entries_stay():
    empty = {'present': True, 'value': []}
    assert st.revert_address_pools([POOL], empty, daemon_pools()) == []
    assert st.revert_address_pools([USER_POOL4, POOL], empty, daemon_pools()) == [USER_POOL4]
    record = st.empty_record()
    record['daemon'][dc.ADDRESS_POOLS_KEY] = empty
    record['daemon_pools'] = daemon_pools()
    assert st.revert_daemon({'ipv6': True, dc.ADDRESS_POOLS_KEY: [POOL]}, record) == {
        'ipv6': True,
        dc.ADDRESS_POOLS_KEY: [],
    }


def test_original_entries_inside_the_scope_come_back_after_the_others():
    mine = {'base': '2001:db8:ab11:0:9000::/68', 'size': 80}
    original = {'present': True, 'value': [USER_POOL4, mine]}
    assert st.revert_address_pools([USER_POOL4, POOL], original, daemon_pools()) == [USER_POOL4, mine]
    # Put back by hand first: it is the collection's by its scope, so it goes and comes back after the others.
    assert st.revert_address_pools([mine, USER_POOL4, POOL], original, daemon_pools()) == [USER_POOL4, mine]
    # An original entry removed by hand since the rollout stays removed.
    assert st.revert_address_pools([POOL], original, daemon_pools()) == [mine]
    # A recorded value that is no list: only the collection's entries go.
    odd = {'present': True, 'value': 'none'}
    assert st.revert_address_pools([USER_POOL4, POOL], odd, daemon_pools()) == [USER_POOL4]


# --- sysctls


def test_sysctl_restores_are_sorted_text_compared_word_by_word():
    # Keys that did not exist then (None), or whose interface is gone now (None), are skipped, not the end.
    record = {
        'sysctls': {
            'net.ipv6.conf.eth0.accept_ra': 1,
            'net.ipv6.conf.all.forwarding': '0',
            'net.ipv4.ip_local_port_range': '32768\t60999',
            'net.ipv6.conf.default.forwarding': 0,
            'net.ipv6.conf.br-gone.forwarding': '0',
            'net.ipv6.conf.docker0.accept_ra': None,
        }
    }
    current = {
        'net.ipv6.conf.eth0.accept_ra': '2',
        'net.ipv6.conf.all.forwarding': '1',
        'net.ipv4.ip_local_port_range': '32768 60999',
        'net.ipv6.conf.default.forwarding': '0',
        'net.ipv6.conf.br-gone.forwarding': None,
        'net.ipv6.conf.docker0.accept_ra': '0',
    }
    restores = st.sysctl_restores(record, current)
    assert list(restores.items()) == [('net.ipv6.conf.all.forwarding', '0'), ('net.ipv6.conf.eth0.accept_ra', '1')]
    assert st.sysctl_restores({}, current) == {}


# --- ip6tables

SAVE = """# Generated by ip6tables-save v1.8.11 (nf_tables) on Thu Dec  3 08:00:00 2026
*nat
:PREROUTING ACCEPT [0:0]
:POSTROUTING ACCEPT [0:0]
-A POSTROUTING -s fd00:1::/64 ! -o br-1 -j MASQUERADE
COMMIT
# Completed on Thu Dec  3 08:00:00 2026
*filter
:INPUT ACCEPT [0:0]
:FORWARD DROP [12:960]
:OUTPUT ACCEPT [0:0]
:DOCKER-USER - [0:0]
:DOCKERNET-FORWARD - [0:0]
:DOCKERNET-SITE - [0:0]
-A FORWARD -j DOCKER-USER
-A FORWARD -i eth0 -g DOCKERNET-SITE
-A FORWARD -s 2001:db8:ab13::/64
-A DOCKER-USER -s 2001:db8:ab12::/64 -j DROP
-A DOCKER-USER -j DOCKERNET-FORWARD
-A DOCKERNET-FORWARD -i eth0 -d 2001:db8:ab11:0:8000::/66 -j DOCKERNET-SITE
-A DOCKERNET-SITE -s 2001:db8:ab11::2/128 -j ACCEPT
COMMIT
"""


def test_ip6tables_removal_by_chain_name_with_every_step_described():
    commands, described = st.ip6tables_removal(SAVE)
    assert commands == [
        ['-t', 'filter', '-D', 'DOCKER-USER', '2'],
        ['-t', 'filter', '-D', 'FORWARD', '2'],
        ['-t', 'filter', '-F', 'DOCKERNET-FORWARD'],
        ['-t', 'filter', '-F', 'DOCKERNET-SITE'],
        ['-t', 'filter', '-X', 'DOCKERNET-FORWARD'],
        ['-t', 'filter', '-X', 'DOCKERNET-SITE'],
    ]
    assert described == [
        'filter: -A FORWARD -i eth0 -g DOCKERNET-SITE',
        'filter: -A DOCKER-USER -j DOCKERNET-FORWARD',
        'filter: chain DOCKERNET-FORWARD',
        'filter: chain DOCKERNET-SITE',
    ]


def test_ip6tables_save_text_is_read_line_by_line():
    # Indented lines, a table without rules, and lines before the first table header (which belong to no table
    # and are not read).
    save = ':DOCKERNET-FORWARD - [0:0]\n-A FORWARD -j DOCKERNET-FORWARD\n  *filter\n  :FORWARD ACCEPT [0:0]\n  -A FORWARD -j DOCKERNET-X\n'
    save += ':DOCKERNET-X - [0:0]\nCOMMIT\n*mangle\n:PREROUTING ACCEPT [0:0]\nCOMMIT\n'
    assert st.ip6tables_removal(save) == (
        [
            ['-t', 'filter', '-D', 'FORWARD', '1'],
            ['-t', 'filter', '-F', 'DOCKERNET-X'],
            ['-t', 'filter', '-X', 'DOCKERNET-X'],
        ],
        ['filter: -A FORWARD -j DOCKERNET-X', 'filter: chain DOCKERNET-X'],
    )


def test_only_chain_names_ip6tables_allows_are_ours():
    assert st.OWNED_CHAIN_PREFIX == 'DOCKERNET-'
    assert st.owned_chain('DOCKERNET-' + 'F' * 18)
    assert not st.owned_chain('DOCKERNET-' + 'F' * 19)
    assert not st.owned_chain('DOCKERNETFORWARD')
    assert not st.owned_chain('dockernet-forward')
    assert not st.owned_chain('DOCKERNET-A/B')


def test_the_forward_policy_from_ip6tables_listing_or_save():
    listing = '-P FORWARD DROP\n-A FORWARD -j DOCKER-USER\n-A FORWARD -j DOCKER-FORWARD\n'
    assert st.forward_policy(listing) == 'DROP'
    assert st.forward_policy('-P FORWARD ACCEPT\n') == 'ACCEPT'
    assert st.forward_policy(SAVE) == 'DROP'
    assert st.forward_policy('*nat\n:POSTROUTING ACCEPT [0:0]\nCOMMIT\n') is None
    assert st.forward_policy('') is None


# --- proxy entries

# `ip -N -j -6 neigh show proxy` on a host with entries of ours on two links, one untagged and one of bird's.
NEIGH = (
    '[{"dst":"2001:db8:ab11:0:8000::10","dev":"eth0","proxy":null,"protocol":"214"},'
    '{"dst":"2001:db8:ab11:0:8000::9","dev":"eth0","proxy":null,"protocol":"214"},'
    '{"dst":"2001:db8:ab11:0:8000::98","dev":"eth0","proxy":null},'
    '{"dst":"2001:db8:ab11:0:8000::99","dev":"eth0","proxy":null,"protocol":"12"},'
    '{"dst":"2001:db8:ab12::20","dev":"br-lan","proxy":null,"protocol":"214"}]\n'
)


def test_owned_proxy_entries_sorted_by_link_then_address_as_a_number():
    owned = st.owned_proxy_entries(iproute.parse_proxy_entries(NEIGH), 214)
    assert [(entry['dev'], entry['address']) for entry in owned] == [
        ('br-lan', '2001:db8:ab12::20'),
        ('eth0', '2001:db8:ab11:0:8000::9'),
        ('eth0', '2001:db8:ab11:0:8000::10'),
    ]


def test_owned_proxy_entries_need_a_link():
    # ip omits the link when it was asked for one link only; such entries cannot be deleted by link.
    entries = iproute.parse_proxy_entries('[{"dst":"2001:db8:ab11:0:8000::2","proxy":null,"protocol":"214"}]')
    assert st.owned_proxy_entries(entries, 214) == []


# --- the default bridge's old gateway

PREFIX = '2001:db8:ab11:0:8000::/67'


def test_stale_bridge_prefix_must_be_a_network():
    with pytest.raises(ValueError) as err:
        st.stale_bridge_lines([], [], '2001:db8:ab11:0:8000::1/67', 'docker0')
    assert str(err.value) == '2001:db8:ab11:0:8000::1/67 has host bits set'


def test_stale_bridge_addresses_of_every_shape():
    # `ip -j -6 addr show dev docker0`: ip prints an empty object for a link filtered out, and on docker0 a global
    # address of the old prefix (its length need not be the prefix's), one outside it, and the link-local ones.
    addresses = [
        {},
        {
            'ifindex': 3,
            'ifname': 'docker0',
            'addr_info': [
                {'family': 'inet6', 'local': '2001:db8:ab11:0:8000::1', 'prefixlen': 64, 'scope': 'global'},
                {'family': 'inet6', 'local': '2001:db8:ab11:0:a000::1', 'prefixlen': 67, 'scope': 'global'},
                {'family': 'inet6', 'local': 'fe80::1', 'prefixlen': 128, 'scope': 'link'},
                {'family': 'inet6', 'local': 'fe80::42:acff:fe11:2', 'prefixlen': 64, 'scope': 'link'},
                {'family': 'inet6', 'local': 'fe80::1', 'prefixlen': 64, 'scope': 'link'},
            ],
        },
    ]
    assert st.stale_bridge_lines(addresses, [], PREFIX, 'docker0') == [
        'address del 2001:db8:ab11:0:8000::1/64 dev docker0',
        'address del fe80::1/64 dev docker0',
    ]


def test_stale_bridge_routes_of_every_shape():
    # `ip -N -j -6 route show table main` (protocol 2 is the kernel's, 3 boot's; "kernel" is how ip names 2
    # without -N); a /128 route prints as a bare address.
    routes = [
        {'dst': '2001:db8:ab11:0:8000::/67', 'dev': 'docker0', 'protocol': '2', 'metric': 256, 'pref': 'medium'},
        {'dst': '2001:db8:ab11:0:8000::/67', 'dev': 'docker0', 'protocol': 'kernel', 'metric': 256},
        {'dst': '2001:db8:ab11:0:8000::/68', 'dev': 'docker0', 'protocol': '3', 'metric': 1024, 'pref': 'medium'},
        {'dst': '2001:db8:ab11:0:8000::/68', 'dev': 'eth0', 'protocol': '3', 'metric': 1024, 'pref': 'medium'},
        {'dst': '2001:db8:ab11:0:8000::5', 'dev': 'docker0', 'metric': 1024, 'pref': 'medium'},
        {'dst': '2001:db8:ab11::/64', 'dev': 'docker0', 'metric': 1024, 'pref': 'medium'},
        {'dst': '2001:db8:ab11:0:a000::/67', 'dev': 'docker0', 'metric': 100, 'pref': 'medium'},
        {'dst': 'default', 'gateway': 'fe80::1', 'dev': 'docker0', 'metric': 1024, 'pref': 'medium'},
        {'dst': '2001:db8:ab11:0:9000::/68', 'dev': 'docker0', 'protocol': '214', 'metric': 100, 'pref': 'medium'},
    ]
    assert st.stale_bridge_lines([], routes, PREFIX, 'docker0') == [
        'route del 2001:db8:ab11:0:8000::/68 dev docker0 metric 1024',
        'route del 2001:db8:ab11:0:9000::/68 dev docker0 metric 100',
    ]


# --- networks


def test_networks_kept_name_every_container_attached_sorted():
    # docker network inspect: the Containers map of a network, keyed by container id, with each one's name.
    found = {
        'web': {'Name': 'web', 'Containers': {'b2e4': {'Name': 'web2'}, 'a1f3': {'Name': 'web1'}}},
        'db': {'Name': 'db', 'Containers': {}},
        'cache': {'Name': 'cache', 'Containers': {}},
    }
    remove, kept = st.network_removals(['web', 'db', 'gone', 'cache'], found)
    assert remove == ['db', 'cache']
    assert kept == [{'name': 'web', 'reason': 'containers attached: web1, web2'}]
