# Copyright: dockernet.ipv6 contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Addresses and prefixes on the controller: the one place that reads them from text, on netaddr.

Private to the collection: nothing outside dockernet.ipv6 may import it. The planner (and the filters, which run
where it does) take every address and prefix of the inventory through these parsers, so that a value is refused
with the same words wherever it is written. The hosts' side reads addresses with the standard library instead
(module_utils/_hostlib/addresses.py), so that hosts need nothing extra.
"""

from __future__ import annotations

import typing as t

try:
    from netaddr import AddrFormatError, IPAddress, IPNetwork
except ImportError:
    HAS_NETADDR = False
else:
    HAS_NETADDR = True


class NetaddrMissingError(RuntimeError):
    """The netaddr library is not installed where the planner runs (the controller)."""


def require_netaddr() -> None:
    """Raise NetaddrMissingError when netaddr cannot be imported."""
    if not HAS_NETADDR:
        raise NetaddrMissingError(
            "the dockernet.ipv6 planner needs the Python library netaddr on the Ansible controller: "
            "install it in the controller's Python, for example with 'pip install netaddr'"
        )


def describe(value: t.Any) -> str:
    """A value as a message quotes it: 'text' in quotes, anything else as Python writes it, None as not set."""
    if value is None:
        return "not set"
    if isinstance(value, str):
        return f"'{value}'"
    return repr(value)


def _family(version: int | None) -> str:
    return "IP" if version is None else f"IPv{version}"


def parse_prefix(value: t.Any, version: int = 6) -> tuple[t.Any, str | None]:
    """Parse a prefix such as 2001:db8:ab11::/64 (version 6) or 172.31.0.0/24 (version 4)."""
    example = "2001:db8:ab11::/64" if version == 6 else "172.31.0.0/24"
    if not isinstance(value, str):
        return None, f"{describe(value)} is not an {_family(version)} prefix: write it as text like {example}"
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


def parse_address(value: t.Any, version: int | None = 6) -> tuple[t.Any, str | None]:
    """Parse a single address such as 2001:db8:ab11::1 (version 6) or 172.31.0.1 (version 4); either with None."""
    example = "172.31.0.1" if version == 4 else "2001:db8:ab11::1"
    if not isinstance(value, str):
        return None, f"{describe(value)} is not an {_family(version)} address: write it as text like {example}"
    text = value.strip()
    if "/" in text:
        return None, f"'{text}' is a prefix, not an address: give the address alone, like {example}"
    try:
        address = IPAddress(text)
    except (AddrFormatError, ValueError, TypeError):
        return None, f"'{text}' is not an {_family(version)} address: write it like {example}"
    if version is not None and address.version != version:
        return None, f"'{text}' is an {_family(address.version)} address where an {_family(version)} address is needed"
    return address, None
