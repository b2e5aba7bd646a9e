# Copyright: dockernet.ipv6 contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Site-wide rules of the site planner: the site-wide variables and the networks, parsed and checked.

Private to the collection: nothing outside dockernet.ipv6 may import it.

Holds the ranges that are never routed (which no LAN, address, prefix or allowed source may use), the parsers of
the site-wide variables (mode, LAN prefix, gateways, slice length, container pool, pool length, allowed sources,
masquerading, renumbering) and of dockernet_networks with its checks (names, IPv4 subnets), and ParsedSite, the
record of the parsed site-wide values that allocation and the plan read.
"""

from __future__ import annotations

import functools
import re
import typing as t
from dataclasses import dataclass

from ansible_collections.dockernet.ipv6.plugins.plugin_utils._addresses import (
    describe,
    parse_address,
    parse_prefix,
)
from ansible_collections.dockernet.ipv6.plugins.plugin_utils._plan_inputs import (
    DEFAULT_CONTAINER_PREFIXLEN,
    MODE_NDP_PROXY,
    MODE_ROUTED,
    MODES,
    VAR_ALLOWED_SOURCES,
    VAR_CONTAINER_POOL,
    VAR_CONTAINER_PREFIXLEN,
    VAR_GATEWAYS,
    VAR_LAN_PREFIX,
    VAR_MASQUERADE_OUTSIDE,
    VAR_MODE,
    VAR_NETWORKS,
    VAR_POOL_PREFIXLEN,
    VAR_RENUMBER,
    VAR_SLICE_PREFIXLEN,
    PlanIssue,
    SiteInput,
    _unknown_name,
    parse_prefixlen,
)
from ansible_collections.dockernet.ipv6.plugins.plugin_utils._plan_intervals import (
    _Claim,
    _overlapping_pairs,
    ceil_log2,
)

try:
    from netaddr import IPNetwork
except ImportError:
    pass  # require_netaddr() (_addresses) stops every plan before any of this runs

NETWORK_KEYS = ("name", "ipv6_prefix", "slice_prefixlen", "ipv4_subnet", "ipv4_gateway", "internal", "driver_options")

# A pool network needs room for its gateway and a few containers.
MAX_POOL_PREFIXLEN = 124
# An allowed source shorter than this would let in nearly the whole IPv6 Internet.
MIN_ALLOWED_SOURCE_PREFIXLEN = 16
LINK_LOCAL = "fe80::/10"
# Addresses that are never routed unicast between hosts: no LAN, host address, container prefix, network or
# allowed source may use them. A gateway is the one exception: a router is often known by its link-local address.
# Each: the range, what a prefix overlapping it covers, what an address inside it is.
_NOT_ROUTABLE = (
    ("::/128", "the unspecified address", "the unspecified address"),
    ("::1/128", "the loopback address", "the loopback address"),
    # The rest of ::/96 held the IPv4-compatible addresses, deprecated since RFC 4291 and never routed.
    ("::/96", "IPv4-compatible addresses, which are deprecated", "an IPv4-compatible address, which is deprecated"),
    ("::ffff:0:0/96", "IPv4-mapped addresses", "an IPv4-mapped address"),
    (LINK_LOCAL, "link-local addresses, which are never forwarded", "a link-local address, which is never forwarded"),
    ("ff00::/8", "multicast addresses", "a multicast address"),
)
# A LAN prefix shorter than /48 is more than a whole site's allocation: a mistyped length, which would make the
# slices (ndp_proxy) or the range kept free of container prefixes (routed) absurdly large. The longest: in
# ndp_proxy mode each host's slice of the LAN must still hold a default bridge and an address pool; in routed mode
# the LAN holds only the hosts' and the routers' addresses.
LAN_PREFIXLEN_BOUNDS = {MODE_NDP_PROXY: (48, 120), MODE_ROUTED: (48, 126)}
# Each host's slice of a network needs room for its gateway and at least one container.
MAX_NETWORK_SLICE_PREFIXLEN = 126
# The engine's own networks, and the network mode 'default': it refuses to create a network of these names.
ENGINE_NETWORK_NAMES = ("bridge", "host", "none", "default")
# The engine checks nothing more than a blank network name, but a name outside the alphabet it allows for container
# and volume names breaks elsewhere: '/' in the API's /networks/<name> path, ':' in `--network container:<name>`,
# whitespace in the CLI and in Compose files.
_NETWORK_NAME_RE = re.compile(r"[a-zA-Z0-9][a-zA-Z0-9_.-]*")
# The engine gives the default bridge docker0 this subnet unless daemon.json moves it (bip), and refuses to create a
# network whose subnet overlaps it. Its address pools are not refused: the engine skips pool subnets in use.
DOCKER0_IPV4_SUBNET = "172.17.0.0/16"


@dataclass(frozen=True)
class _Network:
    index: int
    name: str
    prefix: t.Any
    slice_prefixlen: int
    slice_explicit: bool
    ipv4_subnet: t.Any
    ipv4_gateway: t.Any
    internal: bool
    driver_options: t.Mapping[str, t.Any]


@dataclass(frozen=True)
class ParsedSite:
    """The site-wide values once parsed, as allocation and the plan read them.

    Built only when the mode and the LAN prefix parse; a value that did not parse is None (or empty), and has been
    reported. The *_explicit and pool_set fields say whether the inventory set the variable at all.
    """

    mode: str
    lan_prefix: t.Any
    gateways: t.Sequence[t.Any]
    slice_prefixlen: int | None
    slice_explicit: bool
    pool: t.Any
    pool_set: bool
    container_prefixlen: int | None
    container_prefixlen_explicit: bool
    networks: t.Sequence[_Network]
    pool_prefixlen: int | None
    allowed_sources: t.Sequence[t.Any]
    masquerade_outside: bool
    renumber: bool


# ---------------------------------------------------------------------------------------------------
# Addresses that are never routed
# ---------------------------------------------------------------------------------------------------


@functools.lru_cache(maxsize=1)
def _not_routable_ranges() -> tuple[tuple[int, int, str, str, str], ...]:
    ranges = []
    for text, covers, is_one in _NOT_ROUTABLE:
        special = IPNetwork(text)
        ranges.append((special.first, special.last, text, covers, is_one))
    return tuple(ranges)


def _not_routable(first: int, last: int, allow_link_local: bool = False) -> tuple[str, str, str] | None:
    """The never-routed range that [first, last] overlaps, if any: (range, what a prefix covers, what an address is)."""
    for special_first, special_last, text, covers, is_one in _not_routable_ranges():
        if allow_link_local and text == LINK_LOCAL:
            continue
        if special_first <= last and first <= special_last:
            return text, covers, is_one
    return None


def _not_routable_prefix(prefix: t.Any, fix: str) -> str | None:
    special = _not_routable(prefix.first, prefix.last)
    if special is None:
        return None
    return f"{prefix} covers {special[1]} ({special[0]}): {fix}"


def _not_routable_address(address: t.Any, fix: str, allow_link_local: bool = False) -> str | None:
    special = _not_routable(int(address), int(address), allow_link_local)
    if special is None:
        return None
    return f"{address} is {special[2]} ({special[0]}): {fix}"


# ---------------------------------------------------------------------------------------------------
# Site-wide variables
# ---------------------------------------------------------------------------------------------------


def _parse_mode(site: SiteInput, origin: t.Callable[[str], str], issues: list[PlanIssue]) -> str | None:
    mode = MODE_NDP_PROXY if site.mode is None else site.mode
    if mode in MODES:
        return t.cast(str, mode)
    issues.append(PlanIssue(origin(VAR_MODE), VAR_MODE, f"{describe(mode)} is not a mode: use 'ndp_proxy' or 'routed'"))
    return None


def _lan_prefixlen_bounds(mode: str | None) -> tuple[int, int]:
    if mode in LAN_PREFIXLEN_BOUNDS:
        return LAN_PREFIXLEN_BOUNDS[t.cast(str, mode)]
    # An unknown mode is reported already: hold the prefix only to what every mode allows.
    bounds = LAN_PREFIXLEN_BOUNDS.values()
    return min(bound[0] for bound in bounds), max(bound[1] for bound in bounds)


def _lan_prefixlen_problem(prefix: t.Any, mode: str | None) -> str | None:
    shortest, longest = _lan_prefixlen_bounds(mode)
    if prefix.prefixlen < shortest:
        return (
            f"{prefix} is shorter than /{shortest}, more than a whole site is normally given: most likely a "
            f"mistyped length; give the LAN's own prefix, /{shortest} to /{longest}"
        )
    if prefix.prefixlen <= longest:
        return None
    if mode == MODE_NDP_PROXY:
        why = "in ndp_proxy mode every host's slice of it must still hold a default bridge and an address pool"
    else:
        why = "it must hold the hosts' and the routers' addresses"
    return f"{prefix} is longer than /{longest}: {why}; give the LAN's own prefix, /{shortest} to /{longest}"


def _parse_lan_prefix(
    site: SiteInput, mode: str | None, origin: t.Callable[[str], str], issues: list[PlanIssue]
) -> t.Any:
    host = origin(VAR_LAN_PREFIX)
    if site.lan_prefix is None:
        issues.append(PlanIssue(host, VAR_LAN_PREFIX, "required variable is not set"))
        return None
    prefix, problem = parse_prefix(site.lan_prefix)
    if problem is None:
        problem = _lan_prefixlen_problem(prefix, mode)
    if problem is None:
        problem = _not_routable_prefix(prefix, "give the hosts' routable LAN prefix")
    if problem:
        issues.append(PlanIssue(host, VAR_LAN_PREFIX, problem))
        return None
    return prefix


def _parse_gateways(site: SiteInput, origin: t.Callable[[str], str], issues: list[PlanIssue]) -> list[t.Any]:
    if site.gateways is None:
        return []
    host = origin(VAR_GATEWAYS)
    if isinstance(site.gateways, (str, bytes)) or not isinstance(site.gateways, t.Sequence):
        issues.append(
            PlanIssue(host, VAR_GATEWAYS, f"{describe(site.gateways)} is not a list: give a list of IPv6 addresses")
        )
        return []
    gateways = []
    for index, value in enumerate(site.gateways):
        address, problem = parse_address(value)
        if problem is None:
            problem = _not_routable_address(
                address, "give the router's address on the LAN, global or link-local", allow_link_local=True
            )
        if problem:
            issues.append(PlanIssue(host, f"{VAR_GATEWAYS}[{index}]", problem))
        else:
            gateways.append(address)
    return gateways


def _parse_slice_prefixlen(
    site: SiteInput,
    mode: str | None,
    lan_prefix: t.Any,
    host_count: int,
    origin: t.Callable[[str], str],
    issues: list[PlanIssue],
) -> int | None:
    if site.slice_prefixlen is None:
        # Only ndp_proxy mode slices the LAN; a routed LAN may be too small for slices.
        if lan_prefix is None or mode != MODE_NDP_PROXY:
            return None
        default = lan_prefix.prefixlen + 1 + ceil_log2(host_count)
        if default > 128:
            issues.append(
                PlanIssue(
                    origin(VAR_LAN_PREFIX),
                    VAR_LAN_PREFIX,
                    f"{lan_prefix} is too small to give {host_count} hosts a slice each: use a shorter prefix",
                )
            )
            return None
        return default
    minimum = lan_prefix.prefixlen + 1 if lan_prefix is not None else 1
    prefixlen, problem = parse_prefixlen(site.slice_prefixlen, minimum, 128)
    if problem:
        issues.append(PlanIssue(origin(VAR_SLICE_PREFIXLEN), VAR_SLICE_PREFIXLEN, problem))
    return prefixlen


def _parse_pool(
    site: SiteInput, mode: str | None, origin: t.Callable[[str], str], issues: list[PlanIssue]
) -> tuple[t.Any, int | None]:
    pool = None
    if site.container_pool is not None:
        pool, problem = parse_prefix(site.container_pool)
        if problem is None:
            problem = _not_routable_prefix(pool, "give a routable prefix to take the hosts' container prefixes from")
        if problem:
            issues.append(PlanIssue(origin(VAR_CONTAINER_POOL), VAR_CONTAINER_POOL, problem))
            pool = None
    if site.container_prefixlen is None:
        prefixlen: int | None = DEFAULT_CONTAINER_PREFIXLEN
    else:
        prefixlen, problem = parse_prefixlen(site.container_prefixlen, 1, 128)
        if problem:
            issues.append(PlanIssue(origin(VAR_CONTAINER_PREFIXLEN), VAR_CONTAINER_PREFIXLEN, problem))
    if mode == MODE_ROUTED and pool is not None and prefixlen is not None and prefixlen < pool.prefixlen:
        issues.append(
            PlanIssue(
                origin(VAR_CONTAINER_PREFIXLEN),
                VAR_CONTAINER_PREFIXLEN,
                f"/{prefixlen} is shorter than the pool {pool}: use /{pool.prefixlen} or longer",
            )
        )
        prefixlen = None
    return pool, prefixlen


def _parse_pool_prefixlen(site: SiteInput, origin: t.Callable[[str], str], issues: list[PlanIssue]) -> int | None:
    """The length of the networks taken from each host's address pool; None means the per-host default."""
    if site.pool_prefixlen is None:
        return None
    prefixlen, problem = parse_prefixlen(site.pool_prefixlen, 2, MAX_POOL_PREFIXLEN)
    if problem:
        issues.append(PlanIssue(origin(VAR_POOL_PREFIXLEN), VAR_POOL_PREFIXLEN, problem))
    return prefixlen


def _parse_allowed_sources(site: SiteInput, origin: t.Callable[[str], str], issues: list[PlanIssue]) -> list[t.Any]:
    if site.allowed_sources is None:
        return []
    host = origin(VAR_ALLOWED_SOURCES)
    if isinstance(site.allowed_sources, (str, bytes)) or not isinstance(site.allowed_sources, t.Sequence):
        issues.append(
            PlanIssue(
                host,
                VAR_ALLOWED_SOURCES,
                f"{describe(site.allowed_sources)} is not a list: give a list of IPv6 prefixes",
            )
        )
        return []
    sources = []
    for index, value in enumerate(site.allowed_sources):
        where = f"{VAR_ALLOWED_SOURCES}[{index}]"
        prefix, problem = parse_prefix(value)
        if problem is None and prefix.prefixlen < MIN_ALLOWED_SOURCE_PREFIXLEN:
            problem = (
                f"{prefix} is shorter than /{MIN_ALLOWED_SOURCE_PREFIXLEN} and would open every container of the "
                "site to most of the IPv6 Internet: list the networks that need access"
            )
        if problem is None:
            problem = _not_routable_prefix(prefix, "give routable unicast prefixes only")
        if problem:
            issues.append(PlanIssue(host, where, problem))
        else:
            sources.append(prefix)
    return sources


def _parse_renumber(site: SiteInput, origin: t.Callable[[str], str], issues: list[PlanIssue]) -> bool:
    """Whether this run may move hosts off the prefixes and slices of earlier rollouts (default: keep them)."""
    if site.renumber is None or isinstance(site.renumber, bool):
        return bool(site.renumber)
    issues.append(
        PlanIssue(origin(VAR_RENUMBER), VAR_RENUMBER, f"{describe(site.renumber)} is not a boolean: use true or false")
    )
    return False


def _parse_masquerade_outside(
    site: SiteInput, mode: str | None, origin: t.Callable[[str], str], issues: list[PlanIssue]
) -> bool:
    """Whether traffic from containers to addresses outside the site is masqueraded.

    In ndp_proxy mode container addresses are on the LAN, so the LAN's routers reach them: no NAT by default.
    In routed mode only the site's hosts know the container prefixes, so by default outside traffic leaves
    with the host's address, as the engine does on its own.
    """
    if site.masquerade_outside is None:
        return mode == MODE_ROUTED
    if isinstance(site.masquerade_outside, bool):
        return site.masquerade_outside
    issues.append(
        PlanIssue(
            origin(VAR_MASQUERADE_OUTSIDE),
            VAR_MASQUERADE_OUTSIDE,
            f"{describe(site.masquerade_outside)} is not a boolean: use true or false",
        )
    )
    return mode == MODE_ROUTED


# ---------------------------------------------------------------------------------------------------
# Networks
# ---------------------------------------------------------------------------------------------------


def _parse_network_ipv4(
    entry: t.Mapping[str, t.Any], where: str, host: str, issues: list[PlanIssue]
) -> tuple[str | None, str | None]:
    subnet = gateway = None
    if entry.get("ipv4_subnet") is not None:
        subnet, problem = parse_prefix(entry["ipv4_subnet"], version=4)
        if problem:
            issues.append(PlanIssue(host, f"{where}.ipv4_subnet", problem))
    if entry.get("ipv4_gateway") is not None:
        gateway, problem = parse_address(entry["ipv4_gateway"], version=4)
        if problem:
            issues.append(PlanIssue(host, f"{where}.ipv4_gateway", problem))
        elif entry.get("ipv4_subnet") is None:
            issues.append(PlanIssue(host, f"{where}.ipv4_gateway", "needs ipv4_subnet: set the subnet it belongs to"))
        elif subnet is not None and gateway not in subnet:
            issues.append(
                PlanIssue(
                    host, f"{where}.ipv4_gateway", f"{gateway} is not inside ipv4_subnet {subnet}: pick one in it"
                )
            )
    return (str(subnet) if subnet is not None else None), (str(gateway) if gateway is not None else None)


def _network_name_problem(name: t.Any) -> str | None:
    if not isinstance(name, str) or not name:
        return f"{describe(name)} is not a network name: give a string"
    if name in ENGINE_NETWORK_NAMES:
        return (
            f"'{name}' is reserved by the engine ({', '.join(ENGINE_NETWORK_NAMES[:3])} are its own networks, "
            f"{ENGINE_NETWORK_NAMES[3]} a network mode) and cannot be created: give the network another name"
        )
    if not _NETWORK_NAME_RE.fullmatch(name):
        return (
            # repr: a newline in the name must not break the one-line message.
            f"{name!r} is not a usable network name: start with a letter or a digit and use only letters, digits, "
            "'_', '.' and '-', as the engine asks of container and volume names"
        )
    return None


def _network_slice_problem(prefix: t.Any, slice_prefixlen: int, host_count: int) -> str | None:
    if slice_prefixlen <= MAX_NETWORK_SLICE_PREFIXLEN:
        return None
    longest = MAX_NETWORK_SLICE_PREFIXLEN - ceil_log2(host_count)
    hosts = "1 host" if host_count == 1 else f"{host_count} hosts"
    if slice_prefixlen > 128:
        return (
            f"{prefix} is too small to give {hosts} a slice each: use /{longest} or shorter, so that each host's "
            f"slice is a /{MAX_NETWORK_SLICE_PREFIXLEN} at least, with room for the network's gateway and a container"
        )
    return (
        f"{prefix} is too small for {hosts}: each host's slice would be a /{slice_prefixlen}, with no room for "
        f"the network's gateway and a container; use /{longest} or shorter (a /{MAX_NETWORK_SLICE_PREFIXLEN} "
        "slice per host at least)"
    )


def _parse_network(index: int, entry: t.Any, host_count: int, host: str, issues: list[PlanIssue]) -> _Network | None:
    where = f"{VAR_NETWORKS}[{index}]"
    if not isinstance(entry, t.Mapping):
        issues.append(PlanIssue(host, where, f"{describe(entry)} is not a mapping: give name, ipv6_prefix, ..."))
        return None
    count = len(issues)
    listed = f"the keys are {', '.join(NETWORK_KEYS)}"
    for key in sorted(str(key) for key in entry if key not in NETWORK_KEYS):
        issues.append(PlanIssue(host, f"{where}.{key}", _unknown_name("key", key, NETWORK_KEYS, listed)))
    name = entry.get("name")
    problem = _network_name_problem(name)
    if problem:
        issues.append(PlanIssue(host, f"{where}.name", problem))
    prefix = slice_prefixlen = None
    if entry.get("ipv6_prefix") is None:
        issues.append(PlanIssue(host, f"{where}.ipv6_prefix", "required key is not set"))
    else:
        prefix, problem = parse_prefix(entry["ipv6_prefix"])
        if problem is None:
            problem = _not_routable_prefix(prefix, "give a routable prefix for the network's containers")
        if problem is None:
            slice_prefixlen = prefix.prefixlen + ceil_log2(host_count)
            problem = _network_slice_problem(prefix, slice_prefixlen, host_count)
        if problem:
            issues.append(PlanIssue(host, f"{where}.ipv6_prefix", problem))
    slice_explicit = entry.get("slice_prefixlen") is not None
    if slice_explicit and slice_prefixlen is not None:
        slice_prefixlen, problem = parse_prefixlen(
            entry["slice_prefixlen"], prefix.prefixlen + ceil_log2(host_count), MAX_NETWORK_SLICE_PREFIXLEN
        )
        if problem:
            issues.append(
                PlanIssue(
                    host,
                    f"{where}.slice_prefixlen",
                    f"{problem} (a slice for each of {host_count} "
                    f"hosts in {prefix}, with room for a gateway and a container)",
                )
            )
    ipv4_subnet, ipv4_gateway = _parse_network_ipv4(entry, where, host, issues)
    internal = entry.get("internal", False)
    if not isinstance(internal, bool):
        issues.append(PlanIssue(host, f"{where}.internal", f"{describe(internal)} is not a boolean: use true or false"))
    driver_options = entry.get("driver_options")
    if driver_options is None:
        driver_options = {}
    if not isinstance(driver_options, t.Mapping):
        issues.append(
            PlanIssue(host, f"{where}.driver_options", f"{describe(driver_options)} is not a mapping of option: value")
        )
    if len(issues) > count:
        return None
    return _Network(
        index=index,
        name=t.cast(str, name),
        prefix=prefix,
        slice_prefixlen=t.cast(int, slice_prefixlen),
        slice_explicit=slice_explicit,
        ipv4_subnet=ipv4_subnet,
        ipv4_gateway=ipv4_gateway,
        internal=internal,
        driver_options=dict(driver_options),
    )


def _parse_networks(
    site: SiteInput, host_count: int, origin: t.Callable[[str], str], issues: list[PlanIssue]
) -> list[_Network]:
    if site.networks is None:
        return []
    host = origin(VAR_NETWORKS)
    if isinstance(site.networks, (str, bytes)) or not isinstance(site.networks, t.Sequence):
        issues.append(PlanIssue(host, VAR_NETWORKS, f"{describe(site.networks)} is not a list of networks"))
        return []
    networks = []
    # Keyed by the name in lower case: names that differ only in case are two networks to the engine, but a
    # mistyped name to whoever reads the inventory or attaches a container.
    seen: dict[str, tuple[int, str]] = {}
    for index, entry in enumerate(site.networks):
        name = entry.get("name") if isinstance(entry, t.Mapping) else None
        if isinstance(name, str) and name:
            _check_duplicate_name(name, index, seen, host, issues)
        network = _parse_network(index, entry, host_count, host, issues)
        if network is not None:
            networks.append(network)
    _check_ipv4_subnets(networks, host, issues)
    return networks


def _check_duplicate_name(
    name: str, index: int, seen: dict[str, tuple[int, str]], host: str, issues: list[PlanIssue]
) -> None:
    key = name.casefold()
    if key not in seen:
        seen[key] = (index, name)
        return
    first_index, first_name = seen[key]
    if first_name == name:
        problem = f"'{name}' is already the name of {VAR_NETWORKS}[{first_index}]: give each network its own name"
    else:
        problem = (
            f"'{name}' differs only in case from '{first_name}', the name of {VAR_NETWORKS}[{first_index}]: "
            "give each network a name of its own, not just other capitals"
        )
    issues.append(PlanIssue(host, f"{VAR_NETWORKS}[{index}].name", problem))


def _check_ipv4_subnets(networks: t.Sequence[_Network], host: str, issues: list[PlanIssue]) -> None:
    """Every host creates every network, so two networks on overlapping IPv4 subnets, or one on docker0's, fail
    on every host: the engine refuses a subnet that overlaps one in use."""
    docker0 = IPNetwork(DOCKER0_IPV4_SUBNET)
    docker0_label = f"{DOCKER0_IPV4_SUBNET}, the default bridge docker0's subnet unless daemon.json moves it (bip)"
    claims = [_Claim(docker0.first, docker0.last, -1, "", "", DOCKER0_IPV4_SUBNET, docker0_label)]
    for position, network in enumerate(networks):
        if network.ipv4_subnet is not None:
            subnet = IPNetwork(network.ipv4_subnet)
            claims.append(
                _Claim(
                    subnet.first,
                    subnet.last,
                    position,
                    host,
                    f"{VAR_NETWORKS}[{network.index}].ipv4_subnet",
                    network.ipv4_subnet,
                    f"{VAR_NETWORKS}[{network.index}].ipv4_subnet {network.ipv4_subnet}",
                )
            )
    blamed: set[str] = set()
    for earlier, later in _overlapping_pairs(claims):
        # Blame the network later in the list (docker0 counts as first), naming the one it collides with.
        blamed_claim, other = (later, earlier) if later.order > earlier.order else (earlier, later)
        if blamed_claim.variable in blamed:
            continue
        blamed.add(blamed_claim.variable)
        if other.order < 0:
            why = "the engine refuses to create a network that overlaps it"
        else:
            why = "the engine refuses to create a network on addresses another network uses"
        issues.append(
            PlanIssue(
                host,
                blamed_claim.variable,
                f"{blamed_claim.text} overlaps {other.label}: {why}; give the network a subnet of its own",
            )
        )
