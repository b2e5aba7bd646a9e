# Copyright: dockernet.ipv6 contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What a rolling rollout checks after each batch (private to this collection).

Before a batch is configured, every running container that the engine restarts by itself is recorded; after the
batch, each of them must run again. Pure functions over the engine's ``docker inspect`` documents, plus one TCP
connect, so the module stays thin and the rules are tested without an engine.
"""

from __future__ import annotations

import socket
import typing as t

__all__ = ["RESTARTED_POLICIES", "comes_back", "expected_containers", "not_back", "tcp_connect"]

# The policies under which the engine starts a container again when the engine itself comes back. "on-failure"
# counts only for a container that was running: stopping the engine ends it with a non-zero status.
RESTARTED_POLICIES = ("always", "unless-stopped", "on-failure")


def _name(inspect: t.Mapping[str, t.Any]) -> str:
    return str(inspect.get("Name") or inspect.get("Id", "?")[:12]).lstrip("/")


def _policy(inspect: t.Mapping[str, t.Any]) -> str:
    return str(((inspect.get("HostConfig") or {}).get("RestartPolicy") or {}).get("Name") or "no")


def _status(inspect: t.Mapping[str, t.Any]) -> str:
    return str((inspect.get("State") or {}).get("Status") or "unknown")


def comes_back(inspect: t.Mapping[str, t.Any]) -> bool:
    """True for a running container that the engine starts again after its own restart."""
    return _status(inspect) == "running" and _policy(inspect) in RESTARTED_POLICIES


def expected_containers(inspects: t.Iterable[t.Mapping[str, t.Any]]) -> list[dict[str, str]]:
    """The containers to find running after the batch: id, name and restart policy, sorted by name."""
    return sorted(
        (
            {"id": str(c.get("Id", "")), "name": _name(c), "restart_policy": _policy(c)}
            for c in inspects
            if comes_back(c)
        ),
        key=lambda c: (c["name"], c["id"]),
    )


def not_back(expected: t.Iterable[t.Mapping[str, t.Any]], current: t.Mapping[str, t.Mapping[str, t.Any]]) -> list[str]:
    """One line per expected container that is not running now.

    ``current`` maps container id to its inspect document now; an id missing from it was removed.
    """
    problems = []
    for container in expected:
        now = current.get(str(container.get("id", "")))
        label = "%s (restart policy %s)" % (container.get("name", "?"), container.get("restart_policy", "?"))
        if now is None:
            problems.append("%s: removed" % label)
        elif _status(now) != "running":
            problems.append("%s: %s" % (label, _status(now)))
    return problems


def tcp_connect(address: str, port: int, timeout: float) -> str | None:
    """Open a TCP connection to [address]:port; None when it was accepted, else why not."""
    try:
        with socket.create_connection((address, port), timeout=timeout):
            return None
    except OSError as exc:
        return str(exc) or type(exc).__name__
