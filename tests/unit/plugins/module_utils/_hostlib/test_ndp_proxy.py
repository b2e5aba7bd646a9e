# Copyright: dockernet.ipv6 contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

import ipaddress

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ansible_collections.dockernet.ipv6.plugins.module_utils._hostlib import iproute
from ansible_collections.dockernet.ipv6.plugins.module_utils._hostlib import ndp_proxy as ndp


def a(text):
    return ipaddress.IPv6Address(text)


def addrs(*texts):
    return {a(text) for text in texts}


SLICE = [ipaddress.IPv6Network('2001:db8:ab11:0:8000::/66')]
IN1, IN2, IN3 = '2001:db8:ab11:0:8000::1', '2001:db8:ab11:0:8000::2', '2001:db8:ab11:0:8000::3'
OUT1, OUT2 = '2001:db8:ab11::5', '2001:db8:ab11:0:c000::7'  # the LAN /64 outside docker1's slice


# Each row: state, exclusive, prefixes, current, wanted, expected to_add, expected to_remove.
# "wanted" is what the module hands over: listed and container addresses, already filtered to prefixes.
PLAN_CASES = [
    # present, not exclusive: add the missing, touch nothing else
    ('present', False, SLICE, [IN1, OUT1], [IN1, IN2], [IN2], []),
    ('present', False, SLICE, [IN1, IN2], [IN1, IN2], [], []),
    ('present', False, [], [OUT1], [OUT2], [OUT2], []),  # no prefixes: no limit
    ('present', False, SLICE, [IN1, IN3, OUT1], [IN1], [], []),  # stale IN3 stays without exclusive
    # present, exclusive: also remove the unwanted inside the prefixes, never outside
    ('present', True, SLICE, [IN1, IN3, OUT1], [IN1, IN2], [IN2], [IN3]),
    ('present', True, SLICE, [IN1, OUT1, OUT2], [IN1], [], []),
    ('present', True, SLICE, [IN1, IN2, OUT1], [], [], [IN1, IN2]),  # nothing wanted: empty the slice
    ('present', True, SLICE, [], [], [], []),
    # absent, not exclusive: remove the wanted that exist
    ('absent', False, SLICE, [IN1, IN2, OUT1], [IN1, IN3], [], [IN1]),
    ('absent', False, SLICE, [IN2, OUT1], [IN1], [], []),
    ('absent', False, [], [OUT1, OUT2], [OUT2], [], [OUT2]),
    # absent, exclusive: every entry inside the prefixes goes, outside stays
    ('absent', True, SLICE, [IN1, IN2, OUT1], [], [], [IN1, IN2]),
    ('absent', True, SLICE, [IN1, OUT1], [IN1, IN3], [], [IN1]),
    ('absent', True, SLICE, [OUT1], [], [], []),
]


@pytest.mark.parametrize('state, exclusive, prefixes, current, wanted, to_add, to_remove', PLAN_CASES)
def test_plan(state, exclusive, prefixes, current, wanted, to_add, to_remove):
    result = ndp.plan(addrs(*current), addrs(*wanted), prefixes, state, exclusive)
    assert ndp.as_strings(result.to_add) == to_add
    assert ndp.as_strings(result.to_remove) == to_remove
    assert result.changed == bool(to_add or to_remove)
    assert set(result.after) == (addrs(*current) - addrs(*to_remove)) | addrs(*to_add)


# Recorded on the lab (tools/lab/lab.sh, ENGINE=trixie: Debian 13.8, iproute2 6.15.0, kernel 6.18) on host docker1:
# `ip -N -j -6 neigh show proxy dev eth0` after
#   ip -6 neigh add proxy 2001:db8:ab11:0:8000::2 dev eth0 protocol 214   (and ::3 the same: ours)
#   ip -6 neigh add proxy 2001:db8:ab11:0:8000::98 dev eth0               (untagged, someone's)
#   ip -6 neigh add proxy 2001:db8:ab11:0:8000::99 dev eth0 protocol 12   (bird's)
#   ip -6 neigh add proxy 2001:db8:ab11::5 dev eth0                       (outside the slice)
# The JSON has a "protocol" key only when the entry is tagged.
RECORDED = (
    '[{"dst":"2001:db8:ab11:0:8000::99","proxy":null,"protocol":"12"},{"dst":"2001:db8:ab11:0:8000::98","proxy":null},'
    '{"dst":"2001:db8:ab11:0:8000::2","proxy":null,"protocol":"214"},'
    '{"dst":"2001:db8:ab11:0:8000::3","proxy":null,"protocol":"214"},{"dst":"2001:db8:ab11::5","proxy":null}]\n'
)
ENTRIES = iproute.parse_proxy_entries(RECORDED)
CURRENT = ndp.current_addresses(entry['address'] for entry in ENTRIES)
OURS = ndp.owned_addresses(ENTRIES, 214)
UNTAGGED, BIRD = '2001:db8:ab11:0:8000::98', '2001:db8:ab11:0:8000::99'


def test_owned_addresses_are_the_tagged_ones():
    assert ndp.as_strings(sorted(OURS, key=int)) == [IN2, IN3]
    assert ndp.owned_addresses(ENTRIES, 12) == addrs(BIRD)
    assert ndp.owned_addresses(ENTRIES, 0) == set()  # untagged entries may be anyone's


@pytest.mark.parametrize(
    'state, wanted, to_remove, foreign, after',
    [
        # nothing wanted: only ours go; the untagged and bird's entries inside the slice stay and are reported
        ('present', [], [IN2, IN3], [UNTAGGED, BIRD], [OUT1, UNTAGGED, BIRD]),
        ('present', [IN2], [IN3], [UNTAGGED, BIRD], [OUT1, IN2, UNTAGGED, BIRD]),
        # a wanted foreign entry is neither removed nor reported: it is what is wanted
        ('present', [IN2, IN3, UNTAGGED], [], [BIRD], [OUT1, IN2, IN3, UNTAGGED, BIRD]),
        ('absent', [], [IN2, IN3], [UNTAGGED, BIRD], [OUT1, UNTAGGED, BIRD]),
        # named with state=absent: removed whatever its tag, since the task asks for that address explicitly
        ('absent', [UNTAGGED], [IN2, IN3, UNTAGGED], [BIRD], [OUT1, BIRD]),
    ],
)
def test_exclusive_never_sweeps_foreign_entries(state, wanted, to_remove, foreign, after):
    result = ndp.plan(CURRENT, addrs(*wanted), SLICE, state, True, owned=OURS)
    assert ndp.as_strings(result.to_remove) == to_remove
    assert ndp.as_strings(result.foreign) == foreign
    assert result.to_add == []  # every wanted address is on the link already
    # OUT1 (2001:db8:ab11::5) is outside the slice: never touched.
    assert ndp.as_strings(result.after) == after
    lines = iproute.neigh_proxy_batch('eth0', ndp.as_strings(result.to_add), ndp.as_strings(result.to_remove), 214)
    assert lines == ['neigh del proxy %s dev eth0' % address for address in to_remove]


def test_not_exclusive_reports_no_foreign_entries():
    assert ndp.plan(CURRENT, addrs(IN1), SLICE, 'present', False, owned=OURS).foreign == []


def test_owned_none_keeps_the_old_behaviour_for_old_callers():
    # dockernet-ndp-sync called plan() without owned; until it passes it, every entry counts as owned.
    result = ndp.plan(CURRENT, set(), SLICE, 'present', True)
    assert ndp.as_strings(result.to_remove) == [IN2, IN3, UNTAGGED, BIRD] and result.foreign == []


def test_plan_sorts_numerically():
    current = addrs('2001:db8::10', '2001:db8::9', '2001:db8::a')
    result = ndp.plan(current, addrs('2001:db8::1'), [], 'present', False)
    assert ndp.as_strings(result.before) == ['2001:db8::9', '2001:db8::a', '2001:db8::10']
    assert ndp.as_strings(result.after) == ['2001:db8::1', '2001:db8::9', '2001:db8::a', '2001:db8::10']


def test_plan_exclusive_needs_prefixes():
    with pytest.raises(ValueError):
        ndp.plan(set(), set(), [], 'present', True)


def test_plan_unknown_state():
    with pytest.raises(ValueError):
        ndp.plan(set(), set(), SLICE, 'latest', False)


@pytest.mark.parametrize(
    'value, canonical',
    [
        ('2001:db8:ab11:0:8000::5', '2001:db8:ab11:0:8000::5'),
        ('2001:DB8:AB11:0000:8000:0000:0000:0005', '2001:db8:ab11:0:8000::5'),
        (' 2001:db8::1 ', '2001:db8::1'),
        ('2001:db8:0:1:1:1:1:1', '2001:db8:0:1:1:1:1:1'),  # RFC 5952: a single zero field is not shortened
        ('fe80::1', 'fe80::1'),
    ],
)
def test_parse_address_canonical(value, canonical):
    assert ndp.parse_address(value).compressed == canonical


@pytest.mark.parametrize(
    'value, message',
    [
        ('192.0.2.1', 'is not an IPv6 address'),
        ('2001:db8::1/64', 'is a prefix'),
        ('bogus', 'is not an IPv6 address'),
        ('', 'is not an IPv6 address'),
        ('ff02::1', 'cannot be proxied'),
        ('::', 'cannot be proxied'),
        ('::1', 'cannot be proxied'),
        ('fe80::1%eth0', 'zone index'),
        ('fe80::1%x\nneigh flush proxy', 'zone index'),
    ],
)
def test_parse_address_rejects(value, message):
    with pytest.raises(ValueError, match=message):
        ndp.parse_address(value)


def test_parse_addresses_collects_every_error():
    parsed, errors = ndp.parse_addresses(['2001:db8::1', 'x', '2001:db8::/64'])
    assert ndp.as_strings(parsed) == ['2001:db8::1']
    assert len(errors) == 2


def test_current_addresses_accepts_whatever_the_kernel_holds():
    # Hand-made entries the module would refuse to add still count as current (and can be removed).
    assert ndp.as_strings(ndp.current_addresses(['ff02::1', '::ffff:192.0.2.1'])) == ['ff02::1', '::ffff:c000:201']


@pytest.mark.parametrize(
    'value, message',
    [
        ('2001:db8:ab11::1/64', r'host bits set; did you mean 2001:db8:ab11::/64\?'),
        ('192.0.2.0/24', 'is not an IPv6 prefix'),
        ('nope', 'is not an IPv6 prefix'),
    ],
)
def test_parse_prefix_rejects(value, message):
    with pytest.raises(ValueError, match=message):
        ndp.parse_prefix(value)


def test_parse_prefixes():
    prefixes, errors = ndp.parse_prefixes(['2001:DB8:AB11:0:8000::/66', '2001:db8:cd11::/64', 'x'])
    assert [p.compressed for p in prefixes] == ['2001:db8:ab11:0:8000::/66', '2001:db8:cd11::/64']
    assert errors == ["'x' is not an IPv6 prefix"]


def test_split_by_prefixes():
    inside, outside = ndp.split_by_prefixes(addrs(IN1, OUT1, OUT2), SLICE)
    assert inside == addrs(IN1)
    assert outside == addrs(OUT1, OUT2)
    assert ndp.split_by_prefixes(addrs(IN1, OUT1), []) == (addrs(IN1, OUT1), set())


def test_slice_boundaries():
    # /66 at :8000:: covers :8000:: up to :bfff:ffff:ffff:ffff; :c000:: is docker2's slice.
    assert ndp.in_prefixes(a('2001:db8:ab11:0:bfff:ffff:ffff:ffff'), SLICE)
    assert not ndp.in_prefixes(a('2001:db8:ab11:0:c000::'), SLICE)
    assert not ndp.in_prefixes(a('2001:db8:ab11:0:7fff:ffff:ffff:ffff'), SLICE)


# Property test: a small address space (one /120 split in two halves, prefix = the lower half) so that
# current, wanted and the prefix overlap often.
BASE = int(ipaddress.IPv6Address('2001:db8:ab11::'))
HALF = [ipaddress.IPv6Network('2001:db8:ab11::/121')]
address_sets = st.frozensets(
    st.integers(min_value=0, max_value=255).map(lambda n: ipaddress.IPv6Address(BASE + n)), max_size=40
)


@given(
    current=address_sets,
    named=address_sets,
    state=st.sampled_from(['present', 'absent']),
    exclusive=st.booleans(),
    limited=st.booleans(),
    tagged=address_sets,
)
def test_plan_properties(current, named, state, exclusive, limited, tagged):
    prefixes = HALF if (limited or exclusive) else []
    wanted = ndp.split_by_prefixes(named, prefixes)[0]
    owned = current & tagged
    result = ndp.plan(current, wanted, prefixes, state, exclusive, owned=owned)
    after = set(result.after)

    # Only entries of ours are removed, unless the task names them for removal; foreign ones are reported.
    named_removal = wanted if state == 'absent' else set()
    assert set(result.to_remove) <= owned | named_removal
    assert not set(result.foreign) & set(result.to_remove)
    assert set(result.foreign) <= (current - owned) and (exclusive or not result.foreign)

    # What the link holds afterwards, address by address, as the docstring states it.
    for address in current | named | tagged:
        inside = ndp.in_prefixes(address, prefixes)
        if address in wanted:
            expected = state == 'present'
        elif address in current:
            expected = not (exclusive and inside and address in owned)
        else:
            expected = False
        assert (address in after) == expected, address
        swept_foreign = exclusive and inside and address in current - owned and address not in wanted
        assert (address in result.foreign) == swept_foreign, address
    assert set(result.to_add) == after - current and set(result.to_remove) == current - after
    for listed in (result.to_add, result.to_remove, result.before, result.after, result.foreign):
        assert all(int(first) < int(second) for first, second in zip(listed, listed[1:]))
    assert set(result.before) == current
    if state == 'present':
        assert wanted <= after
    else:
        assert not wanted & after
    # Outside the prefixes, only what was named changes.
    untouched = {x for x in current if not ndp.in_prefixes(x, prefixes)} - wanted
    assert untouched <= after
    if exclusive:
        left = ndp.split_by_prefixes(after, prefixes)[0]
        assert left == (wanted if state == 'present' else set()) | set(result.foreign)
    # Converged: the same task again changes nothing (what was added is ours now).
    owned_after = (owned & after) | set(result.to_add)
    assert not ndp.plan(after, wanted, prefixes, state, exclusive, owned=owned_after).changed


def test_error_messages_are_whole_sentences():
    # pytest.raises(match=...) above checks a fragment; the user reads all of it.
    cases = [
        (
            ndp.parse_address,
            '2001:db8::1/64',
            "'2001:db8::1/64' is a prefix; give a single IPv6 address (without /length)",
        ),
        (ndp.parse_address, 'bogus', "'bogus' is not an IPv6 address"),
        (ndp.parse_address, 'fe80::1%eth0', "'fe80::1%eth0' has a zone index (%...); give the address without it"),
        (
            ndp.parse_address,
            'ff02::1',
            "'ff02::1' cannot be proxied: it is a multicast, unspecified or loopback address",
        ),
        (
            ndp.parse_prefix,
            '2001:db8:ab11::1/64',
            "'2001:db8:ab11::1/64' has host bits set; did you mean 2001:db8:ab11::/64?",
        ),
    ]
    for parse, value, message in cases:
        with pytest.raises(ValueError) as caught:
            parse(value)
        assert str(caught.value) == message
    assert ndp.parse_addresses(['x', '::1']) == (
        [],
        ["'x' is not an IPv6 address", "'::1' cannot be proxied: it is a multicast, unspecified or loopback address"],
    )
    with pytest.raises(ValueError) as caught:
        ndp.plan(set(), set(), [], 'present', True)
    assert str(caught.value) == 'exclusive needs the managed prefixes'
    with pytest.raises(ValueError) as caught:
        ndp.plan(set(), set(), SLICE, 'latest', False)
    assert str(caught.value) == "state must be present or absent, not 'latest'"


def test_plan_defaults_to_present_and_not_exclusive():
    result = ndp.plan(addrs(IN1, IN3), addrs(IN2), SLICE)
    assert ndp.as_strings(result.to_add) == [IN2] and result.to_remove == []


def test_addresses_read_and_printed_again_and_again_stay_the_same():
    # More distinct addresses than the parse and print caches hold, each met three times, as one run over a
    # link's entries meets them, plus spellings that are not canonical and values that are no text.
    texts = ['2001:db8:ab11:0:8000::%x' % number for number in range(1, 5001)]
    for _round in range(3):
        parsed, errors = ndp.parse_addresses(texts)
        assert errors == [] and ndp.as_strings(parsed) == texts
        assert ndp.current_addresses(texts) == parsed
        entries = [{'address': text, 'protocol': '214'} for text in texts]
        assert ndp.owned_addresses(entries, 214) == set(parsed)
    assert ndp.as_strings(ndp.parse_addresses(['2001:DB8:0:0::0001', ipaddress.IPv6Address('2001:db8::2')])[0]) == [
        '2001:db8::1',
        '2001:db8::2',
    ]
