# Copyright: dockernet.ipv6 contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Addresses and prefixes on the hosts: the one place that reads them from text, on the standard library.

Every module and host-side service takes an address or prefix it is given through these two functions, so that
a value is refused with the same words wherever it is written, and never reaches a command line with anything
but its canonical text (ipaddress accepts a zone index, "fe80::1%eth0", of any characters, newlines included).
The controller reads the inventory's addresses with netaddr instead (plugin_utils/_addresses.py). Nothing outside
this collection may rely on this file.
"""

from __future__ import annotations

import functools
import ipaddress


@functools.lru_cache(maxsize=4096)
def _parsed(text: str, version: int | None):
    # Parsing costs ipaddress tens of microseconds (ip_address tries IPv4 first), and a run over a link's proxy
    # entries meets each address up to three times (named by the task, read back from the link, checked for the
    # tag). The result is immutable, so each text is parsed once per process; bounded, since the sync service runs
    # for months. An IPv4 text fails to parse as IPv6 here, and ip_address then says it is no IPv6 address.
    return ipaddress.IPv6Address(text) if version == 6 else ipaddress.ip_address(text)


def _family(version: int | None) -> str:
    return 'an IPv4 or IPv6' if version is None else 'an IPv%d' % version


def _no_zone(address, value: object) -> None:
    if getattr(address, 'scope_id', None) is not None:
        raise ValueError('%r has a zone index (%%...); give the address without it' % (value,))


def ip_address(value: object, version: int | None = 6):
    """The address in ``value`` (of ``version``, or either family with None); ValueError saying what is wrong."""
    text = str(value).strip()
    try:
        address = _parsed(text, version)
    except ValueError:
        if '/' in text:
            raise ValueError(
                '%r is a prefix; give a single %s address (without /length)' % (value, _family(version)[3:])
            ) from None
        raise ValueError('%r is not %s address' % (value, _family(version))) from None
    if version is not None and address.version != version:
        raise ValueError('%r is not %s address' % (value, _family(version)))
    _no_zone(address, value)
    return address


def ip_prefix(value: object, version: int | None = 6):
    """The prefix in ``value`` (of ``version``, or either family with None), host bits clear; ValueError otherwise."""
    text = str(value).strip()
    try:
        network = ipaddress.ip_network(text, strict=True)
    except ValueError:
        try:
            loose = ipaddress.ip_network(text, strict=False)
        except ValueError:
            raise ValueError('%r is not %s prefix' % (value, _family(version))) from None
        if version is not None and loose.version != version:
            raise ValueError('%r is not %s prefix' % (value, _family(version))) from None
        raise ValueError('%r has host bits set; did you mean %s?' % (value, loose.compressed)) from None
    if version is not None and network.version != version:
        raise ValueError('%r is not %s prefix' % (value, _family(version)))
    _no_zone(network.network_address, value)
    return network
