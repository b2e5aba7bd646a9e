# Copyright: dockernet.ipv6 contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""How the host library runs commands: a ``run(argv, data=None) -> (rc, stdout, stderr)`` callable.

Under Ansible the modules pass module_runner(module), a thin wrapper around AnsibleModule.run_command; the
host services pass subprocess_runner(). Either way the command runs without a shell, in the C locale (ip's
messages are matched, so they must not be translated), with ``data`` (text) on its stdin when given.
"""

from __future__ import annotations

import subprocess

# The locale of every command; ip's messages are matched, so they must not be translated.
C_LOCALE = {'LANG': 'C', 'LC_ALL': 'C', 'LC_MESSAGES': 'C'}
# The PATH of the commands the host services run (systemd gives services a minimal environment).
SYSTEM_PATH = '/usr/sbin:/usr/bin:/sbin:/bin'


def module_run(module, argv, data=None):
    """One command through ``module.run_command`` (an AnsibleModule, or anything with its signature), in the C locale."""
    if data is None:
        return module.run_command(argv, environ_update=C_LOCALE)
    # binary_data: feed ``data`` as it is, without the newline run_command would add.
    return module.run_command(argv, data=data, binary_data=True, environ_update=C_LOCALE)


def module_runner(module):
    """A run callable over ``module.run_command``: module_run bound to ``module``."""

    def run(argv, data=None):
        return module_run(module, argv, data)

    return run


def subprocess_runner(path: str = SYSTEM_PATH):
    """A run callable over subprocess.run, for the host services: the environment is the C locale and ``path``."""
    env = dict(C_LOCALE, PATH=path)

    def run(argv, data=None):
        proc = subprocess.run(argv, input=data, capture_output=True, text=True, env=env, check=False)
        return proc.returncode, proc.stdout, proc.stderr

    return run
