# Copyright: dockernet.ipv6 contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

import pytest

from ansible_collections.dockernet.ipv6.plugins.module_utils._service_files import Found
from ansible_collections.dockernet.ipv6.plugins.module_utils._sysctls import (
    FILE_HEADER,
    SysctlsError,
    check_file,
    check_name,
    check_value,
    check_values,
    plan,
    readback_error,
    render_file,
    sysctl_path,
    unwritable_error,
)

FILE = '/etc/sysctl.d/60-dockernet-ipv6.conf'
ROLE_VALUES = {
    'net.ipv6.conf.all.forwarding': 1,
    'net.ipv6.conf.eth0.proxy_ndp': 1,
    'net.ipv6.neigh.eth0.proxy_delay': 0,
}
ROLE_TEXT = (
    FILE_HEADER
    + '\nnet.ipv6.conf.all.forwarding=1\nnet.ipv6.conf.eth0.proxy_ndp=1\nnet.ipv6.neigh.eth0.proxy_delay=0\n'
)


def found(text, mode=0o644, uid=0, gid=0):
    return Found(text.encode(), mode, uid, gid)


# --- names and paths


@pytest.mark.parametrize(
    'name, path',
    [
        ('net.ipv6.conf.all.forwarding', '/proc/sys/net/ipv6/conf/all/forwarding'),
        ('net.ipv6.conf.eth0/100.proxy_ndp', '/proc/sys/net/ipv6/conf/eth0.100/proxy_ndp'),
        ('net.ipv6.neigh.br-1a2b.proxy_delay', '/proc/sys/net/ipv6/neigh/br-1a2b/proxy_delay'),
        ('kernel.x', '/proc/sys/kernel/x'),
    ],
)
def test_sysctl_path(name, path):
    assert sysctl_path(name) == path


@pytest.mark.parametrize(
    'name',
    [
        'net..x',
        'kernel',
        'net.ipv6.conf.a b.x',
        '../../etc/passwd',
        'net.x\n',
        'net.ipv6.conf./.forwarding',
        # '//' would become '..': out of net/ipv6 into /proc/sys/kernel
        'net.ipv6.conf.//.//.//.kernel.x',
        '',
        None,
        5,
    ],
)
def test_sysctl_path_refuses_what_is_not_a_name(name):
    with pytest.raises(ValueError):
        sysctl_path(name)


def test_check_name_takes_ipv6_names_only():
    assert check_name('net.ipv6.conf.eth0/100.accept_ra') == '/proc/sys/net/ipv6/conf/eth0.100/accept_ra'
    for name in ('kernel.x', 'vm.swappiness', 'net.ipv4.ip_forward', 'net.ipv6x.a', 'net/ipv6/conf/all/forwarding'):
        with pytest.raises(SysctlsError) as err:
            check_name(name)
        assert name in str(err.value)
    with pytest.raises(SysctlsError) as err:
        check_name('kernel.x')
    assert str(err.value) == 'values: kernel.x is not a net.ipv6.* sysctl; this module sets no other'
    with pytest.raises(SysctlsError) as err:
        check_name('net.ipv6.conf.//.//.//.kernel.x')
    assert "values: 'net.ipv6.conf.//.//.//.kernel.x' is not a sysctl name" in str(err.value)


# --- values


@pytest.mark.parametrize(
    ('value', 'text'),
    [(1, '1'), (0, '0'), (-1, '-1'), (250, '250'), ('2', '2'), ('-1', '-1'), ('fe80::1', 'fe80::1'), ('on', 'on')],
)
def test_check_value(value, text):
    assert check_value('net.ipv6.x.y', value) == text


@pytest.mark.parametrize(
    ('value', 'message'),
    [
        (True, "values: net.ipv6.x.y: True is a boolean (write 0 or 1)"),
        (1.5, 'values: net.ipv6.x.y: 1.5 is a float'),
        (None, 'values: net.ipv6.x.y: None is a NoneType'),
        ([1], 'values: net.ipv6.x.y: [1] is a list'),
        ('', "values: net.ipv6.x.y: '' is not a sysctl value"),
        ('1 2', "values: net.ipv6.x.y: '1 2' is not a sysctl value"),
        ('1\n', "values: net.ipv6.x.y: '1\\n' is not a sysctl value"),
        ('1\nkernel.x=1', "values: net.ipv6.x.y: '1\\nkernel.x=1' is not a sysctl value"),
        ('a=b', "values: net.ipv6.x.y: 'a=b' is not a sysctl value"),
        ('1#x', "values: net.ipv6.x.y: '1#x' is not a sysctl value"),
        ('010', "values: net.ipv6.x.y: write '010' as 10"),
        ('+1', "values: net.ipv6.x.y: write '+1' as 1"),
        ('-0', "values: net.ipv6.x.y: write '-0' as 0"),
    ],
)
def test_check_value_refuses(value, message):
    with pytest.raises(SysctlsError) as err:
        check_value('net.ipv6.x.y', value)
    assert str(err.value).startswith(message)


def test_check_values_orders_all_then_default_then_by_name():
    values = {
        'net.ipv6.neigh.eth0.proxy_delay': 0,
        'net.ipv6.conf.abc.forwarding': 0,
        'net.ipv6.conf.default.accept_ra': 2,
        'net.ipv6.conf.all.forwarding': 1,
        'net.ipv6.conf.eth0.proxy_ndp': '1',
    }
    assert list(check_values(values).items()) == [
        ('net.ipv6.conf.all.forwarding', '1'),
        ('net.ipv6.conf.default.accept_ra', '2'),
        ('net.ipv6.conf.abc.forwarding', '0'),
        ('net.ipv6.conf.eth0.proxy_ndp', '1'),
        ('net.ipv6.neigh.eth0.proxy_delay', '0'),
    ]


def test_check_values_names_the_bad_key():
    with pytest.raises(SysctlsError) as err:
        check_values({'net.ipv6.conf.all.forwarding': 1, 'kernel.x': 1})
    assert 'kernel.x' in str(err.value)
    with pytest.raises(SysctlsError) as err:
        check_values({'net.ipv6.conf.all.forwarding': 1, 'net.ipv6.conf.eth0.accept_ra': 'two words'})
    assert str(err.value).startswith("values: net.ipv6.conf.eth0.accept_ra: 'two words'")
    for empty in ({}, None, []):
        with pytest.raises(SysctlsError):
            check_values(empty)


@pytest.mark.parametrize(
    ('path', 'message'),
    [
        ('etc/sysctl.d/x.conf', "file: 'etc/sysctl.d/x.conf' is not an absolute path"),
        ('/etc/sysctl.d/', "file: '/etc/sysctl.d/' is not an absolute path"),
        ('/etc/passwd', 'file: /etc/passwd does not end in .conf'),
        ('/etc/sysctl.d/60-x', 'file: /etc/sysctl.d/60-x does not end in .conf'),
    ],
)
def test_check_file_refuses(path, message):
    with pytest.raises(SysctlsError) as err:
        check_file(path)
    assert str(err.value).startswith(message)


def test_check_file_takes_a_conf_file():
    check_file(FILE)


# --- the file


def test_render_file_is_the_header_then_one_line_per_key():
    assert render_file(check_values(ROLE_VALUES)) == ROLE_TEXT
    assert render_file(check_values(ROLE_VALUES)).splitlines()[0].startswith('# ')


def test_render_file_does_not_depend_on_the_order_given():
    assert render_file(check_values(dict(reversed(list(ROLE_VALUES.items()))))) == ROLE_TEXT


# --- the plan


def test_plan_first_run_sets_what_differs_and_writes_the_file():
    wanted = check_values(ROLE_VALUES)
    current = {
        'net.ipv6.conf.all.forwarding': '0\n',
        'net.ipv6.conf.eth0.proxy_ndp': '1\n',
        'net.ipv6.neigh.eth0.proxy_delay': '80\n',
    }
    todo = plan(wanted, current, FILE, None)
    assert todo.runtime == ['net.ipv6.conf.all.forwarding', 'net.ipv6.neigh.eth0.proxy_delay']
    assert todo.file_text == ROLE_TEXT
    assert todo.file_changes == ['content']
    file_diff, runtime_diff = todo.diff
    assert file_diff == dict(before_header=FILE, after_header=FILE, before='', after=ROLE_TEXT)
    assert runtime_diff['before'] == 'net.ipv6.conf.all.forwarding=0\nnet.ipv6.neigh.eth0.proxy_delay=80\n'
    assert runtime_diff['after'] == 'net.ipv6.conf.all.forwarding=1\nnet.ipv6.neigh.eth0.proxy_delay=0\n'


def test_plan_no_op():
    wanted = check_values(ROLE_VALUES)
    current = {name: '%s\n' % value for name, value in ROLE_VALUES.items()}
    todo = plan(wanted, current, FILE, found(ROLE_TEXT))
    assert todo.runtime == []
    assert todo.file_changes == []
    assert todo.diff[0]['before'] == todo.diff[0]['after'] == ROLE_TEXT
    assert todo.diff[1]['before'] == todo.diff[1]['after'] == ''


def test_plan_rewrites_the_file_of_ansible_posix_sysctl_once_and_drops_a_key_no_longer_set():
    # What the role's ansible.posix.sysctl loop left: no header, and a key the role no longer sets.
    old = 'net.ipv6.conf.all.forwarding=1\nnet.ipv6.conf.eth0.accept_ra=2\nnet.ipv6.conf.eth0.proxy_ndp=1\n'
    wanted = check_values(ROLE_VALUES)
    current = {name: str(value) for name, value in ROLE_VALUES.items()}
    todo = plan(wanted, current, FILE, found(old))
    assert todo.runtime == []
    assert todo.file_changes == ['content']
    assert 'accept_ra' not in todo.file_text
    assert todo.diff[0]['before'] == old
    assert todo.diff[0]['after'] == ROLE_TEXT


def test_plan_repairs_the_mode_and_owner_alone():
    wanted = check_values(ROLE_VALUES)
    current = {name: str(value) for name, value in ROLE_VALUES.items()}
    todo = plan(wanted, current, FILE, found(ROLE_TEXT, mode=0o600, uid=1000))
    assert todo.file_changes == ['mode', 'owner']
    assert todo.diff[0]['before'] == todo.diff[0]['after']


def test_plan_refuses_missing_keys_naming_each_with_its_path():
    wanted = check_values({'net.ipv6.conf.all.forwarding': 1, 'net.ipv6.conf.nope0/5.proxy_ndp': 1})
    with pytest.raises(SysctlsError) as err:
        plan(wanted, {'net.ipv6.conf.all.forwarding': '0', 'net.ipv6.conf.nope0/5.proxy_ndp': None}, FILE, None)
    assert str(err.value) == (
        'values: net.ipv6.conf.nope0/5.proxy_ndp: /proc/sys/net/ipv6/conf/nope0.5/proxy_ndp does not exist'
        ' (no such interface, or no such sysctl); nothing was written'
    )


def test_plan_compares_values_as_words():
    wanted = check_values({'net.ipv6.conf.all.forwarding': '1'})
    assert plan(wanted, {'net.ipv6.conf.all.forwarding': ' 1 \n'}, FILE, None).runtime == []


def test_readback():
    wanted = check_values(ROLE_VALUES)
    assert readback_error(wanted, {name: '%s\n' % value for name, value in ROLE_VALUES.items()}) is None
    after = dict(wanted, **{'net.ipv6.conf.eth0.proxy_ndp': '0\n'})
    assert readback_error(wanted, after) == (
        "values: after writing, net.ipv6.conf.eth0.proxy_ndp reads '0', not '1';"
        ' the kernel does not keep these values as given: give the values it reads'
    )


def test_unwritable_error_names_each_key_and_path():
    assert unwritable_error({'net.ipv6.conf.eth0.mc_forwarding': '/proc/sys/net/ipv6/conf/eth0/mc_forwarding'}) == (
        'values: net.ipv6.conf.eth0.mc_forwarding: /proc/sys/net/ipv6/conf/eth0/mc_forwarding cannot be written'
        ' (a read-only sysctl, or /proc/sys mounted read-only); nothing was written'
    )


# --- what mutation testing found unchecked (docs/mutation.md)


@pytest.mark.parametrize('name', ['net..x', 'net.ipv6.conf./.forwarding', 'net.ipv6.conf.//.//.//.kernel.x', None])
def test_sysctl_path_refusal_quotes_the_name(name):
    with pytest.raises(ValueError) as err:
        sysctl_path(name)
    assert str(err.value) == '%r is not a sysctl name' % (name,)


def test_check_name_says_how_a_name_is_written():
    with pytest.raises(SysctlsError) as err:
        check_name('net.ipv6.conf.eth0.100.proxy_ndp\n')
    assert str(err.value) == (
        "values: 'net.ipv6.conf.eth0.100.proxy_ndp\\n' is not a sysctl name"
        ' (dots between parts, a dot inside an interface name written as a slash)'
    )


@pytest.mark.parametrize('empty', [{}, None, [], ['net.ipv6.conf.all.forwarding']])
def test_check_values_without_any_key_says_what_to_give(empty):
    with pytest.raises(SysctlsError) as err:
        check_values(empty)
    assert str(err.value) == 'values: give at least one net.ipv6.* sysctl and its value'


def test_check_values_takes_a_directory_name_and_orders_it_too():
    # net.ipv6.conf and net.ipv6.conf.all are directories of /proc/sys: the module names them when it reads them,
    # in the order the values are written (all first).
    assert list(
        check_values({'net.ipv6.conf.abc.forwarding': 0, 'net.ipv6.conf': 1, 'net.ipv6.conf.all': 1}).items()
    ) == [('net.ipv6.conf.all', '1'), ('net.ipv6.conf', '1'), ('net.ipv6.conf.abc.forwarding', '0')]


def test_missing_and_unwritable_keys_are_each_named():
    paths = {
        'net.ipv6.conf.eth1.proxy_ndp': '/proc/sys/net/ipv6/conf/eth1/proxy_ndp',
        'net.ipv6.neigh.eth1.proxy_delay': '/proc/sys/net/ipv6/neigh/eth1/proxy_delay',
    }
    wanted = check_values({name: 0 for name in paths})
    with pytest.raises(SysctlsError) as err:
        plan(wanted, {}, FILE, None)
    assert str(err.value) == (
        'values: net.ipv6.conf.eth1.proxy_ndp: /proc/sys/net/ipv6/conf/eth1/proxy_ndp does not exist'
        ' (no such interface, or no such sysctl); net.ipv6.neigh.eth1.proxy_delay:'
        ' /proc/sys/net/ipv6/neigh/eth1/proxy_delay does not exist (no such interface, or no such sysctl);'
        ' nothing was written'
    )
    assert unwritable_error(paths) == (
        'values: net.ipv6.conf.eth1.proxy_ndp: /proc/sys/net/ipv6/conf/eth1/proxy_ndp cannot be written'
        ' (a read-only sysctl, or /proc/sys mounted read-only); net.ipv6.neigh.eth1.proxy_delay:'
        ' /proc/sys/net/ipv6/neigh/eth1/proxy_delay cannot be written (a read-only sysctl, or /proc/sys mounted'
        ' read-only); nothing was written'
    )


def test_plan_shows_a_file_that_is_no_utf8_text_and_rewrites_it():
    old = b'# r\xe9seau (latin-1)\nnet.ipv6.conf.all.forwarding=1\n'
    wanted = check_values({'net.ipv6.conf.all.forwarding': 1})
    todo = plan(wanted, {'net.ipv6.conf.all.forwarding': '1\n'}, FILE, Found(old, 0o644, 0, 0))
    assert todo.file_changes == ['content']
    assert todo.diff[0]['before'] == '# r\ufffdseau (latin-1)\nnet.ipv6.conf.all.forwarding=1\n'


def test_plan_runtime_diff_names_what_it_shows_and_values_of_several_words():
    wanted = check_values({'net.ipv6.conf.all.forwarding': 1, 'net.ipv6.conf.eth0.stable_secret': 'fe80::1'})
    current = {'net.ipv6.conf.all.forwarding': '1\n', 'net.ipv6.conf.eth0.stable_secret': 'a\t b\n'}
    todo = plan(wanted, current, FILE, None)
    assert todo.diff[1] == dict(
        before_header='runtime values',
        after_header='runtime values',
        before='net.ipv6.conf.eth0.stable_secret=a b\n',
        after='net.ipv6.conf.eth0.stable_secret=fe80::1\n',
    )


def test_readback_names_every_key_not_kept_and_one_that_vanished():
    wanted = check_values(ROLE_VALUES)
    after = {'net.ipv6.conf.all.forwarding': '1\n', 'net.ipv6.conf.eth0.proxy_ndp': ' 0  0\n'}
    assert readback_error(wanted, after) == (
        "values: after writing, net.ipv6.conf.eth0.proxy_ndp reads '0 0', not '1';"
        " net.ipv6.neigh.eth0.proxy_delay reads None, not '0';"
        ' the kernel does not keep these values as given: give the values it reads'
    )
