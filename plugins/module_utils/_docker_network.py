# Copyright: dockernet.ipv6 contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Pure logic of the docker_network module (private to this collection).

Everything here works on plain dicts: the module's parameters on one side, the engine's NetworkInspect and
ContainerInspect JSON on the other. Nothing talks to an engine, so all of it is unit-tested with recorded
inspect output.

Three rules shape the comparison:
- only what the task specifies is compared: the engine fills in gateways, an IPv4 subnet when only IPv6 was
  asked for, driver options such as ``com.docker.network.enable_ipv4`` and labels of its own;
- subnets are compared per address family and set-wise, as ``ipaddress`` objects, so spelling and order
  do not matter;
- a network's settings cannot be changed in place, so any difference means delete and create again, which
  disconnects every container: the containers and what they had (aliases, static addresses) are read first.
"""

from __future__ import annotations

import ipaddress
import typing as t

from ansible_collections.dockernet.ipv6.plugins.module_utils._engine_capabilities import GATEWAY_MODES, since
from ansible_collections.dockernet.ipv6.plugins.module_utils._hostlib.addresses import ip_address, ip_prefix

IPNetwork = t.Union[ipaddress.IPv4Network, ipaddress.IPv6Network]
IPAddress = t.Union[ipaddress.IPv4Address, ipaddress.IPv6Address]

GATEWAY_MODE_OPTIONS = (
    "com.docker.network.bridge.gateway_mode_ipv4",
    "com.docker.network.bridge.gateway_mode_ipv6",
)
# Engine versions that first honour each gateway mode. 26.1 stores the option and ignores it (measured),
# so it has to be refused on the client side.
GATEWAY_MODE_MIN_ENGINE = {mode: since("gateway_mode_" + mode) for mode in GATEWAY_MODES}
ENABLE_IPV4_MIN_ENGINE = since("ipv6_only_networks")

FAMILY_NAMES = {4: "IPv4", 6: "IPv6"}


class InvalidNetworkSpec(ValueError):
    """The task's parameters describe a network no engine would create."""


# --------------------------------------------------------------------------- wanted state


def _to_engine_string(value: t.Any) -> str:
    """Driver options and labels are strings in the engine; YAML gives booleans and numbers too."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _string_dict(values: dict | None) -> dict | None:
    if values is None:
        return None
    return {str(key): _to_engine_string(value) for key, value in values.items()}


def _parse_subnet(text: str) -> IPNetwork:
    try:
        return ip_prefix(text, version=None)
    except ValueError as exc:
        raise InvalidNetworkSpec("subnet %s" % exc) from None


def _parse_address(text: str, what: str) -> IPAddress:
    try:
        return ip_address(text, version=None)
    except ValueError as exc:
        raise InvalidNetworkSpec("%s %s" % (what, exc)) from None


def _normalise_pool(pool: dict) -> dict:
    """One ``ipam_config`` entry as canonical strings, checked for consistency."""
    if not pool.get("subnet"):
        raise InvalidNetworkSpec("every ipam_config entry needs a subnet")
    subnet = _parse_subnet(pool["subnet"])
    normalised: dict[str, t.Any] = {"subnet": str(subnet)}

    if pool.get("gateway"):
        gateway = _parse_address(pool["gateway"], "gateway")
        if gateway not in subnet:
            raise InvalidNetworkSpec("gateway %s is not in subnet %s" % (gateway, subnet))
        normalised["gateway"] = str(gateway)

    if pool.get("ip_range"):
        try:
            ip_range = ipaddress.ip_network(str(pool["ip_range"]).strip(), strict=True)
        except ValueError as exc:
            raise InvalidNetworkSpec(
                "ip_range %r of subnet %s is not a valid prefix (%s)" % (pool["ip_range"], subnet, exc)
            ) from exc
        if ip_range.version != subnet.version or not ip_range.subnet_of(subnet):  # type: ignore[arg-type]
            raise InvalidNetworkSpec("ip_range %s is not inside subnet %s" % (ip_range, subnet))
        normalised["ip_range"] = str(ip_range)

    if pool.get("aux_addresses"):
        aux_addresses = {}
        for aux_name, aux_text in pool["aux_addresses"].items():
            address = _parse_address(aux_text, "aux_addresses[%s]" % aux_name)
            if address not in subnet:
                raise InvalidNetworkSpec("aux_addresses[%s] %s is not in subnet %s" % (aux_name, address, subnet))
            aux_addresses[str(aux_name)] = str(address)
        normalised["aux_addresses"] = aux_addresses
    return normalised


def _pool_sort_key(pool: dict) -> tuple:
    subnet = ipaddress.ip_network(pool["subnet"], strict=False)
    return (subnet.version, subnet)


def normalise_wanted(params: dict) -> dict:
    """Check the module's parameters and return them in canonical form.

    Unset options stay ``None`` (so they are neither sent nor compared); ``enable_ipv6`` defaults to true
    when an IPv6 subnet is given. Raises InvalidNetworkSpec with a message for the user.
    """
    pools = [_normalise_pool(pool) for pool in params.get("ipam_config") or []]
    pools.sort(key=_pool_sort_key)
    subnets = [ipaddress.ip_network(pool["subnet"]) for pool in pools]
    for index, subnet in enumerate(subnets):
        for other in subnets[index + 1 :]:
            if subnet.version == other.version and subnet.overlaps(other):  # type: ignore[arg-type]
                raise InvalidNetworkSpec("subnets %s and %s overlap" % (subnet, other))
    families = {subnet.version for subnet in subnets}

    enable_ipv6 = params.get("enable_ipv6")
    if enable_ipv6 is None and 6 in families:
        enable_ipv6 = True
    if enable_ipv6 is False and 6 in families:
        raise InvalidNetworkSpec("enable_ipv6 is false but ipam_config has IPv6 subnets")
    enable_ipv4 = params.get("enable_ipv4")
    if enable_ipv4 is False and 4 in families:
        raise InvalidNetworkSpec("enable_ipv4 is false but ipam_config has IPv4 subnets")
    if enable_ipv4 is False and not enable_ipv6:
        raise InvalidNetworkSpec("enable_ipv4: false (an IPv6-only network) needs enable_ipv6: true or an IPv6 subnet")

    driver_options = _string_dict(params.get("driver_options"))
    for option in GATEWAY_MODE_OPTIONS:
        mode = (driver_options or {}).get(option)
        if mode is not None and mode not in GATEWAY_MODE_MIN_ENGINE:
            raise InvalidNetworkSpec(
                "driver option %s=%s: the gateway mode must be one of %s"
                % (option, mode, ", ".join(sorted(GATEWAY_MODE_MIN_ENGINE)))
            )

    return {
        "name": params["name"],
        "driver": params.get("driver") or "bridge",
        "driver_options": driver_options,
        "ipam_driver": params.get("ipam_driver"),
        "ipam_driver_options": _string_dict(params.get("ipam_driver_options")),
        "ipam_config": pools if params.get("ipam_config") is not None else None,
        "enable_ipv6": enable_ipv6,
        "enable_ipv4": enable_ipv4,
        "internal": params.get("internal"),
        "attachable": params.get("attachable"),
        "labels": _string_dict(params.get("labels")),
    }


def engine_requirements(wanted: dict) -> list[tuple[tuple[int, int], str]]:
    """(minimum engine version, what needs it) for everything in ``wanted`` that old engines mishandle."""
    requirements = []
    for option in GATEWAY_MODE_OPTIONS:
        mode = (wanted.get("driver_options") or {}).get(option)
        if mode is not None:
            requirements.append((GATEWAY_MODE_MIN_ENGINE[mode], "driver option %s=%s" % (option, mode)))
    if wanted.get("enable_ipv4") is False:
        requirements.append((ENABLE_IPV4_MIN_ENGINE, "enable_ipv4: false (an IPv6-only network, API 1.47+)"))
    return requirements


def create_body(wanted: dict, api_version: tuple[int, ...] = (1, 47)) -> dict:
    """The body of ``POST /networks/create`` for ``wanted``, in the engine API's own spelling."""
    body: dict[str, t.Any] = {"Name": wanted["name"], "Driver": wanted["driver"]}
    if wanted.get("driver_options"):
        body["Options"] = dict(wanted["driver_options"])
    ipam: dict[str, t.Any] = {"Driver": wanted.get("ipam_driver") or "default", "Config": []}
    for pool in wanted.get("ipam_config") or []:
        entry = {"Subnet": pool["subnet"]}
        if pool.get("ip_range"):
            entry["IPRange"] = pool["ip_range"]
        if pool.get("gateway"):
            entry["Gateway"] = pool["gateway"]
        if pool.get("aux_addresses"):
            entry["AuxiliaryAddresses"] = dict(pool["aux_addresses"])
        ipam["Config"].append(entry)
    if wanted.get("ipam_driver_options"):
        ipam["Options"] = dict(wanted["ipam_driver_options"])
    body["IPAM"] = ipam
    if wanted.get("enable_ipv6") is not None:
        body["EnableIPv6"] = wanted["enable_ipv6"]
    # Engines before API 1.47 do not know the field; true is their only behaviour anyway.
    if wanted.get("enable_ipv4") is not None and tuple(api_version) >= (1, 47):
        body["EnableIPv4"] = wanted["enable_ipv4"]
    for option, field in (("internal", "Internal"), ("attachable", "Attachable")):
        if wanted.get(option) is not None:
            body[field] = wanted[option]
    if wanted.get("labels"):
        body["Labels"] = dict(wanted["labels"])
    return body


def restore_body(network: dict) -> dict:
    """A create body that rebuilds ``network`` (its inspect output) as it was, for rolling back."""
    body: dict[str, t.Any] = {
        "Name": network["Name"],
        "Driver": network.get("Driver") or "bridge",
        "EnableIPv6": bool(network.get("EnableIPv6")),
        "Internal": bool(network.get("Internal")),
        "Attachable": bool(network.get("Attachable")),
    }
    if "EnableIPv4" in network:
        body["EnableIPv4"] = bool(network["EnableIPv4"])
    if network.get("Options"):
        body["Options"] = dict(network["Options"])
    if network.get("Labels"):
        body["Labels"] = dict(network["Labels"])
    ipam = network.get("IPAM") or {}
    body["IPAM"] = {
        "Driver": ipam.get("Driver") or "default",
        "Config": [{key: value for key, value in pool.items() if value} for pool in ipam.get("Config") or []],
    }
    if ipam.get("Options"):
        body["IPAM"]["Options"] = dict(ipam["Options"])
    return body


# --------------------------------------------------------------------------- current state


def summarise(network: dict | None) -> dict:
    """An inspect result in the module's option names, for the diff and for comparing."""
    if not network:
        return {}
    ipam = network.get("IPAM") or {}
    pools = []
    for pool in ipam.get("Config") or []:
        if not pool.get("Subnet"):
            continue
        entry = {"subnet": str(ipaddress.ip_network(pool["Subnet"], strict=False))}
        if pool.get("Gateway"):
            entry["gateway"] = str(ipaddress.ip_address(pool["Gateway"].split("/")[0]))
        if pool.get("IPRange"):
            entry["ip_range"] = str(ipaddress.ip_network(pool["IPRange"], strict=False))
        if pool.get("AuxiliaryAddresses"):
            entry["aux_addresses"] = {
                key: str(ipaddress.ip_address(value)) for key, value in pool["AuxiliaryAddresses"].items()
            }
        pools.append(entry)
    pools.sort(key=_pool_sort_key)
    return {
        "name": network.get("Name"),
        "driver": network.get("Driver"),
        "driver_options": dict(network.get("Options") or {}),
        "ipam_driver": ipam.get("Driver") or "default",
        "ipam_driver_options": dict(ipam.get("Options") or {}),
        "ipam_config": pools,
        "enable_ipv6": bool(network.get("EnableIPv6")),
        # Engines before 28.0 do not report it: every network of theirs has IPv4.
        "enable_ipv4": bool(network.get("EnableIPv4", True)),
        "internal": bool(network.get("Internal")),
        "attachable": bool(network.get("Attachable")),
        "labels": dict(network.get("Labels") or {}),
    }


def _pools_by_family(pools: list[dict]) -> dict[int, dict[IPNetwork, dict]]:
    by_family: dict[int, dict[IPNetwork, dict]] = {4: {}, 6: {}}
    for pool in pools:
        subnet = ipaddress.ip_network(pool["subnet"], strict=False)
        by_family[subnet.version][subnet] = pool
    return by_family


def compare(wanted: dict, current: dict) -> list[dict]:
    """Differences between ``wanted`` (normalise_wanted) and ``current`` (summarise), as
    ``{parameter, have, want}`` dicts; empty when the network already matches."""
    differences = []

    def differ(parameter: str, have: t.Any, want: t.Any) -> None:
        differences.append({"parameter": parameter, "have": have, "want": want})

    if wanted["driver"] != current["driver"]:
        differ("driver", current["driver"], wanted["driver"])
    for option in ("enable_ipv6", "enable_ipv4", "internal", "attachable"):
        if wanted[option] is not None and wanted[option] != current[option]:
            differ(option, current[option], wanted[option])
    if wanted["ipam_driver"] is not None and wanted["ipam_driver"] != current["ipam_driver"]:
        differ("ipam_driver", current["ipam_driver"], wanted["ipam_driver"])
    # The engine adds keys of its own to these, so only the keys the task names are compared.
    for option in ("driver_options", "ipam_driver_options", "labels"):
        for key, value in sorted((wanted[option] or {}).items()):
            if current[option].get(key) != value:
                differ("%s.%s" % (option, key), current[option].get(key), value)

    if wanted["ipam_config"] is not None:
        have_pools = _pools_by_family(current["ipam_config"])
        want_pools = _pools_by_family(wanted["ipam_config"])
        for family in (4, 6):
            if not want_pools[family]:
                # The task leaves this family's subnet to the engine.
                continue
            if set(have_pools[family]) != set(want_pools[family]):
                differ(
                    "ipam_config (%s subnets)" % FAMILY_NAMES[family],
                    [str(subnet) for subnet in sorted(have_pools[family])],
                    [str(subnet) for subnet in sorted(want_pools[family])],
                )
                continue
            for subnet, want_pool in sorted(want_pools[family].items()):
                have_pool = have_pools[family][subnet]
                for key in ("gateway", "ip_range", "aux_addresses"):
                    if key in want_pool and want_pool[key] != have_pool.get(key):
                        differ("ipam_config[%s].%s" % (subnet, key), have_pool.get(key), want_pool[key])
    return differences


def project_after(wanted: dict, current: dict) -> dict:
    """What the network will look like, in summarise() form: ``current`` overlaid with what the task sets.

    Used as the diff's ``after``, so the diff shows the task's changes and not the engine's defaults.
    A family whose subnets the task leaves to the engine keeps what the engine has (or nothing, for a new
    network: the engine allocates it at creation).
    """
    after = (
        dict(current)
        if current
        else {
            "name": wanted["name"],
            "driver_options": {},
            "ipam_driver": "default",
            "ipam_driver_options": {},
            "ipam_config": [],
            "enable_ipv6": False,
            "enable_ipv4": True,
            "internal": False,
            "attachable": False,
            "labels": {},
        }
    )
    after["name"] = wanted["name"]
    after["driver"] = wanted["driver"]
    for option in ("enable_ipv6", "enable_ipv4", "internal", "attachable", "ipam_driver"):
        if wanted[option] is not None:
            after[option] = wanted[option]
    for option in ("driver_options", "ipam_driver_options", "labels"):
        after[option] = dict(after.get(option) or {}, **(wanted[option] or {}))
    if wanted["ipam_config"] is not None:
        have_pools = _pools_by_family(after.get("ipam_config") or [])
        want_pools = _pools_by_family(wanted["ipam_config"])
        pools = []
        for family in (4, 6):
            if not want_pools[family]:
                pools.extend(have_pools[family].values())
                continue
            for subnet, want_pool in want_pools[family].items():
                pools.append(dict(have_pools[family].get(subnet, {}), **want_pool))
        after["ipam_config"] = sorted(pools, key=_pool_sort_key)
    return after


def overlapping_networks(wanted: dict, networks: list[dict]) -> list[str]:
    """Messages for each wanted subnet that overlaps a subnet of another network (inspect results).

    The engine refuses these with "Pool overlaps with other one on this address space"; finding them
    first means a recreate never removes the old network only to fail on the new one.
    """
    if (wanted.get("ipam_driver") or "default") != "default":
        return []
    problems = []
    for pool in wanted.get("ipam_config") or []:
        subnet = ipaddress.ip_network(pool["subnet"])
        for network in networks:
            if network.get("Name") == wanted["name"]:
                continue
            for other_pool in (network.get("IPAM") or {}).get("Config") or []:
                if not other_pool.get("Subnet"):
                    continue
                other = ipaddress.ip_network(other_pool["Subnet"], strict=False)
                if other.version == subnet.version and other.overlaps(subnet):  # type: ignore[arg-type]
                    problems.append("subnet %s overlaps %s of network %s" % (subnet, other, network.get("Name")))
    return problems


# --------------------------------------------------------------------------- attached containers


def attachment(container: dict, network_id: str, network_name: str) -> dict | None:
    """What ``container`` (its inspect output) has on the network: aliases, static addresses, options.

    Static addresses are the ones in IPAMConfig (``--ip``/``--ip6``); the addresses the engine picked
    are not kept, as the engine picks new ones. Engines before API 1.44 list the container's short ID
    among the aliases; it is dropped, as every engine adds it by itself.
    """
    networks = (container.get("NetworkSettings") or {}).get("Networks") or {}
    endpoint = None
    for settings in networks.values():
        if (settings or {}).get("NetworkID") == network_id:
            endpoint = settings
            break
    else:
        endpoint = networks.get(network_name)
    if endpoint is None:
        return None
    container_id = container.get("Id", "")
    ipam_config = endpoint.get("IPAMConfig") or {}
    return {
        "container": (container.get("Name") or container_id).lstrip("/"),
        "container_id": container_id,
        "running": bool((container.get("State") or {}).get("Running")),
        "aliases": [alias for alias in endpoint.get("Aliases") or [] if alias != container_id[:12]],
        "ipv4_address": ipam_config.get("IPv4Address") or None,
        "ipv6_address": ipam_config.get("IPv6Address") or None,
        "link_local_ips": list(ipam_config.get("LinkLocalIPs") or []),
        "driver_opts": dict(endpoint.get("DriverOpts") or {}),
    }


def default_gateway(subnet: IPNetwork) -> IPAddress:
    """The gateway the engine picks when none is given: the subnet's first address after the network's own."""
    return subnet.network_address + 1


def _address_verdict(address_text: str, family: int, wanted: dict, gateways: dict[str, str]) -> str | None:
    """Why a static address cannot be kept on the new network, or None when it can."""
    family_name = FAMILY_NAMES[family]
    try:
        address = ipaddress.ip_address(address_text)
    except ValueError:
        return "not an IP address"
    if family == 6 and not wanted.get("enable_ipv6"):
        return "IPv6 is not enabled on the new network"
    if family == 4 and wanted.get("enable_ipv4") is False:
        return "IPv4 is disabled on the new network"
    pools = [pool for pool in wanted.get("ipam_config") or [] if ipaddress.ip_network(pool["subnet"]).version == family]
    if not pools:
        return (
            "the new network has no %s subnet in ipam_config; the engine accepts static addresses only "
            "in subnets the network was created with" % family_name
        )
    for pool in pools:
        subnet = ipaddress.ip_network(pool["subnet"])
        if address not in subnet:
            continue
        gateway = gateways.get(pool["subnet"]) or pool.get("gateway") or str(default_gateway(subnet))
        if address == ipaddress.ip_address(gateway):
            return "it is the gateway of %s" % subnet
        if address == subnet.network_address and subnet.num_addresses > 2:
            return "it is the network address of %s" % subnet
        if family == 4 and address == subnet.broadcast_address and subnet.num_addresses > 2:
            return "it is the broadcast address of %s" % subnet
        for aux_name, aux_address in sorted((pool.get("aux_addresses") or {}).items()):
            if address == ipaddress.ip_address(aux_address):
                return "it is reserved as aux_addresses[%s] of %s" % (aux_name, subnet)
        return None
    return "not in the new %s subnets (%s)" % (family_name, ", ".join(pool["subnet"] for pool in pools))


def plan_reconnections(
    attachments: list[dict], wanted: dict, gateways: dict[str, str] | None = None
) -> tuple[list[dict], list[dict]]:
    """How each attached container is connected again after the network is created anew.

    Returns ``(reconnect, not_kept)``: ``reconnect`` holds one entry per container with the aliases and
    the static addresses that are still valid, containers with static addresses first (so addresses the
    engine hands out to the others cannot take theirs); ``not_kept`` says which address was dropped and why.
    ``gateways`` maps subnet to the gateway the new network really has, when it is known.
    """
    reconnect = []
    not_kept = []
    for entry in attachments:
        planned = dict(entry)
        for family, key in ((4, "ipv4_address"), (6, "ipv6_address")):
            if not entry.get(key):
                continue
            reason = _address_verdict(entry[key], family, wanted, gateways or {})
            if reason is not None:
                planned[key] = None
                not_kept.append({"container": entry["container"], "address": entry[key], "reason": reason})
        reconnect.append(planned)
    reconnect.sort(key=lambda item: (not (item.get("ipv4_address") or item.get("ipv6_address")), item["container"]))
    return reconnect, not_kept
