# Copyright: dockernet.ipv6 contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The site_plan filter: the controller-side entry point to the planner (documentation in site_plan.yml)."""

from __future__ import annotations

import typing as t
from collections.abc import Mapping, Sequence

from ansible.errors import AnsibleFilterError

from ansible_collections.dockernet.ipv6.plugins.plugin_utils._planner import (
    NetaddrMissingError,
    PlanError,
    plan_from_hostvars,
)


def site_plan(hostvars: t.Any, host_names: t.Any) -> dict[str, t.Any]:
    """Plan every host in host_names (inventory order) from their variables in hostvars."""
    if not isinstance(hostvars, Mapping):
        raise AnsibleFilterError(
            f"site_plan: the input must be hostvars (a mapping of host names), not {type(hostvars).__name__}"
        )
    if isinstance(host_names, (str, bytes)) or not isinstance(host_names, Sequence):
        raise AnsibleFilterError(
            "site_plan: the argument must be the list of hosts to plan, for example groups['docker_hosts'], "
            f"not {type(host_names).__name__}"
        )
    try:
        return plan_from_hostvars([str(name) for name in host_names], hostvars)
    except PlanError as error:
        # One line per problem, "<host>: <variable>: <what to do>", so each can be fixed where it is set.
        raise AnsibleFilterError(str(error)) from None
    except NetaddrMissingError as error:
        raise AnsibleFilterError(str(error)) from None


class FilterModule:
    """dockernet.ipv6 filters."""

    def filters(self) -> dict[str, t.Callable[..., t.Any]]:
        return {"site_plan": site_plan}
