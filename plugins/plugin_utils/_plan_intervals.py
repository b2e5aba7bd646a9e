# Copyright: dockernet.ipv6 contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Interval algorithms of the site planner: integers only, no inventory, no netaddr.

Private to the collection: nothing outside dockernet.ipv6 may import it.

Prefixes and addresses are (first, last) integer ranges here. Overlaps are found by sorting and scanning
neighbours, addresses inside a range by bisecting a sorted list, free aligned blocks by jumping over merged
blocked ranges: O(n log n), never by comparing every pair. The labels carried by _Claim and _Points are opaque text
for the callers' messages.
"""

from __future__ import annotations

import bisect
import typing as t
from dataclasses import dataclass


@dataclass(frozen=True)
class _Claim:
    """A prefix that someone claims, as an integer interval, with what to say about it in errors."""

    first: int
    last: int
    order: int
    host: str
    variable: str
    text: str
    label: str
    is_network: bool = False


@dataclass(frozen=True)
class _Points:
    """Single addresses that no prefix may contain (host LAN addresses, gateways), sorted for bisect."""

    values: list[int]
    labels: list[str]
    owners: list[str | None]


def ceil_log2(count: int) -> int:
    """Number of bits needed to number `count` slices (0 for a single one)."""
    return (count - 1).bit_length() if count > 1 else 0


def _contains(outer: t.Any, inner: t.Any) -> bool:
    return outer.first <= inner.first and inner.last <= outer.last


def _point_inside(points: _Points, first: int, last: int) -> int | None:
    """Index in `points` of an address within [first, last], if any."""
    index = bisect.bisect_left(points.values, first)
    if index < len(points.values) and points.values[index] <= last:
        return index
    return None


def _overlapping_pairs(claims: t.Iterable[_Claim]) -> t.Iterator[tuple[_Claim, _Claim]]:
    """Yield (earlier, later) for every claim that overlaps one that starts before it.

    Sorting by (first, -last) and keeping the claim that reaches furthest finds, for every claim that
    overlaps any earlier one, an earlier claim it overlaps: O(n log n) instead of comparing every pair.
    """
    reach: _Claim | None = None
    for claim in sorted(claims, key=lambda item: (item.first, -item.last, item.order)):
        if reach is not None and claim.first <= reach.last:
            yield reach, claim
            if claim.last > reach.last:
                reach = claim
        else:
            reach = claim


def _merged_intervals(intervals: t.Iterable[tuple[int, int]]) -> tuple[list[int], list[int]]:
    starts: list[int] = []
    ends: list[int] = []
    for first, last in sorted(intervals):
        if starts and first <= ends[-1] + 1:
            ends[-1] = max(ends[-1], last)
        else:
            starts.append(first)
            ends.append(last)
    return starts, ends


def allocate_slices(
    regions: t.Sequence[tuple[int, int]], prefixlen: int, count: int, blocked: t.Iterable[tuple[int, int]]
) -> list[int]:
    """First addresses of up to `count` aligned blocks of /prefixlen, taken in order from the regions.

    Regions are (first, last) integer ranges aligned to the block size; a block that overlaps any blocked
    (first, last) range is skipped, jumping past the whole blocked range at once.
    """
    size = 1 << (128 - prefixlen)
    starts, ends = _merged_intervals(blocked)
    taken: list[int] = []
    for region_first, region_last in regions:
        position = region_first
        while len(taken) < count and position + size - 1 <= region_last:
            index = bisect.bisect_right(starts, position + size - 1) - 1
            if index >= 0 and ends[index] >= position:
                position = (ends[index] // size + 1) * size
                continue
            taken.append(position)
            position += size
    return taken
