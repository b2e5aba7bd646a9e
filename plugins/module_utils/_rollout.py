# Copyright: dockernet.ipv6 contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Batch size and failure tolerance of the configure play (private to this collection).

A play's ``serial`` and ``max_fail_percentage`` are templated once per play, without any host: inventory variables
are not visible there, only extra vars, play vars and ``hostvars``. The configure play therefore reads
``dockernet_serial`` and ``dockernet_max_fail_percentage`` through ``hostvars`` of the site's hosts, and both must be
one value for the whole site.
"""

from __future__ import annotations

import re
import typing as t
from collections.abc import Mapping

__all__ = ["SERIAL", "MAX_FAIL", "RolloutError", "batch_settings", "parse_max_fail", "parse_serial"]

SERIAL = "dockernet_serial"
MAX_FAIL = "dockernet_max_fail_percentage"

_PERCENT = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*%\s*$")
_COUNT = re.compile(r"^\s*(\d+)\s*$")
_UNSET = object()


class RolloutError(ValueError):
    """One or more problems, one line each, ``<host>: <variable>: <what to do>``."""


def _batch(value: t.Any) -> int | str:
    """One batch size: a host count of at least 1, or a percentage of the hosts above 0 and up to 100."""
    if isinstance(value, bool):
        raise ValueError("a batch size is a host count or a percentage, not a boolean")
    if isinstance(value, int):
        if value < 1:
            raise ValueError("a batch size in a list must be 1 or more hosts, not %d" % value)
        return value
    if isinstance(value, str):
        count = _COUNT.match(value)
        if count:
            return _batch(int(count.group(1)))
        percent = _PERCENT.match(value)
        if percent:
            share = float(percent.group(1))
            if not 0 < share <= 100:
                raise ValueError(
                    "a percentage of the hosts must be above 0%% and at most 100%%, not %s" % value.strip()
                )
            return "%s%%" % percent.group(1)
    raise ValueError("%r is neither a host count (2) nor a percentage of the hosts ('25%%')" % (value,))


def parse_serial(value: t.Any) -> int | str | list:
    """The play's ``serial`` from ``dockernet_serial``: 0 (every host in one batch), a size, or a list of sizes."""
    if isinstance(value, str):
        value = value.strip()
    if value is None or value is _UNSET or value == 0 or value == "0":
        return 0
    if isinstance(value, (list, tuple)):
        if not value:
            raise ValueError("an empty list; leave the variable unset (or 0) to configure every host at once")
        return [_batch(item) for item in value]
    if isinstance(value, int) and not isinstance(value, bool) and value < 0:
        raise ValueError("%d is negative; 0 (or unset) configures every host at once" % value)
    return _batch(value)


def parse_max_fail(value: t.Any) -> float | int:
    """``dockernet_max_fail_percentage``: a number from 0 to 100."""
    text = value.strip().rstrip("%").strip() if isinstance(value, str) else None
    if text is not None and _COUNT.match(text):
        value = int(text)
    elif text is not None:
        try:
            value = float(text)
        except ValueError:
            pass
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= 100:
        raise ValueError("%r is not a percentage from 0 to 100" % (value,))
    return value


def _value(variables: t.Any, name: str) -> t.Any:
    try:
        return variables[name] if name in variables else _UNSET
    except (KeyError, TypeError):
        return _UNSET


def batch_settings(hostvars: Mapping, host_names: t.Sequence[str]) -> dict[str, t.Any]:
    """``serial`` and, when there is one, ``max_fail_percentage`` for the configure play.

    Both variables must hold the same value on every host (group_vars or extra vars); a host-level value that
    differs is refused rather than silently ignored. Without a batch size every host is configured at once, as a
    single batch, and without ``max_fail_percentage`` Ansible's default applies (the other hosts go on when one
    fails). With batches, a failed host stops the rollout unless ``dockernet_max_fail_percentage`` allows more.
    """
    problems: list[str] = []
    chosen: dict[str, t.Any] = {}
    for name, parse in ((SERIAL, parse_serial), (MAX_FAIL, parse_max_fail)):
        first_host, first = None, _UNSET
        for host in host_names:
            raw = _value(hostvars.get(host, {}), name)
            if first_host is None:
                first_host, first = host, raw
            elif raw != first:
                shown = "unset" if raw is _UNSET else repr(raw)
                problems.append(
                    "%s: %s: %s here but %s on %s; the whole site is rolled out with one value: set it once, in "
                    "group_vars of the hosts' group or with -e"
                    % (host, name, shown, "unset" if first is _UNSET else repr(first), first_host)
                )
                continue
        if first is _UNSET:
            continue
        try:
            chosen[name] = parse(first)
        except ValueError as exc:
            problems.append("%s: %s: %s" % (first_host, name, exc))
    if problems:
        raise RolloutError("\n".join(problems))
    serial = chosen.get(SERIAL, 0)
    settings: dict[str, t.Any] = {"serial": serial}
    if MAX_FAIL in chosen:
        settings["max_fail_percentage"] = chosen[MAX_FAIL]
    elif serial != 0:
        settings["max_fail_percentage"] = 0
    return settings
