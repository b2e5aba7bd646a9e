# Copyright: dockernet.ipv6 contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Site planner: turn the inventory's IPv6 variables into one plan for every Docker host.

Private to the collection: nothing outside dockernet.ipv6 may import it.

The planner is pure: plain Python data in (HostInput / SiteInput, or hostvars), a JSON-able plan out,
or a PlanError carrying every problem found, each tied to the host and the variable to fix.
Every check is O(n log n) in the number of hosts and of networks: overlaps (IPv6 and IPv4) are found by
sorting intervals and scanning neighbours, addresses inside prefixes by bisecting a sorted list, duplicate
names with a dictionary, never by comparing every pair.
"""

from __future__ import annotations

import bisect
import difflib
import functools
import re
import typing as t
from dataclasses import dataclass, field

from ansible_collections.dockernet.ipv6.plugins.module_utils._engine_capabilities import parse as parse_version
from ansible_collections.dockernet.ipv6.plugins.module_utils._engine_capabilities import since

try:
    from netaddr import AddrFormatError, IPAddress, IPNetwork, cidr_merge
except ImportError:
    HAS_NETADDR = False
else:
    HAS_NETADDR = True


VAR_MODE = "dockernet_site_mode"
VAR_LAN_PREFIX = "dockernet_site_lan_prefix"
VAR_GATEWAYS = "dockernet_site_gateways"
VAR_SLICE_PREFIXLEN = "dockernet_site_slice_prefixlen"
VAR_CONTAINER_POOL = "dockernet_site_container_pool"
VAR_CONTAINER_PREFIXLEN = "dockernet_site_container_prefixlen"
VAR_NETWORKS = "dockernet_networks"
VAR_POOL_PREFIXLEN = "dockernet_site_pool_prefixlen"
VAR_ALLOWED_SOURCES = "dockernet_site_allowed_sources"
VAR_MASQUERADE_OUTSIDE = "dockernet_site_masquerade_outside"
VAR_FORWARD_POLICY = "dockernet_forward_policy"
VAR_RENUMBER = "dockernet_site_renumber"
VAR_LAN_INTERFACE = "dockernet_lan_interface"
VAR_LAN_ADDRESS = "dockernet_lan_address"
VAR_CONTAINER_PREFIX = "dockernet_container_prefix"
VAR_ENGINE_VERSION = "dockernet_engine_version"
VAR_HOST_INTERFACES = "dockernet_host_interfaces"
VAR_HOST_ADDRESSES = "dockernet_host_addresses"
VAR_HOST_CURRENT = "dockernet_host_current"
# Not a variable: the daemon.json key that keeps containers running through engine restarts.
LIVE_RESTORE = "live-restore"

SITE_VARIABLES = (
    VAR_MODE,
    VAR_LAN_PREFIX,
    VAR_GATEWAYS,
    VAR_SLICE_PREFIXLEN,
    VAR_CONTAINER_POOL,
    VAR_CONTAINER_PREFIXLEN,
    VAR_NETWORKS,
    VAR_POOL_PREFIXLEN,
    VAR_ALLOWED_SOURCES,
    VAR_MASQUERADE_OUTSIDE,
    VAR_RENUMBER,
)
HOST_VARIABLES = (
    VAR_LAN_INTERFACE,
    VAR_LAN_ADDRESS,
    VAR_CONTAINER_PREFIX,
    VAR_ENGINE_VERSION,
    VAR_HOST_INTERFACES,
    VAR_HOST_ADDRESSES,
    VAR_FORWARD_POLICY,
    VAR_HOST_CURRENT,
)
# Every dockernet_* variable the collection reads, in one place: a hostvar outside this list (and outside the lab's
# namespace) is reported as misspelt, with the closest of these names.
# Read by playbooks/configure.yml and verify.yml (docs/variables.md, "Rollout variables"), not by the planner.
ROLLOUT_VARIABLES = (
    "dockernet_accept_ra",
    "dockernet_proxy_delay",
    "dockernet_daemon_extra_settings",
    "dockernet_verify_image",
    "dockernet_install_prerequisites",
    "dockernet_serial",
    "dockernet_max_fail_percentage",
    "dockernet_rollout_lock_timeout",
    "dockernet_rollout_lock_break",
)
# Set by playbooks/preflight.yml on every host (the planner's gathered inputs are in HOST_VARIABLES).
PREFLIGHT_VARIABLES = ("dockernet_ra_interfaces", "dockernet_plan")
# Written by tools/lab/lab.sh and .config/molecule/config.yml, read by nothing (the LAN prefix is
# dockernet_site_lan_prefix): known only until those stop writing it.
UNUSED_LAB_VARIABLES = ("dockernet_lan_prefix",)
KNOWN_VARIABLES = SITE_VARIABLES + HOST_VARIABLES + ROLLOUT_VARIABLES + PREFLIGHT_VARIABLES + UNUSED_LAB_VARIABLES
VARIABLE_PREFIX = "dockernet_"
# The local lab's own variables (tools/lab/lab.sh, tests/integration): never the collection's, never reported.
RESERVED_VARIABLE_PREFIX = "dockernet_lab_"

MODE_NDP_PROXY = "ndp_proxy"
MODE_ROUTED = "routed"
MODES = (MODE_NDP_PROXY, MODE_ROUTED)
DEFAULT_CONTAINER_PREFIXLEN = 64
NETWORK_KEYS = ("name", "ipv6_prefix", "slice_prefixlen", "ipv4_subnet", "ipv4_gateway", "internal", "driver_options")
# Before Engine 28.0 default-bridge addresses embed the 48-bit MAC, which needs 128 - 48 = 80 free bits.
MAC_DERIVED_BEFORE = since("random_bridge_addresses")
MAC_DERIVED_MAX_PREFIXLEN = 80
# Engine 28.0 drops routed packets to container addresses in the raw table, before DOCKER-USER is reached.
RAW_TABLE_DROP_SINCE = since("raw_table_drop")
# Each host's address pool holds 2**8 networks by default: more than the engine's IPv4 pools give (about 47),
# and few enough that engines before 28.0, which list every subnet of a pool up front, stay quick.
DEFAULT_POOL_BITS = 8
# A pool network needs room for its gateway and a few containers.
MAX_POOL_PREFIXLEN = 124
# Engines before 28.0 list every subnet of a pool when they start: 2**16 of them is the most this allows.
POOL_LISTED_BEFORE = since("lazy_address_pools")
MAX_LISTED_POOL_BITS = 16
# An allowed source shorter than this would let in nearly the whole IPv6 Internet.
MIN_ALLOWED_SOURCE_PREFIXLEN = 16
FORWARD_POLICIES = ("drop", "keep")
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

_TRACKED_SITE_VALUES = 8


class NetaddrMissingError(RuntimeError):
    """The netaddr library is not installed where the planner runs (the controller)."""


@dataclass(frozen=True)
class PlanIssue:
    """One problem with the inventory: which host, which variable, what is wrong and what to do."""

    host: str
    variable: str
    message: str

    def __str__(self) -> str:
        return f"{self.host}: {self.variable}: {self.message}"


class PlanError(Exception):
    """Every problem found while planning, one PlanIssue each."""

    def __init__(self, issues: t.Sequence[PlanIssue]) -> None:
        self.issues = list(issues)
        super().__init__("\n".join(str(issue) for issue in self.issues))


@dataclass(frozen=True)
class HostInput:
    """One host's own variables, as found in the inventory (None = not set)."""

    name: str
    lan_interface: t.Any = None
    lan_address: t.Any = None
    container_prefix: t.Any = None
    engine_version: t.Any = None
    host_interfaces: t.Any = None
    forward_policy: t.Any = None
    host_addresses: t.Any = None
    current: t.Any = None


@dataclass(frozen=True)
class SiteInput:
    """The site-wide variables (None = not set) and, per variable, the host that carries the value."""

    mode: t.Any = None
    lan_prefix: t.Any = None
    gateways: t.Any = None
    slice_prefixlen: t.Any = None
    container_pool: t.Any = None
    container_prefixlen: t.Any = None
    networks: t.Any = None
    pool_prefixlen: t.Any = None
    allowed_sources: t.Any = None
    masquerade_outside: t.Any = None
    renumber: t.Any = None
    origin: t.Mapping[str, str] = field(default_factory=dict)


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
    current: t.Optional[_Current] = None


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
class _Claim:
    """A prefix that someone claims, as an integer interval, with what to say about it in errors."""

    first: int
    last: int
    order: int
    host: str
    variable: str
    text: str
    label: str
    is_network: bool = False


@dataclass(frozen=True)
class _Points:
    """Single addresses that no prefix may contain (host LAN addresses, gateways), sorted for bisect."""

    values: list[int]
    labels: list[str]
    owners: list[t.Optional[str]]


def require_netaddr() -> None:
    """Raise NetaddrMissingError when netaddr cannot be imported."""
    if not HAS_NETADDR:
        raise NetaddrMissingError(
            "the dockernet.ipv6 planner needs the Python library netaddr on the Ansible controller: "
            "install it in the controller's Python, for example with 'pip install netaddr'"
        )


# ---------------------------------------------------------------------------------------------------
# Reading the inventory
# ---------------------------------------------------------------------------------------------------


def _variable(host_vars: t.Mapping[str, t.Any], name: str) -> t.Any:
    # hostvars objects template on access and only support `in` and `[]` reliably.
    if name in host_vars:
        return host_vars[name]
    return None


def _describe(value: t.Any) -> str:
    if value is None:
        return "not set"
    if isinstance(value, str):
        return f"'{value}'"
    return repr(value)


def _read_site_value(
    variable: str,
    host_names: t.Sequence[str],
    values: t.Sequence[t.Any],
    meanings: t.Sequence[t.Any],
    issues: list[PlanIssue],
) -> tuple[t.Any, str]:
    """The value most hosts carry (the first one seen on a tie), and the first host carrying it.

    Values are compared by their meanings (see _SITE_MEANINGS), so that '2001:DB8::/64' equals '2001:db8::/64'
    and an unset variable equals its default. Every host with another meaning is reported, so that a single odd
    host_vars file is named, not the whole group. Only a few distinct meanings are tracked: a site-wide variable
    normally has one.
    """
    distinct: list[t.Any] = []
    counts: list[int] = []
    holders: list[int] = []
    for index, meaning in enumerate(meanings):
        for position, known in enumerate(distinct):
            if meaning == known:
                counts[position] += 1
                break
        else:
            if len(distinct) < _TRACKED_SITE_VALUES:
                distinct.append(meaning)
                counts.append(1)
                holders.append(index)
    chosen = max(range(len(distinct)), key=lambda position: (counts[position], -holders[position]))
    reference, holder = values[holders[chosen]], host_names[holders[chosen]]
    for name, value, meaning in zip(host_names, values, meanings):
        if meaning != distinct[chosen]:
            issues.append(
                PlanIssue(
                    name,
                    variable,
                    f"differs from {holder}'s value ({_describe(value)} here, {_describe(reference)} on {holder}): "
                    "a site-wide variable must be the same on every host; set it once for the whole group, in "
                    "group_vars",
                )
            )
    return reference, holder


def read_inputs(
    host_names: t.Sequence[str], hostvars: t.Mapping[str, t.Mapping[str, t.Any]]
) -> tuple[SiteInput, list[HostInput], list[PlanIssue]]:
    """Read the planner's variables from Ansible-style hostvars for the given hosts, in this order.

    Returns the site-wide input, one HostInput per host found, and the problems met while reading
    (hosts missing from hostvars, site-wide variables that differ between hosts).
    """
    issues: list[PlanIssue] = []
    present: list[str] = []
    per_host_vars: list[t.Mapping[str, t.Any]] = []
    for name in host_names:
        if name in hostvars:
            present.append(name)
            per_host_vars.append(hostvars[name])
        else:
            issues.append(PlanIssue(name, "inventory", "host is not in the inventory's hostvars: check the host list"))
    hosts = [
        HostInput(
            name=name,
            lan_interface=_variable(host_vars, VAR_LAN_INTERFACE),
            lan_address=_variable(host_vars, VAR_LAN_ADDRESS),
            container_prefix=_variable(host_vars, VAR_CONTAINER_PREFIX),
            engine_version=_variable(host_vars, VAR_ENGINE_VERSION),
            host_interfaces=_variable(host_vars, VAR_HOST_INTERFACES),
            forward_policy=_variable(host_vars, VAR_FORWARD_POLICY),
            host_addresses=_variable(host_vars, VAR_HOST_ADDRESSES),
            current=_variable(host_vars, VAR_HOST_CURRENT),
        )
        for name, host_vars in zip(present, per_host_vars)
    ]
    if not present:
        return SiteInput(), hosts, issues
    site_values: dict[str, t.Any] = {}
    origin: dict[str, str] = {}
    for variable in SITE_VARIABLES:
        values = [_variable(host_vars, variable) for host_vars in per_host_vars]
        meanings = _meanings(values, _SITE_MEANINGS[variable], _SiteContext(site_values, len(present)))
        site_values[variable], origin[variable] = _read_site_value(variable, present, values, meanings, issues)
    _check_variable_names(present, per_host_vars, issues)
    site = SiteInput(
        mode=site_values[VAR_MODE],
        lan_prefix=site_values[VAR_LAN_PREFIX],
        gateways=site_values[VAR_GATEWAYS],
        slice_prefixlen=site_values[VAR_SLICE_PREFIXLEN],
        container_pool=site_values[VAR_CONTAINER_POOL],
        container_prefixlen=site_values[VAR_CONTAINER_PREFIXLEN],
        networks=site_values[VAR_NETWORKS],
        pool_prefixlen=site_values[VAR_POOL_PREFIXLEN],
        allowed_sources=site_values[VAR_ALLOWED_SOURCES],
        masquerade_outside=site_values[VAR_MASQUERADE_OUTSIDE],
        renumber=site_values[VAR_RENUMBER],
        origin=origin,
    )
    return site, hosts, issues


# ---------------------------------------------------------------------------------------------------
# Parsing single values: each returns (value, None) or (None, what is wrong and what to do)
# ---------------------------------------------------------------------------------------------------


def _family(version: int) -> str:
    return f"IPv{version}"


def parse_prefix(value: t.Any, version: int = 6) -> tuple[t.Any, t.Optional[str]]:
    """Parse a prefix such as 2001:db8:ab11::/64 (version 6) or 172.31.0.0/24 (version 4)."""
    example = "2001:db8:ab11::/64" if version == 6 else "172.31.0.0/24"
    if not isinstance(value, str):
        return None, f"{_describe(value)} is not an {_family(version)} prefix: write it as text like {example}"
    text = value.strip()
    if "/" not in text:
        return None, f"'{text}' has no prefix length: write it like {example}"
    try:
        prefix = IPNetwork(text)
    except (AddrFormatError, ValueError, TypeError):
        return None, f"'{text}' is not an {_family(version)} prefix: write it like {example}"
    if prefix.version != version:
        return None, f"'{text}' is an {_family(prefix.version)} prefix where an {_family(version)} prefix is needed"
    if prefix.ip != prefix.network:
        return None, f"'{text}' has host bits set: the prefix is {prefix.cidr}"
    return prefix, None


def parse_address(value: t.Any, version: int = 6) -> tuple[t.Any, t.Optional[str]]:
    """Parse a single address such as 2001:db8:ab11::1 (version 6) or 172.31.0.1 (version 4)."""
    example = "2001:db8:ab11::1" if version == 6 else "172.31.0.1"
    if not isinstance(value, str):
        return None, f"{_describe(value)} is not an {_family(version)} address: write it as text like {example}"
    text = value.strip()
    if "/" in text:
        return None, f"'{text}' is a prefix, not an address: give the address alone, like {example}"
    try:
        address = IPAddress(text)
    except (AddrFormatError, ValueError, TypeError):
        return None, f"'{text}' is not an {_family(version)} address: write it like {example}"
    if address.version != version:
        return None, f"'{text}' is an {_family(address.version)} address where an {_family(version)} address is needed"
    return address, None


def parse_prefixlen(value: t.Any, minimum: int, maximum: int) -> tuple[t.Optional[int], t.Optional[str]]:
    """Parse a prefix length, an integer (or a string of digits, as templating may give) in [minimum, maximum]."""
    if isinstance(value, bool):
        number = None
    elif isinstance(value, int):
        number = value
    elif isinstance(value, str) and value.strip().isdigit():
        number = int(value.strip())
    else:
        number = None
    if number is None:
        return None, f"{_describe(value)} is not an integer prefix length: write a number such as 66"
    if not minimum <= number <= maximum:
        return None, f"{number} is out of range: it must be between {minimum} and {maximum}"
    return number, None


def parse_engine_version(value: t.Any) -> tuple[t.Optional[tuple[int, int]], t.Optional[str]]:
    """Parse a Docker Engine version such as '28.5.2' or '26.1.5+dfsg1' into (major, minor)."""
    version = parse_version(value)
    if version is None:
        return None, (
            f"{_describe(value)} is not a Docker Engine version: it must look like '28.5.2' "
            "(the preflight gathers it with 'docker version')"
        )
    return version[:2], None


def ceil_log2(count: int) -> int:
    """Number of bits needed to number `count` slices (0 for a single one)."""
    return (count - 1).bit_length() if count > 1 else 0


def _contains(outer: t.Any, inner: t.Any) -> bool:
    return outer.first <= inner.first and inner.last <= outer.last


def _network_from_int(first: int, prefixlen: int) -> t.Any:
    return IPNetwork((first, prefixlen), version=6)


# ---------------------------------------------------------------------------------------------------
# What a site-wide value means, for comparing it between hosts
# ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Unparsed:
    """A value that does not parse: it means only itself (and is reported once planning reads it)."""

    value: t.Any


def _prefix_meaning(value: t.Any, version: int = 6) -> t.Any:
    if value is None:
        return None
    prefix, problem = parse_prefix(value, version)
    return _Unparsed(value) if problem else str(prefix)


def _address_meaning(value: t.Any, version: int = 6) -> t.Any:
    if value is None:
        return None
    address, problem = parse_address(value, version)
    return _Unparsed(value) if problem else str(address)


def _prefixlen_meaning(value: t.Any) -> t.Any:
    number, problem = parse_prefixlen(value, 0, 128)
    return _Unparsed(value) if problem else number


def _set_meaning(value: t.Any, element: t.Callable[[t.Any], t.Any]) -> t.Any:
    """A list whose order and repetitions mean nothing (gateways, allowed sources); unset is the empty list."""
    if value is None:
        return frozenset()
    if isinstance(value, (str, bytes)) or not isinstance(value, t.Sequence):
        return _Unparsed(value)
    meanings = [element(item) for item in value]
    if any(isinstance(meaning, _Unparsed) for meaning in meanings):
        return _Unparsed(value)
    return frozenset(meanings)


def _network_meaning(entry: t.Any) -> t.Any:
    if not isinstance(entry, t.Mapping):
        return _Unparsed(entry)
    meaning = {str(key): value for key, value in entry.items()}
    meaning["ipv6_prefix"] = _prefix_meaning(entry.get("ipv6_prefix"))
    meaning["ipv4_subnet"] = _prefix_meaning(entry.get("ipv4_subnet"), version=4)
    meaning["ipv4_gateway"] = _address_meaning(entry.get("ipv4_gateway"), version=4)
    meaning.setdefault("internal", False)
    if meaning.get("slice_prefixlen") is None:
        meaning.pop("slice_prefixlen", None)
    else:
        meaning["slice_prefixlen"] = _prefixlen_meaning(meaning["slice_prefixlen"])
    if meaning.get("driver_options") is None:
        meaning["driver_options"] = {}
    return meaning


def _networks_meaning(value: t.Any) -> t.Any:
    if value is None:
        return ()
    if isinstance(value, (str, bytes)) or not isinstance(value, t.Sequence):
        return _Unparsed(value)
    return tuple(_network_meaning(entry) for entry in value)


@dataclass(frozen=True)
class _SiteContext:
    """What a default may depend on: the site-wide values chosen so far (SITE_VARIABLES order), the host count."""

    chosen: t.Mapping[str, t.Any]
    host_count: int


def _mode_meaning(value: t.Any, context: _SiteContext) -> t.Any:
    return MODE_NDP_PROXY if value is None else value


def _slice_prefixlen_meaning(value: t.Any, context: _SiteContext) -> t.Any:
    if value is not None:
        return _prefixlen_meaning(value)
    lan_prefix, problem = parse_prefix(context.chosen.get(VAR_LAN_PREFIX))
    return None if problem else lan_prefix.prefixlen + 1 + ceil_log2(context.host_count)


def _masquerade_meaning(value: t.Any, context: _SiteContext) -> t.Any:
    if value is None:
        return _mode_meaning(context.chosen.get(VAR_MODE), context) == MODE_ROUTED
    return value if isinstance(value, bool) else _Unparsed(value)


def _meanings(
    values: t.Sequence[t.Any], meaning: t.Callable[[t.Any, _SiteContext], t.Any], context: _SiteContext
) -> list[t.Any]:
    """The meaning of every host's value, worked out once per distinct value: most hosts share the group's."""
    known: list[tuple[t.Any, t.Any]] = []
    meanings = []
    for value in values:
        for raw, worked_out in known:
            # The type too: True == 1, but only True is a boolean.
            if raw is value or (type(raw) is type(value) and raw == value):
                meanings.append(worked_out)
                break
        else:
            meanings.append(meaning(value, context))
            if len(known) < _TRACKED_SITE_VALUES:
                known.append((value, meanings[-1]))
    return meanings


# Per site-wide variable, what a value means once defaults are filled in and spellings made canonical. A default
# that depends on another variable (the slice length on the LAN prefix, masquerading on the mode) is taken from the
# value chosen for the site, so that a host is reported for its own variable only.
_SITE_MEANINGS: dict[str, t.Callable[[t.Any, _SiteContext], t.Any]] = {
    VAR_MODE: _mode_meaning,
    VAR_LAN_PREFIX: lambda value, context: _prefix_meaning(value),
    VAR_GATEWAYS: lambda value, context: _set_meaning(value, _address_meaning),
    VAR_SLICE_PREFIXLEN: _slice_prefixlen_meaning,
    VAR_CONTAINER_POOL: lambda value, context: _prefix_meaning(value),
    VAR_CONTAINER_PREFIXLEN: lambda value, context: (
        DEFAULT_CONTAINER_PREFIXLEN if value is None else _prefixlen_meaning(value)
    ),
    VAR_NETWORKS: lambda value, context: _networks_meaning(value),
    # Unset means a length per host (its pool base + 8), which no single explicit value equals.
    VAR_POOL_PREFIXLEN: lambda value, context: None if value is None else _prefixlen_meaning(value),
    VAR_ALLOWED_SOURCES: lambda value, context: _set_meaning(value, _prefix_meaning),
    VAR_MASQUERADE_OUTSIDE: _masquerade_meaning,
    VAR_RENUMBER: lambda value, context: (
        False if value is None else value if isinstance(value, bool) else _Unparsed(value)
    ),
}


# ---------------------------------------------------------------------------------------------------
# Names: variables and network keys the collection does not know
# ---------------------------------------------------------------------------------------------------


def _unknown_name(kind: str, name: str, known: t.Sequence[str], listed: str, common: str = "") -> str:
    """What to say about a name nobody reads: the closest known one, and where the known ones are listed.

    `common` is a prefix every known name shares: it is left out of the comparison, where it would make every
    name look close to every other.
    """
    nobody = f"dockernet.ipv6 reads no {kind} of this name ({listed})"
    stripped = [item[len(common) :] for item in known]
    closest = difflib.get_close_matches(name[len(common) :], stripped, n=1)
    if closest:
        return f"unknown {kind}: did you mean '{common}{closest[0]}'? {nobody}"
    return f"unknown {kind}: {nobody}; correct its name or remove it"


def _unknown_variables(host_vars: t.Mapping[str, t.Any]) -> list[str]:
    return sorted(
        name
        for name in host_vars
        if isinstance(name, str)
        and name.startswith(VARIABLE_PREFIX)
        and not name.startswith(RESERVED_VARIABLE_PREFIX)
        and name not in KNOWN_VARIABLES
    )


def _check_variable_names(
    host_names: t.Sequence[str], per_host_vars: t.Sequence[t.Mapping[str, t.Any]], issues: list[PlanIssue]
) -> None:
    """Report every dockernet_* variable nobody reads: once when every host has it (group_vars), else per host."""
    holders: dict[str, list[str]] = {}
    for name, host_vars in zip(host_names, per_host_vars):
        for variable in _unknown_variables(host_vars):
            holders.setdefault(variable, []).append(name)
    for variable, hosts in holders.items():
        message = _unknown_name(
            "variable", variable, KNOWN_VARIABLES, "all are listed in docs/variables.md", common=VARIABLE_PREFIX
        )
        if len(hosts) == len(host_names) > 1:
            issues.append(PlanIssue(hosts[0], variable, f"{message}; every host has it: fix it in group_vars"))
            continue
        issues.extend(PlanIssue(host, variable, message) for host in hosts)


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


def _not_routable(first: int, last: int, allow_link_local: bool = False) -> t.Optional[tuple[str, str, str]]:
    """The never-routed range that [first, last] overlaps, if any: (range, what a prefix covers, what an address is)."""
    for special_first, special_last, text, covers, is_one in _not_routable_ranges():
        if allow_link_local and text == LINK_LOCAL:
            continue
        if special_first <= last and first <= special_last:
            return text, covers, is_one
    return None


def _not_routable_prefix(prefix: t.Any, fix: str) -> t.Optional[str]:
    special = _not_routable(prefix.first, prefix.last)
    if special is None:
        return None
    return f"{prefix} covers {special[1]} ({special[0]}): {fix}"


def _not_routable_address(address: t.Any, fix: str, allow_link_local: bool = False) -> t.Optional[str]:
    special = _not_routable(int(address), int(address), allow_link_local)
    if special is None:
        return None
    return f"{address} is {special[2]} ({special[0]}): {fix}"


# ---------------------------------------------------------------------------------------------------
# Site-wide variables
# ---------------------------------------------------------------------------------------------------


def _parse_mode(site: SiteInput, origin: t.Callable[[str], str], issues: list[PlanIssue]) -> t.Optional[str]:
    mode = MODE_NDP_PROXY if site.mode is None else site.mode
    if mode in MODES:
        return t.cast(str, mode)
    issues.append(
        PlanIssue(origin(VAR_MODE), VAR_MODE, f"{_describe(mode)} is not a mode: use 'ndp_proxy' or 'routed'")
    )
    return None


def _lan_prefixlen_bounds(mode: t.Optional[str]) -> tuple[int, int]:
    if mode in LAN_PREFIXLEN_BOUNDS:
        return LAN_PREFIXLEN_BOUNDS[t.cast(str, mode)]
    # An unknown mode is reported already: hold the prefix only to what every mode allows.
    bounds = LAN_PREFIXLEN_BOUNDS.values()
    return min(bound[0] for bound in bounds), max(bound[1] for bound in bounds)


def _lan_prefixlen_problem(prefix: t.Any, mode: t.Optional[str]) -> t.Optional[str]:
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
    site: SiteInput, mode: t.Optional[str], origin: t.Callable[[str], str], issues: list[PlanIssue]
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
            PlanIssue(host, VAR_GATEWAYS, f"{_describe(site.gateways)} is not a list: give a list of IPv6 addresses")
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
    mode: t.Optional[str],
    lan_prefix: t.Any,
    host_count: int,
    origin: t.Callable[[str], str],
    issues: list[PlanIssue],
) -> t.Optional[int]:
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
    site: SiteInput, mode: t.Optional[str], origin: t.Callable[[str], str], issues: list[PlanIssue]
) -> tuple[t.Any, t.Optional[int]]:
    pool = None
    if site.container_pool is not None:
        pool, problem = parse_prefix(site.container_pool)
        if problem is None:
            problem = _not_routable_prefix(pool, "give a routable prefix to take the hosts' container prefixes from")
        if problem:
            issues.append(PlanIssue(origin(VAR_CONTAINER_POOL), VAR_CONTAINER_POOL, problem))
            pool = None
    if site.container_prefixlen is None:
        prefixlen: t.Optional[int] = DEFAULT_CONTAINER_PREFIXLEN
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


def _parse_pool_prefixlen(site: SiteInput, origin: t.Callable[[str], str], issues: list[PlanIssue]) -> t.Optional[int]:
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
                f"{_describe(site.allowed_sources)} is not a list: give a list of IPv6 prefixes",
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
        PlanIssue(origin(VAR_RENUMBER), VAR_RENUMBER, f"{_describe(site.renumber)} is not a boolean: use true or false")
    )
    return False


def _parse_masquerade_outside(
    site: SiteInput, mode: t.Optional[str], origin: t.Callable[[str], str], issues: list[PlanIssue]
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
            f"{_describe(site.masquerade_outside)} is not a boolean: use true or false",
        )
    )
    return mode == MODE_ROUTED


# ---------------------------------------------------------------------------------------------------
# Networks
# ---------------------------------------------------------------------------------------------------


def _parse_network_ipv4(
    entry: t.Mapping[str, t.Any], where: str, host: str, issues: list[PlanIssue]
) -> tuple[t.Optional[str], t.Optional[str]]:
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


def _network_name_problem(name: t.Any) -> t.Optional[str]:
    if not isinstance(name, str) or not name:
        return f"{_describe(name)} is not a network name: give a string"
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


def _network_slice_problem(prefix: t.Any, slice_prefixlen: int, host_count: int) -> t.Optional[str]:
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


def _parse_network(
    index: int, entry: t.Any, host_count: int, host: str, issues: list[PlanIssue]
) -> t.Optional[_Network]:
    where = f"{VAR_NETWORKS}[{index}]"
    if not isinstance(entry, t.Mapping):
        issues.append(PlanIssue(host, where, f"{_describe(entry)} is not a mapping: give name, ipv6_prefix, ..."))
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
        issues.append(
            PlanIssue(host, f"{where}.internal", f"{_describe(internal)} is not a boolean: use true or false")
        )
    driver_options = entry.get("driver_options")
    if driver_options is None:
        driver_options = {}
    if not isinstance(driver_options, t.Mapping):
        issues.append(
            PlanIssue(host, f"{where}.driver_options", f"{_describe(driver_options)} is not a mapping of option: value")
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
        issues.append(PlanIssue(host, VAR_NETWORKS, f"{_describe(site.networks)} is not a list of networks"))
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


# ---------------------------------------------------------------------------------------------------
# Hosts
# ---------------------------------------------------------------------------------------------------


def _parse_interface(host: HostInput, issues: list[PlanIssue]) -> t.Optional[str]:
    if host.lan_interface is None:
        issues.append(PlanIssue(host.name, VAR_LAN_INTERFACE, "required variable is not set"))
        return None
    if not isinstance(host.lan_interface, str) or not host.lan_interface.strip():
        issues.append(
            PlanIssue(
                host.name, VAR_LAN_INTERFACE, f"{_describe(host.lan_interface)} is not an interface name like eth0"
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


def _interface_addresses(host: HostInput, issues: list[PlanIssue]) -> t.Optional[dict[str, list[t.Any]]]:
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
                f"{_describe(gathered)} is not a mapping of interface names to lists of addresses: leave it to the "
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


def _parse_override(host: HostInput, mode: t.Optional[str], lan_prefix: t.Any, issues: list[PlanIssue]) -> t.Any:
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


def _parse_host(
    index: int, host: HostInput, mode: t.Optional[str], lan_prefix: t.Any, issues: list[PlanIssue]
) -> _Host:
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
                f"{_describe(forward_policy)} is not a policy: use 'drop' (forward only what Docker and the site "
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
    )


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
# Interval helpers
# ---------------------------------------------------------------------------------------------------


def _points(hosts: t.Sequence[_Host], gateways: t.Sequence[t.Any]) -> _Points:
    labelled: list[tuple[int, str, t.Optional[str]]] = [
        (int(host.lan_address), f"{host.name}'s {VAR_LAN_ADDRESS} {host.lan_address}", host.name)
        for host in hosts
        if host.lan_address is not None
    ]
    labelled.extend((int(gateway), f"gateway {gateway} ({VAR_GATEWAYS})", None) for gateway in gateways)
    labelled.sort(key=lambda item: item[0])
    return _Points([item[0] for item in labelled], [item[1] for item in labelled], [item[2] for item in labelled])


def _point_inside(points: _Points, first: int, last: int) -> t.Optional[int]:
    """Index in `points` of an address within [first, last], if any."""
    index = bisect.bisect_left(points.values, first)
    if index < len(points.values) and points.values[index] <= last:
        return index
    return None


def _overlapping_pairs(claims: t.Iterable[_Claim]) -> t.Iterator[tuple[_Claim, _Claim]]:
    """Yield (earlier, later) for every claim that overlaps one that starts before it.

    Sorting by (first, -last) and keeping the claim that reaches furthest finds, for every claim that
    overlaps any earlier one, an earlier claim it overlaps: O(n log n) instead of comparing every pair.
    """
    reach: t.Optional[_Claim] = None
    for claim in sorted(claims, key=lambda item: (item.first, -item.last, item.order)):
        if reach is not None and claim.first <= reach.last:
            yield reach, claim
            if claim.last > reach.last:
                reach = claim
        else:
            reach = claim


def _merged_intervals(intervals: t.Iterable[tuple[int, int]]) -> tuple[list[int], list[int]]:
    starts: list[int] = []
    ends: list[int] = []
    for first, last in sorted(intervals):
        if starts and first <= ends[-1] + 1:
            ends[-1] = max(ends[-1], last)
        else:
            starts.append(first)
            ends.append(last)
    return starts, ends


def allocate_slices(
    regions: t.Sequence[tuple[int, int]], prefixlen: int, count: int, blocked: t.Iterable[tuple[int, int]]
) -> list[int]:
    """First addresses of up to `count` aligned blocks of /prefixlen, taken in order from the regions.

    Regions are (first, last) integer ranges aligned to the block size; a block that overlaps any blocked
    (first, last) range is skipped, jumping past the whole blocked range at once.
    """
    size = 1 << (128 - prefixlen)
    starts, ends = _merged_intervals(blocked)
    taken: list[int] = []
    for region_first, region_last in regions:
        position = region_first
        while len(taken) < count and position + size - 1 <= region_last:
            index = bisect.bisect_right(starts, position + size - 1) - 1
            if index >= 0 and ends[index] >= position:
                position = (ends[index] // size + 1) * size
                continue
            taken.append(position)
            position += size
    return taken


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


def _parse_current(value: t.Any) -> t.Optional[_Current]:
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
    explicit_prefixlen: t.Optional[int],
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
    hosts: t.Sequence[_Host],
    lan_prefix: t.Any,
    prefixlen: int,
    explicit: bool,
    points: _Points,
    renumber: bool,
    issues: list[PlanIssue],
) -> dict[str, t.Any]:
    overrides = [(host.override.first, host.override.last) for host in hosts if host.override is not None]
    kept, refused = (
        ({}, {})
        if renumber
        else _keep_current_prefixes(
            hosts, lan_prefix, prefixlen if explicit else None, VAR_SLICE_PREFIXLEN, points, overrides
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
    allocated = {host.name: _network_from_int(first, prefixlen) for host, first in zip(wanting, firsts)}
    _report_refused(hosts, refused, allocated, issues)
    allocated.update(kept)
    return allocated


def _allocate_routed(
    hosts: t.Sequence[_Host],
    lan_prefix: t.Any,
    site: SiteInput,
    pool: t.Any,
    prefixlen: t.Optional[int],
    gateways: t.Sequence[t.Any],
    points: _Points,
    renumber: bool,
    issues: list[PlanIssue],
) -> dict[str, t.Any]:
    if prefixlen is None or all(host.override is not None for host in hosts):
        return {}
    overrides = [(host.override.first, host.override.last) for host in hosts if host.override is not None]
    blocked = [(int(gateway), int(gateway)) for gateway in gateways] + overrides
    if lan_prefix is not None:
        blocked.append((lan_prefix.first, lan_prefix.last))
    kept, refused = (
        ({}, {})
        if renumber
        else _keep_current_prefixes(
            hosts,
            pool,
            prefixlen if site.container_prefixlen is not None else None,
            VAR_CONTAINER_PREFIXLEN,
            points,
            blocked,
        )
    )
    wanting = [host for host in hosts if host.override is None and host.name not in kept]
    if pool is None:
        # A pool that is set but malformed has been reported already.
        if site.container_pool is None:
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
    allocated = {host.name: _network_from_int(first, prefixlen) for host, first in zip(wanting, firsts)}
    _report_refused(hosts, refused, allocated, issues)
    allocated.update(kept)
    return allocated


def _split_container_prefix(prefix: t.Any) -> tuple[t.Any, t.Any]:
    """The default bridge takes the lower half of a host's container prefix, its address pool the upper half."""
    halves = list(prefix.subnet(prefix.prefixlen + 1))
    return halves[0], halves[1]


def _pool_size(pool_base: t.Any, pool_prefixlen: t.Optional[int]) -> int:
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
    pool_prefixlen: t.Optional[int],
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
    networks: t.Sequence[_Network],
    hosts: t.Sequence[_Host],
    container_prefixes: t.Mapping[str, t.Any],
    mode: str,
    lan_prefix: t.Any,
    points: _Points,
    origin: t.Callable[[str], str],
    issues: list[PlanIssue],
) -> None:
    """Check each network's whole ipv6_prefix: its slices lie inside it, so that is enough, and cheaper."""
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
    mode: str,
    lan_prefix: t.Any,
    hosts: t.Sequence[_Host],
    container_prefixes: t.Mapping[str, t.Any],
    networks: t.Sequence[_Network],
    slices: t.Sequence[t.Sequence[t.Any]],
    pool_prefixlen: t.Optional[int],
    allowed_sources: t.Sequence[t.Any],
    masquerade_outside: bool,
) -> dict[str, t.Any]:
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
    site_sources = _site_sources(hosts, routable, allowed_sources)
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
            "lan_address": str(host.lan_address),
            "container_prefix": str(container_prefix),
            "fixed_cidr_v6": str(fixed_cidr),
            "address_pools": [{"base": str(pool_base), "size": _pool_size(pool_base, pool_prefixlen)}],
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
        "lan_prefix": str(lan_prefix),
        "site_sources": site_sources,
        # Traffic from containers to these destinations keeps its source address; empty means everywhere.
        "nat_exempt_destinations": site_sources if masquerade_outside else [],
        "masquerade_outside": masquerade_outside,
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
    renumber = _parse_renumber(site, origin, issues)
    if mode == MODE_NDP_PROXY:
        allocated = (
            _allocate_ndp(
                parsed, lan_prefix, slice_prefixlen, site.slice_prefixlen is not None, points, renumber, issues
            )
            if slice_prefixlen
            else {}
        )
    else:
        allocated = _allocate_routed(
            parsed, lan_prefix, site, pool, container_prefixlen, gateways, points, renumber, issues
        )
    container_prefixes = {
        host.name: host.override if host.override is not None else allocated.get(host.name) for host in parsed
    }
    container_prefixes = {name: prefix for name, prefix in container_prefixes.items() if prefix is not None}
    _check_container_prefixes(parsed, container_prefixes, mode, pool_prefixlen, issues)
    _check_networks(networks, parsed, container_prefixes, mode, lan_prefix, points, origin, issues)
    slices = _network_slices(networks, parsed, renumber, issues)
    _check_attached(networks, parsed, slices, issues)
    _check_live_restore(parsed, container_prefixes, issues)
    if issues:
        raise PlanError(issues)
    return _build_plan(
        mode,
        lan_prefix,
        parsed,
        container_prefixes,
        networks,
        slices,
        pool_prefixlen,
        allowed_sources,
        masquerade_outside,
    )


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
