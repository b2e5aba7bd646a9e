# Copyright: dockernet.ipv6 contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.dockernet.ipv6.plugins.filter.site_plan import FilterModule
from ansible_collections.dockernet.ipv6.plugins.plugin_utils import _addresses

SITE = {"dockernet_site_lan_prefix": "2001:db8:ab11::/64"}


def site_plan():
    return FilterModule().filters()["site_plan"]


def book_hostvars():
    return {
        "docker1": dict(SITE, dockernet_lan_interface="eth0", dockernet_lan_address="2001:db8:ab11::1"),
        "docker2": dict(SITE, dockernet_lan_interface="eth0", dockernet_lan_address="2001:db8:ab11::2"),
        "other": {"unrelated": True},
    }


def test_filter_plans_the_listed_hosts_only():
    result = site_plan()(book_hostvars(), ["docker1", "docker2"])
    assert list(result["hosts"]) == ["docker1", "docker2"]
    assert result["hosts"]["docker1"]["fixed_cidr_v6"] == "2001:db8:ab11:0:8000::/67"
    assert result["hosts"]["docker2"]["fixed_cidr_v6"] == "2001:db8:ab11:0:c000::/67"
    assert result["hosts"]["docker1"]["address_pools"] == [{"base": "2001:db8:ab11:0:a000::/67", "size": 75}]
    assert result["site_sources"] == ["2001:db8:ab11::1/128", "2001:db8:ab11::2/128", "2001:db8:ab11:0:8000::/65"]


def test_filter_reports_every_problem_one_per_line():
    hostvars = book_hostvars()
    del hostvars["docker1"]["dockernet_lan_address"]
    hostvars["docker2"].update(dockernet_lan_interface="eht0", dockernet_host_interfaces=["eth0", "lo"])
    with pytest.raises(AnsibleFilterError) as caught:
        site_plan()(hostvars, ["docker1", "docker2"])
    assert caught.value.message.splitlines() == [
        "docker1: dockernet_lan_address: required variable is not set",
        "docker2: dockernet_lan_interface: interface 'eht0' does not exist on this host (it has: eth0, lo)",
    ]


@pytest.mark.parametrize(
    ("hostvars", "host_names", "message"),
    [
        (["docker1"], ["docker1"], "the input must be hostvars (a mapping of host names), not list"),
        ({}, "docker1", "the argument must be the list of hosts to plan, for example groups['docker_hosts'], not str"),
    ],
)
def test_filter_rejects_wrong_arguments(hostvars, host_names, message):
    with pytest.raises(AnsibleFilterError) as caught:
        site_plan()(hostvars, host_names)
    assert str(caught.value) == "site_plan: " + message


def test_filter_explains_missing_netaddr(monkeypatch):
    monkeypatch.setattr(_addresses, "HAS_NETADDR", False)
    with pytest.raises(AnsibleFilterError, match="pip install netaddr"):
        site_plan()(book_hostvars(), ["docker1", "docker2"])
