# Copyright: dockernet.ipv6 contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""One pass over the NDP proxy entries of one link, shared by the ndp_proxy module and the NDP sync service.

converge() reads the link's proxy entries (one ``ip -j`` process), computes the wanted addresses (those named,
and those of the running containers except on internal networks, limited to the managed prefixes), plans the
additions and removals (removals only inside the prefixes and of entries tagged with the collection's
protocol, see ndp_proxy.plan) and applies them with one ``ip -batch -`` process. Its callers read the engine
and report the Result their own way. Nothing outside this collection may rely on this file.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .docker_addresses import container_ipv6_addresses, internal_network_names
from .iproute import DEFAULT_PROTOCOL, link_name, neigh_proxy_batch, read_proxy_entries, run_batch
from .ndp_proxy import (
    Plan,
    as_strings,
    current_addresses,
    owned_addresses,
    parse_addresses,
    plan,
    sort_addresses,
    split_by_prefixes,
)


@dataclass(frozen=True)
class Result:
    """What one converge() did (or, with ``check``, would do) on ``interface``.

    ``plan``: the Plan (addresses as ipaddress objects). ``outside``: the named addresses skipped because they lie
    outside the managed prefixes. ``lines``: the ``ip -batch`` lines of the change (empty when nothing changes);
    ``applied``: whether they were run.
    """

    interface: str
    plan: Plan
    outside: list = field(default_factory=list)
    lines: list = field(default_factory=list)
    applied: bool = False

    @property
    def changed(self) -> bool:
        return self.plan.changed

    @property
    def added(self) -> list[str]:
        return as_strings(self.plan.to_add)

    @property
    def removed(self) -> list[str]:
        return as_strings(self.plan.to_remove)

    @property
    def foreign(self) -> list[str]:
        return as_strings(self.plan.foreign)

    @property
    def before(self) -> list[str]:
        return as_strings(self.plan.before)

    @property
    def entries(self) -> list[str]:
        """The addresses of the link's proxy entries afterwards (predicted with ``check``)."""
        return as_strings(self.plan.after)

    def summary(self) -> str:
        """One line for a log: what changed on the link."""
        return 'proxy entries on %s: added %s, removed %s' % (self.interface, self.added, self.removed)


def container_addresses(containers, networks) -> list:
    """The addresses of the running containers (the engine's container list) that may get a proxy entry.

    Addresses on the internal networks of ``networks`` (the engine's network list) are left out: those networks
    must stay unreachable from other hosts. An address the engine reports but a proxy entry cannot hold (none
    expected) is left out quietly.
    """
    found = container_ipv6_addresses(containers, internal_network_names(networks))
    return parse_addresses(item['address'] for item in found)[0]


def converge(
    run,
    interface: str,
    prefixes,
    addresses=(),
    containers=None,
    networks=(),
    state: str = 'present',
    exclusive: bool = False,
    protocol: int = DEFAULT_PROTOCOL,
    ip_bin: str = 'ip',
    check: bool = False,
) -> Result:
    """Bring the proxy entries of ``interface`` to the desired state; returns what changed.

    ``run``: a run callable (runner.py). ``prefixes``: the managed prefixes (ipaddress.IPv6Network, from
    ndp_proxy.parse_prefixes); wanted addresses outside them are ignored, and ``exclusive`` acts only inside
    them. ``addresses``: addresses named by the caller (ipaddress.IPv6Address, from ndp_proxy.parse_addresses);
    those outside the prefixes are skipped and listed in Result.outside. ``containers``: the engine's list of
    running containers, whose addresses are wanted too (None: no container is asked about); ``networks``: the
    engine's network list, which names the internal networks. ``state``, ``exclusive`` and ``protocol``: as in
    ndp_proxy.plan and owned_addresses; additions are tagged ``protocol``. With ``check`` nothing is changed:
    only the entries are read, and the Result says what would change.

    Raises iproute.IprouteError (InterfaceNotFound when the link does not exist) when ip fails, and ValueError
    when a value cannot go into a batch line (nothing is run then).
    """
    link_name(interface)
    wanted, outside = split_by_prefixes(addresses, prefixes)
    if containers is not None:
        wanted |= split_by_prefixes(container_addresses(containers, networks), prefixes)[0]
    entries = read_proxy_entries(run, ip_bin, interface)
    current = current_addresses(entry['address'] for entry in entries)
    changes = plan(current, wanted, prefixes, state, exclusive, owned=owned_addresses(entries, protocol))
    lines = []
    if changes.changed:
        lines = neigh_proxy_batch(interface, as_strings(changes.to_add), as_strings(changes.to_remove), protocol)
        if not check:
            run_batch(run, ip_bin, lines)
    return Result(
        interface=interface,
        plan=changes,
        outside=sort_addresses(outside),
        lines=lines,
        applied=bool(lines) and not check,
    )
