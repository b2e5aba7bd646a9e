# Copyright: dockernet.ipv6 contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Private logic of the ipv6_routes module: which static routes to add and remove.

The collection marks the routes it installs with a route protocol number of its own, so that it can
recognise them later and never touches anyone else's. Pure functions; the module does the I/O.
"""

from __future__ import annotations

from dataclasses import dataclass

from ansible_collections.dockernet.ipv6.plugins.module_utils._hostlib.iproute import (
    canonical_address,
    canonical_prefix,
    link_name,
    route_add_line,
    route_del_line,
)

__all__ = [
    'InstalledRoute',
    'Route',
    'RoutePlan',
    'batch_lines',
    'canonical_address',
    'canonical_prefix',
    'conflict_message',
    'plan_routes',
    'routes_from_ip',
    'wanted_route',
]

# The metric the kernel gives an IPv6 route added without one; routes are described without it.
DEFAULT_METRIC = 1024
# Route types ip prints under -N as the kernel's RTN_* numbers (unicast, 1, is not printed).
ROUTE_TYPES = {
    '2': 'local',
    '3': 'broadcast',
    '4': 'anycast',
    '5': 'multicast',
    '6': 'blackhole',
    '7': 'unreachable',
    '8': 'prohibit',
    '9': 'throw',
    '10': 'nat',
}


@dataclass(frozen=True, order=True)
class Route:
    """One wanted IPv6 route through a gateway on a link, all three in canonical text."""

    dest: str
    via: str
    dev: str

    def describe(self) -> str:
        return '%s via %s dev %s' % (self.dest, self.via, self.dev)

    def as_dict(self) -> dict:
        return {'dest': self.dest, 'via': self.via, 'dev': self.dev}


@dataclass(frozen=True)
class InstalledRoute:
    """One IPv6 route of the main table as ``ip -N -j -6 route show`` printed it.

    ``via`` and ``dev`` are set only for a route with a single nexthop (a device route has ``dev`` alone);
    a multipath route has ``nexthops`` instead, as (gateway, device) pairs. ``kind`` is the route type when it
    is not unicast (``unreachable``...), ``source`` the ``from`` prefix of a source-specific route.
    ``protocol`` is an int, or None when ip printed none.
    """

    dest: str
    metric: int
    protocol: int | str | None = None
    via: str = ''
    dev: str = ''
    nexthops: tuple[tuple[str, str], ...] = ()
    source: str = ''
    kind: str = ''

    def provides(self, route: Route) -> bool:
        """Whether this installed route is the wanted ``route`` (whatever its metric)."""
        return (
            not self.kind
            and not self.source
            and not self.nexthops
            and (self.dest, self.via, self.dev) == (route.dest, route.via, route.dev)
        )

    def describe(self) -> str:
        words = [self.kind] if self.kind else []
        words.append(self.dest)
        if self.source:
            words += ['from', self.source]
        if self.via:
            words += ['via', self.via]
        if self.dev and not self.kind:
            words += ['dev', self.dev]
        for via, dev in self.nexthops:
            words += ['nexthop'] + (['via', via] if via else []) + (['dev', dev] if dev else [])
        if self.metric != DEFAULT_METRIC:
            words += ['metric', str(self.metric)]
        return ' '.join(words)

    def sort_key(self) -> tuple:
        return (self.dest, self.source, self.metric, self.describe())


@dataclass(frozen=True)
class RoutePlan:
    """What to change: routes to add, routes of ours to delete, foreign routes in the way, and the routes
    of ours before and after (described, sorted)."""

    to_add: tuple[Route, ...]
    to_remove: tuple[InstalledRoute, ...]
    conflicts: tuple[tuple[Route, InstalledRoute], ...]
    before: tuple[str, ...] = ()
    after: tuple[str, ...] = ()


def wanted_route(dest: str, via: str, dev: str) -> Route:
    """A wanted route from user input, every part validated and canonical; ValueError saying which is wrong."""
    return Route(canonical_prefix(dest), canonical_address(via), link_name(dev))


def _dest_prefix(dst: str) -> str:
    # ip prints ``default`` for ::/0 and a bare address for a /128.
    if dst == 'default':
        return '::/0'
    return dst if '/' in dst else dst + '/128'


def _installed(item: dict) -> InstalledRoute | None:
    try:
        dest = canonical_prefix(_dest_prefix(str(item['dst'])))
        source = canonical_prefix(_dest_prefix(str(item['from']))) if item.get('from') else ''
    except ValueError:
        return None
    protocol = item.get('protocol')
    if protocol is not None and str(protocol).isdigit():
        protocol = int(protocol)
    kind = item.get('type')
    if kind is not None:
        kind = ROUTE_TYPES.get(str(kind), str(kind))
    nexthops = tuple(
        (str(hop.get('gateway') or ''), str(hop.get('dev') or ''))
        for hop in item.get('nexthops') or ()
        if isinstance(hop, dict)
    )
    metric = item.get('metric')
    return InstalledRoute(
        dest=dest,
        metric=metric if isinstance(metric, int) else DEFAULT_METRIC,
        protocol=protocol,
        via=str(item.get('gateway') or ''),
        dev=str(item.get('dev') or ''),
        nexthops=nexthops,
        source=source,
        kind=kind or '',
    )


def routes_from_ip(items: list) -> list[InstalledRoute]:
    """Routes from the parsed output of ``ip -N -j -6 route show table main``.

    Entries of another table (``"table"`` in the object, as ``show table all`` prints) are skipped: the module
    manages the main table only. So are entries whose destination is not an IPv6 prefix.
    """
    routes = []
    for item in items:
        if not isinstance(item, dict) or 'dst' not in item:
            continue
        if str(item.get('table', 'main')) not in ('main', '254'):
            continue
        route = _installed(item)
        if route is not None:
            routes.append(route)
    return routes


def plan_routes(
    wanted: list[Route], current: list[InstalledRoute], protocol: int, state: str, exclusive: bool
) -> RoutePlan:
    """Work out the changes that make the routes tagged ``protocol`` match ``wanted``.

    A wanted route whose destination is already routed by someone else (another protocol) is a conflict:
    it is reported, never replaced. With ``exclusive``, routes of ours that are not wanted are removed,
    whatever their shape (device, multipath, unreachable...). Routes without our protocol are never removed.
    """
    ours = sorted((route for route in current if route.protocol == protocol), key=InstalledRoute.sort_key)
    foreign: dict[str, InstalledRoute] = {}
    for route in current:
        if route.protocol != protocol:
            foreign.setdefault(route.dest, route)
    wanted_set = sorted(set(wanted))
    before = tuple(sorted(route.describe() for route in ours))
    if state == 'absent':
        to_remove = tuple(route for route in ours if any(route.provides(item) for item in wanted_set))
        to_add: tuple[Route, ...] = ()
        conflicts: tuple[tuple[Route, InstalledRoute], ...] = ()
    elif state == 'present':
        missing = [item for item in wanted_set if not any(route.provides(item) for route in ours)]
        to_add = tuple(item for item in missing if item.dest not in foreign)
        conflicts = tuple((item, foreign[item.dest]) for item in missing if item.dest in foreign)
        wanted_dests = {item.dest for item in wanted_set}
        # A route of ours to a wanted destination in another shape is replaced, not left beside it.
        to_remove = tuple(
            route
            for route in ours
            if not any(route.provides(item) for item in wanted_set) and (exclusive or route.dest in wanted_dests)
        )
    else:
        raise ValueError('state must be present or absent, not %r' % state)
    after = (set(before) - {route.describe() for route in to_remove}) | {item.describe() for item in to_add}
    return RoutePlan(to_add=to_add, to_remove=to_remove, conflicts=conflicts, before=before, after=tuple(sorted(after)))


def conflict_message(conflicts) -> str:
    """What fail_json says about wanted destinations already routed by someone else."""
    return '; '.join(
        'route to %s already exists and is not ours (protocol %s: %s): remove it or choose another prefix'
        % (route.dest, 'none' if other.protocol is None else other.protocol, other.describe())
        for route, other in conflicts
    )


def batch_lines(plan: RoutePlan, protocol: int) -> list[str]:
    """``ip -6 -batch`` lines: deletions first, so that a changed gateway is replaced cleanly.

    A route of ours is deleted by destination, source, protocol and metric as read, plus its gateway and link
    when it has a single one; every value is validated again here (ValueError), so nothing read from the
    kernel or given by the user can add a word or a command to a line.
    """
    lines = [
        route_del_line(
            route.dest,
            protocol,
            route.metric,
            source=route.source or None,
            via=route.via or None,
            dev=None if route.kind else route.dev or None,
        )
        for route in plan.to_remove
    ]
    lines += [route_add_line(route.dest, route.via, route.dev, protocol) for route in plan.to_add]
    return lines
