# Copyright: dockernet.ipv6 contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Per-host rules of the site planner: the hosts, what earlier rollouts left on them, and the allocation.

Private to the collection: nothing outside dockernet.ipv6 may import it.

Holds the parsers and checks of each host's own variables (LAN interface and address, container prefix, engine
version, forward policy), the state an earlier rollout left (gathered by the preflight) and when it must be kept or
renumbered, the allocation of container prefixes (ndp_proxy slices of the LAN, routed prefixes of the pool) and
network slices, and the checks of what was allocated (engine limits, overlaps, attached containers, live-restore).
"""

from __future__ import annotations

import typing as t
from dataclasses import dataclass

from ansible_collections.dockernet.ipv6.plugins.module_utils._engine_capabilities import since
from ansible_collections.dockernet.ipv6.plugins.plugin_utils._addresses import (
    describe,
    parse_address,
    parse_prefix,
)
from ansible_collections.dockernet.ipv6.plugins.plugin_utils._plan_inputs import (
    LIVE_RESTORE,
    MODE_NDP_PROXY,
    VAR_ACCEPT_RA,
    VAR_CONTAINER_POOL,
    VAR_CONTAINER_PREFIX,
    VAR_CONTAINER_PREFIXLEN,
    VAR_ENGINE_VERSION,
    VAR_FORWARD_POLICY,
    VAR_GATEWAYS,
    VAR_HOST_ADDRESSES,
    VAR_LAN_ADDRESS,
    VAR_LAN_INTERFACE,
    VAR_LAN_PREFIX,
    VAR_NETWORKS,
    VAR_POOL_PREFIXLEN,
    VAR_PROXY_DELAY,
    VAR_RA_INTERFACES,
    VAR_RENUMBER,
    VAR_SLICE_PREFIXLEN,
    HostInput,
    PlanIssue,
    parse_bool,
    parse_count,
    parse_engine_version,
)
from ansible_collections.dockernet.ipv6.plugins.plugin_utils._plan_intervals import (
    _Claim,
    _contains,
    _overlapping_pairs,
    _point_inside,
    _Points,
    allocate_slices,
)
from ansible_collections.dockernet.ipv6.plugins.plugin_utils._plan_site_rules import (
    MAX_POOL_PREFIXLEN,
    ParsedSite,
    _Network,
    _not_routable_address,
    _not_routable_prefix,
)

try:
    from netaddr import IPNetwork
except ImportError:
    pass  # require_netaddr() (_addresses) stops every plan before any of this runs

# Before Engine 28.0 default-bridge addresses embed the 48-bit MAC, which needs 128 - 48 = 80 free bits.
MAC_DERIVED_BEFORE = since("random_bridge_addresses")
MAC_DERIVED_MAX_PREFIXLEN = 80
# Each host's address pool holds 2**8 networks by default: more than the engine's IPv4 pools give (about 47),
# and few enough that engines before 28.0, which list every subnet of a pool up front, stay quick.
DEFAULT_POOL_BITS = 8
# Engines before 28.0 list every subnet of a pool when they start: 2**16 of them is the most this allows.
POOL_LISTED_BEFORE = since("lazy_address_pools")
MAX_LISTED_POOL_BITS = 16
FORWARD_POLICIES = ("drop", "keep")


@dataclass(frozen=True)
class _Host:
    """A host after parsing; fields are None where the input was missing or wrong."""

    index: int
    name: str
    lan_interface: t.Any
    lan_address: t.Any
    override: t.Any
    engine: t.Any
    engine_text: t.Any
    forward_policy: str = "drop"
    current: _Current | None = None
    accept_ra: bool = False
    proxy_delay: int | None = None


def _network_from_int(first: int, prefixlen: int) -> t.Any:
    return IPNetwork((first, prefixlen), version=6)


# ---------------------------------------------------------------------------------------------------
# Hosts
# ---------------------------------------------------------------------------------------------------


def _parse_interface(host: HostInput, issues: list[PlanIssue]) -> str | None:
    if host.lan_interface is None:
        issues.append(PlanIssue(host.name, VAR_LAN_INTERFACE, "required variable is not set"))
        return None
    if not isinstance(host.lan_interface, str) or not host.lan_interface.strip():
        issues.append(
            PlanIssue(
                host.name, VAR_LAN_INTERFACE, f"{describe(host.lan_interface)} is not an interface name like eth0"
            )
        )
        return None
    interface = host.lan_interface.strip()
    existing = host.host_interfaces
    if isinstance(existing, t.Sequence) and not isinstance(existing, (str, bytes)) and interface not in existing:
        issues.append(
            PlanIssue(
                host.name,
                VAR_LAN_INTERFACE,
                f"interface '{interface}' does not exist on this host (it has: {', '.join(sorted(map(str, existing)))})",
            )
        )
    return interface


def _interface_addresses(host: HostInput, issues: list[PlanIssue]) -> dict[str, list[t.Any]] | None:
    """The gathered IPv6 addresses per interface (None when not gathered); entries that are not IPv6 are skipped."""
    gathered = host.host_addresses
    if gathered is None:
        return None
    lists_only = isinstance(gathered, t.Mapping) and all(
        isinstance(values, t.Sequence) and not isinstance(values, (str, bytes)) for values in gathered.values()
    )
    if not lists_only:
        issues.append(
            PlanIssue(
                host.name,
                VAR_HOST_ADDRESSES,
                f"{describe(gathered)} is not a mapping of interface names to lists of addresses: leave it to the "
                "preflight, which gathers it",
            )
        )
        return None
    addresses: dict[str, list[t.Any]] = {}
    for interface, values in gathered.items():
        parsed = [parse_address(str(value).split("/", 1)[0]) for value in values]
        addresses[str(interface)] = [address for address, problem in parsed if problem is None]
    return addresses


def _check_address_on_interface(
    host: HostInput, interface: str, address: t.Any, addresses: t.Mapping[str, list[t.Any]], issues: list[PlanIssue]
) -> None:
    """With the addresses gathered, the LAN address must be one the LAN interface really has."""
    existing = host.host_interfaces
    if isinstance(existing, t.Sequence) and not isinstance(existing, (str, bytes)) and interface not in existing:
        return  # reported as a missing interface already
    configured = addresses.get(interface, [])
    if address in configured:
        return
    has = ", ".join(str(item) for item in configured) or "no IPv6 address"
    issues.append(
        PlanIssue(
            host.name,
            VAR_LAN_ADDRESS,
            f"{address} is not configured on {interface} (it has: {has}): give the address this host has on the "
            f"LAN, or configure it on {interface} first",
        )
    )


def _parse_lan_address(host: HostInput, lan_prefix: t.Any, issues: list[PlanIssue]) -> t.Any:
    if host.lan_address is None:
        issues.append(PlanIssue(host.name, VAR_LAN_ADDRESS, "required variable is not set"))
        return None
    address, problem = parse_address(host.lan_address)
    if problem is None:
        problem = _not_routable_address(address, "give this host's routable address on the LAN")
    if problem:
        issues.append(PlanIssue(host.name, VAR_LAN_ADDRESS, problem))
        return None
    if lan_prefix is not None and address not in lan_prefix:
        issues.append(
            PlanIssue(
                host.name,
                VAR_LAN_ADDRESS,
                f"{address} is outside the LAN prefix {lan_prefix} ({VAR_LAN_PREFIX}): give this host's "
                "address on that LAN",
            )
        )
        return None
    return address


def _parse_override(host: HostInput, mode: str | None, lan_prefix: t.Any, issues: list[PlanIssue]) -> t.Any:
    if host.container_prefix is None:
        return None
    override, problem = parse_prefix(host.container_prefix)
    if problem is None:
        problem = _not_routable_prefix(override, "give a routable prefix for this host's containers")
    if problem:
        issues.append(PlanIssue(host.name, VAR_CONTAINER_PREFIX, problem))
        return None
    if mode == MODE_NDP_PROXY and lan_prefix is not None and not _contains(lan_prefix, override):
        issues.append(
            PlanIssue(
                host.name,
                VAR_CONTAINER_PREFIX,
                f"{override} is outside the LAN prefix {lan_prefix}: in ndp_proxy mode container addresses "
                "must be on the LAN; pick a slice of it, or use routed mode",
            )
        )
        return None
    return override


def _parse_host(index: int, host: HostInput, mode: str | None, lan_prefix: t.Any, issues: list[PlanIssue]) -> _Host:
    interface = _parse_interface(host, issues)
    address = _parse_lan_address(host, lan_prefix, issues)
    addresses = _interface_addresses(host, issues)
    if interface is not None and address is not None and addresses is not None:
        _check_address_on_interface(host, interface, address, addresses, issues)
    override = _parse_override(host, mode, lan_prefix, issues)
    engine = None
    if host.engine_version is not None:
        engine, problem = parse_engine_version(host.engine_version)
        if problem:
            issues.append(PlanIssue(host.name, VAR_ENGINE_VERSION, problem))
    forward_policy = FORWARD_POLICIES[0] if host.forward_policy is None else host.forward_policy
    if forward_policy not in FORWARD_POLICIES:
        issues.append(
            PlanIssue(
                host.name,
                VAR_FORWARD_POLICY,
                f"{describe(forward_policy)} is not a policy: use 'drop' (forward only what Docker and the site "
                "need) or 'keep' (leave the IPv6 FORWARD policy as it is, on hosts that route for other reasons)",
            )
        )
        forward_policy = FORWARD_POLICIES[0]
    return _Host(
        index,
        host.name,
        interface,
        address,
        override,
        engine,
        host.engine_version,
        forward_policy,
        _parse_current(host.current),
        _parse_accept_ra(host, interface, issues),
        _parse_proxy_delay(host, issues),
    )


def _parse_accept_ra(host: HostInput, interface: str | None, issues: list[PlanIssue]) -> bool:
    """The user's choice, else whether the preflight found the LAN interface configured from router advertisements."""
    if host.accept_ra is not None:
        value, problem = parse_bool(host.accept_ra)
        if problem:
            issues.append(PlanIssue(host.name, VAR_ACCEPT_RA, problem))
        return bool(value)
    gathered = host.ra_interfaces if host.ra_interfaces is not None else []
    if isinstance(gathered, str) or not isinstance(gathered, t.Sequence):
        issues.append(
            PlanIssue(
                host.name,
                VAR_RA_INTERFACES,
                f"{describe(gathered)} is not a list of interface names: the preflight gathers it, do not set it",
            )
        )
        return False
    return interface is not None and interface in gathered


# The kernel keeps proxy_delay in an int of jiffies.
MAX_PROXY_DELAY = 2**31 - 1


def _parse_proxy_delay(host: HostInput, issues: list[PlanIssue]) -> int | None:
    """proxy_delay of the LAN interface, or None to leave the kernel's value."""
    if host.proxy_delay is None:
        return None
    value, problem = parse_count(host.proxy_delay, MAX_PROXY_DELAY, "jiffies")
    if problem:
        issues.append(PlanIssue(host.name, VAR_PROXY_DELAY, f"{problem}, or leave it unset for the kernel's value"))
    return value


def _check_duplicate_addresses(hosts: t.Sequence[_Host], gateways: t.Sequence[t.Any], issues: list[PlanIssue]) -> None:
    gateway_values = {int(gateway) for gateway in gateways}
    owners: dict[int, str] = {}
    for host in hosts:
        if host.lan_address is None:
            continue
        value = int(host.lan_address)
        if value in owners:
            issues.append(
                PlanIssue(
                    host.name,
                    VAR_LAN_ADDRESS,
                    f"{host.lan_address} is already {owners[value]}'s address: give every host its own address",
                )
            )
        else:
            owners[value] = host.name
        if value in gateway_values:
            issues.append(
                PlanIssue(
                    host.name,
                    VAR_LAN_ADDRESS,
                    f"{host.lan_address} is also listed in {VAR_GATEWAYS}: a Docker host is not the LAN router",
                )
            )


# ---------------------------------------------------------------------------------------------------
# Addresses that no prefix may contain: the hosts' LAN addresses and the gateways
# ---------------------------------------------------------------------------------------------------


def _points(hosts: t.Sequence[_Host], gateways: t.Sequence[t.Any]) -> _Points:
    labelled: list[tuple[int, str, str | None]] = [
        (int(host.lan_address), f"{host.name}'s {VAR_LAN_ADDRESS} {host.lan_address}", host.name)
        for host in hosts
        if host.lan_address is not None
    ]
    labelled.extend((int(gateway), f"gateway {gateway} ({VAR_GATEWAYS})", None) for gateway in gateways)
    labelled.sort(key=lambda item: item[0])
    return _Points([item[0] for item in labelled], [item[1] for item in labelled], [item[2] for item in labelled])


# ---------------------------------------------------------------------------------------------------
# What an earlier rollout left on a host (gathered by the preflight, never written by users)
# ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _CurrentNetwork:
    """A network as the host's engine has it: its IPv6 subnets, whether IPv6 is on, the attached containers."""

    subnets: tuple[t.Any, ...]
    enable_ipv6: bool
    containers: tuple[str, ...]

    @property
    def subnet(self) -> t.Any:
        """The one IPv6 subnet a network of the plan has, or None."""
        return self.subnets[0] if len(self.subnets) == 1 else None


@dataclass(frozen=True)
class _Current:
    container_prefix: t.Any
    live_restore: bool
    networks: t.Mapping[str, _CurrentNetwork]


def _parse_current(value: t.Any) -> _Current | None:
    """The host_info module's `current`; anything unreadable counts as nothing known (as on a fresh host)."""
    if not isinstance(value, t.Mapping):
        return None
    prefix, problem = parse_prefix(value.get("container_prefix"))
    networks: dict[str, _CurrentNetwork] = {}
    raw_networks = value.get("networks")
    for name, raw in raw_networks.items() if isinstance(raw_networks, t.Mapping) else ():
        if not isinstance(raw, t.Mapping):
            continue
        subnets = []
        for text in raw.get("ipv6_subnets") or ():
            subnet, subnet_problem = parse_prefix(text)
            if subnet_problem is None:
                subnets.append(subnet)
        networks[str(name)] = _CurrentNetwork(
            tuple(subnets), bool(raw.get("enable_ipv6")), tuple(str(item) for item in raw.get("containers") or ())
        )
    return _Current(
        container_prefix=None if problem else prefix,
        live_restore=value.get("live_restore") is True,
        networks=networks,
    )


def _current_prefix(host: _Host) -> t.Any:
    return host.current.container_prefix if host.current is not None else None


def _renumber_issue(host: str, what: str, current: t.Any, reason: str, planned: t.Any, effect: str) -> PlanIssue:
    moved = f"move it to {planned}" if planned is not None else "move it"
    return PlanIssue(
        host,
        VAR_RENUMBER,
        f"{what} uses {current} from an earlier rollout, which the site can no longer keep ({reason}): the plan "
        f"would {moved}, {effect}. Nothing was changed: set {VAR_RENUMBER}: true for one run to renumber, or "
        "undo the change that made it unusable",
    )


def _keep_current_prefixes(
    hosts: t.Sequence[_Host],
    inside: t.Any,
    explicit_prefixlen: int | None,
    explicit_variable: str,
    points: _Points,
    blocked: t.Sequence[tuple[int, int]],
) -> tuple[dict[str, t.Any], dict[str, str]]:
    """Container prefixes of earlier rollouts that stay valid, and why each of the others cannot stay.

    A prefix stays while it lies inside the site's range (the LAN prefix, or the routed pool), holds no host
    address or gateway, overlaps no override or prefix kept before it, and has the length the inventory sets (an
    unset length keeps whatever length the host has: the default changes with the number of hosts).
    """
    kept: dict[str, t.Any] = {}
    refused: dict[str, str] = {}
    taken = list(blocked)
    for host in hosts:
        prefix = _current_prefix(host)
        if host.override is not None or prefix is None:
            continue
        if inside is None or not _contains(inside, prefix):
            refused[host.name] = f"it is outside {inside}"
        elif explicit_prefixlen is not None and prefix.prefixlen != explicit_prefixlen:
            refused[host.name] = f"{explicit_variable} asks for /{explicit_prefixlen}"
        elif _point_inside(points, prefix.first, prefix.last) is not None:
            refused[host.name] = f"it holds {points.labels[_point_inside(points, prefix.first, prefix.last)]}"
        elif any(first <= prefix.last and prefix.first <= last for first, last in taken):
            refused[host.name] = "it overlaps another host's container prefix"
        else:
            kept[host.name] = prefix
            taken.append((prefix.first, prefix.last))
    return kept, refused


def _report_refused(
    hosts: t.Sequence[_Host], refused: t.Mapping[str, str], planned: t.Mapping[str, t.Any], issues: list[PlanIssue]
) -> None:
    for host in hosts:
        if host.name in refused:
            issues.append(
                _renumber_issue(
                    host.name,
                    "this host's default bridge and address pool (its container prefix)",
                    _current_prefix(host),
                    refused[host.name],
                    planned.get(host.name),
                    "so the engine restarts and every container on the default bridge or a pool network gets a new "
                    "address",
                )
            )


# ---------------------------------------------------------------------------------------------------
# Allocation
# ---------------------------------------------------------------------------------------------------


def _check_overrides(hosts: t.Sequence[_Host], points: _Points, issues: list[PlanIssue]) -> None:
    claims = [
        _Claim(
            host.override.first,
            host.override.last,
            host.index,
            host.name,
            VAR_CONTAINER_PREFIX,
            str(host.override),
            f"{host.name}'s {VAR_CONTAINER_PREFIX} {host.override}",
        )
        for host in hosts
        if host.override is not None
    ]
    for earlier, later in _overlapping_pairs(claims):
        issues.append(
            PlanIssue(
                later.host, later.variable, f"{later.text} overlaps {earlier.label}: give each host its own prefix"
            )
        )
    for claim in claims:
        inside = _point_inside(points, claim.first, claim.last)
        if inside is not None:
            issues.append(
                PlanIssue(
                    claim.host,
                    claim.variable,
                    f"{claim.text} contains {points.labels[inside]}: containers "
                    "would take addresses that are in use; pick a prefix without them",
                )
            )


def _kept_note(kept: t.Mapping[str, t.Any]) -> str:
    if not kept:
        return ""
    return (
        f"; {len(kept)} hosts keep the prefixes of earlier rollouts, which {VAR_RENUMBER}: true would give up for "
        "one run"
    )


def _allocate_ndp(
    hosts: t.Sequence[_Host], site: ParsedSite, points: _Points, issues: list[PlanIssue]
) -> dict[str, t.Any]:
    """Slices of the LAN prefix for the hosts without an override (the site's slice length is set)."""
    lan_prefix, prefixlen = site.lan_prefix, t.cast(int, site.slice_prefixlen)
    overrides = [(host.override.first, host.override.last) for host in hosts if host.override is not None]
    kept, refused = (
        ({}, {})
        if site.renumber
        else _keep_current_prefixes(
            hosts, lan_prefix, prefixlen if site.slice_explicit else None, VAR_SLICE_PREFIXLEN, points, overrides
        )
    )
    wanting = [host for host in hosts if host.override is None and host.name not in kept]
    half = lan_prefix.size // 2
    upper_first = lan_prefix.first + half
    regions = [(upper_first, lan_prefix.last), (lan_prefix.first, upper_first - 1)]
    blocked = [(value, value) for value in points.values]
    blocked.extend(overrides)
    blocked.extend((prefix.first, prefix.last) for prefix in kept.values())
    firsts = allocate_slices(regions, prefixlen, len(wanting), blocked)
    if len(firsts) < len(wanting):
        variable = VAR_SLICE_PREFIXLEN
        issues.append(
            PlanIssue(
                wanting[len(firsts)].name,
                variable,
                f"more hosts than slices: {lan_prefix} has only {len(firsts)} free /{prefixlen} slices for "
                f"{len(wanting)} hosts without {VAR_CONTAINER_PREFIX} (slices holding a host address, a gateway or "
                f"an override are skipped{_kept_note(kept)}): set a longer {variable}, or unset it to get the default",
            )
        )
    return _assigned(hosts, wanting, firsts, prefixlen, kept, refused, issues)


def _assigned(
    hosts: t.Sequence[_Host],
    wanting: t.Sequence[_Host],
    firsts: t.Sequence[int],
    prefixlen: int,
    kept: t.Mapping[str, t.Any],
    refused: t.Mapping[str, t.Any],
    issues: list[PlanIssue],
) -> dict[str, t.Any]:
    """The prefixes starting at `firsts` for the hosts wanting one, in order, and those kept from earlier runs;
    the earlier prefixes refused are reported next to what replaces them."""
    allocated = {host.name: _network_from_int(first, prefixlen) for host, first in zip(wanting, firsts)}
    _report_refused(hosts, refused, allocated, issues)
    allocated.update(kept)
    return allocated


def _allocate_routed(
    hosts: t.Sequence[_Host], site: ParsedSite, points: _Points, issues: list[PlanIssue]
) -> dict[str, t.Any]:
    """Prefixes of the container pool for the hosts without an override."""
    lan_prefix, pool, prefixlen = site.lan_prefix, site.pool, site.container_prefixlen
    if prefixlen is None or all(host.override is not None for host in hosts):
        return {}
    overrides = [(host.override.first, host.override.last) for host in hosts if host.override is not None]
    blocked = [(int(gateway), int(gateway)) for gateway in site.gateways] + overrides
    if lan_prefix is not None:
        blocked.append((lan_prefix.first, lan_prefix.last))
    kept, refused = (
        ({}, {})
        if site.renumber
        else _keep_current_prefixes(
            hosts,
            pool,
            prefixlen if site.container_prefixlen_explicit else None,
            VAR_CONTAINER_PREFIXLEN,
            points,
            blocked,
        )
    )
    wanting = [host for host in hosts if host.override is None and host.name not in kept]
    if pool is None:
        # A pool that is set but malformed has been reported already.
        if not site.pool_set:
            issues.append(
                PlanIssue(
                    wanting[0].name,
                    VAR_CONTAINER_POOL,
                    f"required in routed mode for hosts without {VAR_CONTAINER_PREFIX}: set a pool such as "
                    f"2001:db8:cd00::/56, or give this host its own {VAR_CONTAINER_PREFIX}",
                )
            )
        return {}
    blocked.extend((prefix.first, prefix.last) for prefix in kept.values())
    firsts = allocate_slices([(pool.first, pool.last)], prefixlen, len(wanting), blocked)
    if len(firsts) < len(wanting):
        issues.append(
            PlanIssue(
                wanting[len(firsts)].name,
                VAR_CONTAINER_POOL,
                f"pool {pool} has only {len(firsts)} free /{prefixlen} prefixes for {len(wanting)} hosts without "
                f"{VAR_CONTAINER_PREFIX}{_kept_note(kept)}: use a larger pool or a longer {VAR_CONTAINER_PREFIXLEN}",
            )
        )
    return _assigned(hosts, wanting, firsts, prefixlen, kept, refused, issues)


def _split_container_prefix(prefix: t.Any) -> tuple[t.Any, t.Any]:
    """The default bridge takes the lower half of a host's container prefix, its address pool the upper half."""
    halves = list(prefix.subnet(prefix.prefixlen + 1))
    return halves[0], halves[1]


def _pool_size(pool_base: t.Any, pool_prefixlen: int | None) -> int:
    if pool_prefixlen is not None:
        return pool_prefixlen
    return min(pool_base.prefixlen + DEFAULT_POOL_BITS, MAX_POOL_PREFIXLEN)


def _prefix_variable(host: _Host, mode: str) -> str:
    """The variable that decides a host's container prefix length, for error messages."""
    if host.override is not None:
        return VAR_CONTAINER_PREFIX
    return VAR_SLICE_PREFIXLEN if mode == MODE_NDP_PROXY else VAR_CONTAINER_PREFIXLEN


def _check_container_prefixes(
    hosts: t.Sequence[_Host],
    container_prefixes: t.Mapping[str, t.Any],
    mode: str,
    pool_prefixlen: int | None,
    issues: list[PlanIssue],
) -> None:
    """Each container prefix must hold the default bridge's fixed-cidr-v6 and an address pool the engine takes."""
    for host in hosts:
        prefix = container_prefixes.get(host.name)
        if prefix is None:
            continue
        if prefix.prefixlen + 1 + 1 > MAX_POOL_PREFIXLEN:
            issues.append(
                PlanIssue(
                    host.name,
                    _prefix_variable(host, mode),
                    f"this host's container prefix {prefix} is too small to hold the default bridge and an address "
                    f"pool: use a prefix of /{MAX_POOL_PREFIXLEN - 2} or shorter",
                )
            )
            continue
        fixed_cidr, pool_base = _split_container_prefix(prefix)
        if pool_prefixlen is not None and pool_prefixlen <= pool_base.prefixlen:
            issues.append(
                PlanIssue(
                    host.name,
                    VAR_POOL_PREFIXLEN,
                    f"/{pool_prefixlen} is not longer than this host's address pool {pool_base} (the upper half of "
                    f"its container prefix {prefix}): use /{pool_base.prefixlen + 1} to /{MAX_POOL_PREFIXLEN}",
                )
            )
        pool_bits = _pool_size(pool_base, pool_prefixlen) - pool_base.prefixlen
        if host.engine is not None and host.engine < POOL_LISTED_BEFORE and pool_bits > MAX_LISTED_POOL_BITS:
            issues.append(
                PlanIssue(
                    host.name,
                    VAR_POOL_PREFIXLEN,
                    f"Docker Engine {host.engine_text} (before 28.0) lists every subnet of its address pools when it "
                    f"starts, and /{pool_base.prefixlen + pool_bits} subnets of {pool_base} are 2**{pool_bits} of "
                    f"them: use /{pool_base.prefixlen + MAX_LISTED_POOL_BITS} or shorter, or upgrade the engine",
                )
            )
        if host.engine is None or host.engine >= MAC_DERIVED_BEFORE:
            continue
        if fixed_cidr.prefixlen <= MAC_DERIVED_MAX_PREFIXLEN:
            continue
        issues.append(
            PlanIssue(
                host.name,
                _prefix_variable(host, mode),
                f"Docker Engine {host.engine_text} (before 28.0) derives default-bridge addresses from MAC "
                f"addresses, so fixed-cidr-v6 must be /{MAC_DERIVED_MAX_PREFIXLEN} or shorter, but this host's "
                f"would be {fixed_cidr} (the lower half of its container prefix {prefix}): use a container prefix "
                f"of /{MAC_DERIVED_MAX_PREFIXLEN - 1} or shorter, or upgrade the engine to 28.0 or later",
            )
        )


def _check_networks(
    site: ParsedSite,
    hosts: t.Sequence[_Host],
    container_prefixes: t.Mapping[str, t.Any],
    points: _Points,
    origin: t.Callable[[str], str],
    issues: list[PlanIssue],
) -> None:
    """Check each network's whole ipv6_prefix: its slices lie inside it, so that is enough, and cheaper."""
    networks, mode, lan_prefix = site.networks, site.mode, site.lan_prefix
    host = origin(VAR_NETWORKS)
    blamed: set[int] = set()

    def blame(network_index: int, owner: str, message: str) -> None:
        if network_index not in blamed:
            blamed.add(network_index)
            issues.append(PlanIssue(owner, f"{VAR_NETWORKS}[{network_index}].ipv6_prefix", message))

    for network in networks:
        if mode == MODE_NDP_PROXY and lan_prefix is not None and not _contains(lan_prefix, network.prefix):
            blame(
                network.index,
                host,
                f"{network.prefix} is outside the LAN prefix {lan_prefix}: in ndp_proxy mode "
                "container addresses must be on the LAN; pick an unused part of it",
            )
            continue
        inside = _point_inside(points, network.prefix.first, network.prefix.last)
        if inside is not None:
            blame(
                network.index,
                points.owners[inside] or host,
                f"{network.prefix} contains {points.labels[inside]}: pick a prefix without it",
            )
    claims = [
        _Claim(
            network.prefix.first,
            network.prefix.last,
            position,
            host,
            f"{VAR_NETWORKS}[{network.index}].ipv6_prefix",
            str(network.prefix),
            f"{VAR_NETWORKS}[{network.index}].ipv6_prefix {network.prefix}",
            is_network=True,
        )
        for position, network in enumerate(networks)
    ]
    claims.extend(
        _Claim(
            container_prefixes[item.name].first,
            container_prefixes[item.name].last,
            len(networks) + item.index,
            item.name,
            VAR_CONTAINER_PREFIX,
            str(container_prefixes[item.name]),
            f"{item.name}'s container prefix {container_prefixes[item.name]}",
        )
        for item in hosts
        if item.name in container_prefixes
    )
    for earlier, later in _overlapping_pairs(claims):
        if later.is_network:
            network, other = networks[later.order], earlier
        elif earlier.is_network:
            network, other = networks[earlier.order], later
        else:
            continue
        blame(
            network.index, other.host, f"{network.prefix} overlaps {other.label}: give the network a prefix of its own"
        )


def _network_slices(
    networks: t.Sequence[_Network], hosts: t.Sequence[_Host], renumber: bool, issues: list[PlanIssue]
) -> list[list[t.Any]]:
    """Per network, the per-host slices in inventory order.

    A host keeps the slice an earlier rollout gave it while that slice lies inside the network's prefix, overlaps
    no slice kept before it and has the length the entry asks for (an unset slice_prefixlen keeps any length); the
    other hosts take free slices in order. On a fresh site (or with renumber) host i gets slice i.
    """
    slices: list[list[t.Any]] = []
    for network in networks:
        where = f"{VAR_NETWORKS}[{network.index}]"
        kept: dict[str, t.Any] = {}
        refused: dict[str, tuple[t.Any, str]] = {}
        for host in hosts:
            current = host.current.networks.get(network.name) if host.current is not None and not renumber else None
            subnet = current.subnet if current is not None else None
            if subnet is None:
                continue
            if not _contains(network.prefix, subnet):
                refused[host.name] = (subnet, f"it is outside {where}.ipv6_prefix {network.prefix}")
            elif network.slice_explicit and subnet.prefixlen != network.slice_prefixlen:
                refused[host.name] = (subnet, f"{where}.slice_prefixlen asks for /{network.slice_prefixlen}")
            elif any(_contains(other, subnet) or _contains(subnet, other) for other in kept.values()):
                refused[host.name] = (subnet, "it overlaps another host's slice")
            else:
                kept[host.name] = subnet
        wanting = [host for host in hosts if host.name not in kept]
        firsts = allocate_slices(
            [(network.prefix.first, network.prefix.last)],
            network.slice_prefixlen,
            len(wanting),
            [(subnet.first, subnet.last) for subnet in kept.values()],
        )
        allocated = {
            host.name: _network_from_int(first, network.slice_prefixlen) for host, first in zip(wanting, firsts)
        }
        if len(firsts) < len(wanting):
            holders = ", ".join(f"{name} {subnet}" for name, subnet in kept.items())
            issues.append(
                PlanIssue(
                    wanting[len(firsts)].name,
                    f"{where}.slice_prefixlen",
                    f"{network.name}: {network.prefix} has no free /{network.slice_prefixlen} slice left for this "
                    f"host: the hosts keep the slices of earlier rollouts ({holders}). Set a longer "
                    f"{where}.slice_prefixlen together with {VAR_RENUMBER}: true for one run (every host's "
                    f"{network.name} is recreated in a new slice, which needs its containers stopped), or give the "
                    "network a larger ipv6_prefix",
                )
            )
        for host in hosts:
            if host.name in refused:
                subnet, reason = refused[host.name]
                issues.append(
                    _renumber_issue(
                        host.name,
                        f"network {network.name}",
                        subnet,
                        reason,
                        allocated.get(host.name),
                        "which recreates the network and gives its containers new addresses",
                    )
                )
        kept.update(allocated)
        slices.append([kept.get(host.name) for host in hosts])
    return slices


def _check_attached(
    networks: t.Sequence[_Network],
    hosts: t.Sequence[_Host],
    slices: t.Sequence[t.Sequence[t.Any]],
    issues: list[PlanIssue],
) -> None:
    """A network whose IPv6 subnet changes is recreated; with containers attached that cannot be done in place,
    so it is refused before any host changes rather than left half-done."""
    for network, per_host in zip(networks, slices):
        for host, planned in zip(hosts, per_host):
            current = host.current.networks.get(network.name) if host.current is not None else None
            if current is None or not current.containers or planned is None:
                continue
            if current.enable_ipv6 and current.subnet == planned:
                continue
            now = current.subnet or ", ".join(str(subnet) for subnet in current.subnets) or "no IPv6 subnet"
            issues.append(
                PlanIssue(
                    host.name,
                    f"{VAR_NETWORKS}[{network.index}]",
                    f"network {network.name} on this host has {now} and the plan gives it {planned}, which means "
                    f"recreating it, but containers are attached ({', '.join(current.containers)}): nothing was "
                    "changed; stop or disconnect them first, or keep the network as it is",
                )
            )


def _check_live_restore(
    hosts: t.Sequence[_Host], container_prefixes: t.Mapping[str, t.Any], issues: list[PlanIssue]
) -> None:
    """With live-restore, an engine restart keeps docker0 as it is while containers run on it."""
    for host in hosts:
        current = host.current
        if current is None or not current.live_restore or host.name not in container_prefixes:
            continue
        bridge = current.networks.get("bridge")
        if bridge is None or not bridge.containers:
            continue
        fixed_cidr, _pool = _split_container_prefix(container_prefixes[host.name])
        if bridge.enable_ipv6 and fixed_cidr in bridge.subnets:
            continue
        issues.append(
            PlanIssue(
                host.name,
                LIVE_RESTORE,
                f"the engine runs with live-restore and containers on the default bridge "
                f"({', '.join(bridge.containers)}): a restart would keep docker0 without {fixed_cidr}, so nothing was "
                "changed. Stop those containers (or move them to another network) for the rollout, or turn "
                "live-restore off for it; docs/lifecycle.md says how",
            )
        )
