# Copyright: dockernet.ipv6 contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

import pytest

from ansible_collections.dockernet.ipv6.plugins.module_utils._hostlib.firewall import (
    FirewallConfigError,
    forward_policy,
    internal_subnets,
    jump_commands,
    parse_config,
    restore_text,
)
from ansible_collections.dockernet.ipv6.tests.unit.engine_outputs import NETWORKS_28_5

BOOK = {
    "interface": "eth0",
    "sources": ["2001:db8:ab11::1/128", "2001:db8:ab11::2/128", "2001:db8:ab11:0:8000::/65"],
    "destinations": ["2001:db8:ab11:0:8000::/66", "2001:db8:ab11:0:4000::/67"],
    "internal_prefixes": ["2001:db8:ab11:0:2000::/68"],
    "nat_exempt_destinations": [],
    "raw_table_accept": True,
    "forward_policy": "drop",
}


def test_restore_text_of_the_book_site_with_an_engine_internal_network():
    text = restore_text(parse_config(BOOK), ["2001:db8:ab11:0:a000::/75"])
    assert text.splitlines() == [
        "*filter",
        ":DOCKERNET-FORWARD - [0:0]",
        ":DOCKERNET-SITE - [0:0]",
        "-A DOCKERNET-FORWARD -d 2001:db8:ab11:0:2000::/68 -j RETURN",
        "-A DOCKERNET-FORWARD -d 2001:db8:ab11:0:a000::/75 -j RETURN",
        "-A DOCKERNET-FORWARD -i eth0 -d 2001:db8:ab11:0:8000::/66 -j DOCKERNET-SITE",
        "-A DOCKERNET-FORWARD -i eth0 -d 2001:db8:ab11:0:4000::/67 -j DOCKERNET-SITE",
        "-A DOCKERNET-SITE -s 2001:db8:ab11::1/128 -j ACCEPT",
        "-A DOCKERNET-SITE -s 2001:db8:ab11::2/128 -j ACCEPT",
        "-A DOCKERNET-SITE -s 2001:db8:ab11:0:8000::/65 -j ACCEPT",
        "COMMIT",
        "*nat",
        ":DOCKERNET-POSTROUTING - [0:0]",
        ":DOCKERNET-NAT-SITE - [0:0]",
        "-A DOCKERNET-POSTROUTING -s 2001:db8:ab11:0:8000::/66 -j ACCEPT",
        "-A DOCKERNET-POSTROUTING -s 2001:db8:ab11:0:4000::/67 -j ACCEPT",
        "COMMIT",
        "*raw",
        ":DOCKERNET-PREROUTING - [0:0]",
        "-A DOCKERNET-PREROUTING -d 2001:db8:ab11:0:2000::/68 -j RETURN",
        "-A DOCKERNET-PREROUTING -d 2001:db8:ab11:0:a000::/75 -j RETURN",
        "-A DOCKERNET-PREROUTING -i eth0 -d 2001:db8:ab11:0:8000::/66 -j ACCEPT",
        "-A DOCKERNET-PREROUTING -i eth0 -d 2001:db8:ab11:0:4000::/67 -j ACCEPT",
        "COMMIT",
    ]


def test_masquerading_outside_the_site_exempts_only_site_destinations():
    config = dict(BOOK, nat_exempt_destinations=["2001:db8:cd00::/63", "2001:db8:ab11::2/128"], raw_table_accept=False)
    nat = restore_text(parse_config(config), []).split("*nat\n", 1)[1].splitlines()
    assert nat == [
        ":DOCKERNET-POSTROUTING - [0:0]",
        ":DOCKERNET-NAT-SITE - [0:0]",
        "-A DOCKERNET-POSTROUTING -s 2001:db8:ab11:0:8000::/66 -j DOCKERNET-NAT-SITE",
        "-A DOCKERNET-POSTROUTING -s 2001:db8:ab11:0:4000::/67 -j DOCKERNET-NAT-SITE",
        "-A DOCKERNET-NAT-SITE -d 2001:db8:cd00::/63 -j ACCEPT",
        "-A DOCKERNET-NAT-SITE -d 2001:db8:ab11::2/128 -j ACCEPT",
        "COMMIT",
    ]


def test_an_internal_prefix_given_twice_is_one_rule():
    text = restore_text(parse_config(BOOK), ["2001:db8:ab11:0:2000::/68"])
    assert text.count("-A DOCKERNET-FORWARD -d 2001:db8:ab11:0:2000::/68 -j RETURN") == 1


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("interface", "eth0 -j ACCEPT", "interface: 'eth0 -j ACCEPT' is not a link name"),
        ("interface", None, "interface: None is not a link name"),
        ("sources", ["2001:db8::/64 -j DROP"], "sources: '2001:db8::/64 -j DROP' is not an IPv6 prefix"),
        ("destinations", ["172.30.0.0/16"], "destinations: '172.30.0.0/16' is not an IPv6 prefix"),
        (
            "destinations",
            ["2001:db8:ab11::1/64"],
            "destinations: '2001:db8:ab11::1/64' has host bits set; did you mean 2001:db8:ab11::/64?",
        ),
        ("internal_prefixes", "2001:db8::/64", "internal_prefixes: expected a list of IPv6 prefixes"),
        ("forward_policy", "accept", "forward_policy: 'accept' is not one of drop, keep"),
    ],
)
def test_values_that_would_reach_a_rule_are_checked(key, value, message):
    with pytest.raises(FirewallConfigError) as caught:
        parse_config(dict(BOOK, **{key: value}))
    assert str(caught.value).startswith(message)


def test_a_configuration_with_only_the_interface_takes_the_defaults():
    assert parse_config({"interface": "eth0"}) == {
        "interface": "eth0",
        "sources": [],
        "destinations": [],
        "internal_prefixes": [],
        "nat_exempt_destinations": [],
        "raw_table_accept": False,
        "forward_policy": "drop",
    }


def test_the_checked_configuration_keeps_every_value():
    config = dict(BOOK, nat_exempt_destinations=["2001:db8:cd00::/63"], forward_policy="keep")
    assert parse_config(config) == config


@pytest.mark.parametrize(
    ("config", "message"),
    [
        (["eth0"], "the configuration must be a JSON object"),
        (
            dict(BOOK, nat_exempt_destinations=["2001:db8:cd00::1/63"]),
            "nat_exempt_destinations: '2001:db8:cd00::1/63' has host bits set; did you mean 2001:db8:cd00::/63?",
        ),
        (
            dict(BOOK, nat_exempt_destinations=None),
            "nat_exempt_destinations: expected a list of IPv6 prefixes, got None",
        ),
    ],
)
def test_a_wrong_configuration_is_refused_with_the_whole_message(config, message):
    with pytest.raises(FirewallConfigError) as caught:
        parse_config(config)
    assert str(caught.value) == message


def test_internal_subnets_from_the_engine_network_list():
    assert internal_subnets(NETWORKS_28_5) == ["fd17:e864:e155::/64"]


def test_internal_subnets_skip_entries_without_a_usable_subnet():
    odd = [{"Name": "x", "Internal": True, "IPAM": None}, {"Name": "y", "Internal": True, "IPAM": {"Config": [{}]}}]
    assert internal_subnets(NETWORKS_28_5 + odd) == ["fd17:e864:e155::/64"]


def test_internal_subnets_are_those_of_internal_networks_only():
    networks = [
        None,
        {"Name": "front", "Internal": False, "IPAM": {"Config": [{"Subnet": "2001:db8:ab11:0:8000::/67"}]}},
        # an entry without a subnet does not hide the next one; host bits are dropped, not a reason to skip it
        {"Name": "back", "Internal": True, "IPAM": {"Config": [{"Gateway": "fd00:1::1"}, {"Subnet": "fd00:2::1/64"}]}},
    ]
    assert internal_subnets(networks) == ["fd00:2::/64"]


# Output of `ip6tables -t nat -S POSTROUTING` recorded on Docker 26.1 after a network was created: the
# engine inserted its MASQUERADE rule above the collection's jump.
NAT_AFTER_NETWORK_CREATE = """-P POSTROUTING ACCEPT
-A POSTROUTING -s 2001:db8:ab11:0:a000::/75 ! -o br-941e41333b53 -j MASQUERADE
-A POSTROUTING -j DOCKERNET-POSTROUTING
-A POSTROUTING -s 2001:db8:ab11:0:8000::/67 ! -o docker0 -j MASQUERADE
"""


def test_a_jump_pushed_down_is_put_back_first():
    assert jump_commands("nat", "POSTROUTING", "DOCKERNET-POSTROUTING", NAT_AFTER_NETWORK_CREATE) == [
        ["-t", "nat", "-I", "POSTROUTING", "1", "-j", "DOCKERNET-POSTROUTING"],
        ["-t", "nat", "-D", "POSTROUTING", "3"],
    ]


def test_a_jump_already_first_needs_nothing():
    listing = "-P POSTROUTING ACCEPT\n-A POSTROUTING -j DOCKERNET-POSTROUTING\n-A POSTROUTING -s ::/0 -j MASQUERADE\n"
    assert jump_commands("nat", "POSTROUTING", "DOCKERNET-POSTROUTING", listing) == []


def test_a_missing_jump_is_inserted_and_duplicates_removed_from_the_bottom():
    assert jump_commands(
        "filter", "DOCKER-USER", "DOCKERNET-FORWARD", "-N DOCKER-USER\n-A DOCKER-USER -j RETURN\n"
    ) == [
        ["-t", "filter", "-I", "DOCKER-USER", "1", "-j", "DOCKERNET-FORWARD"],
    ]
    listing = (
        "-A DOCKER-USER -j RETURN\n-A DOCKER-USER -j DOCKERNET-FORWARD\n-A DOCKER-USER -s ::1/128 -j DROP\n"
        "-A DOCKER-USER -j DOCKERNET-FORWARD\n"
    )
    assert jump_commands("filter", "DOCKER-USER", "DOCKERNET-FORWARD", listing) == [
        ["-t", "filter", "-I", "DOCKER-USER", "1", "-j", "DOCKERNET-FORWARD"],
        ["-t", "filter", "-D", "DOCKER-USER", "5"],
        ["-t", "filter", "-D", "DOCKER-USER", "3"],
    ]


def test_a_rule_without_a_target_counts_as_a_position():
    # `ip6tables -A DOCKER-USER` (a rule that only counts packets) is listed as "-A DOCKER-USER": the jump
    # below it is second, and deleting it after the insert means deleting rule 3.
    listing = "-N DOCKER-USER\n-A DOCKER-USER\n-A DOCKER-USER -j DOCKERNET-FORWARD\n"
    assert jump_commands("filter", "DOCKER-USER", "DOCKERNET-FORWARD", listing) == [
        ["-t", "filter", "-I", "DOCKER-USER", "1", "-j", "DOCKERNET-FORWARD"],
        ["-t", "filter", "-D", "DOCKER-USER", "3"],
    ]


def test_a_rule_with_more_matches_is_not_the_jump():
    listing = "-A DOCKER-USER -i eth1 -j DOCKERNET-FORWARD\n"
    assert jump_commands("filter", "DOCKER-USER", "DOCKERNET-FORWARD", listing)[0][2] == "-I"


def test_forward_policy_read_from_the_listing():
    assert forward_policy("-P FORWARD ACCEPT\n-A FORWARD -j DOCKER-USER\n") == "ACCEPT"
    assert forward_policy("-P FORWARD DROP\n") == "DROP"
    assert forward_policy("") is None


def test_forward_policy_is_found_among_the_policies_of_every_chain():
    # `ip6tables -S` without a chain lists the policies of INPUT, FORWARD and OUTPUT first.
    assert forward_policy("-P INPUT ACCEPT\n-P FORWARD DROP\n-P OUTPUT ACCEPT\n-A FORWARD -j DOCKER-USER\n") == "DROP"
