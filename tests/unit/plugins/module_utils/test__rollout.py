# Copyright: dockernet.ipv6 contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

import pytest

from ansible_collections.dockernet.ipv6.plugins.module_utils._rollout import (
    RolloutError,
    batch_settings,
    parse_max_fail,
    parse_serial,
)

HOSTS = ["docker1", "docker2", "docker3"]


def site(**variables):
    return {host: dict(variables, dockernet_lan_interface="eth0") for host in HOSTS}


def test_without_variables_every_host_is_one_batch_and_ansible_decides_failures():
    assert batch_settings(site(), HOSTS) == {"serial": 0}


def test_batches_stop_at_the_first_failed_host_by_default():
    assert batch_settings(site(dockernet_serial=1), HOSTS) == {"serial": 1, "max_fail_percentage": 0}
    assert batch_settings(site(dockernet_serial="1", dockernet_max_fail_percentage="50"), HOSTS) == {
        "serial": 1,
        "max_fail_percentage": 50,
    }


def test_an_explicit_percentage_applies_without_batches_too():
    assert batch_settings(site(dockernet_max_fail_percentage=0), HOSTS) == {"serial": 0, "max_fail_percentage": 0}


@pytest.mark.parametrize(
    "value, expected",
    [
        (None, 0),
        (0, 0),
        ("0", 0),
        (2, 2),
        ("2", 2),
        ("25%", "25%"),
        (" 50 % ", "50%"),
        (" 0 ", 0),
        ("100%", "100%"),
        ([1, "50%", "100%"], [1, "50%", "100%"]),
        (["1", 2], [1, 2]),
    ],
)
def test_serial_values(value, expected):
    assert parse_serial(value) == expected


@pytest.mark.parametrize(
    "value, words",
    [
        (-1, "negative"),
        (True, "boolean"),
        ("fast", "neither"),
        ("0%", "above 0%"),
        ("150%", "at most 100%"),
        ([], "empty list"),
        ([1, 0], "1 or more"),
        ({"size": 1}, "neither"),
    ],
)
def test_serial_refusals(value, words):
    with pytest.raises(ValueError) as caught:
        parse_serial(value)
    assert words in str(caught.value)


@pytest.mark.parametrize(
    "value, words",
    [
        (True, "a batch size is a host count or a percentage, not a boolean"),
        ([1, 0], "a batch size in a list must be 1 or more hosts, not 0"),
        ("0%", "a percentage of the hosts must be above 0% and at most 100%, not 0%"),
        (" 100.5% ", "a percentage of the hosts must be above 0% and at most 100%, not 100.5%"),
        ([], "an empty list; leave the variable unset (or 0) to configure every host at once"),
        (-3, "-3 is negative; 0 (or unset) configures every host at once"),
    ],
)
def test_serial_refusals_say_what_to_set(value, words):
    with pytest.raises(ValueError) as caught:
        parse_serial(value)
    assert str(caught.value) == words


@pytest.mark.parametrize("value, expected", [("1%", "1%"), ("0.5%", "0.5%"), ("99.5%", "99.5%")])
def test_serial_percentages_down_to_a_fraction_of_one(value, expected):
    assert parse_serial(value) == expected


@pytest.mark.parametrize(
    "value, expected",
    [(0, 0), ("0", 0), (25, 25), ("25%", 25), (12.5, 12.5), ("12.5", 12.5), ("12.5%", 12.5), (100, 100), ("100%", 100)],
)
def test_max_fail_values(value, expected):
    assert parse_max_fail(value) == expected


@pytest.mark.parametrize("value", ["25%", "25", " 25 %", "25% ", " 25 % "])
def test_a_whole_max_fail_percentage_stays_a_whole_number(value):
    # The preflight play of configure.yml prints it: 25, not 25.0.
    assert repr(parse_max_fail(value)) == "25"


@pytest.mark.parametrize("value", [-1, 101, 100.5, True, "some", None, [10], "25X", "12.5X"])
def test_max_fail_refusals(value):
    with pytest.raises(ValueError) as caught:
        parse_max_fail(value)
    assert str(caught.value) == "%r is not a percentage from 0 to 100" % (value,)


def test_every_problem_names_the_host_and_the_variable():
    hostvars = site(dockernet_serial=1, dockernet_max_fail_percentage=200)
    hostvars["docker2"]["dockernet_serial"] = 2
    del hostvars["docker3"]["dockernet_serial"]
    with pytest.raises(RolloutError) as caught:
        batch_settings(hostvars, HOSTS)
    assert str(caught.value).splitlines() == [
        "docker2: dockernet_serial: 2 here but 1 on docker1; the whole site is rolled out with one value: set it "
        "once, in group_vars of the hosts' group or with -e",
        "docker3: dockernet_serial: unset here but 1 on docker1; the whole site is rolled out with one value: set it "
        "once, in group_vars of the hosts' group or with -e",
        "docker1: dockernet_max_fail_percentage: 200 is not a percentage from 0 to 100",
    ]


def test_a_value_unset_on_the_first_host_is_reported_as_unset_there():
    hostvars = site(dockernet_serial=2)
    del hostvars["docker1"]["dockernet_serial"]
    with pytest.raises(RolloutError) as caught:
        batch_settings(hostvars, HOSTS)
    assert str(caught.value).splitlines() == [
        "%s: dockernet_serial: 2 here but unset on docker1; the whole site is rolled out with one value: set it "
        "once, in group_vars of the hosts' group or with -e" % host
        for host in ("docker2", "docker3")
    ]


def test_a_bad_value_set_everywhere_is_reported_once():
    with pytest.raises(RolloutError) as caught:
        batch_settings(site(dockernet_serial="fast"), HOSTS)
    assert str(caught.value) == (
        "docker1: dockernet_serial: 'fast' is neither a host count (2) nor a percentage of the hosts ('25%')"
    )
