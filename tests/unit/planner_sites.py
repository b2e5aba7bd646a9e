# Copyright: dockernet.ipv6 contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Sites for the planner's tests: hostvars of hosts on the book's LAN, and the refusals planning them raises."""

from __future__ import annotations

import pytest

from ansible_collections.dockernet.ipv6.plugins.plugin_utils._planner import PlanError, plan_from_hostvars

LAN = "2001:db8:ab11::/64"


def refusals(hostvars: dict) -> list[str]:
    """The lines of the PlanError that planning `hostvars` must raise."""
    with pytest.raises(PlanError) as caught:
        plan_from_hostvars(list(hostvars), hostvars)
    return [str(issue) for issue in caught.value.issues]


def lan_site(count: int = 2, lan: str = LAN, **site) -> dict:
    """docker1..docker<count> on `lan` (addresses ::1, ::2, ... in hex), each with the variables `site`."""
    return {
        f"docker{number}": dict(
            {"dockernet_site_lan_prefix": lan, "dockernet_lan_interface": "eth0"},
            dockernet_lan_address=f"2001:db8:ab11::{number:x}",
            **site,
        )
        for number in range(1, count + 1)
    }
