# Copyright: dockernet.ipv6 contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

import pytest

from ansible_collections.dockernet.ipv6.plugins.module_utils import _iproute as iproute

# Captured from iproute2 6.1 (Debian 12), kernel 6.18, on a veth pair in a throwaway network namespace.
# `ip -j -6 neigh show proxy dev ndpa`: ip omits "dev" when filtering on it; a named protocol (12 = bird in
# rt_protos) prints as its name, an unnamed one as the number; flags print as keys with null values.
SHOW_DEV = (
    '[{"dst":"2001:db8:ab11::22","proxy":null,"protocol":"bird"},{"dst":"2001:db8:ab11::23","proxy":null},'
    '{"dst":"2001:db8:ab11::20","router":null,"proxy":null,"protocol":"214"},'
    '{"dst":"2001:db8:ab11::21","proxy":null,"extern_learn":null},{"dst":"::ffff:192.0.2.1","proxy":null}]\n'
)
# `ip -j -6 neigh show proxy` (all links).
SHOW_ALL = (
    '[{"dst":"2001:db8:ab11::22","dev":"ndpa","proxy":null,"protocol":"bird"},'
    '{"dst":"2001:db8:ab11::23","dev":"ndpa","proxy":null},'
    '{"dst":"2001:db8:ab11::24","dev":"ndpb","proxy":null,"protocol":"static"}]\n'
)
# `ip -j -6 neigh show dev ndpa` (ordinary neighbours, what a filter-less ip would mix in).
SHOW_NEIGH = '[{"dst":"2001:db8:ab11::99","lladdr":"02:00:00:00:00:01","state":["PERMANENT"]}]\n'


def test_parse_filtered_by_dev():
    assert iproute.parse_proxy_entries(SHOW_DEV) == [
        {'address': '2001:db8:ab11::22', 'dev': None, 'protocol': 'bird', 'flags': []},
        {'address': '2001:db8:ab11::23', 'dev': None, 'protocol': None, 'flags': []},
        {'address': '2001:db8:ab11::20', 'dev': None, 'protocol': '214', 'flags': ['router']},
        {'address': '2001:db8:ab11::21', 'dev': None, 'protocol': None, 'flags': ['extern_learn']},
        {'address': '::ffff:192.0.2.1', 'dev': None, 'protocol': None, 'flags': []},
    ]


def test_parse_all_links_keeps_dev():
    assert [(e['address'], e['dev'], e['protocol']) for e in iproute.parse_proxy_entries(SHOW_ALL)] == [
        ('2001:db8:ab11::22', 'ndpa', 'bird'),
        ('2001:db8:ab11::23', 'ndpa', None),
        ('2001:db8:ab11::24', 'ndpb', 'static'),
    ]


def test_parse_skips_ordinary_neighbours():
    assert iproute.parse_proxy_entries(SHOW_NEIGH) == []


@pytest.mark.parametrize('text', ['[]\n', '', '\n'])
def test_parse_nothing(text):
    assert iproute.parse_proxy_entries(text) == []


@pytest.mark.parametrize('text', ['{"dst": "2001:db8::1"}', 'not json', '[{"dst": '])
def test_parse_rejects_other_output(text):
    with pytest.raises(ValueError):
        iproute.parse_json(text)


def test_show_argv():
    assert iproute.neigh_proxy_show_argv('/usr/sbin/ip', 'eth0') == [
        '/usr/sbin/ip', '-j', '-6', 'neigh', 'show', 'proxy', 'dev', 'eth0']


def test_batch_argv():
    assert iproute.batch_argv('/usr/sbin/ip') == ['/usr/sbin/ip', '-6', '-batch', '-']
    assert iproute.batch_argv('/usr/sbin/ip', '-4') == ['/usr/sbin/ip', '-4', '-batch', '-']


def test_batch_deletes_first_then_adds_tagged():
    lines = iproute.neigh_proxy_batch('eth0', ['2001:db8::1', '2001:db8::2'], ['2001:db8::9'], 214)
    assert lines == [
        'neigh del proxy 2001:db8::9 dev eth0',
        'neigh add proxy 2001:db8::1 dev eth0 protocol 214',
        'neigh add proxy 2001:db8::2 dev eth0 protocol 214',
    ]


def test_batch_protocol_zero_is_untagged():
    assert iproute.neigh_proxy_batch('eth0', ['2001:db8::1'], [], 0) == ['neigh add proxy 2001:db8::1 dev eth0']


def test_batch_empty():
    assert iproute.neigh_proxy_batch('eth0', [], []) == []


@pytest.mark.parametrize('name', ['eth0', 'enp0s31f6', 'docker0', 'br-0123456789ab', 'a', 'veth.10', 'x' * 15])
def test_valid_interface_names(name):
    assert iproute.valid_interface_name(name)


@pytest.mark.parametrize('name', ['', '.', '..', 'x' * 16, 'eth 0', 'eth0\nneigh flush proxy', 'a/b', 'eth0:1',
                                  'ééééééééé'])
def test_invalid_interface_names(name):
    assert not iproute.valid_interface_name(name)


@pytest.mark.parametrize('stderr, name', [
    ('Cannot find device "nope0"\n', 'nope0'),
    ('Device "nope0" does not exist.\n', 'nope0'),
    ('RTNETLINK answers: No such file or directory\n', None),
    ('', None),
])
def test_missing_device(stderr, name):
    assert iproute.missing_device(stderr) == name


def test_error_fail_kwargs():
    error = iproute.IprouteError('boom', ['ip', 'x'], 2, 'out', 'err')
    assert error.fail_kwargs() == {'msg': 'boom', 'cmd': ['ip', 'x'], 'rc': 2, 'stdout': 'out', 'stderr': 'err'}
    assert iproute.IprouteError('plain').fail_kwargs() == {'msg': 'plain'}
