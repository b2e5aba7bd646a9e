# Copyright: dockernet.ipv6 contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

import socket

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
