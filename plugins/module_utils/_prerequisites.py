# Copyright: dockernet.ipv6 contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Private logic of the host_prerequisites module: what a host lacks, and which OS packages provide it.

The module gathers observations (which commands exist, what they print, whether ``import docker`` works);
the functions here turn them into findings without touching the host.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

# Order of the checks, and so of the lines a user reads (python3 is checked before any module can run).
NAMES = ('docker-sdk', 'iproute2', 'ip6tables', 'systemd', 'dockerd', 'docker-cli')


@dataclass(frozen=True)
class Missing:
    """One prerequisite the host lacks: its name, what is wrong, and the package that provides it (None when
    no package can fix it, for example a host not booted with systemd)."""

    name: str
    problem: str
    package: str | None

    def message(self) -> str:
        """``<prerequisite>: <what is missing and which package provides it>``."""
        if self.package is None:
            return '%s: %s' % (self.name, self.problem)
        return '%s: %s; the package %s provides it' % (self.name, self.problem, self.package)

    def as_dict(self) -> dict:
        return {'name': self.name, 'problem': self.problem, 'package': self.package, 'message': self.message()}


def parse_os_release(text: str | None) -> dict[str, str]:
    """``KEY=value`` pairs of /etc/os-release (values unquoted)."""
    found: dict[str, str] = {}
    for line in (text or '').splitlines():
        match = re.match(r'^([A-Z0-9_]+)=(.*)$', line.strip())
        if not match:
            continue
        value = match.group(2).strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in '"\'':
            value = value[1:-1]
        found[match.group(1)] = value
    return found


def distribution(os_release: dict[str, str]) -> str | None:
    """``debian`` or ``ubuntu`` (also for their derivatives, by ID_LIKE); None for any other system."""
    ids = [os_release.get('ID', '')] + os_release.get('ID_LIKE', '').split()
    for known in ('ubuntu', 'debian'):
        if known in ids:
            return known
    return None


def package_for(name: str, os_release: dict[str, str]) -> str | None:
    """The Debian/Ubuntu package that provides a prerequisite on this host."""
    dist = distribution(os_release)
    if name == 'docker-cli':
        # Debian 13 moved the client out of docker.io into docker-cli; Debian 12 and Ubuntu ship it in docker.io.
        major = os_release.get('VERSION_ID', '').split('.')[0]
        if dist == 'debian' and os_release.get('ID') == 'debian' and (not major.isdigit() or int(major) >= 13):
            return 'docker-cli'
        return 'docker.io'
    return {
        'python3': 'python3',
        'docker-sdk': 'python3-docker',
        'iproute2': 'iproute2',
        'ip6tables': 'iptables',
        'systemd': 'systemd',
        'dockerd': 'docker.io',
    }[name]


def check_docker_sdk(import_error: str | None, os_release: dict[str, str]) -> Missing | None:
    """From ``import docker`` in the module's interpreter."""
    if import_error is None:
        return None
    return Missing(
        'docker-sdk',
        'the Docker SDK for Python cannot be imported (%s)' % import_error,
        package_for('docker-sdk', os_release),
    )


def check_iproute(ip_path: str | None, rc: int, stdout: str, os_release: dict[str, str]) -> Missing | None:
    """From ``ip -j link show lo``: the command must exist and print JSON."""
    package = package_for('iproute2', os_release)
    if ip_path is None:
        return Missing('iproute2', 'no ip command', package)
    try:
        links = json.loads(stdout) if rc == 0 else None
    except ValueError:
        links = None
    if not isinstance(links, list):
        return Missing(
            'iproute2', '%s gives no JSON output (ip -j, rc %d); a newer iproute2 is needed' % (ip_path, rc), package
        )
    return None


def check_ip6tables(path: str | None, rc: int, output: str, os_release: dict[str, str]) -> Missing | None:
    """From ``ip6tables --version``."""
    package = package_for('ip6tables', os_release)
    if path is None:
        return Missing('ip6tables', 'no ip6tables command', package)
    if rc != 0:
        first = (output.strip().splitlines() or [''])[0]
        return Missing('ip6tables', '%s does not run (rc %d%s)' % (path, rc, ': ' + first if first else ''), package)
    return None


def check_systemd(systemctl_path: str | None, booted: bool, os_release: dict[str, str]) -> Missing | None:
    """systemctl must exist and systemd must be the running init (``/run/systemd/system`` exists)."""
    if systemctl_path is None:
        return Missing('systemd', 'no systemctl command', package_for('systemd', os_release))
    if not booted:
        return Missing(
            'systemd',
            'systemd is not the running init system (no /run/systemd/system); the engine and '
            "the collection's units are managed through it",
            None,
        )
    return None


def check_command(name: str, path: str | None, command: str, os_release: dict[str, str]) -> Missing | None:
    """A command that only has to exist (dockerd, docker)."""
    if path is not None:
        return None
    return Missing(name, 'no %s command' % command, package_for(name, os_release))


def packages_to_install(missing: list[Missing]) -> list[str]:
    """The packages that would provide what is missing, each once, in the order of the checks."""
    packages: list[str] = []
    for item in missing:
        if item.package is not None and item.package not in packages:
            packages.append(item.package)
    return packages
