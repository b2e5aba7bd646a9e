# Copyright: dockernet.ipv6 contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Inputs of the site planner: the variables it reads, how it reads them, and what is wrong with them.

Private to the collection: nothing outside dockernet.ipv6 may import it.

Holds the variable names (and every other dockernet_* name the collection knows), the planner's input records
(HostInput, SiteInput) and its errors (PlanIssue, PlanError, NetaddrMissingError); reading the inventory
(read_inputs), with the site-wide values compared between hosts by what they mean and the dockernet_* variables
nobody reads reported; and the parsers of single values, each returning (value, None) or (None, what is wrong).
"""

from __future__ import annotations

import difflib
import typing as t
from dataclasses import dataclass, field

from ansible.module_utils.parsing.convert_bool import boolean

from ansible_collections.dockernet.ipv6.plugins.module_utils._engine_capabilities import parse as parse_version
from ansible_collections.dockernet.ipv6.plugins.plugin_utils._addresses import describe, parse_address, parse_prefix
from ansible_collections.dockernet.ipv6.plugins.plugin_utils._plan_intervals import ceil_log2

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
VAR_ACCEPT_RA = "dockernet_accept_ra"
VAR_PROXY_DELAY = "dockernet_proxy_delay"
VAR_RA_INTERFACES = "dockernet_ra_interfaces"
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
    VAR_ACCEPT_RA,
    VAR_PROXY_DELAY,
    VAR_RA_INTERFACES,
)
# Every dockernet_* variable the collection reads, in one place: a hostvar outside this list (and outside the lab's
# namespace) is reported as misspelt, with the closest of these names.
# Read by playbooks/configure.yml and verify.yml (docs/variables.md, "Rollout variables"), not by the planner.
ROLLOUT_VARIABLES = (
    "dockernet_daemon_extra_settings",
    "dockernet_verify_image",
    "dockernet_install_prerequisites",
    "dockernet_serial",
    "dockernet_max_fail_percentage",
    "dockernet_rollout_lock_timeout",
    "dockernet_rollout_lock_break",
)
# Set by playbooks/preflight.yml on every host (the planner's gathered inputs are in HOST_VARIABLES).
PREFLIGHT_VARIABLES = ("dockernet_plan",)
KNOWN_VARIABLES = SITE_VARIABLES + HOST_VARIABLES + ROLLOUT_VARIABLES + PREFLIGHT_VARIABLES
VARIABLE_PREFIX = "dockernet_"
# The local lab's own variables (tools/lab/lab.sh, tests/integration): never the collection's, never reported.
RESERVED_VARIABLE_PREFIX = "dockernet_lab_"

MODE_NDP_PROXY = "ndp_proxy"
MODE_ROUTED = "routed"
MODES = (MODE_NDP_PROXY, MODE_ROUTED)
DEFAULT_CONTAINER_PREFIXLEN = 64

_TRACKED_SITE_VALUES = 8


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
    accept_ra: t.Any = None
    proxy_delay: t.Any = None
    ra_interfaces: t.Any = None


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


# ---------------------------------------------------------------------------------------------------
# Reading the inventory
# ---------------------------------------------------------------------------------------------------


def _variable(host_vars: t.Mapping[str, t.Any], name: str) -> t.Any:
    # hostvars objects template on access and only support `in` and `[]` reliably.
    if name in host_vars:
        return host_vars[name]
    return None


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
                    f"differs from {holder}'s value ({describe(value)} here, {describe(reference)} on {holder}): "
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
            accept_ra=_variable(host_vars, VAR_ACCEPT_RA),
            proxy_delay=_variable(host_vars, VAR_PROXY_DELAY),
            ra_interfaces=_variable(host_vars, VAR_RA_INTERFACES),
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


def _integer(value: t.Any) -> int | None:
    """An int (not a bool), or the number in a string of digits, as templating and -e give them; else None."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return None


def parse_prefixlen(value: t.Any, minimum: int, maximum: int) -> tuple[int | None, str | None]:
    """Parse a prefix length, an integer (or a string of digits, as templating may give) in [minimum, maximum]."""
    number = _integer(value)
    if number is None:
        return None, f"{describe(value)} is not an integer prefix length: write a number such as 66"
    if not minimum <= number <= maximum:
        return None, f"{number} is out of range: it must be between {minimum} and {maximum}"
    return number, None


def parse_bool(value: t.Any) -> tuple[bool | None, str | None]:
    """Parse a boolean as Ansible reads one: true/false, yes/no, on/off, 1/0 (as text too, as -e gives them)."""
    try:
        return boolean(value, strict=True), None
    except TypeError:
        return None, f"{describe(value)} is not a boolean: write true or false"


def parse_count(value: t.Any, maximum: int, unit: str) -> tuple[int | None, str | None]:
    """Parse a whole number in [0, maximum], an integer or a string of digits (as -e gives it)."""
    number = _integer(value)
    if number is None or number < 0:
        return None, f"{describe(value)} is not a whole number of {unit}: write 0 or more"
    if number > maximum:
        return None, f"{number} is out of range: it must be between 0 and {maximum} {unit}"
    return number, None


def parse_engine_version(value: t.Any) -> tuple[tuple[int, int] | None, str | None]:
    """Parse a Docker Engine version such as '28.5.2' or '26.1.5+dfsg1' into (major, minor)."""
    version = parse_version(value)
    if version is None:
        return None, (
            f"{describe(value)} is not a Docker Engine version: it must look like '28.5.2' "
            "(the preflight gathers it with 'docker version')"
        )
    return version[:2], None


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
