"""The host-side programs of the ndp_proxy and routes roles: what they read from `ip monitor` and how they retry.

What they do to the kernel and the engine is proven on the lab (tests/reliability/link_faults.py).
"""

from __future__ import annotations

import importlib.machinery
import importlib.util
import sys
import types
from pathlib import Path

import pytest

ROLES = Path(__file__).resolve().parents[3] / 'roles'


def load(path: Path) -> types.ModuleType:
    loader = importlib.machinery.SourceFileLoader(path.name.replace('-', '_'), str(path))
    spec = importlib.util.spec_from_loader(loader.name, loader)
    module = importlib.util.module_from_spec(spec)
    loader.exec_module(module)
    return module


@pytest.fixture(name='watch')
def fixture_watch():
    return load(ROLES / 'routes' / 'files' / 'dockernet-routes-watch')


# Lines of `ip -o monitor link dev eth0` (iproute2 6.15) while the link went down and came back.
DOWN = (
    '3: eth0@if4: <BROADCAST,MULTICAST> mtu 1500 qdisc noqueue state DOWN group default \\    '
    'link/ether 02:42:ac:1e:0b:01 brd ff:ff:ff:ff:ff:ff link-netnsid 0'
)
NO_CARRIER = (
    '3: eth0@if4: <NO-CARRIER,BROADCAST,MULTICAST,UP> mtu 1500 qdisc noqueue state LOWERLAYERDOWN group '
    'default \\    link/ether 02:42:ac:1e:0b:01 brd ff:ff:ff:ff:ff:ff link-netnsid 0'
)
UP = (
    '3: eth0@if4: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc noqueue state UP group default \\    '
    'link/ether 02:42:ac:1e:0b:01 brd ff:ff:ff:ff:ff:ff link-netnsid 0'
)


@pytest.mark.parametrize('line, up', [(DOWN, False), (NO_CARRIER, False), (UP, True), ('Deleted 3: eth0', False)])
def test_link_is_up_needs_both_flags(watch, line, up):
    assert watch.link_is_up(line) is up


def test_replay_is_retried_with_a_doubling_wait(watch, monkeypatch, capsys):
    errors = iter(['Error: Nexthop has invalid gateway.', 'Error: Nexthop has invalid gateway.', ''])
    waits = []
    monkeypatch.setattr(watch, 'replay', lambda batch: next(errors))
    monkeypatch.setattr(watch.time, 'sleep', waits.append)
    assert watch.replay_with_retries('/etc/dockernet/routes.batch', 'eth0 up again') is True
    assert waits == [1, 2]
    assert 'try 2 of 5' in capsys.readouterr().err


def test_replay_gives_up_after_the_last_try(watch, monkeypatch):
    waits = []
    monkeypatch.setattr(watch, 'replay', lambda batch: 'RTNETLINK answers: File exists')
    monkeypatch.setattr(watch.time, 'sleep', waits.append)
    assert watch.replay_with_retries('/etc/dockernet/routes.batch', 'start') is False
    assert waits == [1, 2, 4, 8]


def test_replay_runs_ip_force_batch_without_a_shell(watch, monkeypatch):
    seen = {}

    def fake_run(argv, **kwargs):
        seen.update(argv=argv, **kwargs)
        return types.SimpleNamespace(returncode=1, stderr='Command failed /etc/dockernet/routes.batch:3\n')

    monkeypatch.setattr(watch.subprocess, 'run', fake_run)
    assert watch.replay('/etc/dockernet/routes.batch') == 'Command failed /etc/dockernet/routes.batch:3'
    assert seen['argv'][1:] == ['-6', '-force', '-batch', '/etc/dockernet/routes.batch']
    assert 'shell' not in seen


@pytest.fixture(name='sync')
def fixture_sync(monkeypatch):
    # The private libraries of the collection are imported by the program from beside it on the host.
    for name in ('_docker_addresses', '_iproute', '_ndp_proxy'):
        monkeypatch.setitem(
            sys.modules,
            name,
            types.SimpleNamespace(
                **{
                    attr: None
                    for attr in (
                        'container_ipv6_addresses',
                        'internal_network_names',
                        'list_networks',
                        'list_running_containers',
                        'neigh_proxy_batch',
                        'read_proxy_entries',
                        'run_batch',
                        'as_strings',
                        'current_addresses',
                        'owned_addresses',
                        'parse_addresses',
                        'parse_prefixes',
                        'plan',
                    )
                }
            ),
        )
    return load(ROLES / 'ndp_proxy' / 'files' / 'dockernet-ndp-sync')


def test_sync_follows_the_link_of_its_interface(sync):
    assert sync.link_monitor('eth0')[1:] == ['-o', 'monitor', 'link', 'dev', 'eth0']


def run_rounds(sync, monkeypatch, lines):
    """follow_and_sync with fake sources that print ``lines`` ((source, line) pairs, then both end)."""
    syncs = []

    def fake_follow(argv, source, changes):
        if source == 'engine':
            for src, line in lines:
                changes.put((src, line))
        return types.SimpleNamespace(terminate=lambda: None, wait=lambda: None)

    monkeypatch.setattr(sync, 'follow', fake_follow)
    monkeypatch.setattr(sync, 'log_sync', syncs.append)
    return syncs


def test_the_end_of_the_engine_stream_ends_the_round(sync, monkeypatch):
    synced = sync.threading.Event()
    syncs = run_rounds(sync, monkeypatch, [('link', UP), ('engine', None)])
    # The initial sync, then a link line and the end of the engine's stream arrive together: the end wins, and
    # the next round subscribes and syncs again.
    sync.follow_and_sync({'interface': 'eth0'}, synced)
    assert len(syncs) == 1 and synced.is_set()


def test_each_link_change_syncs_once_per_burst(sync, monkeypatch):
    syncs = run_rounds(sync, monkeypatch, [])
    changes = []

    def fake_follow(argv, source, queue):
        changes.append(queue)
        if source == 'link':
            queue.put(('link', DOWN))
            queue.put(('link', UP))
        return types.SimpleNamespace(terminate=lambda: None, wait=lambda: None)

    monkeypatch.setattr(sync, 'follow', fake_follow)

    def stop_after_second(config):
        syncs.append(config)
        if len(syncs) == 2:
            changes[0].put(('engine', None))

    monkeypatch.setattr(sync, 'log_sync', stop_after_second)
    # Without the link as a source the loop would wait for an engine event for ever: give it a few seconds.
    loop = sync.threading.Thread(
        target=sync.follow_and_sync, args=({'interface': 'eth0'}, sync.threading.Event()), daemon=True
    )
    loop.start()
    loop.join(5)
    # One at start, one for the burst of two link lines; then the engine's stream ended.
    assert not loop.is_alive() and len(syncs) == 2


def test_the_end_of_the_link_monitor_is_an_error(sync, monkeypatch):
    run_rounds(sync, monkeypatch, [('link', None)])
    with pytest.raises(RuntimeError, match='ip monitor of eth0 ended'):
        sync.follow_and_sync({'interface': 'eth0'}, sync.threading.Event())
