# Copyright: dockernet.ipv6 contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The controller's one reader of addresses and prefixes (the planner's messages are in test__planner_messages.py)."""

from __future__ import annotations

import pytest

from ansible_collections.dockernet.ipv6.plugins.plugin_utils._addresses import describe, parse_address, parse_prefix


@pytest.mark.parametrize("text, version", [("2001:db8:ab11::1", 6), (" 172.31.0.1 ", 4), ("::ffff:172.31.0.1", 6)])
def test_either_family_when_no_version_is_asked(text, version):
    address, problem = parse_address(text, version=None)
    assert problem is None and address.version == version


@pytest.mark.parametrize(
    "value, problem",
    [
        ("1", "'1' is not an IP address: write it like 2001:db8:ab11::1"),
        ("2001:db8::/64", "'2001:db8::/64' is a prefix, not an address: give the address alone, like 2001:db8:ab11::1"),
        (None, "not set is not an IP address: write it as text like 2001:db8:ab11::1"),
    ],
)
def test_no_address_in_either_family(value, problem):
    assert parse_address(value, version=None) == (None, problem)


def test_a_version_asked_for_is_still_required():
    assert parse_address("172.31.0.1") == (
        None,
        "'172.31.0.1' is an IPv4 address where an IPv6 address is needed",
    )
    assert parse_prefix("172.31.0.0/24")[1] == "'172.31.0.0/24' is an IPv4 prefix where an IPv6 prefix is needed"


@pytest.mark.parametrize("value, text", [(None, "not set"), ("x", "'x'"), (66, "66"), ([1], "[1]")])
def test_describe_quotes_text_and_writes_the_rest_as_python(value, text):
    assert describe(value) == text
