# Copyright: dockernet.ipv6 contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Every case of the reliability suite's tests/reliability/bad_input.yml, planned on the controller.

The reliability suite runs every case through ansible-playbook on lab hosts (the run stops in the preflight, names
the host and the variable, and changes nothing); here every case is planned from the lab's inventory with the
case's changes and must be refused with a line naming its host and variable.
"""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
import yaml

from ansible_collections.dockernet.ipv6.plugins.plugin_utils._planner import PlanError, plan_from_hostvars

REPO = Path(__file__).resolve().parents[4]
CASES = yaml.safe_load((REPO / "tests/reliability/bad_input.yml").read_text())
GROUP_VARS = yaml.safe_load((REPO / "inventory/lab/group_vars/docker_hosts.yml").read_text())
# What tools/lab/lab.sh writes for every host, and what the preflight reads from a lab host.
LAB_VARS = {"dockernet_lan_interface": "eth0"}
LAB_FACTS = {"dockernet_host_interfaces": ["lo", "eth0"], "dockernet_engine_version": "26.1.5"}


def changed(values: dict, changes: dict | None) -> dict:
    """``values`` with ``changes`` applied as run.py applies them: a null deletes the key."""
    values = copy.deepcopy(values)
    for key, value in (changes or {}).items():
        if value is None:
            values.pop(key, None)
        else:
            values[key] = value
    return values


def lab_hostvars(case: dict) -> dict:
    group = changed(GROUP_VARS, case.get("group_vars"))
    hostvars = {}
    for number in (1, 2):
        name = f"docker{number}"
        host = dict(group, **LAB_VARS, **LAB_FACTS, dockernet_lan_address=f"2001:db8:ab11::{number}")
        hostvars[name] = changed(host, (case.get("host_vars") or {}).get(name))
    return hostvars


def test_the_cases_are_many_and_each_has_its_own_id():
    assert len(CASES) >= 60
    assert len({case["id"] for case in CASES}) == len(CASES)
    assert all(set(case) <= {"id", "what", "group_vars", "host_vars", "expect"} for case in CASES)


def test_the_lab_inventory_itself_plans():
    plan_from_hostvars(["docker1", "docker2"], lab_hostvars({}))


@pytest.mark.parametrize("case", CASES, ids=[case["id"] for case in CASES])
def test_every_bad_input_case_is_refused_naming_its_host_and_variable(case):
    hostvars = lab_hostvars(case)
    with pytest.raises(PlanError) as caught:
        plan_from_hostvars(list(hostvars), hostvars)
    want = f"{case['expect']['host']}: {case['expect']['variable']}: "
    lines = [str(issue) for issue in caught.value.issues]
    assert any(line.startswith(want) for line in lines), lines
