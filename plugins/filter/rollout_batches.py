# Copyright: dockernet.ipv6 contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The rollout_batches filter: the configure play's batch settings (documentation in rollout_batches.yml)."""

from __future__ import annotations

import typing as t

from ansible.errors import AnsibleFilterError

from ansible_collections.dockernet.ipv6.plugins.module_utils._rollout import RolloutError, batch_settings
from ansible_collections.dockernet.ipv6.plugins.plugin_utils._filter_args import site_hosts


def rollout_batches(hostvars: t.Any, host_names: t.Any) -> dict[str, t.Any]:
    """serial and max_fail_percentage for the hosts in host_names, from dockernet_serial and
    dockernet_max_fail_percentage in hostvars."""
    names = site_hosts("rollout_batches", hostvars, host_names)
    try:
        return batch_settings(hostvars, names)
    except RolloutError as error:
        raise AnsibleFilterError(str(error)) from None


class FilterModule:
    """dockernet.ipv6 filters."""

    def filters(self) -> dict[str, t.Callable[..., t.Any]]:
        return {"rollout_batches": rollout_batches}
