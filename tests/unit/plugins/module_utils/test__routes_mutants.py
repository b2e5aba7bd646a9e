# Copyright: dockernet.ipv6 contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Tests written from the surviving mutants of _routes.py (docs/mutation.md)."""

from __future__ import annotations

import json

import pytest

from ansible_collections.dockernet.ipv6.plugins.module_utils._routes import (
    InstalledRoute,
    Route,
    batch_lines,
    conflict_message,
    plan_routes,
    routes_from_ip,
)

# From the lab host of test__routes.py (docker1, eth0 = 2001:db8:ab11::1/64), `ip -N -j -6 route show table main`:
# the kernel's route to the LAN (protocol 2), a boot route (no protocol key) and two routes of ours.
MAIN = json.loads(
    '[{"dst":"2001:db8:99::/64","gateway":"2001:db8:ab11::9","dev":"eth0","metric":1024,"flags":[],"pref":"medium"},'
    '{"dst":"2001:db8:ab11::/64","dev":"eth0","protocol":"2","metric":256,"flags":[],"pref":"medium"},'
    '{"type":"7","dst":"2001:db8:cd14::/64","dev":"lo","protocol":"214","metric":1024,"flags":[],"pref":"medium"},'
    '{"dst":"2001:db8:ef11::/64","gateway":"2001:db8:ab11::2","dev":"eth0","protocol":"214","metric":1024,'
    '"flags":[],"pref":"medium"}]'
)
# The same routes as `ip -j -6 route show table main` prints them, without -N: the kernel's protocol and the route
# type by name (214 has no name in rt_protos).
NAMED = json.loads(
    '[{"dst":"2001:db8:ab11::/64","dev":"eth0","protocol":"kernel","metric":256,"flags":[],"pref":"medium"},'
    '{"type":"unreachable","dst":"2001:db8:cd14::/64","dev":"lo","protocol":"214","metric":1024,"flags":[],'
    '"pref":"medium"}]'
)
PLAIN = Route('2001:db8:ef11::/64', '2001:db8:ab11::2', 'eth0')


def test_routes_read_without_numbers_keep_the_names_ip_printed():
    routes = routes_from_ip(NAMED)
    assert routes == [
        InstalledRoute('2001:db8:ab11::/64', 256, 'kernel', dev='eth0'),
        InstalledRoute('2001:db8:cd14::/64', 1024, 214, dev='lo', kind='unreachable'),
    ]
    # The unreachable route is still told from a route through lo: deleted without its link.
    plan = plan_routes([], routes, 214, 'present', True)
    assert batch_lines(plan, 214) == ['route del 2001:db8:cd14::/64 proto 214 metric 1024']
    assert plan.before == ('unreachable 2001:db8:cd14::/64',)


def test_conflicts_name_the_protocol_of_each_route_in_the_way():
    wanted = [
        Route('2001:db8:ab11::/64', '2001:db8:ab11::2', 'eth0'),
        Route('2001:db8:99::/64', '2001:db8:ab11::2', 'eth0'),
    ]
    plan = plan_routes(wanted, routes_from_ip(MAIN), 214, 'present', False)
    assert plan.to_add == () and plan.to_remove == ()
    assert conflict_message(plan.conflicts) == (
        'route to 2001:db8:99::/64 already exists and is not ours (protocol none: 2001:db8:99::/64 via '
        '2001:db8:ab11::9 dev eth0): remove it or choose another prefix; '
        'route to 2001:db8:ab11::/64 already exists and is not ours (protocol 2: 2001:db8:ab11::/64 dev eth0 '
        'metric 256): remove it or choose another prefix'
    )


def test_absent_plans_no_addition_and_no_conflict():
    current = routes_from_ip(MAIN)
    foreign = Route('2001:db8:99::/64', '2001:db8:ab11::9', 'eth0')
    plan = plan_routes([PLAIN, foreign], current, 214, 'absent', False)
    assert plan.to_add == ()
    assert plan.conflicts == ()
    assert plan.to_remove == (InstalledRoute('2001:db8:ef11::/64', 1024, 214, via='2001:db8:ab11::2', dev='eth0'),)
    assert plan.before == ('2001:db8:ef11::/64 via 2001:db8:ab11::2 dev eth0', 'unreachable 2001:db8:cd14::/64')
    assert plan.after == ('unreachable 2001:db8:cd14::/64',)


def test_an_unknown_state_is_refused_whole():
    with pytest.raises(ValueError) as err:
        plan_routes([PLAIN], routes_from_ip(MAIN), 214, 'latest', False)
    assert str(err.value) == "state must be present or absent, not 'latest'"
