#!/usr/bin/python
# Copyright: dockernet.ipv6 contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: host_prerequisites
short_description: Check that a Docker host has everything the collection's modules and roles need
version_added: 0.1.0
description:
  - Reads, without changing anything, whether the host has the Docker SDK for Python (importable by the
    interpreter the modules run with), iproute2 with JSON output (C(ip -j)), a working C(ip6tables), systemd as
    the running init with C(systemctl), the engine C(dockerd) and the C(docker) client.
  - Returns one finding per missing prerequisite, with the Debian or Ubuntu package that provides it, so that
    a play can stop before anything changes or install exactly those packages.
  - Python 3 itself cannot be checked by a module (the module needs it to run); the collection's preflight
    checks it with M(ansible.builtin.raw) first.
author:
  - dockernet.ipv6 contributors (@dockernet)
options:
  dockerd_path:
    description:
      - Name or path of the engine binary.
    type: str
    default: dockerd
  docker_path:
    description:
      - Name or path of the Docker client.
    type: str
    default: docker
extends_documentation_fragment:
  - dockernet.ipv6.attributes
  - dockernet.ipv6.attributes.LINUX
  - dockernet.ipv6.attributes.READ_ONLY
notes:
  - Package names are those of Debian and Ubuntu. On other systems RV(packages) is empty and RV(missing) still
    says what is missing.
"""

EXAMPLES = r"""
- name: Check the host's prerequisites
  dockernet.ipv6.host_prerequisites:
  register: prerequisites

- name: Stop with one line per missing prerequisite
  ansible.builtin.fail:
    msg: "{{ inventory_hostname }}: {{ item }}"
  loop: "{{ prerequisites.messages }}"

- name: Or install what provides them
  ansible.builtin.apt:
    name: "{{ prerequisites.packages }}"
  when: prerequisites.packages | length > 0
"""

RETURN = r"""
missing:
  description: One entry per missing prerequisite, in the order of the checks.
  returned: success
  type: list
  elements: dict
  contains:
    name:
      description: The prerequisite, one of C(docker-sdk), C(iproute2), C(ip6tables), C(systemd), C(dockerd), C(docker-cli).
      type: str
    problem:
      description: What is missing or does not work.
      type: str
    package:
      description: The Debian or Ubuntu package that provides it; null when no package can (systemd not running as init).
      type: str
    message:
      description: "The line to show: C(<name>: <problem>; the package <package> provides it)."
      type: str
  sample:
    - name: docker-sdk
      problem: "the Docker SDK for Python cannot be imported (No module named 'docker')"
      package: python3-docker
      message: "docker-sdk: the Docker SDK for Python cannot be imported (No module named 'docker'); the package python3-docker provides it"
messages:
  description: RV(missing)'s messages, one line each.
  returned: success
  type: list
  elements: str
  sample: ["ip6tables: no ip6tables command; the package iptables provides it"]
packages:
  description: The packages that provide what is missing, each once; empty when nothing is missing.
  returned: success
  type: list
  elements: str
  sample: [python3-docker, iptables]
distribution:
  description: C(debian) or C(ubuntu) (also for derivatives that name them in C(ID_LIKE)); null for other systems.
  returned: success
  type: str
  sample: debian
package_manager:
  description: C(apt) where C(apt-get) is there, else null.
  returned: success
  type: str
  sample: apt
"""

import importlib
import os

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.dockernet.ipv6.plugins.module_utils._hostlib.runner import module_run
from ansible_collections.dockernet.ipv6.plugins.module_utils._prerequisites import (
    check_command,
    check_docker_sdk,
    check_ip6tables,
    check_iproute,
    check_systemd,
    distribution,
    packages_to_install,
    parse_os_release,
)

SBIN_DIRS = ['/usr/sbin', '/sbin', '/usr/local/sbin', '/usr/bin', '/usr/local/bin']


def _import_error() -> str | None:
    try:
        importlib.import_module('docker')
    except Exception as exc:  # pylint: disable=broad-except
        # A broken installation raises more than ImportError; any of them means the modules cannot use it.
        return str(exc) or type(exc).__name__
    return None


def _read(path: str) -> str | None:
    try:
        with open(path, encoding='utf-8') as handle:
            return handle.read()
    except OSError:
        return None


def main() -> None:
    module = AnsibleModule(
        argument_spec=dict(
            dockerd_path=dict(type='str', default='dockerd'),
            docker_path=dict(type='str', default='docker'),
        ),
        supports_check_mode=True,
    )
    os_release = parse_os_release(_read('/etc/os-release') or _read('/usr/lib/os-release'))

    ip_bin = module.get_bin_path('ip', opt_dirs=SBIN_DIRS)
    ip_rc, ip_out = 1, ''
    if ip_bin:
        ip_rc, ip_out, dummy = module_run(module, [ip_bin, '-j', 'link', 'show', 'lo'])
    ip6tables_bin = module.get_bin_path('ip6tables', opt_dirs=SBIN_DIRS)
    ip6_rc, ip6_out = 0, ''
    if ip6tables_bin:
        ip6_rc, out, err = module_run(module, [ip6tables_bin, '--version'])
        ip6_out = err or out

    findings = [
        check_docker_sdk(_import_error(), os_release),
        check_iproute(ip_bin, ip_rc, ip_out, os_release),
        check_ip6tables(ip6tables_bin, ip6_rc, ip6_out, os_release),
        check_systemd(
            module.get_bin_path('systemctl', opt_dirs=SBIN_DIRS), os.path.isdir('/run/systemd/system'), os_release
        ),
        check_command(
            'dockerd',
            module.get_bin_path(module.params['dockerd_path'], opt_dirs=SBIN_DIRS),
            module.params['dockerd_path'],
            os_release,
        ),
        check_command(
            'docker-cli',
            module.get_bin_path(module.params['docker_path'], opt_dirs=SBIN_DIRS),
            module.params['docker_path'],
            os_release,
        ),
    ]
    missing = [item for item in findings if item is not None]
    dist = distribution(os_release)
    module.exit_json(
        changed=False,
        missing=[item.as_dict() for item in missing],
        messages=[item.message() for item in missing],
        packages=packages_to_install(missing) if dist else [],
        distribution=dist,
        package_manager='apt' if module.get_bin_path('apt-get', opt_dirs=SBIN_DIRS) else None,
    )


if __name__ == '__main__':
    main()
