# Copyright: dockernet.ipv6 contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Private parsers of the host_info module: pure functions over ``ip -j`` and ``dockerd --version`` output."""

from __future__ import annotations

import json
import re

# "Docker version 26.1.5+dfsg1, build a72d7cd" -> 26.1.5
_ENGINE_VERSION = re.compile(r'Docker version (\d+\.\d+\.\d+)')


def parse_engine_version(text: str) -> str | None:
    """The x.y.z version in ``dockerd --version`` output, or None."""
    match = _ENGINE_VERSION.search(text)
    return match.group(1) if match else None


def interface_names(links: list) -> list[str]:
    """Link names from ``ip -j [-6] addr show`` (or ``link show``) output, in the kernel's order."""
    return [link['ifname'] for link in links if isinstance(link, dict) and 'ifname' in link]


def interface_addresses(links: list) -> dict[str, list[str]]:
    """Each link's IPv6 addresses as ``address/prefixlen``, from ``ip -j addr show``; addresses that failed
    duplicate address detection are left out, since the kernel does not use them."""
    found: dict[str, list[str]] = {}
    for link in links:
        if not isinstance(link, dict) or 'ifname' not in link:
            continue
        found[link['ifname']] = [
            '%s/%s' % (address['local'], address.get('prefixlen', 128))
            for address in link.get('addr_info') or []
            if address.get('family') == 'inet6' and address.get('local') and not address.get('dadfailed')
        ]
    return found


def ra_interfaces(links: list, ra_routes: list) -> list[str]:
    """Links configured from router advertisements.

    A link counts when it holds a global IPv6 address the kernel made from an advertised prefix (``dynamic``:
    it has a finite lifetime and was not set by hand) or when a route on it came from an advertisement
    (``ip -j -6 route show proto ra``). Once forwarding is on, such a link needs ``accept_ra=2`` to keep them.
    """
    found = []
    for link in links:
        if not isinstance(link, dict):
            continue
        for address in link.get('addr_info') or []:
            if address.get('family') == 'inet6' and address.get('scope') == 'global' and address.get('dynamic'):
                found.append(link.get('ifname'))
                break
    for route in ra_routes:
        if isinstance(route, dict) and route.get('dev') and route['dev'] not in found:
            found.append(route['dev'])
    return [name for name in found if name]


def firewall_backend(daemon_json: str | None) -> str | None:
    """The ``firewall-backend`` daemon.json sets (Docker 29 and later: ``iptables`` or ``nftables``), or None.

    An absent, empty or unreadable file sets nothing; the daemon role reports a broken file itself.
    """
    if not daemon_json or not daemon_json.strip():
        return None
    try:
        config = json.loads(daemon_json)
    except ValueError:
        return None
    if not isinstance(config, dict):
        return None
    value = config.get('firewall-backend')
    return value if isinstance(value, str) else None
