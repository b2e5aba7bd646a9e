# Copyright: dockernet.ipv6 contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The run callables of the host library, as the host services use them: real processes, without a shell, in the C
locale, text in and out, a failing command returned rather than raised (docs/mutation.md)."""

from __future__ import annotations

import os

from ansible_collections.dockernet.ipv6.plugins.module_utils._hostlib import runner


def test_a_command_gets_its_stdin_and_gives_back_its_code_and_both_outputs_as_text():
    run = runner.subprocess_runner()
    script = 'cat; printf "%s\\n" "$0 went wrong" >&2; exit 3'
    assert run(['sh', '-c', script, 'ip'], 'neigh add proxy 2001:db8::1 dev eth0\n') == (
        3,
        'neigh add proxy 2001:db8::1 dev eth0\n',
        'ip went wrong\n',
    )


def test_without_data_the_command_reads_no_stdin():
    assert runner.subprocess_runner()(['sh', '-c', 'cat']) == (0, '', '')


def test_the_environment_is_the_c_locale_and_the_path_given_only(tmp_path):
    tool = tmp_path / 'ip'
    tool.write_text('#!/bin/sh\nenv | sort\n')
    tool.chmod(0o755)
    rc, stdout, stderr = runner.subprocess_runner('%s:%s' % (tmp_path, os.defpath))(['ip'])
    assert (rc, stderr) == (0, '')
    # sh itself may add PWD, SHLVL and _.
    names = {line.split('=', 1)[0]: line.split('=', 1)[1] for line in stdout.splitlines()}
    assert {name: names[name] for name in ('LANG', 'LC_ALL', 'LC_MESSAGES', 'PATH')} == {
        'LANG': 'C',
        'LC_ALL': 'C',
        'LC_MESSAGES': 'C',
        'PATH': '%s:%s' % (tmp_path, os.defpath),
    }
    assert set(names) <= {'LANG', 'LC_ALL', 'LC_MESSAGES', 'PATH', 'PWD', 'SHLVL', '_'}


def test_the_services_find_their_commands_in_the_system_s_directories():
    assert runner.subprocess_runner()(['sh', '-c', 'printf %s "$PATH"']) == (0, '/usr/sbin:/usr/bin:/sbin:/bin', '')
