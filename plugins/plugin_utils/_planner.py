# Copyright: dockernet.ipv6 contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Site planner: turn the inventory's IPv6 variables into one plan for every Docker host.

Private to the collection: nothing outside dockernet.ipv6 may import it. The entry point of the planner, which
runs on the controller (the dockernet.ipv6.site_plan filter); its layers, each importing only those below it:

- _plan_inputs: the variables, reading the inventory, parsing single values, the errors;
- _plan_intervals: the interval algorithms (integers only);
- _plan_site_rules: the site-wide variables and the networks;
- _plan_host_rules: the hosts, what earlier rollouts left, the allocation and its checks;
- this module: the order of the checks, and the plan built from what they accepted.

The planner is pure: plain Python data in (HostInput / SiteInput, or hostvars), a JSON-able plan out,
or a PlanError carrying every problem found, each tied to the host and the variable to fix.
Every check is O(n log n) in the number of hosts and of networks: overlaps (IPv6 and IPv4) are found by
sorting intervals and scanning neighbours, addresses inside prefixes by bisecting a sorted list, duplicate
names with a dictionary, never by comparing every pair.
"""

from __future__ import annotations

import typing as t

from ansible_collections.dockernet.ipv6.plugins.module_utils._engine_capabilities import since
from ansible_collections.dockernet.ipv6.plugins.plugin_utils._addresses import (
    NetaddrMissingError,
    require_netaddr,
)
from ansible_collections.dockernet.ipv6.plugins.plugin_utils._plan_host_rules import (
    _allocate_ndp,
    _allocate_routed,
    _check_attached,
    _check_container_prefixes,
    _check_duplicate_addresses,
    _check_live_restore,
    _check_networks,
    _check_overrides,
    _Host,
    _network_slices,
    _parse_host,
    _points,
    _pool_size,
    _split_container_prefix,
)
from ansible_collections.dockernet.ipv6.plugins.plugin_utils._plan_inputs import (
    MODE_NDP_PROXY,
    MODE_ROUTED,
    HostInput,
    PlanError,
    PlanIssue,
    SiteInput,
    read_inputs,
)
from ansible_collections.dockernet.ipv6.plugins.plugin_utils._plan_site_rules import (
    ParsedSite,
    _parse_allowed_sources,
    _parse_gateways,
    _parse_lan_prefix,
    _parse_masquerade_outside,
    _parse_mode,
    _parse_networks,
    _parse_pool,
    _parse_pool_prefixlen,
    _parse_renumber,
    _parse_slice_prefixlen,
)

try:
    from netaddr import IPNetwork, cidr_merge
except ImportError:
    pass  # require_netaddr() (_addresses) stops every plan before any of this runs

# What the filter and the tests use; the rest of the planner is in the modules it imports.
__all__ = [
    "HostInput",
    "NetaddrMissingError",
    "PlanError",
    "PlanIssue",
    "SiteInput",
    "plan_from_hostvars",
    "plan_site",
    "read_inputs",
    "require_netaddr",
]

# Engine 28.0 drops routed packets to container addresses in the raw table, before DOCKER-USER is reached.
RAW_TABLE_DROP_SINCE = since("raw_table_drop")

# ---------------------------------------------------------------------------------------------------
# The plan
# ---------------------------------------------------------------------------------------------------


def _site_sources(
    hosts: t.Sequence[_Host], routable: t.Sequence[t.Sequence[t.Any]], allowed_sources: t.Sequence[t.Any]
) -> list[str]:
    """Where the site's own traffic comes from: every host's LAN address, container prefix and routable network
    slices, and the allowed extra sources, merged into as few prefixes as they cover."""
    members: list[t.Any] = [IPNetwork((int(host.lan_address), 128), version=6) for host in hosts]
    for prefixes in routable:
        members.extend(prefixes)
    members.extend(allowed_sources)
    return [str(prefix) for prefix in cidr_merge(members)]


def _build_plan(
    site: ParsedSite,
    hosts: t.Sequence[_Host],
    container_prefixes: t.Mapping[str, t.Any],
    slices: t.Sequence[t.Sequence[t.Any]],
) -> dict[str, t.Any]:
    mode, networks, masquerade_outside = site.mode, site.networks, site.masquerade_outside
    # Per host: the prefixes other hosts may reach (container prefix and non-internal network slices).
    routable: list[list[t.Any]] = []
    host_networks: list[list[dict[str, t.Any]]] = []
    for host in hosts:
        subnets = [per_host[host.index] for per_host in slices]
        routable.append(
            [container_prefixes[host.name]]
            + [subnet for network, subnet in zip(networks, subnets) if not network.internal]
        )
        host_networks.append(
            [
                {
                    "name": network.name,
                    "ipv6_subnet": str(subnet),
                    "ipv4_subnet": network.ipv4_subnet,
                    "ipv4_gateway": network.ipv4_gateway,
                    "internal": network.internal,
                    "driver_options": dict(network.driver_options),
                }
                for network, subnet in zip(networks, subnets)
            ]
        )
    site_sources = _site_sources(hosts, routable, site.allowed_sources)
    routes: list[dict[str, str]] = []
    bounds: list[tuple[int, int]] = []
    if mode == MODE_ROUTED:
        # Route dicts are shared between hosts' lists: each host's list is all routes minus its own,
        # which keeps the (inherently n x n) output at one list slice per host.
        for host, prefixes in zip(hosts, routable):
            start = len(routes)
            via = str(host.lan_address)
            routes.extend({"dest": str(prefix), "via": via} for prefix in prefixes)
            bounds.append((start, len(routes)))
    plan_hosts: dict[str, t.Any] = {}
    for host, prefixes, nets in zip(hosts, routable, host_networks):
        container_prefix = container_prefixes[host.name]
        fixed_cidr, pool_base = _split_container_prefix(container_prefix)
        owned = [str(prefix) for prefix in prefixes]
        if mode == MODE_ROUTED:
            start, end = bounds[host.index]
            host_routes = routes[:start] + routes[end:]
        else:
            host_routes = []
        plan_hosts[host.name] = {
            "lan_interface": host.lan_interface,
            "proxy_ndp": mode == MODE_NDP_PROXY,
            "accept_ra": host.accept_ra,
            "proxy_delay": host.proxy_delay,
            "fixed_cidr_v6": str(fixed_cidr),
            "address_pools": [{"base": str(pool_base), "size": _pool_size(pool_base, site.pool_prefixlen)}],
            "address_pools_scope": [str(container_prefix)],
            "networks": nets,
            "owned_prefixes": owned,
            "internal_prefixes": [
                str(subnet) for network, subnet in zip(networks, (s[host.index] for s in slices)) if network.internal
            ],
            "proxy_prefixes": list(owned) if mode == MODE_NDP_PROXY else [],
            "routes": host_routes,
            "forward_policy": host.forward_policy,
            "raw_table_accept": host.engine is None or host.engine >= RAW_TABLE_DROP_SINCE,
        }
    return {
        "mode": mode,
        "site_sources": site_sources,
        # Traffic from containers to these destinations keeps its source address; empty means everywhere.
        "nat_exempt_destinations": site_sources if masquerade_outside else [],
        "hosts": plan_hosts,
    }


def plan_site(site: SiteInput, hosts: t.Sequence[HostInput]) -> dict[str, t.Any]:
    """Plan the site: every host's container prefix, networks, proxy prefixes and routes.

    Raises PlanError listing every problem found, or NetaddrMissingError when netaddr is missing.
    """
    require_netaddr()
    if not hosts:
        raise PlanError([PlanIssue("(no host)", "host list", "no hosts to plan: the host group is empty")])
    first_host = hosts[0].name

    def origin(variable: str) -> str:
        return site.origin.get(variable, first_host)

    issues: list[PlanIssue] = []
    mode = _parse_mode(site, origin, issues)
    lan_prefix = _parse_lan_prefix(site, mode, origin, issues)
    gateways = _parse_gateways(site, origin, issues)
    slice_prefixlen = _parse_slice_prefixlen(site, mode, lan_prefix, len(hosts), origin, issues)
    pool, container_prefixlen = _parse_pool(site, mode, origin, issues)
    networks = _parse_networks(site, len(hosts), origin, issues)
    pool_prefixlen = _parse_pool_prefixlen(site, origin, issues)
    allowed_sources = _parse_allowed_sources(site, origin, issues)
    masquerade_outside = _parse_masquerade_outside(site, mode, origin, issues)
    parsed = [_parse_host(index, host, mode, lan_prefix, issues) for index, host in enumerate(hosts)]
    _check_duplicate_addresses(parsed, gateways, issues)
    points = _points(parsed, gateways)
    _check_overrides(parsed, points, issues)
    if mode is None or lan_prefix is None:
        raise PlanError(issues)
    parsed_site = ParsedSite(
        mode=mode,
        lan_prefix=lan_prefix,
        gateways=gateways,
        slice_prefixlen=slice_prefixlen,
        slice_explicit=site.slice_prefixlen is not None,
        pool=pool,
        pool_set=site.container_pool is not None,
        container_prefixlen=container_prefixlen,
        container_prefixlen_explicit=site.container_prefixlen is not None,
        networks=networks,
        pool_prefixlen=pool_prefixlen,
        allowed_sources=allowed_sources,
        masquerade_outside=masquerade_outside,
        renumber=_parse_renumber(site, origin, issues),
    )
    if mode == MODE_NDP_PROXY:
        allocated = _allocate_ndp(parsed, parsed_site, points, issues) if slice_prefixlen else {}
    else:
        allocated = _allocate_routed(parsed, parsed_site, points, issues)
    container_prefixes = {
        host.name: host.override if host.override is not None else allocated.get(host.name) for host in parsed
    }
    container_prefixes = {name: prefix for name, prefix in container_prefixes.items() if prefix is not None}
    _check_container_prefixes(parsed, container_prefixes, mode, pool_prefixlen, issues)
    _check_networks(parsed_site, parsed, container_prefixes, points, origin, issues)
    slices = _network_slices(networks, parsed, parsed_site.renumber, issues)
    _check_attached(networks, parsed, slices, issues)
    _check_live_restore(parsed, container_prefixes, issues)
    if issues:
        raise PlanError(issues)
    return _build_plan(parsed_site, parsed, container_prefixes, slices)


def plan_from_hostvars(
    host_names: t.Sequence[str], hostvars: t.Mapping[str, t.Mapping[str, t.Any]]
) -> dict[str, t.Any]:
    """Read the hosts' variables from hostvars and plan the site; PlanError lists every problem."""
    require_netaddr()
    site, hosts, issues = read_inputs(host_names, hostvars)
    try:
        plan = plan_site(site, hosts)
    except PlanError as error:
        raise PlanError(issues + error.issues) from None
    if issues:
        raise PlanError(issues)
    return plan
