# Copyright: dockernet.ipv6 contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

import json

import pytest

from ansible_collections.dockernet.ipv6.plugins.module_utils._rollout_lock import (
    DEFAULT_TIMEOUT,
    decide,
    lock_record,
    parse_lock,
    parse_timeout,
    refusal,
    run_id,
)

NOW = 1796191200.0  # 2026-12-02T06:00:00Z
ME = {"controller": "ctl1", "pid": 200, "run": run_id(200, "5000", "8f3a2b1c-aaaa")}
OTHER = {"controller": "ctl1", "pid": 100, "run": run_id(100, "4000", "8f3a2b1c-aaaa")}


def held_by(holder, acquired=NOW - 60, expires=NOW + 600):
    return parse_lock(json.dumps({"holder": holder, "acquired": acquired, "expires": expires}))


def test_run_id_changes_with_the_pid_its_start_and_the_boot():
    assert run_id(100, "4000", "8f3a2b1c-aaaa") == "100-4000-8f3a2b1c"
    assert (
        len(
            {run_id(100, "4000", "b1"), run_id(100, "4001", "b1"), run_id(101, "4000", "b1"), run_id(100, "4000", "b2")}
        )
        == 4
    )


def test_a_free_host_is_taken():
    assert decide(None, ME, NOW).action == "take"
    assert parse_lock(None) is None
    assert parse_lock("  \n") is None


def test_the_same_run_keeps_its_lock():
    assert decide(held_by(ME), ME, NOW) == ("keep", "held by this run")


def test_the_same_run_id_from_another_controller_is_not_this_run():
    assert decide(held_by(dict(ME, controller="ctl2")), ME, NOW).action == "refuse"


def test_a_live_run_refuses_another():
    assert decide(held_by(OTHER), ME, NOW).action == "refuse"


def test_a_lease_that_ended_is_taken_over():
    decision = decide(held_by(OTHER, expires=NOW - 1), ME, NOW)
    assert decision.action == "take"
    assert "2026-12-02T05:59:59Z" in decision.reason


def test_a_dead_holder_is_taken_over_only_while_it_still_holds_the_lock():
    assert decide(held_by(OTHER), ME, NOW, stale_run=OTHER["run"]).action == "take"
    # Another live run took the lock between the controller's look and the module's: it stays.
    newer = dict(OTHER, pid=300, run=run_id(300, "6000", "8f3a2b1c"))
    assert decide(held_by(newer), ME, NOW, stale_run=OTHER["run"]).action == "refuse"


def test_breaking_on_request():
    decision = decide(held_by(OTHER), ME, NOW, break_lock=True)
    assert decision.action == "take"
    assert "dockernet_rollout_lock_break" in decision.reason


@pytest.mark.parametrize("text", ["{", "[]", '{"holder": "x"}', "garbage"])
def test_a_file_that_is_no_lock_record_does_not_block(text):
    current = parse_lock(text)
    assert current["unreadable"]
    assert decide(current, ME, NOW).action == "take"


def test_bad_times_read_as_expired():
    current = parse_lock(json.dumps({"holder": OTHER, "acquired": "x", "expires": None}))
    assert current["expires"] == 0.0
    assert decide(current, ME, NOW).action == "take"


def test_the_record_keeps_when_the_run_first_took_it():
    first = lock_record(ME, NOW, 600)
    assert first["holder"] == ME
    assert (first["acquired_utc"], first["expires_utc"]) == ("2026-12-02T06:00:00Z", "2026-12-02T06:10:00Z")
    renewed = lock_record(ME, NOW + 120, 600, acquired=first["acquired"])
    assert renewed["acquired"] == NOW
    assert renewed["expires"] == NOW + 720
    assert parse_lock(json.dumps(renewed))["holder"] == ME


def test_the_refusal_names_host_holder_time_and_what_to_do():
    msg = refusal("docker2", held_by(OTHER), ME, True)
    assert msg.startswith(
        "docker2: rollout lock: held by ansible-playbook PID 100 on ctl1 (run 100-4000-8f3a2b1c) "
        "since 2026-12-02T05:59:00Z (still running on this controller)"
    )
    assert "-e dockernet_rollout_lock_break=true" in msg
    assert "(from another controller)" in refusal("docker2", held_by(dict(OTHER, controller="ctl2")), ME, None)


@pytest.mark.parametrize(
    "value, expected", [(None, DEFAULT_TIMEOUT), ("", DEFAULT_TIMEOUT), (60, 60), ("7200", 7200), (" 900 ", 900)]
)
def test_timeout(value, expected):
    assert parse_timeout(value) == expected


@pytest.mark.parametrize("value", [True, 59, 0, -5, "1h", 1.5, "abc"])
def test_bad_timeout(value):
    with pytest.raises(ValueError):
        parse_timeout(value)
