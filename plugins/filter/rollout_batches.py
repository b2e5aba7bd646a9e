# Copyright: dockernet.ipv6 contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The rollout_batches filter: the configure play's batch settings (documentation in rollout_batches.yml)."""

from __future__ import annotations

import typing as t
from collections.abc import Mapping, Sequence

from ansible.errors import AnsibleFilterError

from ansible_collections.dockernet.ipv6.plugins.module_utils._rollout import RolloutError, batch_settings


def rollout_batches(hostvars: t.Any, host_names: t.Any) -> dict[str, t.Any]:
    """serial and max_fail_percentage for the hosts in host_names, from dockernet_serial and
    dockernet_max_fail_percentage in hostvars."""
    if not isinstance(hostvars, Mapping):
        raise AnsibleFilterError(
            f"rollout_batches: the input must be hostvars (a mapping of host names), not {type(hostvars).__name__}"
        )
    if isinstance(host_names, (str, bytes)) or not isinstance(host_names, Sequence):
        raise AnsibleFilterError(
            "rollout_batches: the argument must be the list of hosts, for example groups['docker_hosts'], "
            f"not {type(host_names).__name__}"
        )
    try:
        return batch_settings(hostvars, [str(name) for name in host_names])
    except RolloutError as error:
        raise AnsibleFilterError(str(error)) from None


class FilterModule:
    """dockernet.ipv6 filters."""

    def filters(self) -> dict[str, t.Callable[..., t.Any]]:
        return {"rollout_batches": rollout_batches}
