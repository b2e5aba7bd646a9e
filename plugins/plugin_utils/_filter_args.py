# Copyright: dockernet.ipv6 contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The arguments of the filters that read the whole site from hostvars (site_plan, rollout_batches).

Private to the collection: nothing outside dockernet.ipv6 may import it.
"""

from __future__ import annotations

import typing as t
from collections.abc import Mapping, Sequence

from ansible.errors import AnsibleFilterError


def site_hosts(name: str, hostvars: t.Any, host_names: t.Any, hosts: str = "the list of hosts") -> list[str]:
    """The host names to read, once hostvars is a mapping and host_names a list; AnsibleFilterError otherwise.

    `name` is the filter's, `hosts` what its argument is (in the message)."""
    if not isinstance(hostvars, Mapping):
        raise AnsibleFilterError(
            f"{name}: the input must be hostvars (a mapping of host names), not {type(hostvars).__name__}"
        )
    if isinstance(host_names, (str, bytes)) or not isinstance(host_names, Sequence):
        raise AnsibleFilterError(
            f"{name}: the argument must be {hosts}, for example groups['docker_hosts'], not {type(host_names).__name__}"
        )
    return [str(host) for host in host_names]
