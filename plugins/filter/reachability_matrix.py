# Copyright: dockernet.ipv6 contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The reachability_matrix filter (documentation in reachability_matrix.yml)."""

from __future__ import annotations

import typing as t
from collections.abc import Mapping

from ansible.errors import AnsibleFilterError


def reachability_matrix(results: t.Any, hosts: t.Any) -> dict[str, t.Any]:
    """A table of which host's container reached which, from {from_host: {to_host: probe exit status}}."""
    if not isinstance(results, Mapping):
        raise AnsibleFilterError('reachability_matrix: the input must map each source host to its results')
    hosts = [str(host) for host in hosts]
    width = max([len(host) for host in hosts] + [len('from \\ to')])
    lines = [' '.join(['from \\ to'.ljust(width)] + [host.ljust(width) for host in hosts]).rstrip()]
    gaps = []
    for source in hosts:
        row = [source.ljust(width)]
        reached = results.get(source) or {}
        for target in hosts:
            if source == target:
                cell = '-'
            elif target not in reached:
                cell = '?'
                gaps.append('%s -> %s' % (source, target))
            elif reached[target] == 0 and reached[target] is not False:
                cell = 'ok'
            else:
                cell = 'FAIL'
                gaps.append('%s -> %s' % (source, target))
            row.append(cell.ljust(width))
        lines.append(' '.join(row).rstrip())
    return {'lines': lines, 'gaps': gaps, 'complete': not gaps}


class FilterModule:
    """dockernet.ipv6 filters."""

    def filters(self) -> dict[str, t.Callable[..., t.Any]]:
        return {'reachability_matrix': reachability_matrix}
