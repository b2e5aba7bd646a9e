# Copyright: dockernet.ipv6 contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""NDP proxy planning for the host library: which proxy entries to add and remove on one link.

Pure functions over ipaddress objects (the standard library, so targets need no netaddr); nothing here
runs a command (converge.py does). Nothing outside this collection may rely on this file.
"""

from __future__ import annotations

import functools
import ipaddress
from dataclasses import dataclass, field

from .addresses import ip_address, ip_prefix


# Printing an address costs ipaddress tens of microseconds, and one run prints each address up to three times
# (before, after, the batch): each is printed once per process (addresses.ip_address parses each text once).
# Bounded, since the sync service runs for months while containers come and go.
@functools.lru_cache(maxsize=4096)
def _text(address: ipaddress.IPv6Address) -> str:
    return address.compressed


@dataclass(frozen=True)
class Plan:
    """What to do on one link, and what the link will hold afterwards (all sorted by address).

    ``foreign``: entries inside the prefixes that exclusive would remove were they ours, left alone because
    they do not carry the collection's tag (untagged, or tagged by someone else).
    """

    to_add: list = field(default_factory=list)
    to_remove: list = field(default_factory=list)
    before: list = field(default_factory=list)
    after: list = field(default_factory=list)
    foreign: list = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.to_add or self.to_remove)


def sort_addresses(addresses) -> list:
    """Addresses in numeric order, without duplicates."""
    return sorted(set(addresses), key=int)


def as_strings(addresses) -> list[str]:
    """Canonical (RFC 5952) text of each address, in the order given."""
    return [_text(address) for address in addresses]


def parse_address(value: str) -> ipaddress.IPv6Address:
    """One address a proxy entry can hold; ValueError with a message a user can act on otherwise."""
    address = ip_address(value)
    if address.is_multicast or address.is_unspecified or address.is_loopback:
        raise ValueError('%r cannot be proxied: it is a multicast, unspecified or loopback address' % value)
    return address


def parse_addresses(values) -> tuple[list, list[str]]:
    """Parsed addresses and one error message per value that is not a usable IPv6 address."""
    addresses, errors = [], []
    for value in values:
        try:
            addresses.append(parse_address(value))
        except ValueError as exc:
            errors.append(str(exc))
    return addresses, errors


def current_addresses(values) -> list:
    """Addresses of existing entries as ip printed them; whatever is there counts, even what
    parse_address would refuse to add (a multicast entry someone added by hand, say)."""
    return [ip_address(value) for value in values]


def owned_addresses(entries, protocol: int) -> set:
    """Addresses of the entries (from iproute.proxy_entries) that carry the tag ``protocol``.

    The tag is compared as the number ``ip -N`` prints; protocol 0 (untagged) owns nothing, since an
    untagged entry may be anyone's.
    """
    if not protocol:
        return set()
    return {
        ip_address(entry['address'])
        for entry in entries
        if entry.get('protocol') is not None and str(entry['protocol']) == str(protocol)
    }


def parse_prefix(value: str) -> ipaddress.IPv6Network:
    """One managed prefix; ValueError if it is not IPv6 or has host bits set."""
    return ip_prefix(value)


def parse_prefixes(values) -> tuple[list, list[str]]:
    """Parsed prefixes and one error message per value that is not an IPv6 prefix."""
    prefixes, errors = [], []
    for value in values:
        try:
            prefixes.append(parse_prefix(value))
        except ValueError as exc:
            errors.append(str(exc))
    return prefixes, errors


def in_prefixes(address: ipaddress.IPv6Address, prefixes) -> bool:
    """Whether ``address`` lies inside one of ``prefixes``; no prefixes means no limit."""
    if not prefixes:
        return True
    return any(address in prefix for prefix in prefixes)


def split_by_prefixes(addresses, prefixes) -> tuple[set, set]:
    """(inside, outside) the managed prefixes; everything is inside when there are none."""
    inside, outside = set(), set()
    for address in addresses:
        (inside if in_prefixes(address, prefixes) else outside).add(address)
    return inside, outside


def plan(current, wanted, prefixes, state: str = 'present', exclusive: bool = False, owned=None) -> Plan:
    """The changes that bring the proxy entries of one link to the desired state.

    ``current``: addresses of the link's proxy entries. ``wanted``: the addresses named by the task
    (list and containers), already filtered to ``prefixes``. With ``state=present`` the wanted addresses
    are added; with ``absent`` they are removed (whatever their tag: they were named). ``exclusive`` also
    removes the entries inside ``prefixes`` that are not wanted, but only those in ``owned`` (the entries
    tagged as the collection's, see owned_addresses); the others are kept and listed in ``Plan.foreign``.
    ``owned=None`` counts every entry as owned, as before tags were checked: callers should pass it.
    Entries outside ``prefixes`` are only ever touched when named in ``wanted``; when ``exclusive`` is
    set, the caller guarantees there are prefixes.
    """
    if exclusive and not prefixes:
        raise ValueError('exclusive needs the managed prefixes')
    current = set(current)
    wanted = set(wanted)
    owned = current if owned is None else set(owned) & current
    if state == 'present':
        to_add = wanted - current
        to_remove = set()
        unwanted = current - wanted
    elif state == 'absent':
        to_add = set()
        to_remove = current & wanted
        unwanted = current - to_remove
    else:
        raise ValueError('state must be present or absent, not %r' % state)
    foreign = set()
    if exclusive:
        swept = {address for address in unwanted if in_prefixes(address, prefixes)}
        to_remove |= swept & owned
        foreign = swept - owned
    after = (current - to_remove) | to_add
    return Plan(
        to_add=sort_addresses(to_add),
        to_remove=sort_addresses(to_remove),
        before=sort_addresses(current),
        after=sort_addresses(after),
        foreign=sort_addresses(foreign),
    )
