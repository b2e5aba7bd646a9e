# Copyright: dockernet.ipv6 contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Private parsers of the host_info module: pure functions over ``ip -j`` and ``dockerd --version`` output."""

from __future__ import annotations

import ipaddress
import json


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


def _daemon_config(daemon_json: str | None) -> dict:
    if not daemon_json or not daemon_json.strip():
        return {}
    try:
        config = json.loads(daemon_json)
    except ValueError:
        return {}
    return config if isinstance(config, dict) else {}


def current_container_prefix(daemon_json: str | None) -> str | None:
    """The container prefix this host was given by an earlier rollout, read back from its daemon.json, or None.

    A rollout writes the lower half of the host's container prefix as ``fixed-cidr-v6`` and its upper half as the
    base of an IPv6 entry of ``default-address-pools``; only a file holding both halves of one prefix counts.
    """
    config = _daemon_config(daemon_json)
    try:
        fixed = ipaddress.IPv6Network(str(config.get('fixed-cidr-v6')))
    except ValueError:
        return None
    if fixed.prefixlen == 0:
        return None
    prefix = fixed.supernet()
    lower, upper = prefix.subnets()
    if lower != fixed:
        return None
    pools = config.get('default-address-pools')
    for pool in pools if isinstance(pools, list) else []:
        try:
            base = ipaddress.ip_network(str(pool.get('base')) if isinstance(pool, dict) else '')
        except ValueError:
            continue
        if base == upper:
            return str(prefix)
    return None


def live_restore_configured(daemon_json: str | None) -> bool:
    """Whether daemon.json turns on ``live-restore`` (the engine's own answer is preferred when it runs)."""
    return _daemon_config(daemon_json).get('live-restore') is True


def engine_networks(inspected: list) -> dict[str, dict]:
    """Per network name: its IPv6 subnets, whether IPv6 is on, and the names of the containers attached to it.

    ``inspected`` holds ``GET /networks/{id}`` answers (the list endpoint leaves ``Containers`` empty).
    """
    found: dict[str, dict] = {}
    for network in inspected:
        if not isinstance(network, dict) or not network.get('Name'):
            continue
        subnets = []
        for entry in (network.get('IPAM') or {}).get('Config') or []:
            subnet = entry.get('Subnet') if isinstance(entry, dict) else None
            if subnet and ':' in subnet:
                subnets.append(subnet)
        containers = sorted(
            str(member.get('Name') or container_id[:12])
            for container_id, member in (network.get('Containers') or {}).items()
            if isinstance(member, dict)
        )
        found[network['Name']] = {
            'enable_ipv6': bool(network.get('EnableIPv6')),
            'ipv6_subnets': subnets,
            'containers': containers,
        }
    return found
