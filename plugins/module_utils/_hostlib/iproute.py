# Copyright: dockernet.ipv6 contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""iproute2 for the host library: argv and batch-line builders, parsers of ``ip -j`` output, and the runner.

Every command line is declared here once, as argv lists run in the C locale; reading goes through
``ip -j`` (JSON) and writing through one ``ip -batch -`` process fed on stdin, so a module (or the NDP sync
service) costs two processes however many objects it touches. Commands run through a run callable (see
runner.py). Nothing outside this collection may rely on this file.
"""

from __future__ import annotations

import json
import re

from .addresses import ip_address, ip_prefix
from .runner import C_LOCALE

# ip's messages are matched below, so they must not be translated: every command runs in the C locale.
IP_ENVIRON = C_LOCALE

# The route protocol number the collection tags its proxy entries and routes with, the default of every module
# and service (the roles' defaults say it again in YAML). 214 (0xd6, "d6" as in Docker IPv6) is named neither
# in iproute2's rt_protos nor among the kernel's RTPROT_* constants, and lies outside the ranges routing daemons
# use (FRR's daemons 186-198, BIRD 12, keepalived 18, Babel 42, Open/R 99).
DEFAULT_PROTOCOL = 214

# Link names that may go into a command: stricter than the kernel (which takes any byte but '/', ':' and
# whitespace), because ip -batch splits its lines on whitespace, ends them at '#' and honours quotes; a name
# from this set can neither add a word to a line nor start a second command.
_LINK_NAME = re.compile(r'[A-Za-z0-9_.@-]{1,15}')
LINK_NAME_RULE = "1-15 characters among A-Z a-z 0-9 _ . @ -, not starting with '-'"
# Last line of defence in run_batch: what a line built from validated values can hold (keywords, numbers,
# canonical addresses and prefixes, link names).
_BATCH_LINE = re.compile(r'[A-Za-z0-9_.@:/ -]+')
_NO_DEVICE = re.compile(r'(Cannot find device|Device) "(?P<name>[^"]*)"( does not exist)?')


class IprouteError(Exception):
    """An ip command failed; carries what fail_json needs."""

    def __init__(
        self, msg: str, cmd: list[str] | None = None, rc: int | None = None, stdout: str = '', stderr: str = ''
    ) -> None:
        super().__init__(msg)
        self.msg = msg
        self.cmd = cmd
        self.rc = rc
        self.stdout = stdout
        self.stderr = stderr

    def fail_kwargs(self) -> dict:
        """Keyword arguments for module.fail_json."""
        result = {'msg': self.msg}
        if self.cmd is not None:
            result.update(cmd=self.cmd, rc=self.rc, stdout=self.stdout, stderr=self.stderr)
        return result


class InterfaceNotFound(IprouteError):
    """The link named in a command does not exist."""


class UnsafeBatchLine(IprouteError, ValueError):
    """A batch line holds something no validated value can produce; nothing was run."""


def link_name(name: object) -> str:
    """``name`` if it may go into a command as a link name; ValueError saying what is allowed otherwise."""
    if not isinstance(name, str) or not _LINK_NAME.fullmatch(name) or name.startswith('-') or name in ('.', '..'):
        raise ValueError('%r is not a valid link name (%s)' % (name, LINK_NAME_RULE))
    return name


def valid_interface_name(name: object) -> bool:
    """Whether ``name`` may go into a command as a link name (see link_name)."""
    try:
        link_name(name)
    except ValueError:
        return False
    return True


def canonical_address(value: object) -> str:
    """An IPv6 address in canonical (RFC 5952) text; ValueError for anything else, zone indexes included."""
    return ip_address(value).compressed


def canonical_prefix(value: object) -> str:
    """An IPv6 prefix in canonical text; ValueError for anything else, host bits set included."""
    return ip_prefix(value).compressed


def protocol_number(value: object, allow_zero: bool = False) -> int:
    """A route protocol number 1-255 (0 too with ``allow_zero``, meaning untagged); ValueError otherwise."""
    low = 0 if allow_zero else 1
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= 255:
        raise ValueError('protocol %r is outside %d-255' % (value, low))
    return value


def metric_number(value: object) -> int:
    """A route metric (0 to 2**32-1); ValueError otherwise."""
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value < 2**32:
        raise ValueError('metric %r is not a route metric' % (value,))
    return value


def neigh_proxy_show_argv(ip_bin: str, interface: str) -> list[str]:
    """argv listing the IPv6 proxy neighbour entries of one link as JSON.

    ``-N`` makes ip print the protocol tag as its number even when rt_protos names it (the roles name 214
    "dockernet"), so that entries are recognised by number.
    """
    return [ip_bin, '-N', '-j', '-6', 'neigh', 'show', 'proxy', 'dev', link_name(interface)]


def route_show_argv(ip_bin: str) -> list[str]:
    """argv listing the IPv6 routes of the main table as JSON, protocols and types as numbers."""
    return [ip_bin, '-N', '-j', '-6', 'route', 'show', 'table', 'main']


def batch_argv(ip_bin: str, family: str = '-6') -> list[str]:
    """argv of one ip process reading commands from stdin; it stops at the first failing line."""
    return [ip_bin, family, '-batch', '-']


def neigh_proxy_add_line(address, interface: str, protocol: int = 0) -> str:
    """One batch line adding a proxy entry; protocol 0 means untagged. ValueError on any invalid value."""
    line = 'neigh add proxy %s dev %s' % (canonical_address(address), link_name(interface))
    if protocol_number(protocol, allow_zero=True):
        line += ' protocol %d' % protocol
    return line


def neigh_proxy_del_line(address, interface: str) -> str:
    """One batch line deleting a proxy entry, whatever protocol tags it (callers decide which are theirs)."""
    return 'neigh del proxy %s dev %s' % (canonical_address(address), link_name(interface))


def neigh_proxy_batch(interface: str, to_add, to_remove, protocol: int = 0) -> list[str]:
    """Batch lines for one link: deletions first, then additions, each in the order given.

    Every value is validated and written canonically (ValueError otherwise), so no input can add a word or a
    command to a line.
    """
    lines = [neigh_proxy_del_line(str(address), interface) for address in to_remove]
    lines.extend(neigh_proxy_add_line(str(address), interface, protocol) for address in to_add)
    return lines


def route_add_line(dest, via, dev: str, protocol: int) -> str:
    """One batch line adding a unicast route through a gateway, tagged ``protocol``; ValueError on bad values."""
    return 'route add %s via %s dev %s proto %d' % (
        canonical_prefix(dest),
        canonical_address(via),
        link_name(dev),
        protocol_number(protocol),
    )


def route_del_line(dest, protocol: int, metric: int, source=None, via=None, dev=None) -> str:
    """One batch line deleting the route tagged ``protocol`` to ``dest`` (and ``source``) at ``metric``.

    Destination, source, metric and table are what the kernel keys an IPv6 route on; the protocol makes the
    kernel refuse to delete a route that is not ours. A single nexthop (``via``/``dev``) narrows the match
    further; multipath and device routes have none and are deleted without it. Only the main table is handled.
    """
    words = ['route', 'del', canonical_prefix(dest)]
    if source:
        words += ['from', canonical_prefix(source)]
    if via:
        words += ['via', canonical_address(via)]
    if dev:
        words += ['dev', link_name(dev)]
    words += ['proto', str(protocol_number(protocol)), 'metric', str(metric_number(metric))]
    return ' '.join(words)


def parse_json(text: str) -> list:
    """Parse ``ip -j`` output; ip prints nothing instead of ``[]`` in some versions when nothing matches."""
    text = text.strip()
    if not text:
        return []
    parsed = json.loads(text)
    if not isinstance(parsed, list):
        raise ValueError('expected a JSON list from ip -j, got %s' % type(parsed).__name__)
    return parsed


def proxy_entries(items: list) -> list[dict]:
    """Proxy entries from the parsed output of ``ip -j -6 neigh show proxy [dev IF]``.

    Returns one dict per entry: ``address`` (as ip printed it), ``dev`` (None when ip was given ``dev``,
    since it omits the key then) and ``protocol`` (None when untagged; otherwise a string, the name from
    rt_protos when the number has one, else the number) and ``flags`` (the other keys ip prints without a
    value, such as ``router`` or ``extern_learn``). Objects without ``proxy`` are ordinary neighbours and are
    skipped, in case an ip version ignores the filter.
    """
    entries = []
    for item in items:
        if not isinstance(item, dict) or 'dst' not in item or 'proxy' not in item:
            continue
        protocol = item.get('protocol')
        entries.append(
            {
                'address': item['dst'],
                'dev': item.get('dev'),
                'protocol': None if protocol is None else str(protocol),
                'flags': sorted(key for key, value in item.items() if value is None and key != 'proxy'),
            }
        )
    return entries


def parse_proxy_entries(text: str) -> list[dict]:
    """Proxy entries from the text printed by ``ip -j -6 neigh show proxy [dev IF]``."""
    return proxy_entries(parse_json(text))


def missing_device(stderr: str) -> str | None:
    """The link name ip complained about, if it failed because a device does not exist."""
    match = _NO_DEVICE.search(stderr)
    return match.group('name') if match else None


def run_json(runner, argv: list[str]) -> list:
    """Run one ``ip -j`` command and return its parsed output.

    ``runner``: a run callable (runner.py: module_runner under Ansible, subprocess_runner in a service).
    """
    rc, stdout, stderr = runner(argv)
    if rc != 0:
        device = missing_device(stderr)
        if device is not None:
            raise InterfaceNotFound('Interface %s does not exist' % device, argv, rc, stdout, stderr)
        raise IprouteError('%s failed: %s' % (' '.join(argv), stderr.strip()), argv, rc, stdout, stderr)
    try:
        return parse_json(stdout)
    except ValueError as exc:
        raise IprouteError(
            'Cannot parse the JSON output of %s (iproute2 too old for -j?): %s' % (' '.join(argv), exc),
            argv,
            rc,
            stdout,
            stderr,
        ) from exc


def read_proxy_entries(runner, ip_bin: str, interface: str) -> list[dict]:
    """The IPv6 proxy entries of one link, with one ip process; InterfaceNotFound if it does not exist."""
    return proxy_entries(run_json(runner, neigh_proxy_show_argv(ip_bin, interface)))


def run_batch(runner, ip_bin: str, lines: list[str], family: str = '-6') -> None:
    """Apply ``lines`` with one ``ip -batch -`` process; nothing is run for an empty batch.

    ip stops at the first failing line (and neigh/route commands exit there without naming it), so the
    lines before it stay applied; callers re-read the state rather than trust a partial batch. ``runner``: as
    for run_json.
    """
    if not lines:
        return
    argv = batch_argv(ip_bin, family)
    for line in lines:
        if not isinstance(line, str) or not _BATCH_LINE.fullmatch(line):
            raise UnsafeBatchLine(
                'refusing to run ip -batch: line %r holds characters no validated value has '
                '(nothing was changed)' % (line,)
            )
    rc, stdout, stderr = runner(argv, '\n'.join(lines) + '\n')
    if rc != 0:
        raise IprouteError(
            'ip -batch failed part way through %d changes (those before the failing one are applied;'
            ' running again converges): %s' % (len(lines), stderr.strip() or stdout.strip()),
            argv,
            rc,
            stdout,
            stderr,
        )
