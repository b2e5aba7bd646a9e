# Copyright: dockernet.ipv6 contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""converge(): what it reads and what batch it sends for given entries and containers, through a fake runner."""

from __future__ import annotations

import ipaddress
import json

import pytest

from ansible_collections.dockernet.ipv6.plugins.module_utils._hostlib import iproute, runner
from ansible_collections.dockernet.ipv6.plugins.module_utils._hostlib.converge import converge
from ansible_collections.dockernet.ipv6.plugins.module_utils._hostlib.ndp_proxy import parse_addresses

IP = '/usr/sbin/ip'
SHOW = [IP, '-N', '-j', '-6', 'neigh', 'show', 'proxy', 'dev', 'eth0']
BATCH = [IP, '-6', '-batch', '-']
SLICE = [ipaddress.IPv6Network('2001:db8:ab11:0:8000::/66')]
IN1, IN2, IN3, IN9 = (
    '2001:db8:ab11:0:8000::1',
    '2001:db8:ab11:0:8000::2',
    '2001:db8:ab11:0:8000::3',
    '2001:db8:ab11:0:8000::9',
)
OUT = '2001:db8:ab11::5'


class FakeIp:
    """A run callable: answers ``ip neigh show proxy`` with ``entries`` and records every argv and stdin."""

    def __init__(self, entries=(), rc=0, stderr='', batch_rc=0):
        self.entries = list(entries)
        self.rc = rc
        self.stderr = stderr
        self.batch_rc = batch_rc
        self.calls = []

    def __call__(self, argv, data=None):
        self.calls.append((argv, data))
        if data is None:
            return self.rc, json.dumps(self.entries), self.stderr
        return self.batch_rc, '', 'RTNETLINK answers: File exists\n' if self.batch_rc else ''


def entry(address, protocol=None):
    item = {'dst': address, 'proxy': None}
    if protocol is not None:
        item['protocol'] = protocol
    return item


def container(name, **networks):
    return {
        'Names': ['/' + name],
        'State': 'running',
        'NetworkSettings': {'Networks': {net: {'GlobalIPv6Address': addr} for net, addr in networks.items()}},
    }


def addresses(*texts):
    return parse_addresses(texts)[0]


def test_adds_the_containers_and_removes_our_stale_entries_in_one_batch():
    ip = FakeIp([entry(IN1, '214'), entry(IN9, '214'), entry(OUT, '214')])
    result = converge(
        ip,
        'eth0',
        SLICE,
        containers=[container('web', front=IN1), container('api', front=IN2)],
        networks=[{'Name': 'front'}],
        exclusive=True,
        ip_bin=IP,
    )
    assert ip.calls == [
        (SHOW, None),
        (BATCH, 'neigh del proxy %s dev eth0\nneigh add proxy %s dev eth0 protocol 214\n' % (IN9, IN2)),
    ]
    assert (result.added, result.removed, result.changed, result.applied) == ([IN2], [IN9], True, True)
    # The entry outside the prefixes stays, though it carries our tag.
    assert result.entries == [OUT, IN1, IN2]
    assert result.before == [OUT, IN1, IN9]


def test_containers_on_internal_networks_get_no_entry():
    ip = FakeIp()
    result = converge(
        ip,
        'eth0',
        SLICE,
        containers=[container('db', back=IN3, front=IN2)],
        networks=[{'Name': 'back', 'Internal': True}, {'Name': 'front', 'Internal': False}],
        exclusive=True,
        ip_bin=IP,
    )
    assert ip.calls[1] == (BATCH, 'neigh add proxy %s dev eth0 protocol 214\n' % IN2)
    assert result.added == [IN2]


def test_entries_of_others_are_left_and_named_foreign():
    ip = FakeIp([entry(IN1), entry(IN2, '186'), entry(IN3, '214')])
    result = converge(ip, 'eth0', SLICE, containers=[], exclusive=True, protocol=214, ip_bin=IP)
    assert ip.calls == [(SHOW, None), (BATCH, 'neigh del proxy %s dev eth0\n' % IN3)]
    assert result.foreign == [IN1, IN2]


def test_nothing_to_do_runs_no_batch():
    ip = FakeIp([entry(IN1, '214')])
    result = converge(ip, 'eth0', SLICE, containers=[container('web', front=IN1)], exclusive=True, ip_bin=IP)
    assert ip.calls == [(SHOW, None)]
    assert not result.changed and not result.applied and result.lines == []


def test_check_mode_reads_only_and_predicts():
    ip = FakeIp([entry(IN9, '214')])
    result = converge(ip, 'eth0', SLICE, addresses=addresses(IN1), exclusive=True, ip_bin=IP, check=True)
    assert ip.calls == [(SHOW, None)]
    assert result.lines == [
        'neigh del proxy %s dev eth0' % IN9,
        'neigh add proxy %s dev eth0 protocol 214' % IN1,
    ]
    assert not result.applied and result.changed and result.entries == [IN1]


def test_named_addresses_outside_the_prefixes_are_skipped_and_reported():
    ip = FakeIp()
    result = converge(ip, 'eth0', SLICE, addresses=addresses(IN1, OUT), ip_bin=IP)
    assert ip.calls[1] == (BATCH, 'neigh add proxy %s dev eth0 protocol 214\n' % IN1)
    assert [a.compressed for a in result.outside] == [OUT]


def test_without_prefixes_named_addresses_are_added_untagged_with_protocol_zero():
    ip = FakeIp()
    converge(ip, 'eth0', [], addresses=addresses(OUT), protocol=0, ip_bin=IP)
    assert ip.calls[1] == (BATCH, 'neigh add proxy %s dev eth0\n' % OUT)


def test_absent_removes_the_named_entries_whatever_their_tag():
    ip = FakeIp([entry(IN1), entry(IN2, '214')])
    result = converge(ip, 'eth0', SLICE, addresses=addresses(IN1, IN3), state='absent', ip_bin=IP)
    assert ip.calls[1] == (BATCH, 'neigh del proxy %s dev eth0\n' % IN1)
    assert result.entries == [IN2]


def test_containers_none_asks_about_no_container():
    ip = FakeIp([entry(IN1, '214')])
    # Without containers and without exclusive nothing is wanted and nothing removed.
    assert not converge(ip, 'eth0', SLICE, ip_bin=IP).changed


def test_a_missing_interface_is_interface_not_found():
    ip = FakeIp(rc=1, stderr='Cannot find device "eth9"\n')
    with pytest.raises(iproute.InterfaceNotFound, match='Interface eth9 does not exist'):
        converge(ip, 'eth9', SLICE, exclusive=True, ip_bin=IP)


def test_a_bad_interface_name_runs_nothing():
    ip = FakeIp()
    with pytest.raises(ValueError, match='not a valid link name'):
        converge(ip, 'eth0;reboot', SLICE, ip_bin=IP)
    assert ip.calls == []


def test_a_refused_batch_is_an_iproute_error():
    ip = FakeIp(batch_rc=1)
    with pytest.raises(iproute.IprouteError, match='File exists'):
        converge(ip, 'eth0', SLICE, addresses=addresses(IN1), ip_bin=IP)


def test_summary_names_the_link_and_the_changes():
    result = converge(FakeIp([entry(IN9, '214')]), 'eth0', SLICE, addresses=addresses(IN1), exclusive=True)
    assert result.summary() == "proxy entries on eth0: added ['%s'], removed ['%s']" % (IN1, IN9)


class RecordingModule:
    """Stands in for AnsibleModule.run_command."""

    def __init__(self):
        self.calls = []

    def run_command(self, argv, data=None, binary_data=False, environ_update=None):
        self.calls.append((argv, data, binary_data, environ_update))
        return 0, '[]', ''


def test_module_runner_wraps_run_command_in_the_c_locale():
    module = RecordingModule()
    converge(runner.module_runner(module), 'eth0', SLICE, addresses=addresses(IN1), ip_bin=IP)
    assert module.calls == [
        (SHOW, None, False, runner.C_LOCALE),
        (BATCH, 'neigh add proxy %s dev eth0 protocol 214\n' % IN1, True, runner.C_LOCALE),
    ]


def test_subprocess_runner_runs_without_a_shell_in_the_c_locale(monkeypatch):
    seen = {}

    class Done:
        returncode, stdout, stderr = 0, '[]', ''

    def fake_run(argv, **kwargs):
        seen.update(argv=argv, **kwargs)
        return Done()

    monkeypatch.setattr(runner.subprocess, 'run', fake_run)
    assert runner.subprocess_runner()(['ip', '-j', 'link'], 'x\n') == (0, '[]', '')
    assert seen['argv'] == ['ip', '-j', 'link'] and seen['input'] == 'x\n' and 'shell' not in seen
    assert seen['env'] == dict(runner.C_LOCALE, PATH=runner.SYSTEM_PATH)


def test_module_runner_without_data_runs_the_command_alone_in_the_c_locale():
    module = RecordingModule()
    runner.module_runner(module)(['ip'])
    assert module.calls == [(['ip'], None, False, runner.C_LOCALE)]


def test_named_addresses_and_the_containers_are_wanted_together_inside_the_prefixes_only():
    ip = FakeIp()
    result = converge(
        ip,
        'eth0',
        SLICE,
        addresses=addresses(IN1),
        containers=[container('web', front=IN2, other=OUT)],
        networks=[{'Name': 'front'}, {'Name': 'other'}],
        ip_bin=IP,
    )
    assert ip.calls[1] == (
        BATCH,
        'neigh add proxy %s dev eth0 protocol 214\nneigh add proxy %s dev eth0 protocol 214\n' % (IN1, IN2),
    )
    # Only the named addresses outside are reported; a container's outside the prefixes is left quietly.
    assert (result.added, result.outside) == ([IN1, IN2], [])


def test_ip_is_found_on_the_path_by_default():
    ip = FakeIp()
    converge(ip, 'eth0', SLICE, addresses=addresses(IN1))
    assert [argv for argv, _data in ip.calls] == [
        ['ip', '-N', '-j', '-6', 'neigh', 'show', 'proxy', 'dev', 'eth0'],
        ['ip', '-6', '-batch', '-'],
    ]
