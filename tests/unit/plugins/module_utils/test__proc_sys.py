# Copyright: dockernet.ipv6 contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The runtime sysctl reader and writer that ipv6_sysctls and original_state share, on a /proc/sys stand-in tree
under tmp_path (the kernel's own tree is exercised by the lab scenarios): what a value reads as, and how each
failure names the module option and the key."""

from __future__ import annotations

import os

import pytest

from ansible_collections.dockernet.ipv6.plugins.module_utils import _sysctls
from ansible_collections.dockernet.ipv6.plugins.module_utils._proc_sys import module_read, module_write


class Failed(Exception):
    """What AnsibleModule.fail_json does: the task ends there, with the message."""


class Module:
    def fail_json(self, msg):
        raise Failed(msg)


@pytest.fixture
def proc_sys(tmp_path, monkeypatch):
    """A stand-in /proc/sys with net/ipv6/conf/all/forwarding and the directory net/ipv6/conf."""
    root = tmp_path / 'sys'
    (root / 'net/ipv6/conf/all').mkdir(parents=True)
    (root / 'net/ipv6/conf/all/forwarding').write_text('0\n')
    monkeypatch.setattr(_sysctls, 'PROC_SYS', str(root))
    return root


def test_a_value_reads_as_its_words_separated_by_one_space(proc_sys):
    (proc_sys / 'net/ipv6/conf/all/forwarding').write_text('4096\t87380  6291456\n')
    assert module_read(Module(), 'values', 'net.ipv6.conf.all.forwarding') == '4096 87380 6291456'


def test_a_key_whose_path_does_not_exist_reads_as_none(proc_sys):
    # An interface that is not there: the callers decide (ipv6_sysctls refuses, original_state records nothing).
    assert module_read(Module(), 'sysctls', 'net.ipv6.conf.eth9.forwarding') is None


def test_a_name_that_is_no_sysctl_fails_naming_the_option(proc_sys):
    with pytest.raises(Failed) as caught:
        module_read(Module(), 'sysctls', 'net..ipv6')
    assert str(caught.value) == "sysctls: 'net..ipv6' is not a sysctl name"


def test_a_directory_is_no_sysctl(proc_sys):
    with pytest.raises(Failed) as caught:
        module_read(Module(), 'values', 'net.ipv6.conf')
    assert str(caught.value) == 'values: net.ipv6.conf: %s is a directory, not a sysctl' % (proc_sys / 'net/ipv6/conf')


def test_a_write_sets_the_value_and_a_newline(proc_sys):
    module_write(Module(), 'values', 'net.ipv6.conf.all.forwarding', '1')
    assert (proc_sys / 'net/ipv6/conf/all/forwarding').read_text() == '1\n'
    assert module_read(Module(), 'values', 'net.ipv6.conf.all.forwarding') == '1'


def test_a_refused_write_fails_naming_the_option_key_value_and_reason(proc_sys):
    # No such file below a missing directory: the kernel's refusals (EINVAL, EPERM) end the same way.
    with pytest.raises(Failed) as caught:
        module_write(Module(), 'sysctls', 'net.ipv6.conf.eth9.forwarding', '1')
    message = str(caught.value)
    path = os.path.join(str(proc_sys), 'net/ipv6/conf/eth9/forwarding')
    assert (
        message
        == "sysctls: cannot set net.ipv6.conf.eth9.forwarding to 1: [Errno 2] No such file or directory: '%s'" % path
    )
