# Copyright: dockernet.ipv6 contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

import pytest

from ansible_collections.dockernet.ipv6.plugins.module_utils._hostlib import iproute
from ansible_collections.dockernet.ipv6.plugins.module_utils._hostlib.runner import module_runner

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
# Recorded on the lab (tools/lab/lab.sh, ENGINE=trixie: Debian 13.8, iproute2 6.15.0, kernel 6.18) on host docker1,
# with /etc/iproute2/rt_protos.d naming 214 "dockernet", after
#   ip -6 neigh add proxy 2001:db8:ab11:0:8000::2 dev eth0 protocol 214   (and ::3 the same)
#   ip -6 neigh add proxy 2001:db8:ab11:0:8000::98 dev eth0               (untagged)
#   ip -6 neigh add proxy 2001:db8:ab11:0:8000::99 dev eth0 protocol 12   (bird's)
#   ip -6 neigh add proxy 2001:db8:ab11::5 dev eth0
# `ip -N -j -6 neigh show proxy dev eth0`, what read_proxy_entries runs: -N prints the tag as its number (without
# it ip printed "dockernet" and "bird").
SHOW_DEV_NUMERIC = (
    '[{"dst":"2001:db8:ab11:0:8000::99","proxy":null,"protocol":"12"},{"dst":"2001:db8:ab11:0:8000::98","proxy":null},'
    '{"dst":"2001:db8:ab11:0:8000::2","proxy":null,"protocol":"214"},'
    '{"dst":"2001:db8:ab11:0:8000::3","proxy":null,"protocol":"214"},{"dst":"2001:db8:ab11::5","proxy":null}]\n'
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


def test_parse_numeric_protocols():
    assert [(e['address'], e['protocol']) for e in iproute.parse_proxy_entries(SHOW_DEV_NUMERIC)] == [
        ('2001:db8:ab11:0:8000::99', '12'),
        ('2001:db8:ab11:0:8000::98', None),
        ('2001:db8:ab11:0:8000::2', '214'),
        ('2001:db8:ab11:0:8000::3', '214'),
        ('2001:db8:ab11::5', None),
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
        '/usr/sbin/ip',
        '-N',
        '-j',
        '-6',
        'neigh',
        'show',
        'proxy',
        'dev',
        'eth0',
    ]
    assert iproute.route_show_argv('/usr/sbin/ip') == [
        '/usr/sbin/ip',
        '-N',
        '-j',
        '-6',
        'route',
        'show',
        'table',
        'main',
    ]
    with pytest.raises(ValueError, match='not a valid link name'):
        iproute.neigh_proxy_show_argv('/usr/sbin/ip', '-h')


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


def test_batch_writes_addresses_canonically():
    assert iproute.neigh_proxy_batch('eth0', ['2001:DB8:0:0::0001'], ['2001:db8:0000::9']) == [
        'neigh del proxy 2001:db8::9 dev eth0',
        'neigh add proxy 2001:db8::1 dev eth0',
    ]


@pytest.mark.parametrize(
    'interface, to_add, to_remove, protocol, message',
    [
        ('eth0\nneigh flush proxy', ['2001:db8::1'], [], 214, 'not a valid link name'),
        ('eth0;reboot', [], ['2001:db8::1'], 214, 'not a valid link name'),
        ('eth0 x', ['2001:db8::1'], [], 214, 'not a valid link name'),
        ('eth0#', ['2001:db8::1'], [], 214, 'not a valid link name'),  # '#' would cut "protocol 214" off the line
        ('-eth0', ['2001:db8::1'], [], 214, "not starting with '-'"),
        ('eth0', ['2001:db8::1\nneigh flush proxy'], [], 214, 'is not an IPv6 address'),
        ('eth0', ['fe80::1%eth0\nneigh flush proxy'], [], 214, 'zone index'),
        ('eth0', [], ['2001:db8::1 dev lo'], 214, 'is not an IPv6 address'),
        ('eth0', ['192.0.2.1'], [], 214, 'is not an IPv6 address'),
        ('eth0', ['2001:db8::1'], [], 256, 'outside 0-255'),
    ],
)
def test_batch_refuses_what_could_inject(interface, to_add, to_remove, protocol, message):
    with pytest.raises(ValueError, match=message):
        iproute.neigh_proxy_batch(interface, to_add, to_remove, protocol)


def test_route_lines():
    assert iproute.route_add_line('2001:DB8:EF11::/64', '2001:db8:ab11:0::2', 'eth0', 214) == (
        'route add 2001:db8:ef11::/64 via 2001:db8:ab11::2 dev eth0 proto 214'
    )
    assert (
        iproute.route_del_line('2001:db8:cd12::/64', 214, 1024) == 'route del 2001:db8:cd12::/64 proto 214 metric 1024'
    )
    assert iproute.route_del_line(
        '2001:db8:cd16::/64', 214, 7, source='2001:db8:ab11::/64', via='2001:db8:ab11::2', dev='eth0'
    ) == ('route del 2001:db8:cd16::/64 from 2001:db8:ab11::/64 via 2001:db8:ab11::2 dev eth0 proto 214 metric 7')


@pytest.mark.parametrize(
    'kwargs, message',
    [
        ({'dest': '2001:db8::/64', 'protocol': 0, 'metric': 1024}, 'outside 1-255'),
        ({'dest': '2001:db8::/64', 'protocol': 214, 'metric': -1}, 'not a route metric'),
        ({'dest': '2001:db8::/64', 'protocol': 214, 'metric': '1024; x'}, 'not a route metric'),
        ({'dest': '2001:db8::/64', 'protocol': 214, 'metric': 1024, 'dev': 'a\nb'}, 'not a valid link name'),
        ({'dest': '2001:db8::/64', 'protocol': 214, 'metric': 1024, 'source': 'x'}, 'not an IPv6 prefix'),
    ],
)
def test_route_del_line_refuses(kwargs, message):
    with pytest.raises(ValueError, match=message):
        iproute.route_del_line(**kwargs)


class RecordingModule:
    """Stands in for AnsibleModule.run_command; records what would run."""

    def __init__(self, rc=0, stderr=''):
        self.calls = []
        self.rc = rc
        self.stderr = stderr

    def run_command(self, argv, data=None, binary_data=False, environ_update=None):
        self.calls.append((argv, data, environ_update))
        return self.rc, '', self.stderr


def test_run_batch_feeds_one_ip_process():
    module = RecordingModule()
    iproute.run_batch(
        module_runner(module),
        '/usr/sbin/ip',
        ['neigh add proxy 2001:db8::1 dev eth0 protocol 214', 'route del 2001:db8:cd12::/64 proto 214 metric 1024'],
    )
    assert module.calls == [
        (
            ['/usr/sbin/ip', '-6', '-batch', '-'],
            'neigh add proxy 2001:db8::1 dev eth0 protocol 214\nroute del 2001:db8:cd12::/64 proto 214 metric 1024\n',
            iproute.IP_ENVIRON,
        )
    ]


@pytest.mark.parametrize(
    'line',
    [
        'neigh add proxy 2001:db8::1 dev eth0\nneigh flush proxy',
        'neigh add proxy 2001:db8::1 dev eth0;reboot',
        'route add x "y"',
        'neigh add proxy 2001:db8::1 dev eth0 # protocol 214',
        'route del\tx',
        '',
    ],
)
def test_run_batch_refuses_unsafe_lines_and_runs_nothing(line):
    module = RecordingModule()
    with pytest.raises(iproute.UnsafeBatchLine, match='refusing to run ip -batch') as caught:
        iproute.run_batch(module_runner(module), '/usr/sbin/ip', ['neigh del proxy 2001:db8::9 dev eth0', line])
    assert module.calls == []
    assert isinstance(caught.value, ValueError) and caught.value.fail_kwargs()['msg'].startswith('refusing')


def test_run_batch_failure():
    module = RecordingModule(rc=1, stderr='RTNETLINK answers: File exists\nCommand failed -:1\n')
    with pytest.raises(iproute.IprouteError, match='File exists'):
        iproute.run_batch(
            module_runner(module), '/usr/sbin/ip', ['route add 2001:db8::/64 via 2001:db8::1 dev eth0 proto 214']
        )


@pytest.mark.parametrize(
    'name', ['eth0', 'enp0s31f6', 'docker0', 'br-0123456789ab', 'a', 'veth.10', 'x' * 15, 'eth0@if4', 'wg_0', 'eth-']
)
def test_valid_interface_names(name):
    assert iproute.valid_interface_name(name)


@pytest.mark.parametrize(
    'name',
    [
        '',
        '.',
        '..',
        'x' * 16,
        'eth 0',
        'eth0\nneigh flush proxy',
        'a/b',
        'eth0:1',
        'ééééééééé',
        'eth0\n',
        'eth0;reboot',
        '-eth0',
        '--help',
        'eth0#',
        'a"b',
        "a'b",
        'eth\t0',
        'é',
        None,
        5,
    ],
)
def test_invalid_interface_names(name):
    assert not iproute.valid_interface_name(name)
    with pytest.raises(ValueError, match=r'is not a valid link name \(1-15 characters among'):
        iproute.link_name(name)


def test_link_name_message():
    with pytest.raises(ValueError) as caught:
        iproute.link_name('eth0\nneigh flush proxy')
    assert str(caught.value) == (
        "'eth0\\nneigh flush proxy' is not a valid link name "
        "(1-15 characters among A-Z a-z 0-9 _ . @ -, not starting with '-')"
    )


@pytest.mark.parametrize(
    'value, canonical',
    [('2001:DB8::0001', '2001:db8::1'), ('2001:db8:0:1:1:1:1:1', '2001:db8:0:1:1:1:1:1'), ('fe80::1', 'fe80::1')],
)
def test_canonical_address(value, canonical):
    assert iproute.canonical_address(value) == canonical


@pytest.mark.parametrize(
    'value, message',
    [
        ('fe80::1%eth0', 'zone index'),
        ('fe80::1%x\nroute del default', 'zone index'),
        ('192.0.2.1', 'not an IPv6'),
        ('2001:db8::1\nroute del default', 'not an IPv6'),
        ('2001:db8::/64', r"'2001:db8::/64' is a prefix; give a single IPv6 address \(without /length\)"),
    ],
)
def test_canonical_address_rejects(value, message):
    with pytest.raises(ValueError, match=message):
        iproute.canonical_address(value)


@pytest.mark.parametrize('value', [' 2001:db8::1', '2001:db8::1\n', '\t2001:DB8::1 '])
def test_canonical_address_takes_the_address_without_surrounding_blanks(value):
    # Only the canonical text reaches a command line, so blanks around a value are no risk (addresses.py).
    assert iproute.canonical_address(value) == '2001:db8::1'


@pytest.mark.parametrize(
    'stderr, name',
    [
        ('Cannot find device "nope0"\n', 'nope0'),
        ('Device "nope0" does not exist.\n', 'nope0'),
        ('RTNETLINK answers: No such file or directory\n', None),
        ('', None),
    ],
)
def test_missing_device(stderr, name):
    assert iproute.missing_device(stderr) == name


def test_error_fail_kwargs():
    error = iproute.IprouteError('boom', ['ip', 'x'], 2, 'out', 'err')
    assert error.fail_kwargs() == {'msg': 'boom', 'cmd': ['ip', 'x'], 'rc': 2, 'stdout': 'out', 'stderr': 'err'}
    assert iproute.IprouteError('plain').fail_kwargs() == {'msg': 'plain'}


def answering(rc, stdout, stderr=''):
    """A run callable whose command answers rc, stdout and stderr; records the argv lists it was given."""
    calls = []

    def run(argv, data=None):
        calls.append(argv)
        return rc, stdout, stderr

    run.calls = calls
    return run


def test_read_proxy_entries_runs_ip_once_and_parses_its_output():
    run = answering(0, SHOW_DEV_NUMERIC)
    entries = iproute.read_proxy_entries(run, '/usr/sbin/ip', 'eth0')
    assert run.calls == [['/usr/sbin/ip', '-N', '-j', '-6', 'neigh', 'show', 'proxy', 'dev', 'eth0']]
    assert [(e['address'], e['protocol']) for e in entries][:3] == [
        ('2001:db8:ab11:0:8000::99', '12'),
        ('2001:db8:ab11:0:8000::98', None),
        ('2001:db8:ab11:0:8000::2', '214'),
    ]


def test_run_json_names_a_missing_interface():
    argv = ['/usr/sbin/ip', '-N', '-j', '-6', 'neigh', 'show', 'proxy', 'dev', 'nope0']
    with pytest.raises(iproute.InterfaceNotFound) as caught:
        iproute.run_json(answering(1, '', 'Cannot find device "nope0"\n'), argv)
    assert caught.value.fail_kwargs() == {
        'msg': 'Interface nope0 does not exist',
        'cmd': argv,
        'rc': 1,
        'stdout': '',
        'stderr': 'Cannot find device "nope0"\n',
    }


def test_run_json_failure_gives_the_command_and_its_error():
    argv = ['/usr/sbin/ip', '-j', '-6', 'route', 'show', 'proto', 'ra']
    with pytest.raises(iproute.IprouteError) as caught:
        iproute.run_json(answering(255, '', 'Error: argument "ra" is wrong: invalid "protocol"\n'), argv)
    assert caught.value.fail_kwargs() == {
        'msg': '/usr/sbin/ip -j -6 route show proto ra failed: Error: argument "ra" is wrong: invalid "protocol"',
        'cmd': argv,
        'rc': 255,
        'stdout': '',
        'stderr': 'Error: argument "ra" is wrong: invalid "protocol"\n',
    }


def test_run_json_output_that_is_no_list_says_what_it_got():
    argv = ['/usr/sbin/ip', '-j', 'addr', 'show']
    with pytest.raises(iproute.IprouteError) as caught:
        iproute.run_json(answering(0, '{"ifname": "lo"}\n', 'warning\n'), argv)
    assert caught.value.fail_kwargs() == {
        'msg': 'Cannot parse the JSON output of /usr/sbin/ip -j addr show (iproute2 too old for -j?): '
        'expected a JSON list from ip -j, got dict',
        'cmd': argv,
        'rc': 0,
        'stdout': '{"ifname": "lo"}\n',
        'stderr': 'warning\n',
    }


def test_an_error_without_output_has_empty_output():
    assert iproute.IprouteError('boom', ['ip', 'x'], 2).fail_kwargs() == {
        'msg': 'boom',
        'cmd': ['ip', 'x'],
        'rc': 2,
        'stdout': '',
        'stderr': '',
    }


def test_parse_skips_what_is_no_proxy_entry_and_reads_on():
    items = [
        {'dst': '2001:db8:ab11::99', 'lladdr': '02:00:00:00:00:01', 'state': ['PERMANENT']},
        {'proxy': None},
        'not an entry',
        {'dst': '2001:db8:ab11::23', 'proxy': None},
    ]
    assert iproute.proxy_entries(items) == [
        {'address': '2001:db8:ab11::23', 'dev': None, 'protocol': None, 'flags': []}
    ]


def test_an_add_line_is_untagged_by_default():
    assert iproute.neigh_proxy_add_line('2001:db8::1', 'eth0') == 'neigh add proxy 2001:db8::1 dev eth0'


def test_protocol_and_metric_bounds():
    assert iproute.route_add_line('2001:db8::/64', '2001:db8::1', 'eth0', 255).endswith(' proto 255')
    assert iproute.route_del_line('2001:db8::/64', 1, 0) == 'route del 2001:db8::/64 proto 1 metric 0'
    assert iproute.route_del_line('2001:db8::/64', 214, 2**32 - 1).endswith(' metric 4294967295')


@pytest.mark.parametrize(
    'value, allow_zero, message',
    [
        (True, False, 'protocol True is outside 1-255'),
        ('214', False, "protocol '214' is outside 1-255"),
        (256, True, 'protocol 256 is outside 0-255'),
        (0, False, 'protocol 0 is outside 1-255'),
    ],
)
def test_protocol_number_refusals(value, allow_zero, message):
    with pytest.raises(ValueError) as caught:
        iproute.protocol_number(value, allow_zero)
    assert str(caught.value) == message


@pytest.mark.parametrize('value', [2**32, -1, True, '7', 1.5])
def test_metric_number_refusals(value):
    with pytest.raises(ValueError) as caught:
        iproute.metric_number(value)
    assert str(caught.value) == 'metric %r is not a route metric' % (value,)


def test_run_batch_runs_the_family_given():
    module = RecordingModule()
    iproute.run_batch(module_runner(module), '/usr/sbin/ip', ['route del 192.0.2.0/24 proto 214 metric 0'], '-4')
    assert [argv for argv, dummy, dummy in module.calls] == [['/usr/sbin/ip', '-4', '-batch', '-']]


def test_run_batch_refusal_message():
    with pytest.raises(iproute.UnsafeBatchLine) as caught:
        iproute.run_batch(answering(0, ''), '/usr/sbin/ip', ['route del x;y'])
    assert caught.value.fail_kwargs() == {
        'msg': "refusing to run ip -batch: line 'route del x;y' holds characters no validated value has "
        '(nothing was changed)'
    }


@pytest.mark.parametrize(
    'stdout, stderr, reason',
    [
        (
            '',
            'RTNETLINK answers: File exists\nCommand failed -:2\n',
            'RTNETLINK answers: File exists\nCommand failed -:2',
        ),
        ('Command failed -:2\n', '', 'Command failed -:2'),
    ],
)
def test_run_batch_failure_says_how_many_changes_and_what_failed(stdout, stderr, reason):
    argv = ['/usr/sbin/ip', '-6', '-batch', '-']
    lines = ['neigh del proxy 2001:db8::9 dev eth0', 'neigh add proxy 2001:db8::1 dev eth0 protocol 214']
    with pytest.raises(iproute.IprouteError) as caught:
        iproute.run_batch(answering(2, stdout, stderr), '/usr/sbin/ip', lines)
    assert caught.value.fail_kwargs() == {
        'msg': 'ip -batch failed part way through 2 changes (those before the failing one are applied; '
        'running again converges): ' + reason,
        'cmd': argv,
        'rc': 2,
        'stdout': stdout,
        'stderr': stderr,
    }
