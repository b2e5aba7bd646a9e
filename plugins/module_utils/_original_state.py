# Copyright: dockernet.ipv6 contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Private logic of dockernet.ipv6.original_state and dockernet.ipv6.owned_cleanup: the record of what a host held
before the collection first changed it, and the plans that undo the collection's changes.

The record is one JSON object (``/etc/dockernet/original.json`` by default) with these sections, each filled in the
first time the collection is about to change the thing it describes and never overwritten afterwards:

- ``daemon``: for every daemon.json key the collection sets or removes, ``{"present": false}`` or
  ``{"present": true, "value": ...}`` as the file held it; ``default-address-pools`` likewise.
- ``daemon_pools``: the IPv6 entries of default-address-pools the collection wrote and the prefixes holding them
  (its scope); these two lists grow with every run, since each names something the collection owns.
- ``sysctls``: the runtime value of every sysctl the collection sets, as text, or null when the key did not exist.
- ``ip6tables``: the policy of the IPv6 filter FORWARD chain.
- ``networks``: names of the Docker networks the collection created (not those it found).

Pure functions over text and dicts; nothing here touches a file or runs a command. Nothing outside this collection
may rely on this file.
"""

from __future__ import annotations

import copy
import ipaddress
import json
import re

from ansible_collections.dockernet.ipv6.plugins.module_utils._daemon_config import (
    ADDRESS_POOLS_KEY,
    ENGINE_IPV4_ADDRESS_POOLS,
    Plan,
    parse_config,
    render,
    same_value,
)

RECORD_PATH = '/etc/dockernet/original.json'
RECORD_VERSION = 1
OWNED_CHAIN_PREFIX = 'DOCKERNET-'
# The link-local gateway address the engine puts on a bridge with IPv6 on.
ENGINE_LINK_LOCAL = ipaddress.IPv6Address('fe80::1')
_CHAIN_NAME = re.compile(r'^[A-Za-z0-9_.-]{1,28}$')


class RecordError(Exception):
    """The record cannot be read or holds something unusable; the message names the file."""


# ------------------------------------------------------------------ the record
def empty_record() -> dict:
    return {
        'version': RECORD_VERSION,
        'daemon': {},
        'daemon_pools': {'owned': [], 'scope': []},
        'sysctls': {},
        'ip6tables': {},
        'networks': [],
    }


def parse_record(text: str | None, path: str) -> dict:
    """The record with every section present; an absent or blank file is an empty record."""
    record = empty_record()
    if text is None or not text.strip():
        return record
    try:
        loaded = json.loads(text)
    except ValueError as exc:
        raise RecordError('%s is not valid JSON (%s); it was left untouched' % (path, exc)) from exc
    if not isinstance(loaded, dict):
        raise RecordError(
            '%s holds a JSON %s, not a record object; it was left untouched' % (path, type(loaded).__name__)
        )
    for key, default in record.items():
        value = loaded.get(key, default)
        if key != 'version' and not isinstance(value, type(default)):
            raise RecordError(
                '%s: %s holds a JSON %s, expected a %s; it was left untouched'
                % (path, key, type(value).__name__, type(default).__name__)
            )
        record[key] = value
    return record


def render_record(record: dict) -> str:
    return json.dumps(record, indent=2, sort_keys=True) + '\n'


def is_empty(record: dict) -> bool:
    return record == empty_record()


def _key_state(config: dict, key: str) -> dict:
    if key in config:
        return {'present': True, 'value': copy.deepcopy(config[key])}
    return {'present': False}


def _union(existing: list, new) -> list:
    result = list(existing)
    for item in new:
        if not any(same_value(item, old) for old in result):
            result.append(item)
    return result


def record_daemon(record: dict, config: dict, keys, pools: list | None = None, scope=()) -> dict:
    """``record`` with the original state of ``keys`` (and of default-address-pools when ``pools`` is not None)
    taken from ``config``, the file as it is before the change, for every key not recorded yet; the owned pools
    and their scope are added to what is recorded."""
    record = copy.deepcopy(record)
    daemon = record['daemon']
    for key in keys:
        daemon.setdefault(key, _key_state(config, key))
    if pools is not None:
        daemon.setdefault(ADDRESS_POOLS_KEY, _key_state(config, ADDRESS_POOLS_KEY))
        owned = record['daemon_pools']
        owned['owned'] = _union(owned.get('owned', []), [{'base': p['base'], 'size': p['size']} for p in pools])
        owned['scope'] = _union(owned.get('scope', []), list(scope))
    return record


def record_values(record: dict, section: str, values: dict) -> dict:
    """``record`` with ``values`` added to ``section``, keeping every value already recorded there."""
    record = copy.deepcopy(record)
    for key, value in values.items():
        record[section].setdefault(key, value)
    return record


def record_names(record: dict, section: str, names) -> dict:
    record = copy.deepcopy(record)
    record[section] = _union(record[section], names)
    return record


# ------------------------------------------------------------------ daemon.json
def changed_keys(before: dict, after: dict) -> list[str]:
    """Keys added, removed or given another value, in the order of ``before`` then ``after``."""
    keys = list(before) + [key for key in after if key not in before]
    return [
        key
        for key in keys
        if (key in before) != (key in after) or (key in before and not same_value(before[key], after[key]))
    ]


def record_change(record: dict, before: dict, after: dict, pools: list | None, scope) -> dict:
    """``record`` after a merge turns the configuration ``before`` into ``after``: the original state of every key
    that changes, unless recorded already. A key that does not change is not recorded: it either was already as
    wanted before the collection came (and stays so after removal) or is recorded from an earlier change. With
    ``pools`` (not None), once default-address-pools has been changed, the pools and scope are the record's own."""
    changed = changed_keys(before, after)
    owns_pools = pools is not None and (ADDRESS_POOLS_KEY in changed or ADDRESS_POOLS_KEY in record['daemon'])
    # default-address-pools changed by other settings than the collection's pools is recorded whole, as any key is.
    keys = [key for key in changed if key != ADDRESS_POOLS_KEY or not owns_pools]
    return record_daemon(record, before, keys, pools if owns_pools else None, scope)


def plan_revert(before_text: str | None, record: dict, path: str) -> Plan:
    """The daemon.json text with the recorded keys put back; the text is kept as it is when nothing differs."""
    current = parse_config(before_text, path)
    if not record.get('daemon'):
        return Plan(before_text=before_text, after_text=before_text, config=current)
    wanted = revert_daemon(current, record)
    if list(wanted) == list(current) and all(same_value(wanted[key], current[key]) for key in wanted):
        return Plan(before_text=before_text, after_text=before_text, config=current)
    return Plan(before_text=before_text, after_text=render(wanted), config=wanted)


def _pool_meaning(entry):
    try:
        return ipaddress.ip_network(entry['base'], strict=False), int(entry['size'])
    except (KeyError, TypeError, ValueError):
        return None


def _is_owned_pool(entry, owned_meanings, scope) -> bool:
    meaning = _pool_meaning(entry)
    if meaning is None or meaning[0].version != 6:
        return False
    return meaning in owned_meanings or any(meaning[0].subnet_of(prefix) for prefix in scope)


def revert_address_pools(current, original: dict, daemon_pools: dict):
    """The value default-address-pools goes back to, or None for an absent key.

    The collection's IPv6 entries (written by it, or inside its scope) are dropped and every other entry is kept,
    those added after the rollout included. The engine's built-in IPv4 pools, which the collection wrote out when
    the key was absent, are dropped with the key when nothing else is left; original entries that the collection
    replaced (inside its scope) are put back.
    """
    owned_meanings = [m for m in (_pool_meaning(p) for p in daemon_pools.get('owned', [])) if m]
    scope = []
    for text in daemon_pools.get('scope', []):
        try:
            scope.append(ipaddress.ip_network(text, strict=False))
        except ValueError:
            continue
    scope = [prefix for prefix in scope if prefix.version == 6]
    if not isinstance(current, list):
        return current
    kept = [entry for entry in current if not _is_owned_pool(entry, owned_meanings, scope)]
    if not original.get('present'):
        builtin = [_pool_meaning(entry) for entry in ENGINE_IPV4_ADDRESS_POOLS]
        if [_pool_meaning(entry) for entry in kept] == builtin or not kept:
            return None
        return kept
    original_value = original.get('value')
    if isinstance(original_value, list):
        kept_meanings = [_pool_meaning(entry) for entry in kept]
        for entry in original_value:
            if _is_owned_pool(entry, owned_meanings, scope) and _pool_meaning(entry) not in kept_meanings:
                kept.append(entry)
        if not kept and not original_value:
            return []
    return kept


def revert_daemon(config: dict, record: dict) -> dict:
    """``config`` with every recorded key back to what it was before the first rollout; others kept in place."""
    daemon = record.get('daemon', {})
    daemon_pools = record.get('daemon_pools', {})
    # Pools go back entry by entry when the record owns some, or comes from a version that did not list them; a key
    # that only other settings changed goes back whole.
    owns_pools = 'owned' not in daemon_pools or bool(daemon_pools.get('owned') or daemon_pools.get('scope'))
    result = dict(config)
    for key, original in daemon.items():
        if key == ADDRESS_POOLS_KEY and owns_pools:
            value = revert_address_pools(config.get(key), original, daemon_pools)
            if value is None:
                result.pop(key, None)
            elif key in result or original.get('present'):
                result[key] = value
            continue
        if original.get('present'):
            result[key] = copy.deepcopy(original.get('value'))
        else:
            result.pop(key, None)
    return result


# ------------------------------------------------------------------ sysctls
def sysctl_restores(record: dict, current: dict) -> dict:
    """{name: value} to write back: recorded values that differ from ``current`` (name: text or None when the
    key does not exist now). A key recorded as absent, or absent now (its interface is gone), is left alone."""
    restores = {}
    for name, original in sorted(record.get('sysctls', {}).items()):
        now = current.get(name)
        if original is None or now is None:
            continue
        if str(original).split() != str(now).split():
            restores[name] = str(original)
    return restores


# ------------------------------------------------------------------ ip6tables
def _tables(save_text: str) -> dict:
    """{table: {'chains': {name: policy}, 'rules': [(chain, words)]}} from ``ip6tables-save``."""
    tables = {}
    current = None
    for line in save_text.splitlines():
        line = line.strip()
        if line.startswith('*'):
            current = tables.setdefault(line[1:], {'chains': {}, 'rules': []})
        elif current is None or not line or line.startswith('#') or line == 'COMMIT':
            continue
        elif line.startswith(':'):
            words = line[1:].split()
            current['chains'][words[0]] = words[1] if len(words) > 1 else '-'
        elif line.startswith('-A '):
            words = line.split()
            current['rules'].append((words[1], words[2:]))
    return tables


def owned_chain(name: str) -> bool:
    return name.startswith(OWNED_CHAIN_PREFIX) and bool(_CHAIN_NAME.fullmatch(name))


def _target(words) -> str | None:
    for flag in ('-j', '--jump', '-g', '--goto'):
        if flag in words:
            index = words.index(flag)
            if index + 1 < len(words):
                return words[index + 1]
    return None


def forward_policy(listing: str) -> str | None:
    """The FORWARD policy from ``ip6tables -S FORWARD`` (``-P FORWARD DROP``) or ``ip6tables-save`` output."""
    for line in listing.splitlines():
        words = line.split()
        if words[:2] == ['-P', 'FORWARD'] and len(words) == 3:
            return words[2]
    return _tables(listing).get('filter', {}).get('chains', {}).get('FORWARD')


def ip6tables_removal(save_text: str) -> tuple[list[list[str]], list[str]]:
    """(ip6tables argv tails, what each does) that remove the collection's chains and every jump to them. Jumps are
    deleted by position, bottom up, so that a rule of the same text elsewhere is never hit; then the chains are
    flushed, then deleted (they jump to each other). Chains of anyone else are never touched."""
    commands, described = [], []
    tables = _tables(save_text)
    for table in sorted(tables):
        chains = tables[table]['chains']
        owned = sorted(name for name in chains if owned_chain(name))
        positions: dict[str, list[int]] = {}
        counts: dict[str, int] = {}
        for chain, words in tables[table]['rules']:
            counts[chain] = counts.get(chain, 0) + 1
            target = _target(words)
            if chain not in owned and target is not None and owned_chain(target):
                positions.setdefault(chain, []).append(counts[chain])
                described.append('%s: -A %s %s' % (table, chain, ' '.join(words)))
        for chain in sorted(positions):
            for position in sorted(positions[chain], reverse=True):
                commands.append(['-t', table, '-D', chain, str(position)])
        for chain in owned:
            commands.append(['-t', table, '-F', chain])
        for chain in owned:
            commands.append(['-t', table, '-X', chain])
            described.append('%s: chain %s' % (table, chain))
    return commands, described


# ------------------------------------------------------------------ proxy entries
def owned_proxy_entries(entries: list, protocol: int) -> list[dict]:
    """Entries (from _hostlib.iproute.proxy_entries, with dev) tagged with ``protocol``, sorted by link and address."""
    owned = [
        entry
        for entry in entries
        if entry.get('protocol') is not None and str(entry['protocol']) == str(protocol) and entry.get('dev')
    ]
    return sorted(owned, key=lambda entry: (entry['dev'], int(ipaddress.IPv6Address(entry['address']))))


# ------------------------------------------------------------------ the default bridge's old IPv6 gateway
def stale_bridge_lines(addresses: list, routes: list, prefix: str, bridge: str) -> list[str]:
    """``ip -6 -batch`` lines that take the IPv6 gateway address inside ``prefix`` (the collection's former
    fixed-cidr-v6) off ``bridge``, with the engine's link-local gateway fe80::1/64, and the non-kernel routes to that
    prefix on it, which engines 26.1 and 28.5 leave behind when they start without IPv6 on the default bridge. ``addresses``: ``ip -j -6 addr show dev BRIDGE``;
    ``routes``: ``ip -N -j -6 route show table main``."""
    network = ipaddress.IPv6Network(prefix, strict=True)
    lines = []
    for link in addresses:
        for info in (link or {}).get('addr_info') or []:
            local = (info or {}).get('local')
            if not local:
                continue
            address = ipaddress.IPv6Address(local)
            if (info.get('scope') == 'global' and address in network) or (
                info.get('scope') == 'link' and address == ENGINE_LINK_LOCAL and info.get('prefixlen') == 64
            ):
                lines.append('address del %s/%d dev %s' % (address.compressed, int(info['prefixlen']), bridge))
    for route in routes:
        dst = str((route or {}).get('dst', ''))
        if route.get('dev') != bridge or str(route.get('protocol')) in ('2', 'kernel') or '/' not in dst:
            continue
        try:
            dest = ipaddress.IPv6Network(dst, strict=True)
        except ValueError:
            continue
        if dest.subnet_of(network):
            lines.append('route del %s dev %s metric %d' % (dest.compressed, bridge, int(route.get('metric', 1024))))
    return lines


# ------------------------------------------------------------------ networks
def network_removals(names, networks: dict) -> tuple[list[str], list[dict]]:
    """(networks to remove, networks kept with the reason) among the recorded ``names``; ``networks`` maps the
    name of each existing one to its inspect data. A network with containers attached is kept."""
    remove, kept = [], []
    for name in names:
        network = networks.get(name)
        if network is None:
            continue
        attached = sorted((c or {}).get('Name', cid) for cid, c in (network.get('Containers') or {}).items())
        if attached:
            kept.append({'name': name, 'reason': 'containers attached: %s' % ', '.join(attached)})
        else:
            remove.append(name)
    return remove, kept
