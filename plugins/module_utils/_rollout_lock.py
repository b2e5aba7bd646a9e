# Copyright: dockernet.ipv6 contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The per-host rollout lock (private to this collection): parse the lock file, decide, word the refusal.

A rollout holds ``/run/dockernet/rollout.lock`` on a host from the end of its preflight to the end of its batch of
the configure play. The file names the holder (controller host name, ansible-playbook PID, a run id that also
changes when that PID is reused), when it was taken and when its lease ends. A lock is stale, and is taken over,
when its lease has ended, when the controller found its holder dead (an ansible-playbook process of this controller
that is gone), or when the user asked to break it.
"""

from __future__ import annotations

import json
import time
import typing as t

__all__ = [
    "DEFAULT_TIMEOUT",
    "LOCK_PATH",
    "MIN_TIMEOUT",
    "Decision",
    "decide",
    "describe_holder",
    "lock_record",
    "parse_lock",
    "parse_timeout",
    "refusal",
    "run_id",
    "stamp",
]

LOCK_PATH = "/run/dockernet/rollout.lock"
DEFAULT_TIMEOUT = 3600
MIN_TIMEOUT = 60
TIMEOUT_VARIABLE = "dockernet_rollout_lock_timeout"
BREAK_VARIABLE = "dockernet_rollout_lock_break"

HOLDER_KEYS = ("controller", "pid", "run")


class Decision(t.NamedTuple):
    """What to do with the lock: ``take`` (write our record), ``keep`` (ours already) or ``refuse``."""

    action: str
    reason: str


def parse_timeout(value: t.Any) -> int:
    """The lease in seconds from ``dockernet_rollout_lock_timeout``: a whole number of at least MIN_TIMEOUT."""
    if value is None or value == "":
        return DEFAULT_TIMEOUT
    if isinstance(value, bool):
        raise ValueError("%r is not a number of seconds" % (value,))
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip())
    if not isinstance(value, int):
        raise ValueError("%r is not a whole number of seconds" % (value,))
    if value < MIN_TIMEOUT:
        raise ValueError(
            "%d s is shorter than the %d s a preflight alone can take; give the longest a rollout "
            "may hold a host (default %d)" % (value, MIN_TIMEOUT, DEFAULT_TIMEOUT)
        )
    return value


def run_id(pid: int, start_ticks: t.Optional[str], boot_id: t.Optional[str]) -> str:
    """One ansible-playbook run: its PID, the PID's start time since boot and the boot, so a reused PID differs."""
    return "%d-%s-%s" % (pid, start_ticks or "0", (boot_id or "0").replace("-", "")[:8])


def parse_lock(text: t.Optional[str]) -> t.Optional[dict]:
    """The lock record, or None when there is no lock; a file that is not a record reads as an expired lock.

    A truncated or foreign file must not block rollouts forever, nor be taken for ours.
    """
    if text is None or not text.strip():
        return None
    try:
        record = json.loads(text)
    except ValueError:
        record = None
    if not isinstance(record, dict) or not isinstance(record.get("holder"), dict):
        return {"holder": {}, "acquired": 0.0, "expires": 0.0, "unreadable": True}
    holder = {key: record["holder"].get(key) for key in HOLDER_KEYS}
    out = {"holder": holder}
    for key in ("acquired", "expires"):
        try:
            out[key] = float(record.get(key, 0))
        except (TypeError, ValueError):
            out[key] = 0.0
    return out


def lock_record(holder: t.Mapping[str, t.Any], now: float, timeout: int, acquired: t.Optional[float] = None) -> dict:
    """The record written to the lock file (``acquired`` kept when the same run renews its lease)."""
    taken = now if acquired is None else acquired
    return {
        "holder": {key: holder.get(key) for key in HOLDER_KEYS},
        "acquired": taken,
        "acquired_utc": stamp(taken),
        "expires": now + timeout,
        "expires_utc": stamp(now + timeout),
    }


def decide(
    current: t.Optional[dict],
    me: t.Mapping[str, t.Any],
    now: float,
    stale_run: t.Optional[str] = None,
    break_lock: bool = False,
) -> Decision:
    """Whether this run may hold the lock.

    ``stale_run`` is a run id the controller found dead: it is taken over only if it is still the holder, so a
    lock taken meanwhile by a live run is never broken by mistake.
    """
    if current is None:
        return Decision("take", "free")
    holder = current["holder"]
    if holder.get("run") and holder.get("run") == me.get("run") and holder.get("controller") == me.get("controller"):
        return Decision("keep", "held by this run")
    if current.get("unreadable"):
        return Decision("take", "the lock file was not a lock record")
    if current["expires"] <= now:
        return Decision("take", "its lease ended at %s" % stamp(current["expires"]))
    if stale_run is not None and holder.get("run") == stale_run:
        return Decision("take", "its ansible-playbook process is gone from %s" % holder.get("controller"))
    if break_lock:
        return Decision("take", "broken on request (%s)" % BREAK_VARIABLE)
    return Decision("refuse", "held")


def stamp(seconds: float) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(seconds))


def describe_holder(holder: t.Mapping[str, t.Any]) -> str:
    return "ansible-playbook PID %s on %s (run %s)" % (holder.get("pid"), holder.get("controller"), holder.get("run"))


def refusal(
    host: str, current: t.Mapping[str, t.Any], me: t.Mapping[str, t.Any], holder_alive: t.Optional[bool]
) -> str:
    """The line a refused run fails with: the host, the holder, since when, and what to do.

    ``holder_alive`` is what this controller knows of the holder: True (running here), None (another controller).
    """
    holder = current["holder"]
    if holder_alive:
        where = "still running on this controller"
    elif holder.get("controller") != me.get("controller"):
        where = "from another controller"
    else:
        where = "state unknown"
    return (
        "%s: rollout lock: held by %s since %s (%s), lease until %s: another rollout is configuring this host, "
        "so this run stopped before changing anything. Wait for it to end and run again; if that run is gone "
        "(killed on another controller), run again with -e %s=true to take the lock over"
        % (host, describe_holder(holder), stamp(current["acquired"]), where, stamp(current["expires"]), BREAK_VARIABLE)
    )
