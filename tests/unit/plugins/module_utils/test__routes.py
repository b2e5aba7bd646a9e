# Copyright: dockernet.ipv6 contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

import json

import pytest

from ansible_collections.dockernet.ipv6.plugins.module_utils._routes import (
    Route,
    batch_lines,
    canonical_address,
    canonical_prefix,
    plan_routes,
    routes_from_ip,
)

# Captured from `ip -N -j -6 route show table main` (iproute2 6.1) in a network namespace.
IP_OUTPUT = json.loads("""[
 {"dst":"2001:db8:99::/64","gateway":"2001:db8:ab11::9","dev":"ra","metric":1024,"flags":[],"pref":"medium"},
 {"dst":"2001:db8:ab11::/64","dev":"ra","protocol":2,"metric":256,"flags":[],"pref":"medium"},
 {"dst":"2001:db8:ef11::/64","gateway":"2001:db8:ab11::2","dev":"ra","protocol":214,"metric":1024,"flags":[],"pref":"medium"},
 {"dst":"default","gateway":"2001:db8:ab11::fffe","dev":"ra","protocol":3,"metric":1024,"flags":[],"pref":"medium"},
 {"dst":"2001:db8:ab11::7","dev":"ra","protocol":214,"metric":1024,"flags":[],"pref":"medium"}
]""")
OURS = Route('2001:db8:ef11::/64', '2001:db8:ab11::2', 'ra')


def test_routes_from_ip_normalises_default_host_routes_and_protocols():
    routes = routes_from_ip(IP_OUTPUT)
    assert [r['dest'] for r in routes] == [
        '2001:db8:99::/64', '2001:db8:ab11::/64', '2001:db8:ef11::/64', '::/0', '2001:db8:ab11::7/128']
    assert [r['protocol'] for r in routes] == [None, 2, 214, 3, 214]
    assert routes[2]['via'] == '2001:db8:ab11::2'
    assert routes[4]['via'] is None


def test_nothing_to_do_when_the_wanted_route_is_ours():
    plan = plan_routes([OURS], routes_from_ip(IP_OUTPUT[:3]), 214, 'present', True)
    assert plan.to_add == () and plan.to_remove == () and plan.conflicts == ()


def test_new_route_is_added():
    wanted = Route('2001:db8:cd11::/64', '2001:db8:ab11::1', 'ra')
    plan = plan_routes([OURS, wanted], routes_from_ip(IP_OUTPUT[:3]), 214, 'present', True)
    assert plan.to_add == (wanted,)
    assert batch_lines(plan, 214) == ['route add 2001:db8:cd11::/64 via 2001:db8:ab11::1 dev ra proto 214']


def test_exclusive_removes_unwanted_routes_of_ours_only():
    plan = plan_routes([], routes_from_ip(IP_OUTPUT), 214, 'present', True)
    assert set(plan.to_remove) == {OURS, Route('2001:db8:ab11::7/128', '', 'ra')}
    assert plan.to_add == ()


def test_not_exclusive_keeps_unwanted_routes_of_ours():
    plan = plan_routes([], routes_from_ip(IP_OUTPUT), 214, 'present', False)
    assert plan.to_remove == ()


def test_changed_gateway_replaces_our_route_even_when_not_exclusive():
    moved = Route('2001:db8:ef11::/64', '2001:db8:ab11::3', 'ra')
    plan = plan_routes([moved], routes_from_ip(IP_OUTPUT[:3]), 214, 'present', False)
    assert plan.to_remove == (OURS,) and plan.to_add == (moved,)
    assert batch_lines(plan, 214) == [
        'route del 2001:db8:ef11::/64 via 2001:db8:ab11::2 dev ra proto 214',
        'route add 2001:db8:ef11::/64 via 2001:db8:ab11::3 dev ra proto 214',
    ]


def test_foreign_route_to_a_wanted_destination_is_a_conflict_not_replaced():
    wanted = Route('2001:db8:99::/64', '2001:db8:ab11::2', 'ra')
    plan = plan_routes([wanted], routes_from_ip(IP_OUTPUT), 214, 'present', True)
    assert plan.to_add == ()
    assert plan.conflicts[0][0] == wanted and plan.conflicts[0][1]['via'] == '2001:db8:ab11::9'


def test_absent_removes_only_listed_routes_of_ours():
    foreign = Route('2001:db8:99::/64', '2001:db8:ab11::9', 'ra')
    plan = plan_routes([OURS, foreign], routes_from_ip(IP_OUTPUT), 214, 'absent', True)
    assert plan.to_remove == (OURS,) and plan.to_add == ()


@pytest.mark.parametrize('text', ['2001:db8::1/64', '10.0.0.0/8', 'nonsense'])
def test_canonical_prefix_rejects(text):
    with pytest.raises(ValueError):
        canonical_prefix(text)


def test_canonical_forms():
    assert canonical_prefix('2001:0db8:ef11:0::/64') == '2001:db8:ef11::/64'
    assert canonical_address('2001:DB8:AB11:0::2') == '2001:db8:ab11::2'
    with pytest.raises(ValueError):
        canonical_address('192.0.2.1')
