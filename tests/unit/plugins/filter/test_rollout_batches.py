# Copyright: dockernet.ipv6 contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.dockernet.ipv6.plugins.filter.rollout_batches import FilterModule


def rollout_batches():
    return FilterModule().filters()["rollout_batches"]


def test_filter_reads_the_listed_hosts_only():
    hostvars = {
        "docker1": {"dockernet_serial": 1},
        "docker2": {"dockernet_serial": 1},
        "other": {"dockernet_serial": 5},
    }
    assert rollout_batches()(hostvars, ["docker1", "docker2"]) == {"serial": 1, "max_fail_percentage": 0}


def test_filter_without_hosts_is_one_batch():
    assert rollout_batches()({}, []) == {"serial": 0}


def test_filter_turns_problems_into_a_filter_error():
    with pytest.raises(AnsibleFilterError) as caught:
        rollout_batches()({"docker1": {"dockernet_serial": -2}}, ["docker1"])
    assert str(caught.value).startswith("docker1: dockernet_serial: -2 is negative")


@pytest.mark.parametrize(
    "hostvars, names, message",
    [
        ([], ["docker1"], "the input must be hostvars (a mapping of host names), not list"),
        ({}, "docker1", "the argument must be the list of hosts, for example groups['docker_hosts'], not str"),
        ({}, None, "the argument must be the list of hosts, for example groups['docker_hosts'], not NoneType"),
    ],
)
def test_filter_refuses_wrong_arguments(hostvars, names, message):
    with pytest.raises(AnsibleFilterError) as caught:
        rollout_batches()(hostvars, names)
    assert str(caught.value) == "rollout_batches: " + message
