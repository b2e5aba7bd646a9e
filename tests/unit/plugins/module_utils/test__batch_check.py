# Copyright: dockernet.ipv6 contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

import errno
import os
import socket
import time

from ansible_collections.dockernet.ipv6.plugins.module_utils._batch_check import (
    comes_back,
    expected_containers,
    not_back,
    tcp_connect,
)


def container(cid, name, status, policy):
    return {
        "Id": cid,
        "Name": "/" + name,
        "State": {"Status": status},
        "HostConfig": {"RestartPolicy": {"Name": policy, "MaximumRetryCount": 0}},
    }


def test_only_running_containers_the_engine_restarts_are_expected():
    inspects = [
        container("a1", "web", "running", "unless-stopped"),
        container("b2", "db", "running", "always"),
        container("c3", "job", "running", "on-failure"),
        container("d4", "shell", "running", "no"),
        container("e5", "stopped", "exited", "always"),
        container("f6", "paused", "paused", "always"),
        {"Id": "g7", "Name": "/bare", "State": {"Status": "running"}, "HostConfig": {}},
    ]
    assert expected_containers(inspects) == [
        {"id": "b2", "name": "db", "restart_policy": "always"},
        {"id": "c3", "name": "job", "restart_policy": "on-failure"},
        {"id": "a1", "name": "web", "restart_policy": "unless-stopped"},
    ]
    assert not comes_back(inspects[3])
    assert not comes_back(inspects[6])


def test_not_back_names_every_container_and_its_state():
    expected = [
        {"id": "a1", "name": "web", "restart_policy": "unless-stopped"},
        {"id": "b2", "name": "db", "restart_policy": "always"},
        {"id": "c3", "name": "job", "restart_policy": "on-failure"},
    ]
    current = {
        "a1": container("a1", "web", "running", "unless-stopped"),
        "c3": container("c3", "job", "restarting", "on-failure"),
    }
    assert not_back(expected, current) == [
        "db (restart policy always): removed",
        "job (restart policy on-failure): restarting",
    ]
    current["b2"] = container("b2", "db", "running", "always")
    current["c3"] = container("c3", "job", "running", "on-failure")
    assert not_back(expected, current) == []


def test_tcp_connect_tells_accepted_from_refused():
    listener = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
    listener.bind(("::1", 0))
    listener.listen(1)
    port = listener.getsockname()[1]
    try:
        assert tcp_connect("::1", port, timeout=2) is None
    finally:
        listener.close()
    assert "refused" in tcp_connect("::1", port, timeout=2).lower()


def test_a_container_without_a_name_is_called_by_its_short_id():
    long_id = "0123456789abcdef" * 4
    inspects = [
        {"Id": long_id, "State": {"Status": "running"}, "HostConfig": {"RestartPolicy": {"Name": "always"}}},
        {"State": {"Status": "running"}, "HostConfig": {"RestartPolicy": {"Name": "always"}}},
        container("c3", "Xvfb", "running", "unless-stopped"),
    ]
    assert expected_containers(inspects) == [
        {"id": long_id, "name": "0123456789ab", "restart_policy": "always"},
        {"id": "", "name": "?", "restart_policy": "always"},
        {"id": "c3", "name": "Xvfb", "restart_policy": "unless-stopped"},
    ]


def test_not_back_fills_in_what_an_expected_entry_or_a_container_lacks():
    expected = [{"id": "a1"}, {"id": "b2", "name": "web", "restart_policy": "always"}]
    assert not_back(expected, {"b2": {"Id": "b2"}}) == [
        "? (restart policy ?): removed",
        "web (restart policy always): unknown",
    ]


def test_tcp_connect_quotes_the_error_of_a_refused_connection():
    listener = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
    listener.bind(("::1", 0))
    port = listener.getsockname()[1]
    listener.close()
    assert tcp_connect("::1", port, timeout=2) == str(
        ConnectionRefusedError(errno.ECONNREFUSED, os.strerror(errno.ECONNREFUSED))
    )


def test_tcp_connect_gives_up_after_its_timeout():
    # A listener whose accept queue is full (backlog 0, one connection never accepted) drops further SYNs: the
    # connection neither succeeds nor is refused, only the timeout ends the wait.
    listener = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
    listener.bind(("::1", 0))
    listener.listen(0)
    filler = socket.create_connection(listener.getsockname()[:2], timeout=2)
    try:
        started = time.monotonic()
        assert tcp_connect("::1", listener.getsockname()[1], timeout=0.3) == "timed out"
        assert time.monotonic() - started < 5
    finally:
        filler.close()
        listener.close()


def test_tcp_connect_names_an_error_without_text_by_its_type(monkeypatch):
    def fail(address, timeout):
        raise OSError()

    monkeypatch.setattr(socket, "create_connection", fail)
    assert tcp_connect("::1", 7777, timeout=2) == "OSError"
