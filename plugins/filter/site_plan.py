# Copyright: dockernet.ipv6 contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The site_plan filter: the controller-side entry point to the planner (documentation in site_plan.yml)."""

from __future__ import annotations

import typing as t

from ansible.errors import AnsibleFilterError

from ansible_collections.dockernet.ipv6.plugins.plugin_utils._filter_args import site_hosts
from ansible_collections.dockernet.ipv6.plugins.plugin_utils._planner import (
    NetaddrMissingError,
    PlanError,
    plan_from_hostvars,
)


def site_plan(hostvars: t.Any, host_names: t.Any) -> dict[str, t.Any]:
    """Plan every host in host_names (inventory order) from their variables in hostvars."""
    names = site_hosts("site_plan", hostvars, host_names, "the list of hosts to plan")
    try:
        return plan_from_hostvars(names, hostvars)
    except PlanError as error:
        # One line per problem, "<host>: <variable>: <what to do>", so each can be fixed where it is set.
        raise AnsibleFilterError(str(error)) from None
    except NetaddrMissingError as error:
        raise AnsibleFilterError(str(error)) from None


class FilterModule:
    """dockernet.ipv6 filters."""

    def filters(self) -> dict[str, t.Callable[..., t.Any]]:
        return {"site_plan": site_plan}
