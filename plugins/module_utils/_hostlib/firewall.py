# Copyright: dockernet.ipv6 contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The host library's firewall logic, for the dockernet-firewall service: the collection's own ip6tables chains, as
text for ``ip6tables-restore --noflush``, and the commands that keep the jumps to them first in line.

Pure functions over plain data and command output. Nothing outside this collection may rely on this file.

The chains, and why each is needed:

- filter ``DOCKERNET-FORWARD`` (first rule of ``DOCKER-USER``): lets packets that arrive on the LAN interface
  from the site's own sources reach this host's containers, unpublished ports included. Matching the LAN
  interface keeps Docker's isolation between networks of one host untouched: traffic from another bridge never
  matches. Internal networks return early, so the engine's own rules drop what reaches them.
- nat ``DOCKERNET-POSTROUTING`` (first rule of ``POSTROUTING``): accepting a packet here ends the nat chain
  before the engine's ``MASQUERADE`` rules, so traffic between the site's containers keeps both addresses.
  Engines insert a new network's ``MASQUERADE`` rule at the top, so the jump is put back in front whenever a
  network is created.
- raw ``DOCKERNET-PREROUTING`` (first rule of ``PREROUTING``, engines 28.0 and later): those engines drop
  routed packets to container addresses in the raw table, before any filter rule; the filter rules above and
  the engine's own (published ports only, replies) still decide what gets through.
"""

from __future__ import annotations

import ipaddress
import re

from .addresses import ip_prefix

FILTER_CHAIN = 'DOCKERNET-FORWARD'
NAT_CHAIN = 'DOCKERNET-POSTROUTING'
NAT_SITE_CHAIN = 'DOCKERNET-NAT-SITE'
RAW_CHAIN = 'DOCKERNET-PREROUTING'
SITE_CHAIN = 'DOCKERNET-SITE'
FORWARD_POLICIES = ('drop', 'keep')

# (table, chain, target): each jump must be the chain's first rule.
JUMPS = (
    ('filter', 'DOCKER-USER', FILTER_CHAIN),
    ('nat', 'POSTROUTING', NAT_CHAIN),
    ('raw', 'PREROUTING', RAW_CHAIN),
)
_INTERFACE_RE = re.compile(r'^[A-Za-z0-9_.@-]{1,15}$')


class FirewallConfigError(Exception):
    """The firewall configuration file holds a value the rules cannot be built from."""


def _prefixes(values, key: str) -> list[str]:
    if not isinstance(values, list):
        raise FirewallConfigError('%s: expected a list of IPv6 prefixes, got %r' % (key, values))
    prefixes = []
    for value in values:
        try:
            prefix = ip_prefix(value, 6)
        except ValueError as exc:
            raise FirewallConfigError('%s: %s' % (key, exc)) from exc
        prefixes.append(prefix.compressed)
    return prefixes


def parse_config(config: dict) -> dict:
    """The checked configuration: every value that goes into a rule is a valid link name or IPv6 prefix."""
    if not isinstance(config, dict):
        raise FirewallConfigError('the configuration must be a JSON object')
    interface = config.get('interface')
    if not isinstance(interface, str) or not _INTERFACE_RE.match(interface):
        raise FirewallConfigError('interface: %r is not a link name' % (interface,))
    policy = config.get('forward_policy', 'drop')
    if policy not in FORWARD_POLICIES:
        raise FirewallConfigError('forward_policy: %r is not one of %s' % (policy, ', '.join(FORWARD_POLICIES)))
    return {
        'interface': interface,
        'sources': _prefixes(config.get('sources', []), 'sources'),
        'destinations': _prefixes(config.get('destinations', []), 'destinations'),
        'internal_prefixes': _prefixes(config.get('internal_prefixes', []), 'internal_prefixes'),
        'nat_exempt_destinations': _prefixes(config.get('nat_exempt_destinations', []), 'nat_exempt_destinations'),
        'raw_table_accept': bool(config.get('raw_table_accept', False)),
        'forward_policy': policy,
    }


def internal_subnets(networks: list) -> list[str]:
    """The IPv6 subnets of the engine's internal networks, from its network list (``GET /networks``)."""
    subnets = []
    for network in networks:
        if not isinstance(network, dict) or not network.get('Internal'):
            continue
        for entry in (network.get('IPAM') or {}).get('Config') or []:
            subnet = (entry or {}).get('Subnet') or ''
            try:
                parsed = ipaddress.ip_network(subnet, strict=False)
            except ValueError:
                continue
            if parsed.version == 6:
                subnets.append(str(parsed))
    return subnets


def _unique(values) -> list[str]:
    seen = set()
    ordered = []
    for value in values:
        if value not in seen:
            seen.add(value)
            ordered.append(value)
    return ordered


def restore_text(config: dict, engine_internal: list[str]) -> str:
    """The input of ``ip6tables-restore --noflush``: it replaces the collection's chains and nothing else."""
    interface = config['interface']
    internal = _unique(config['internal_prefixes'] + engine_internal)
    lines = ['*filter', ':%s - [0:0]' % FILTER_CHAIN, ':%s - [0:0]' % SITE_CHAIN]
    lines += ['-A %s -d %s -j RETURN' % (FILTER_CHAIN, prefix) for prefix in internal]
    lines += [
        '-A %s -i %s -d %s -j %s' % (FILTER_CHAIN, interface, prefix, SITE_CHAIN) for prefix in config['destinations']
    ]
    lines += ['-A %s -s %s -j ACCEPT' % (SITE_CHAIN, prefix) for prefix in config['sources']]
    lines += ['COMMIT', '*nat', ':%s - [0:0]' % NAT_CHAIN, ':%s - [0:0]' % NAT_SITE_CHAIN]
    exempt = config['nat_exempt_destinations']
    for prefix in config['destinations']:
        if exempt:
            lines.append('-A %s -s %s -j %s' % (NAT_CHAIN, prefix, NAT_SITE_CHAIN))
        else:
            lines.append('-A %s -s %s -j ACCEPT' % (NAT_CHAIN, prefix))
    lines += ['-A %s -d %s -j ACCEPT' % (NAT_SITE_CHAIN, prefix) for prefix in exempt]
    lines.append('COMMIT')
    if config['raw_table_accept']:
        lines += ['*raw', ':%s - [0:0]' % RAW_CHAIN]
        lines += ['-A %s -d %s -j RETURN' % (RAW_CHAIN, prefix) for prefix in internal]
        lines += ['-A %s -i %s -d %s -j ACCEPT' % (RAW_CHAIN, interface, prefix) for prefix in config['destinations']]
        lines.append('COMMIT')
    return '\n'.join(lines) + '\n'


def jump_positions(listing: str, chain: str, target: str) -> tuple[int, list[int]]:
    """From ``ip6tables -S <chain>``: the number of rules and the 1-based positions of ``-j <target>``."""
    count = 0
    positions = []
    for line in listing.splitlines():
        words = line.split()
        if len(words) < 2 or words[0] != '-A' or words[1] != chain:
            continue
        count += 1
        if words[2:] == ['-j', target]:
            positions.append(count)
    return count, positions


def jump_commands(table: str, chain: str, target: str, listing: str) -> list[list[str]]:
    """ip6tables arguments that leave exactly one ``-j <target>`` as the first rule of ``chain``."""
    _count, positions = jump_positions(listing, chain, target)
    if positions == [1]:
        return []
    commands = [['-t', table, '-I', chain, '1', '-j', target]]
    # After the insert every old position moves down by one; delete from the bottom up.
    commands += [['-t', table, '-D', chain, str(position + 1)] for position in sorted(positions, reverse=True)]
    return commands


def forward_policy(listing: str) -> str | None:
    """The policy of the filter FORWARD chain, from ``ip6tables -S FORWARD``."""
    for line in listing.splitlines():
        words = line.split()
        if len(words) == 3 and words[0] == '-P' and words[1] == 'FORWARD':
            return words[2]
    return None
