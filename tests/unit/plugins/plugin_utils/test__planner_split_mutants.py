# Copyright: dockernet.ipv6 contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Planner behaviour that mutation testing of its split files (_plan_inputs, _plan_intervals, _planner,
_plan_site_rules, _plan_host_rules; make mutation, docs/mutation.md) found untested: whole messages, and what
single values mean."""

from __future__ import annotations

from ansible_collections.dockernet.ipv6.plugins.plugin_utils._plan_inputs import parse_engine_version
from ansible_collections.dockernet.ipv6.tests.unit.planner_sites import lan_site, refusals


def test_an_accept_ra_that_is_no_boolean_is_quoted_in_the_message():
    hostvars = lan_site(2)
    hostvars["docker2"]["dockernet_accept_ra"] = "sometimes"
    assert refusals(hostvars) == ["docker2: dockernet_accept_ra: 'sometimes' is not a boolean: write true or false"]


def test_an_engine_version_is_read_as_its_major_and_minor_release():
    # The patch level and a distribution's suffix do not count: the engine gates compare (major, minor).
    assert parse_engine_version("26.1.5+dfsg1") == ((26, 1), None)
    assert parse_engine_version("28.0.4") == ((28, 0), None)


def test_gathered_ra_interfaces_that_are_no_list_are_quoted_in_the_message():
    hostvars = lan_site(2)
    hostvars["docker2"]["dockernet_ra_interfaces"] = "eth0"
    assert refusals(hostvars) == [
        "docker2: dockernet_ra_interfaces: 'eth0' is not a list of interface names: "
        "the preflight gathers it, do not set it"
    ]
