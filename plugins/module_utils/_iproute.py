# Copyright: dockernet.ipv6 contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Private iproute2 runner for dockernet.ipv6 modules.

Every command line is declared here once, as argv lists run in the C locale; reading goes through
``ip -j`` (JSON) and writing through one ``ip -batch -`` process fed on stdin, so a module costs two
processes however many objects it touches. Nothing outside this collection may rely on this file.
"""

from __future__ import annotations

import json
import re

# ip's messages are matched below, so they must not be translated.
IP_ENVIRON = {'LANG': 'C', 'LC_ALL': 'C', 'LC_MESSAGES': 'C'}

# What the kernel accepts as a link name (dev_valid_name): 1-15 bytes, no '/', ':' or whitespace, not '.'
# or '..'. Checked before a name goes into a batch line, where whitespace would split or inject commands.
_IFNAME = re.compile(r'^[^/:\s]{1,15}$')
_NO_DEVICE = re.compile(r'(Cannot find device|Device) "(?P<name>[^"]*)"( does not exist)?')


class IprouteError(Exception):
    """An ip command failed; carries what fail_json needs."""

    def __init__(self, msg: str, cmd: list[str] | None = None, rc: int | None = None,
                 stdout: str = '', stderr: str = '') -> None:
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


def valid_interface_name(name: str) -> bool:
    """Whether the kernel would accept ``name`` as a link name."""
    return bool(_IFNAME.match(name)) and name not in ('.', '..') and len(name.encode('utf-8')) <= 15


def neigh_proxy_show_argv(ip_bin: str, interface: str) -> list[str]:
    """argv listing the IPv6 proxy neighbour entries of one link as JSON."""
    return [ip_bin, '-j', '-6', 'neigh', 'show', 'proxy', 'dev', interface]


def batch_argv(ip_bin: str, family: str = '-6') -> list[str]:
    """argv of one ip process reading commands from stdin; it stops at the first failing line."""
    return [ip_bin, family, '-batch', '-']


def neigh_proxy_add_line(address: str, interface: str, protocol: int = 0) -> str:
    """One batch line adding a proxy entry; protocol 0 means untagged."""
    line = 'neigh add proxy %s dev %s' % (address, interface)
    if protocol:
        line += ' protocol %d' % protocol
    return line


def neigh_proxy_del_line(address: str, interface: str) -> str:
    """One batch line deleting a proxy entry, whatever protocol tags it."""
    return 'neigh del proxy %s dev %s' % (address, interface)


def neigh_proxy_batch(interface: str, to_add, to_remove, protocol: int = 0) -> list[str]:
    """Batch lines for one link: deletions first, then additions, each in the order given."""
    lines = [neigh_proxy_del_line(str(address), interface) for address in to_remove]
    lines.extend(neigh_proxy_add_line(str(address), interface, protocol) for address in to_add)
    return lines


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
        entries.append({
            'address': item['dst'],
            'dev': item.get('dev'),
            'protocol': None if protocol is None else str(protocol),
            'flags': sorted(key for key, value in item.items() if value is None and key != 'proxy'),
        })
    return entries


def parse_proxy_entries(text: str) -> list[dict]:
    """Proxy entries from the text printed by ``ip -j -6 neigh show proxy [dev IF]``."""
    return proxy_entries(parse_json(text))


def missing_device(stderr: str) -> str | None:
    """The link name ip complained about, if it failed because a device does not exist."""
    match = _NO_DEVICE.search(stderr)
    return match.group('name') if match else None


def run_json(module, argv: list[str]) -> list:
    """Run one ``ip -j`` command and return its parsed output."""
    rc, stdout, stderr = module.run_command(argv, environ_update=IP_ENVIRON)
    if rc != 0:
        device = missing_device(stderr)
        if device is not None:
            raise InterfaceNotFound('Interface %s does not exist' % device, argv, rc, stdout, stderr)
        raise IprouteError('%s failed: %s' % (' '.join(argv), stderr.strip()), argv, rc, stdout, stderr)
    try:
        return parse_json(stdout)
    except ValueError as exc:
        raise IprouteError('Cannot parse the JSON output of %s (iproute2 too old for -j?): %s'
                           % (' '.join(argv), exc), argv, rc, stdout, stderr)


def read_proxy_entries(module, ip_bin: str, interface: str) -> list[dict]:
    """The IPv6 proxy entries of one link, with one ip process; InterfaceNotFound if it does not exist."""
    return proxy_entries(run_json(module, neigh_proxy_show_argv(ip_bin, interface)))


def run_batch(module, ip_bin: str, lines: list[str], family: str = '-6') -> None:
    """Apply ``lines`` with one ``ip -batch -`` process; nothing is run for an empty batch.

    ip stops at the first failing line (and neigh/route commands exit there without naming it), so the
    lines before it stay applied; callers re-read the state rather than trust a partial batch.
    """
    if not lines:
        return
    for line in lines:
        if '\n' in line or '\r' in line:
            raise ValueError('batch line contains a line break: %r' % line)
    argv = batch_argv(ip_bin, family)
    rc, stdout, stderr = module.run_command(argv, data='\n'.join(lines) + '\n', binary_data=True,
                                            environ_update=IP_ENVIRON)
    if rc != 0:
        raise IprouteError('ip -batch failed part way through %d changes (those before the failing one are applied;'
                           ' running again converges): %s' % (len(lines), stderr.strip() or stdout.strip()),
                           argv, rc, stdout, stderr)
