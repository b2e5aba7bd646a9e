# Copyright: dockernet.ipv6 contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

import json

import pytest

from ansible_collections.dockernet.ipv6.plugins.module_utils import _daemon_config as dc
from ansible_collections.dockernet.ipv6.plugins.module_utils import _original_state as st

PATH = '/etc/dockernet/original.json'
USER = {'log-driver': 'json-file', 'ip6tables': False, 'registry-mirrors': ['https://mirror.example']}
SETTINGS = {'ipv6': True, 'fixed-cidr-v6': '2001:db8:ab11:0:8000::/67', 'ip6tables': True, 'experimental': True}
POOLS = [{'base': '2001:db8:ab11:0:a000::/67', 'size': 80}]
SCOPE = ['2001:db8:ab11:0:8000::/66']


def rollout(config: dict, record: dict, settings=None, pools=None, scope=None):
    """One run of the daemon role: the merged configuration and the record the module keeps."""
    settings = SETTINGS if settings is None else settings
    pools = POOLS if pools is None else pools
    scope = SCOPE if scope is None else scope
    text = dc.render(config) if config is not None else None
    plan = dc.plan_merge(text, settings, [], '/etc/docker/daemon.json', address_pools=pools, address_pools_scope=scope)
    return plan.config, st.record_change(record, dc.parse_config(text, 'x'), plan.config, pools, scope)


def remove(config: dict, record: dict) -> dict:
    return dc.parse_config(st.plan_revert(dc.render(config), record, 'x').after_text, 'x')


# --- the record


def test_absent_record_is_empty_and_every_section_is_there():
    assert st.parse_record(None, PATH) == st.empty_record()
    assert st.is_empty(st.parse_record('  \n', PATH))


@pytest.mark.parametrize(
    'text, fragment',
    [('{', 'not valid JSON'), ('[]', 'not a record object'), ('{"sysctls": []}', 'sysctls holds a JSON list')],
)
def test_unusable_record_is_refused_naming_the_file(text, fragment):
    with pytest.raises(st.RecordError, match=fragment) as err:
        st.parse_record(text, PATH)
    assert PATH in str(err.value)


def test_record_keeps_the_first_value_only():
    record = st.record_values(st.empty_record(), 'sysctls', {'net.ipv6.conf.all.forwarding': '0'})
    again = st.record_values(record, 'sysctls', {'net.ipv6.conf.all.forwarding': '1'})
    assert again['sysctls'] == {'net.ipv6.conf.all.forwarding': '0'}
    assert st.record_names(again, 'networks', ['a', 'b', 'a'])['networks'] == ['a', 'b']


# --- daemon.json: rollout, then removal


def test_removal_restores_changed_keys_removes_added_keys_and_keeps_the_rest():
    config, record = rollout(USER, st.empty_record())
    assert record['daemon']['ip6tables'] == {'present': True, 'value': False}
    assert record['daemon']['ipv6'] == {'present': False}
    # A second rollout records nothing new.
    config2, record2 = rollout(config, record)
    assert record2 == record and config2 == config
    # A key the user adds after the rollout is kept by the removal.
    config['live-restore'] = True
    assert remove(config, record) == dict(USER, **{'live-restore': True})


def test_a_key_already_as_wanted_before_the_rollout_stays():
    before = dict(USER, ipv6=True)
    config, record = rollout(before, st.empty_record())
    assert 'ipv6' not in record['daemon']
    assert remove(config, record) == before


def test_absent_pools_key_goes_away_with_the_builtin_ipv4_pools_written_out_for_it():
    config, record = rollout(USER, st.empty_record())
    assert config[dc.ADDRESS_POOLS_KEY][:7] == list(dc.ENGINE_IPV4_ADDRESS_POOLS)
    assert dc.ADDRESS_POOLS_KEY not in remove(config, record)


def test_pool_entries_not_added_by_the_collection_are_kept():
    user_pools = [{'base': '10.200.0.0/16', 'size': 24}, {'base': 'fd00:1::/48', 'size': 64}]
    before = dict(USER, **{dc.ADDRESS_POOLS_KEY: user_pools})
    config, record = rollout(before, st.empty_record())
    assert POOLS[0] in config[dc.ADDRESS_POOLS_KEY]
    # Added after the rollout, by someone else: kept too.
    config[dc.ADDRESS_POOLS_KEY].append({'base': '10.201.0.0/16', 'size': 24})
    assert remove(config, record)[dc.ADDRESS_POOLS_KEY] == user_pools + [{'base': '10.201.0.0/16', 'size': 24}]


def test_pools_changed_by_a_later_run_are_owned_too():
    config, record = rollout(USER, st.empty_record())
    other = [{'base': '2001:db8:ab11:0:b000::/68', 'size': 80}]
    config, record = rollout(config, record, pools=other)
    assert other[0] in record['daemon_pools']['owned']
    assert dc.ADDRESS_POOLS_KEY not in remove(config, record)


def test_an_original_entry_the_collection_replaced_comes_back():
    mine = {'base': '2001:db8:ab11:0:9000::/68', 'size': 80}
    before = dict(USER, **{dc.ADDRESS_POOLS_KEY: [mine]})
    config, record = rollout(before, st.empty_record())
    assert mine not in config[dc.ADDRESS_POOLS_KEY]
    assert remove(config, record)[dc.ADDRESS_POOLS_KEY] == [mine]


def test_without_a_daemon_record_nothing_changes():
    plan = st.plan_revert(dc.render(USER), st.empty_record(), 'x')
    assert not plan.changed


def test_revert_twice_is_a_no_op():
    config, record = rollout(USER, st.empty_record())
    once = remove(config, record)
    assert not st.plan_revert(dc.render(once), record, 'x').changed


# --- sysctls


def test_sysctl_restores_only_what_differs_and_exists():
    record = {'sysctls': {'a.b': '0', 'a.c': '1', 'a.d': None, 'a.e': '2'}}
    assert st.sysctl_restores(record, {'a.b': '1', 'a.c': '1', 'a.d': '5', 'a.e': None}) == {'a.b': '0'}


# --- ip6tables

SAVE = """# Generated by ip6tables-save
*raw
:PREROUTING ACCEPT [0:0]
:DOCKERNET-PREROUTING - [0:0]
-A PREROUTING -j DOCKERNET-PREROUTING
-A PREROUTING -d 2001:db8::5/128 -j DROP
-A DOCKERNET-PREROUTING -i eth0 -d 2001:db8:ab11:0:8000::/66 -j ACCEPT
COMMIT
*filter
:INPUT ACCEPT [0:0]
:FORWARD DROP [0:0]
:DOCKER-USER - [0:0]
:DOCKERNET-FORWARD - [0:0]
:DOCKERNET-SITE - [0:0]
:MINE - [0:0]
-A FORWARD -j DOCKER-USER
-A DOCKER-USER -j MINE
-A DOCKER-USER -j DOCKERNET-FORWARD
-A DOCKER-USER -j RETURN
-A DOCKERNET-FORWARD -i eth0 -d 2001:db8:ab11:0:8000::/66 -j DOCKERNET-SITE
-A DOCKERNET-SITE -s 2001:db8:ab11::2/128 -j ACCEPT
-A MINE -s 2001:db8:ab12::/64 -j ACCEPT
COMMIT
"""


def test_ip6tables_removal_takes_the_chains_and_jumps_of_ours_only():
    commands, described = st.ip6tables_removal(SAVE)
    assert commands == [
        ['-t', 'filter', '-D', 'DOCKER-USER', '2'],
        ['-t', 'filter', '-F', 'DOCKERNET-FORWARD'],
        ['-t', 'filter', '-F', 'DOCKERNET-SITE'],
        ['-t', 'filter', '-X', 'DOCKERNET-FORWARD'],
        ['-t', 'filter', '-X', 'DOCKERNET-SITE'],
        ['-t', 'raw', '-D', 'PREROUTING', '1'],
        ['-t', 'raw', '-F', 'DOCKERNET-PREROUTING'],
        ['-t', 'raw', '-X', 'DOCKERNET-PREROUTING'],
    ]
    assert 'filter: -A DOCKER-USER -j DOCKERNET-FORWARD' in described
    assert not any('MINE' in ' '.join(command) for command in commands)
    assert st.forward_policy(SAVE) == 'DROP'


def test_ip6tables_removal_deletes_duplicate_jumps_bottom_up():
    save = (
        '*nat\n:POSTROUTING ACCEPT [0:0]\n:DOCKERNET-POSTROUTING - [0:0]\n'
        '-A POSTROUTING -j DOCKERNET-POSTROUTING\n-A POSTROUTING -s 10.0.0.0/8 -j MASQUERADE\n'
        '-A POSTROUTING -j DOCKERNET-POSTROUTING\nCOMMIT\n'
    )
    commands, _described = st.ip6tables_removal(save)
    assert commands[:2] == [['-t', 'nat', '-D', 'POSTROUTING', '3'], ['-t', 'nat', '-D', 'POSTROUTING', '1']]


def test_nothing_of_ours_means_no_command():
    save = SAVE.replace('DOCKERNET-', 'OTHER-')
    assert st.ip6tables_removal(save) == ([], [])


# --- proxy entries and networks


def test_owned_proxy_entries_are_those_with_the_tag():
    entries = [
        {'address': '2001:db8::2', 'dev': 'eth0', 'protocol': '214'},
        {'address': '2001:db8::1', 'dev': 'eth0', 'protocol': '214'},
        {'address': '2001:db8::3', 'dev': 'eth0', 'protocol': None},
        {'address': '2001:db8::4', 'dev': 'eth0', 'protocol': '99'},
    ]
    assert [e['address'] for e in st.owned_proxy_entries(entries, 214)] == ['2001:db8::1', '2001:db8::2']


def test_networks_with_containers_are_kept_with_the_reason():
    found = {'a': {'Containers': {}}, 'b': {'Containers': {'f00': {'Name': 'web1'}}}}
    remove, kept = st.network_removals(['a', 'b', 'gone'], found)
    assert remove == ['a']
    assert kept == [{'name': 'b', 'reason': 'containers attached: web1'}]


def test_record_text_round_trips():
    _config, record = rollout(USER, st.empty_record())
    assert st.parse_record(st.render_record(record), PATH) == json.loads(st.render_record(record))


# --- the default bridge's old gateway


def test_stale_bridge_lines_take_only_the_old_prefix_off_the_bridge():
    addresses = [
        {
            'ifname': 'docker0',
            'addr_info': [
                {'local': '2001:db8:ab11:0:8000::1', 'prefixlen': 67, 'scope': 'global'},
                {'local': '2001:db8:ffff::1', 'prefixlen': 64, 'scope': 'global'},
                {'local': 'fe80::1', 'prefixlen': 64, 'scope': 'link'},
                {'local': 'fe80::42:acff:fe11:2', 'prefixlen': 64, 'scope': 'link'},
                {},
            ],
        }
    ]
    routes = [
        {'dst': '2001:db8:ab11:0:8000::/67', 'dev': 'docker0', 'protocol': '2', 'metric': 256},
        {'dst': '2001:db8:ab11:0:8000::/67', 'dev': 'docker0', 'metric': 1024},
        {'dst': '2001:db8:ab11:0:8000::/67', 'dev': 'eth0', 'metric': 1024},
        {'dst': 'default', 'dev': 'docker0', 'metric': 1024},
    ]
    assert st.stale_bridge_lines(addresses, routes, '2001:db8:ab11:0:8000::/67', 'docker0') == [
        'address del 2001:db8:ab11:0:8000::1/67 dev docker0',
        'address del fe80::1/64 dev docker0',
        'route del 2001:db8:ab11:0:8000::/67 dev docker0 metric 1024',
    ]


def _settings_only(config, record, settings, remove_keys=()):
    """A run whose task gives no ipv6_address_pools: default-address-pools only through settings or remove."""
    text = dc.render(config) if config is not None else None
    plan = dc.plan_merge(text, settings, list(remove_keys), '/etc/docker/daemon.json')
    return plan.config, st.record_change(record, dc.parse_config(text, 'x'), plan.config, None, ())


def test_address_pools_set_through_settings_are_recorded_and_put_back_whole():
    original_pools = [{'base': '10.200.0.0/16', 'size': 24}]
    before = dict(USER, **{'default-address-pools': original_pools})
    new_pools = [{'base': '10.201.0.0/16', 'size': 24}, {'base': '2001:db8:cd00::/56', 'size': 64}]
    config, record = _settings_only(before, st.empty_record(), {'ipv6': True, 'default-address-pools': new_pools})
    assert config['default-address-pools'] == new_pools
    assert record['daemon']['default-address-pools'] == {'present': True, 'value': original_pools}
    assert remove(config, record) == before


def test_address_pools_removed_through_settings_come_back_and_added_ones_go():
    before = dict(USER, **{'default-address-pools': [{'base': '10.200.0.0/16', 'size': 24}]})
    config, record = _settings_only(before, st.empty_record(), {'ipv6': True}, ['default-address-pools'])
    assert 'default-address-pools' not in config
    assert remove(config, record) == before
    config, record = _settings_only(USER, st.empty_record(), {'default-address-pools': POOLS})
    assert remove(config, record) == USER
