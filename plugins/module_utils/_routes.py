# Copyright: dockernet.ipv6 contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Private logic of the ipv6_routes module: which static routes to add and remove.

The collection marks the routes it installs with a route protocol number of its own, so that it can
recognise them later and never touches anyone else's. Pure functions; the module does the I/O.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Route:
    """One IPv6 route through a gateway on a link."""

    dest: str
    via: str
    dev: str

    def describe(self) -> str:
        return '%s via %s dev %s' % (self.dest, self.via, self.dev)


@dataclass(frozen=True)
class RoutePlan:
    """What to change: routes to add, routes of ours to delete, and foreign routes in the way."""

    to_add: tuple
    to_remove: tuple
    conflicts: tuple


def canonical_prefix(text: str) -> str:
    """An IPv6 prefix in compressed form; ValueError for anything else (host bits set included)."""
    network = ipaddress.ip_network(text, strict=True)
    if network.version != 6:
        raise ValueError('%s is not an IPv6 prefix' % text)
    return str(network)


def canonical_address(text: str) -> str:
    """An IPv6 address in compressed form; ValueError for anything else."""
    address = ipaddress.ip_address(text)
    if address.version != 6:
        raise ValueError('%s is not an IPv6 address' % text)
    return str(address)


def routes_from_ip(items: list) -> list[dict]:
    """Routes from the parsed output of ``ip -N -j -6 route show``: dest, via, dev and protocol (a number).

    ip prints ``default`` for ::/0 and a bare address for a /128; both are normalised to prefixes.
    """
    routes = []
    for item in items:
        if not isinstance(item, dict) or 'dst' not in item:
            continue
        dst = item['dst']
        if dst == 'default':
            dst = '::/0'
        elif '/' not in dst:
            dst += '/128'
        try:
            dst = canonical_prefix(dst)
        except ValueError:
            continue
        protocol = item.get('protocol')
        routes.append({
            'dest': dst,
            'via': item.get('gateway'),
            'dev': item.get('dev'),
            'protocol': int(protocol) if str(protocol).isdigit() else protocol,
        })
    return routes


def plan_routes(wanted: list[Route], current: list[dict], protocol: int, state: str, exclusive: bool) -> RoutePlan:
    """Work out the changes that make the routes tagged ``protocol`` match ``wanted``.

    A wanted route whose destination is already routed by someone else (another protocol) is a conflict:
    it is reported, never replaced. With ``exclusive``, routes of ours that are not wanted are removed.
    """
    ours = {Route(r['dest'], r['via'] or '', r['dev'] or '') for r in current if r['protocol'] == protocol}
    foreign = {r['dest']: r for r in current if r['protocol'] != protocol}
    wanted_set = set(wanted)
    if state == 'absent':
        return RoutePlan(to_add=(), to_remove=tuple(sorted(ours & wanted_set)), conflicts=())
    to_add = []
    conflicts = []
    for route in sorted(wanted_set - ours):
        if route.dest in foreign:
            conflicts.append((route, foreign[route.dest]))
        else:
            to_add.append(route)
    wanted_dests = {route.dest for route in wanted_set}
    # A route of ours to a wanted destination through another gateway is replaced, not left beside it.
    stale = {route for route in ours - wanted_set if exclusive or route.dest in wanted_dests}
    return RoutePlan(to_add=tuple(to_add), to_remove=tuple(sorted(stale)), conflicts=tuple(conflicts))


def batch_lines(plan: RoutePlan, protocol: int) -> list[str]:
    """``ip -6 -batch`` lines: deletions first, so that a changed gateway is replaced cleanly."""
    lines = ['route del %s via %s dev %s proto %d' % (r.dest, r.via, r.dev, protocol) for r in plan.to_remove]
    lines += ['route add %s via %s dev %s proto %d' % (r.dest, r.via, r.dev, protocol) for r in plan.to_add]
    return lines
