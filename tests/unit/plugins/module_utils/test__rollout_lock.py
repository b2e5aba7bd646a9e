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


def test_timeout_refusals_are_whole_sentences():
    messages = []
    for value in (True, "1h", "  ", 1.5, 59):
        with pytest.raises(ValueError) as info:
            parse_timeout(value)
        messages.append(str(info.value))
    assert messages == [
        "True is not a number of seconds",
        "'1h' is not a whole number of seconds",
        "'  ' is not a whole number of seconds",
        "1.5 is not a whole number of seconds",
        "59 s is shorter than the 60 s a preflight alone can take; give the longest a rollout may hold a host "
        "(default 3600)",
    ]


def test_a_run_without_start_time_or_boot_id_still_has_an_id():
    assert run_id(7, None, None) == "7-0-0"
    assert run_id(7, "", "") == "7-0-0"
    # Only the boot id's first 8 hex digits are kept, whatever its dashes.
    assert run_id(7, "12", "8f3a-2b1c-aaaa") == "7-12-8f3a2b1c"


def test_a_lock_record_reads_back_its_holder_and_times_only():
    text = json.dumps(
        {
            "holder": dict(OTHER, user="root"),
            "acquired": NOW - 60,
            "acquired_utc": "2026-12-02T05:59:00Z",
            "expires": str(NOW + 600),
        }
    )
    assert parse_lock(text) == {"holder": OTHER, "acquired": NOW - 60, "expires": NOW + 600}


def test_a_lock_record_without_holder_fields_or_times_reads_as_expired():
    assert parse_lock('{"holder": {}}') == {
        "holder": {"controller": None, "pid": None, "run": None},
        "acquired": 0.0,
        "expires": 0.0,
    }


@pytest.mark.parametrize("text", ["{", "[]", '{"holder": "x"}', '{"holder": null}', "null"])
def test_a_file_that_is_no_lock_record_reads_as_an_unreadable_expired_lock(text):
    assert parse_lock(text) == {"holder": {}, "acquired": 0.0, "expires": 0.0, "unreadable": True}


def test_the_record_holds_the_holder_fields_only():
    assert lock_record(dict(ME, user="root"), NOW, 600) == {
        "holder": ME,
        "acquired": NOW,
        "acquired_utc": "2026-12-02T06:00:00Z",
        "expires": NOW + 600,
        "expires_utc": "2026-12-02T06:10:00Z",
    }
    assert lock_record({"pid": 1}, NOW, 600)["holder"] == {"controller": None, "pid": 1, "run": None}


def test_each_decision_gives_its_whole_reason():
    assert decide(None, ME, NOW) == ("take", "free")
    assert decide(parse_lock("garbage"), ME, NOW) == ("take", "the lock file was not a lock record")
    assert decide(held_by(OTHER, expires=NOW - 1), ME, NOW) == ("take", "its lease ended at 2026-12-02T05:59:59Z")
    assert decide(held_by(OTHER), ME, NOW, stale_run=OTHER["run"]) == (
        "take",
        "its ansible-playbook process is gone from ctl1",
    )
    assert decide(held_by(OTHER), ME, NOW, break_lock=True) == (
        "take",
        "broken on request (dockernet_rollout_lock_break)",
    )
    assert decide(held_by(OTHER), ME, NOW) == ("refuse", "held")


def test_a_lease_ends_at_its_expiry_second():
    assert decide(held_by(OTHER, expires=NOW), ME, NOW) == ("take", "its lease ended at 2026-12-02T06:00:00Z")
    assert decide(held_by(OTHER, expires=NOW + 1), ME, NOW).action == "refuse"


def test_a_holder_without_run_id_is_never_this_run():
    # An unreadable lock, or one whose holder lacks its run id, is not ours even for a run that has none either.
    no_run = dict(ME, run=None)
    assert decide(held_by({"controller": "ctl1", "pid": 200}), no_run, NOW) == ("refuse", "held")
    assert decide(parse_lock("garbage"), {}, NOW) == ("take", "the lock file was not a lock record")


def test_a_stale_run_that_is_not_the_holder_breaks_nothing():
    assert decide(held_by(OTHER), ME, NOW, stale_run="") == ("refuse", "held")
    assert decide(held_by({"controller": "ctl1", "pid": 100}), ME, NOW, stale_run=OTHER["run"]) == ("refuse", "held")


@pytest.mark.parametrize(
    "holder, alive, where",
    [
        (OTHER, True, "still running on this controller"),
        (dict(OTHER, controller="ctl2"), None, "from another controller"),
        (dict(OTHER, controller="ctl2"), False, "from another controller"),
        (OTHER, None, "state unknown"),
        (OTHER, False, "state unknown"),
    ],
)
def test_the_whole_refusal(holder, alive, where):
    assert refusal("docker2", held_by(holder), ME, alive) == (
        "docker2: rollout lock: held by ansible-playbook PID 100 on %s (run 100-4000-8f3a2b1c) since "
        "2026-12-02T05:59:00Z (%s), lease until 2026-12-02T06:10:00Z: another rollout is configuring this host, so "
        "this run stopped before changing anything. Wait for it to end and run again; if that run is gone (killed on "
        "another controller), run again with -e dockernet_rollout_lock_break=true to take the lock over"
        % (holder["controller"], where)
    )
