# Copyright: dockernet.ipv6 contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The hosts' one reader of addresses and prefixes: every message word for word."""

from __future__ import annotations

import ipaddress

import pytest

from ansible_collections.dockernet.ipv6.plugins.module_utils._hostlib.addresses import ip_address, ip_prefix


@pytest.mark.parametrize(
    "value, version, parsed",
    [
        (" 2001:DB8::1 ", 6, ipaddress.IPv6Address("2001:db8::1")),
        ("192.0.2.1", 4, ipaddress.IPv4Address("192.0.2.1")),
        ("192.0.2.1", None, ipaddress.IPv4Address("192.0.2.1")),
        ("2001:db8::1", None, ipaddress.IPv6Address("2001:db8::1")),
    ],
)
def test_an_address_of_the_family_asked(value, version, parsed):
    assert ip_address(value, version) == parsed


@pytest.mark.parametrize(
    "value, version, message",
    [
        ("192.0.2.1", 6, "'192.0.2.1' is not an IPv6 address"),
        ("nonsense", None, "'nonsense' is not an IPv4 or IPv6 address"),
        ("2001:db8::/64", 6, "'2001:db8::/64' is a prefix; give a single IPv6 address (without /length)"),
        ("10.0.0.0/8", None, "'10.0.0.0/8' is a prefix; give a single IPv4 or IPv6 address (without /length)"),
        ("fe80::1%eth0", 6, "'fe80::1%eth0' has a zone index (%...); give the address without it"),
        (7, 6, "7 is not an IPv6 address"),
    ],
)
def test_what_is_not_an_address(value, version, message):
    with pytest.raises(ValueError) as caught:
        ip_address(value, version)
    assert str(caught.value) == message


@pytest.mark.parametrize(
    "value, version, parsed",
    [
        ("2001:db8:ab11::/64 ", 6, ipaddress.IPv6Network("2001:db8:ab11::/64")),
        ("10.0.0.0/8", None, ipaddress.IPv4Network("10.0.0.0/8")),
        ("2001:db8::1", 6, ipaddress.IPv6Network("2001:db8::1/128")),
    ],
)
def test_a_prefix_of_the_family_asked(value, version, parsed):
    assert ip_prefix(value, version) == parsed


@pytest.mark.parametrize(
    "value, version, message",
    [
        ("2001:db8::1/64", 6, "'2001:db8::1/64' has host bits set; did you mean 2001:db8::/64?"),
        ("10.0.0.1/8", None, "'10.0.0.1/8' has host bits set; did you mean 10.0.0.0/8?"),
        ("10.0.0.1/8", 6, "'10.0.0.1/8' is not an IPv6 prefix"),
        ("10.0.0.0/8", 6, "'10.0.0.0/8' is not an IPv6 prefix"),
        ("2001:db8::/64\nroute flush", 6, "'2001:db8::/64\\nroute flush' is not an IPv6 prefix"),
        ("zz", None, "'zz' is not an IPv4 or IPv6 prefix"),
        ("fe80::%eth0/64", 6, "'fe80::%eth0/64' has a zone index (%...); give the address without it"),
    ],
)
def test_what_is_not_a_prefix(value, version, message):
    with pytest.raises(ValueError) as caught:
        ip_prefix(value, version)
    assert str(caught.value) == message
