# Copyright: dockernet.ipv6 contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

import json
from pathlib import Path

import jinja2
import pytest

from ansible_collections.dockernet.ipv6.plugins.module_utils._hostlib import iproute
from ansible_collections.dockernet.ipv6.plugins.module_utils._routes import (
    InstalledRoute,
    Route,
    batch_lines,
    canonical_address,
    canonical_prefix,
    conflict_message,
    plan_routes,
    routes_from_ip,
    wanted_route,
)

# Recorded on the lab (tools/lab/lab.sh, ENGINE=trixie: Debian 13.8, iproute2 6.15.0, kernel 6.18, engine 26.1.5)
# on host docker1 (eth0 = 2001:db8:ab11::1/64), after adding by hand:
#   ip -6 route add 2001:db8:ef11::/64 via 2001:db8:ab11::2 dev eth0 proto 214                 (plain via)
#   ip -6 route add 2001:db8:cd11::/64 dev eth0 proto 214                                       (device)
#   ip -6 route add 2001:db8:cd12::/64 proto 214 nexthop via 2001:db8:ab11::2 dev eth0 \
#                                                nexthop via 2001:db8:ab11::3 dev eth0           (multipath)
#   ip -6 route add 2001:db8:cd13::/64 via 2001:db8:ab11::2 dev eth0 proto 214 table 100        (other table)
#   ip -6 route add unreachable 2001:db8:cd14::/64 proto 214                                    (reject type)
#   ip -6 route add 2001:db8:cd15::/64 via 2001:db8:ab11::4 dev eth0 proto 214 metric 50        (other metric)
#   ip -6 route add 2001:db8:cd16::/64 from 2001:db8:ab11::/64 via 2001:db8:ab11::2 dev eth0 proto 214
#   ip -6 route add 2001:db8:ab11::7 dev eth0 proto 214                                         (host route)
#   ip -6 route add 2001:db8:99::/64 via 2001:db8:ab11::9 dev eth0                              (foreign, boot)
# `ip -N -j -6 route show table main` (what the module runs): -N prints protocol and type as numbers, and
# the main table has no "table" key; the boot-protocol routes have no "protocol" key at all.
MAIN = json.loads(
    '[{"dst":"2001:db8:99::/64","gateway":"2001:db8:ab11::9","dev":"eth0","metric":1024,"flags":[],"pref":"medium"},'
    '{"dst":"2001:db8:ab11::7","dev":"eth0","protocol":"214","metric":1024,"flags":[],"pref":"medium"},'
    '{"dst":"2001:db8:ab11::/64","dev":"eth0","protocol":"2","metric":256,"flags":[],"pref":"medium"},'
    '{"dst":"2001:db8:cd11::/64","dev":"eth0","protocol":"214","metric":1024,"flags":[],"pref":"medium"},'
    '{"dst":"2001:db8:cd12::/64","protocol":"214","metric":1024,"flags":[],"pref":"medium","nexthops":'
    '[{"gateway":"2001:db8:ab11::2","dev":"eth0","weight":1,"flags":[]},'
    '{"gateway":"2001:db8:ab11::3","dev":"eth0","weight":1,"flags":[]}]},'
    '{"type":"7","dst":"2001:db8:cd14::/64","dev":"lo","protocol":"214","metric":1024,"flags":[],"pref":"medium"},'
    '{"dst":"2001:db8:cd15::/64","gateway":"2001:db8:ab11::4","dev":"eth0","protocol":"214","metric":50,"flags":[],'
    '"pref":"medium"},'
    '{"dst":"2001:db8:cd16::/64","from":"2001:db8:ab11::/64","gateway":"2001:db8:ab11::2","dev":"eth0",'
    '"protocol":"214","metric":1024,"flags":[],"pref":"medium"},'
    '{"dst":"2001:db8:ef11::/64","gateway":"2001:db8:ab11::2","dev":"eth0","protocol":"214","metric":1024,'
    '"flags":[],"pref":"medium"},'
    '{"dst":"fe80::/64","dev":"eth0","protocol":"2","metric":256,"flags":[],"pref":"medium"},'
    '{"dst":"default","gateway":"2001:db8:ab11::fffe","dev":"eth0","metric":1024,"flags":[],"pref":"medium"}]'
)
# Same host, `ip -N -j -6 route show table all proto 214`: the route in table 100 carries "table"; the filter on
# the protocol drops the "protocol" key. The module does not read other tables; this checks they are skipped.
ALL_TABLES = json.loads(
    '[{"dst":"2001:db8:cd13::/64","gateway":"2001:db8:ab11::2","dev":"eth0","table":"100","metric":1024,'
    '"flags":[],"pref":"medium"},'
    '{"dst":"2001:db8:cd11::/64","dev":"eth0","metric":1024,"flags":[],"pref":"medium"}]'
)

PLAIN = Route('2001:db8:ef11::/64', '2001:db8:ab11::2', 'eth0')
# What ip rejected before: the routes without a single gateway gave `via ` with nothing after it.
LINES_BEFORE_THE_FIX = [
    'route del 2001:db8:ab11::7/128 via  dev eth0 proto 214',
    'route del 2001:db8:cd11::/64 via  dev eth0 proto 214',
    'route del 2001:db8:cd12::/64 via  dev  proto 214',
    'route del 2001:db8:cd14::/64 via  dev lo proto 214',
]


def by_dest(routes, dest):
    return next(route for route in routes if route.dest == dest)


def test_routes_from_ip_reads_every_shape():
    routes = routes_from_ip(MAIN)
    assert [r.dest for r in routes] == [
        '2001:db8:99::/64',
        '2001:db8:ab11::7/128',
        '2001:db8:ab11::/64',
        '2001:db8:cd11::/64',
        '2001:db8:cd12::/64',
        '2001:db8:cd14::/64',
        '2001:db8:cd15::/64',
        '2001:db8:cd16::/64',
        '2001:db8:ef11::/64',
        'fe80::/64',
        '::/0',
    ]
    assert [r.protocol for r in routes] == [None, 214, 2, 214, 214, 214, 214, 214, 214, 2, None]
    assert by_dest(routes, '2001:db8:cd12::/64') == InstalledRoute(
        '2001:db8:cd12::/64', 1024, 214, nexthops=(('2001:db8:ab11::2', 'eth0'), ('2001:db8:ab11::3', 'eth0'))
    )
    assert by_dest(routes, '2001:db8:cd11::/64') == InstalledRoute('2001:db8:cd11::/64', 1024, 214, dev='eth0')
    assert by_dest(routes, '2001:db8:cd14::/64').kind == 'unreachable'
    assert by_dest(routes, '2001:db8:cd16::/64').source == '2001:db8:ab11::/64'
    assert by_dest(routes, '2001:db8:cd15::/64').metric == 50


def test_routes_from_ip_skips_other_tables():
    assert [r.dest for r in routes_from_ip(ALL_TABLES)] == ['2001:db8:cd11::/64']


def test_describe_each_shape():
    described = {r.dest: r.describe() for r in routes_from_ip(MAIN)}
    assert described['2001:db8:ef11::/64'] == '2001:db8:ef11::/64 via 2001:db8:ab11::2 dev eth0'
    assert described['2001:db8:cd11::/64'] == '2001:db8:cd11::/64 dev eth0'
    assert described['2001:db8:cd12::/64'] == (
        '2001:db8:cd12::/64 nexthop via 2001:db8:ab11::2 dev eth0 nexthop via 2001:db8:ab11::3 dev eth0'
    )
    assert described['2001:db8:cd14::/64'] == 'unreachable 2001:db8:cd14::/64'
    assert described['2001:db8:cd15::/64'] == '2001:db8:cd15::/64 via 2001:db8:ab11::4 dev eth0 metric 50'
    assert described['2001:db8:cd16::/64'] == '2001:db8:cd16::/64 from 2001:db8:ab11::/64 via 2001:db8:ab11::2 dev eth0'


def test_exclusive_removes_every_route_of_ours_with_exact_lines():
    plan = plan_routes([], routes_from_ip(MAIN), 214, 'present', True)
    assert plan.to_add == () and plan.conflicts == ()
    assert sorted(batch_lines(plan, 214)) == sorted(
        [
            # plain via route: gateway and link narrow the match, as before, plus the metric read
            'route del 2001:db8:ef11::/64 via 2001:db8:ab11::2 dev eth0 proto 214 metric 1024',
            # device route: no gateway, so none is written
            'route del 2001:db8:cd11::/64 dev eth0 proto 214 metric 1024',
            'route del 2001:db8:ab11::7/128 dev eth0 proto 214 metric 1024',
            # multipath route: destination, protocol and metric identify it (and all its nexthops)
            'route del 2001:db8:cd12::/64 proto 214 metric 1024',
            # reject route: ip shows "dev lo", which is not part of it
            'route del 2001:db8:cd14::/64 proto 214 metric 1024',
            'route del 2001:db8:cd15::/64 via 2001:db8:ab11::4 dev eth0 proto 214 metric 50',
            'route del 2001:db8:cd16::/64 from 2001:db8:ab11::/64 via 2001:db8:ab11::2 dev eth0 proto 214 metric 1024',
        ]
    )
    # Routes without our tag (boot, kernel, the default route, 2001:db8:99::/64) are never in the batch.
    assert not any('2001:db8:99::' in line or 'fe80' in line or '::/0' in line for line in batch_lines(plan, 214))


def test_no_line_has_an_empty_gateway_or_link():
    lines = batch_lines(plan_routes([], routes_from_ip(MAIN), 214, 'present', True), 214)
    assert not set(lines) & set(LINES_BEFORE_THE_FIX)
    assert not any('via  ' in line or 'dev  ' in line or '  ' in line for line in lines)


def test_plan_before_after_and_convergence():
    current = routes_from_ip(MAIN)
    plan = plan_routes([PLAIN], current, 214, 'present', True)
    assert plan.after == ('2001:db8:ef11::/64 via 2001:db8:ab11::2 dev eth0',)
    assert len(plan.before) == 7 and PLAIN.describe() in plan.before
    assert PLAIN not in plan.to_add
    # What the kernel holds once the batch ran: the routes not removed. Planning again changes nothing.
    removed = set(plan.to_remove)
    remaining = [route for route in current if route not in removed]
    again = plan_routes([PLAIN], remaining, 214, 'present', True)
    assert again.to_add == () and again.to_remove == () and again.before == plan.after


def test_nothing_to_do_when_the_wanted_route_is_ours():
    plan = plan_routes([PLAIN], routes_from_ip(MAIN), 214, 'present', False)
    assert plan.to_add == () and plan.to_remove == () and plan.conflicts == ()


def test_new_route_is_added():
    wanted = Route('2001:db8:cd21::/64', '2001:db8:ab11::1', 'eth0')
    plan = plan_routes([PLAIN, wanted], routes_from_ip(MAIN), 214, 'present', False)
    assert plan.to_add == (wanted,)
    assert batch_lines(plan, 214) == ['route add 2001:db8:cd21::/64 via 2001:db8:ab11::1 dev eth0 proto 214']


def test_not_exclusive_keeps_unwanted_routes_of_ours():
    assert plan_routes([], routes_from_ip(MAIN), 214, 'present', False).to_remove == ()


def test_route_of_ours_in_another_shape_is_replaced_even_when_not_exclusive():
    # A device route and a multipath route of ours to wanted destinations: deleted, then the wanted route added.
    wanted = [
        Route('2001:db8:cd11::/64', '2001:db8:ab11::2', 'eth0'),
        Route('2001:db8:cd12::/64', '2001:db8:ab11::2', 'eth0'),
    ]
    plan = plan_routes(wanted, routes_from_ip(MAIN), 214, 'present', False)
    assert batch_lines(plan, 214) == [
        'route del 2001:db8:cd11::/64 dev eth0 proto 214 metric 1024',
        'route del 2001:db8:cd12::/64 proto 214 metric 1024',
        'route add 2001:db8:cd11::/64 via 2001:db8:ab11::2 dev eth0 proto 214',
        'route add 2001:db8:cd12::/64 via 2001:db8:ab11::2 dev eth0 proto 214',
    ]


def test_changed_gateway_replaces_our_route():
    moved = Route('2001:db8:ef11::/64', '2001:db8:ab11::3', 'eth0')
    plan = plan_routes([moved], routes_from_ip(MAIN), 214, 'present', False)
    assert batch_lines(plan, 214) == [
        'route del 2001:db8:ef11::/64 via 2001:db8:ab11::2 dev eth0 proto 214 metric 1024',
        'route add 2001:db8:ef11::/64 via 2001:db8:ab11::3 dev eth0 proto 214',
    ]


def test_foreign_route_to_a_wanted_destination_is_a_conflict_not_replaced():
    wanted = Route('2001:db8:99::/64', '2001:db8:ab11::2', 'eth0')
    plan = plan_routes([wanted], routes_from_ip(MAIN), 214, 'present', True)
    assert wanted not in plan.to_add
    assert plan.conflicts == ((wanted, by_dest(routes_from_ip(MAIN), '2001:db8:99::/64')),)
    assert conflict_message(plan.conflicts) == (
        'route to 2001:db8:99::/64 already exists and is not ours (protocol none: 2001:db8:99::/64 via '
        '2001:db8:ab11::9 dev eth0): remove it or choose another prefix'
    )


def test_absent_removes_only_listed_routes_of_ours():
    foreign = Route('2001:db8:99::/64', '2001:db8:ab11::9', 'eth0')
    plan = plan_routes([PLAIN, foreign], routes_from_ip(MAIN), 214, 'absent', True)
    assert plan.to_add == ()
    assert batch_lines(plan, 214) == [
        'route del 2001:db8:ef11::/64 via 2001:db8:ab11::2 dev eth0 proto 214 metric 1024'
    ]


def test_other_protocol_owns_nothing_here():
    plan = plan_routes([], routes_from_ip(MAIN), 215, 'present', True)
    assert plan.to_remove == () and plan.before == ()


@pytest.mark.parametrize(
    'text',
    ['2001:db8::1/64', '10.0.0.0/8', 'nonsense', '2001:db8::/64\nroute flush', '2001:db8::/64;', 'fe80::%eth0/64'],
)
def test_canonical_prefix_rejects(text):
    with pytest.raises(ValueError, match='is not an IPv6 prefix|zone index|has host bits set'):
        canonical_prefix(text)


def test_canonical_forms():
    assert canonical_prefix('2001:0db8:ef11:0::/64') == '2001:db8:ef11::/64'
    assert canonical_address('2001:DB8:AB11:0::2') == '2001:db8:ab11::2'
    with pytest.raises(ValueError):
        canonical_address('192.0.2.1')


@pytest.mark.parametrize(
    'dest, via, dev, message',
    [
        ('2001:db8:ef11::/64', '2001:db8:ab11::2', 'eth0\nroute flush proto 214', 'not a valid link name'),
        ('2001:db8:ef11::/64', '2001:db8:ab11::2', 'eth0;reboot', 'not a valid link name'),
        ('2001:db8:ef11::/64', '2001:db8:ab11::2', '-eth0', "not starting with '-'"),
        ('2001:db8:ef11::/64', '2001:db8:ab11::2', 'eth0 proto 1', 'not a valid link name'),
        ('2001:db8:ef11::/64', 'fe80::1%eth0\nroute del default', 'eth0', 'zone index'),
        ('2001:db8:ef11::/64', '2001:db8:ab11::2 dev lo', 'eth0', 'is not an IPv6 address'),
        ('2001:db8:ef11::/64\nroute del default', '2001:db8:ab11::2', 'eth0', 'is not an IPv6 prefix'),
    ],
)
def test_wanted_route_refuses_what_could_inject(dest, via, dev, message):
    with pytest.raises(ValueError, match=message):
        wanted_route(dest, via, dev)


def test_wanted_route_is_canonical():
    assert wanted_route('2001:DB8:EF11:0::/64', '2001:db8:ab11:0:0:0:0:2', 'eth0') == PLAIN


def test_batch_lines_validate_what_was_read():
    # A link name ip printed that could split the line is refused, not written.
    odd = InstalledRoute('2001:db8:ef11::/64', 1024, 214, via='2001:db8:ab11::2', dev='eth0 proto 0')
    plan = plan_routes([], [odd], 214, 'present', True)
    with pytest.raises(ValueError, match='not a valid link name'):
        batch_lines(plan, 214)


# --- the boot replay of roles/routes, rendered as Ansible's template module does (trim_blocks)
ROLE = Path(__file__).resolve().parents[4] / 'roles' / 'routes'


def render(name: str, **variables) -> str:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(ROLE / 'templates')),
        trim_blocks=True,
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
    )
    return env.get_template(name).render(ansible_managed='Ansible managed', **variables)


def test_boot_batch_adds_and_only_flushes_routes_of_ours():
    wanted = [
        wanted_route('2001:DB8:EF11::/64', '2001:db8:ab11::2', 'eth0'),
        wanted_route('2001:db8:cd11::/64', '2001:db8:ab11::3', 'eth0'),
    ]
    text = render(
        'routes.batch.j2', routes_protocol=214, _routes_installed={'wanted': [route.as_dict() for route in wanted]}
    )
    lines = [line for line in text.splitlines() if line and not line.startswith('#')]
    assert lines == [
        'route flush 2001:db8:ef11::/64 proto 214',
        'route add 2001:db8:ef11::/64 via 2001:db8:ab11::2 dev eth0 proto 214',
        'route flush 2001:db8:cd11::/64 proto 214',
        'route add 2001:db8:cd11::/64 via 2001:db8:ab11::3 dev eth0 proto 214',
    ]
    assert 'replace' not in ' '.join(lines)
    # The lines pass the same check run_batch applies before it feeds ip.
    assert all(iproute._BATCH_LINE.fullmatch(line) for line in lines)


def test_boot_batch_with_no_routes_is_only_comments():
    text = render('routes.batch.j2', routes_protocol=214, _routes_installed={'wanted': []})
    assert all(line.startswith('#') for line in text.splitlines())


def test_boot_unit_replays_and_follows_the_link():
    lines = render('dockernet-routes.service.j2', routes_protocol=214, routes_interface='eth0').splitlines()
    # Ready only once the replay succeeded; a conflict ends it failed and is not restarted in a loop.
    assert 'Type=notify' in lines and 'Restart=on-abnormal' in lines
    assert (
        'ExecStart=/usr/bin/python3 /usr/local/lib/dockernet/dockernet-routes-watch eth0 /etc/dockernet/routes.batch'
    ) in lines
