# Copyright: dockernet.ipv6 contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""What each Docker Engine release does differently, in one table, and the one parser of engine versions.

Read by the planner on the controller and by the modules on the hosts: standard library only, no Ansible and
no Docker SDK. Nothing outside this collection may rely on this file.
"""

from __future__ import annotations

import re

__all__ = [
    "CAPABILITIES",
    "GATEWAY_MODES",
    "has",
    "parse",
    "since",
    "version_text",
]

# The first release that has each capability (major, minor). Measured on Debian's 20.10, 26.1 and 28.5 builds.
CAPABILITIES = {
    # `dockerd --validate` checks a daemon.json without starting the engine.
    "validate_config": (23, 0),
    # "ip6tables": true works without "experimental": true.
    "ip6tables_without_experimental": (27, 0),
    # The bridge driver honours com.docker.network.bridge.gateway_mode_ipv4/ipv6 = nat and routed (26.1 stores
    # the option and ignores it) ...
    "gateway_mode_nat": (27, 0),
    "gateway_mode_routed": (27, 0),
    # ... and nat-unprotected and isolated.
    "gateway_mode_nat-unprotected": (28, 0),
    "gateway_mode_isolated": (28, 0),
    # A network can be created without IPv4 (enable_ipv4: false, API 1.47).
    "ipv6_only_networks": (28, 0),
    # Default-bridge addresses no longer embed the 48-bit MAC, so fixed-cidr-v6 may be longer than /80.
    "random_bridge_addresses": (28, 0),
    # Address pools are no longer listed subnet by subnet when the engine starts.
    "lazy_address_pools": (28, 0),
    # Routed packets to container addresses are dropped in the raw table, before DOCKER-USER is reached.
    "raw_table_drop": (28, 0),
}

# The gateway modes of the bridge driver, by name.
GATEWAY_MODES = tuple(name[len("gateway_mode_") :] for name in CAPABILITIES if name.startswith("gateway_mode_"))

# "26.1.5", "26.1.5+dfsg1", "v28.5.2", "1.47" (an API version), "29", "Docker version 20.10.24+dfsg1, build 297e128".
_VERSION = re.compile(r"^\s*(?:Docker version\s+)?v?(\d+)(?:\.(\d+))?(?:\.(\d+))?")


def parse(text: object) -> tuple[int, int, int] | None:
    """(major, minor, patch) of an engine or API version, or None when it is not one. Only the leading numbers
    count: distribution suffixes are ignored, and a missing minor or patch level is 0."""
    match = _VERSION.match(text) if isinstance(text, str) else None
    if match is None:
        return None
    major, minor, patch = match.groups()
    return int(major), int(minor or 0), int(patch or 0)


def version_text(text: object) -> str | None:
    """The version's numbers as written: '26.1.5' from '26.1.5+dfsg1' or 'Docker version 26.1.5+dfsg1, build
    a72d7cd', '22.06.0' from '22.06.0-beta.0'; None when there is none."""
    match = _VERSION.match(text) if isinstance(text, str) else None
    return None if match is None else ".".join(part for part in match.groups() if part is not None)


def since(capability: str) -> tuple[int, int]:
    """The first release with the capability; KeyError names an unknown one."""
    return CAPABILITIES[capability]


def has(version: object, capability: str) -> bool:
    """Whether an engine of this version (text or tuple) has the capability; False when the version is unknown."""
    parsed = parse(version) if not isinstance(version, tuple) else version
    return parsed is not None and tuple(parsed[:2]) >= CAPABILITIES[capability]
