"""The host-side programs of the ndp_proxy and routes roles: what they read from `ip monitor` and how they retry.

What they do to the kernel and the engine is proven on the lab (tests/reliability/link_faults.py).
"""

from __future__ import annotations

import importlib.machinery
import importlib.util
import json
import shutil
import sys
import types
from pathlib import Path

import pytest
import yaml

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


HOSTLIB = ROLES.parent / 'plugins' / 'module_utils' / '_hostlib'


@pytest.fixture(name='sync')
def fixture_sync(monkeypatch, tmp_path):
    # The role installs the collection's host library as the package hostlib beside the program, and the
    # unit puts that directory on PYTHONPATH: the same here, from a copy, so that the program imports the real files
    # under the host's name of the package.
    shutil.copytree(HOSTLIB, tmp_path / 'hostlib', ignore=shutil.ignore_patterns('__pycache__'))
    monkeypatch.syspath_prepend(str(tmp_path))
    yield load(ROLES / 'ndp_proxy' / 'files' / 'dockernet-ndp-sync')
    for name in [name for name in sys.modules if name.split('.')[0] == 'hostlib']:
        del sys.modules[name]


def test_the_firewall_program_imports_the_host_library_as_a_package(monkeypatch, tmp_path):
    shutil.copytree(HOSTLIB, tmp_path / 'hostlib', ignore=shutil.ignore_patterns('__pycache__'))
    monkeypatch.syspath_prepend(str(tmp_path))
    try:
        program = load(ROLES / 'firewall' / 'files' / 'dockernet-firewall')
        assert program.restore_text.__module__ == 'hostlib.firewall'
    finally:
        for name in [name for name in sys.modules if name.split('.')[0] == 'hostlib']:
            del sys.modules[name]


def test_sync_imports_the_host_library_as_a_package(sync):
    assert sync.converge.__module__ == 'hostlib.converge'
    assert sync.RUN.__module__ == 'hostlib.runner'


def test_sync_sends_one_batch_for_the_running_containers(sync, monkeypatch):
    calls = []

    def run(argv, data=None):
        calls.append((argv, data))
        # One entry of ours that no container holds any more, one of someone else's, one outside the prefixes.
        entries = [
            {'dst': '2001:db8:ab11:0:8000::9', 'proxy': None, 'protocol': '214'},
            {'dst': '2001:db8:ab11:0:8000::8', 'proxy': None},
            {'dst': '2001:db8:ab11::5', 'proxy': None, 'protocol': '214'},
        ]
        return 0, json.dumps(entries) if data is None else '', ''

    containers = [
        {
            'Names': ['/web'],
            'State': 'running',
            'NetworkSettings': {
                'Networks': {
                    'front': {'GlobalIPv6Address': '2001:db8:ab11:0:8000::2'},
                    'back': {'GlobalIPv6Address': '2001:db8:ab11:0:8000::3'},
                }
            },
        }
    ]
    monkeypatch.setattr(sync, 'RUN', run)
    monkeypatch.setattr(sync, 'IP', '/usr/sbin/ip')
    monkeypatch.setattr(sync, 'list_running_containers', lambda: containers)
    monkeypatch.setattr(sync, 'list_networks', lambda: [{'Name': 'back', 'Internal': True}, {'Name': 'front'}])
    result = sync.sync({'interface': 'eth0', 'prefixes': ['2001:db8:ab11:0:8000::/66'], 'protocol': 214})
    assert calls == [
        (['/usr/sbin/ip', '-N', '-j', '-6', 'neigh', 'show', 'proxy', 'dev', 'eth0'], None),
        (
            ['/usr/sbin/ip', '-6', '-batch', '-'],
            'neigh del proxy 2001:db8:ab11:0:8000::9 dev eth0\n'
            'neigh add proxy 2001:db8:ab11:0:8000::2 dev eth0 protocol 214\n',
        ),
    ]
    assert result.summary() == (
        "proxy entries on eth0: added ['2001:db8:ab11:0:8000::2'], removed ['2001:db8:ab11:0:8000::9']"
    )


def test_sync_refuses_a_config_without_prefixes(sync):
    with pytest.raises(SystemExit, match='bad prefixes: none given'):
        sync.sync({'interface': 'eth0', 'prefixes': [], 'protocol': 214})


def service_task(role: str, tasks: str) -> dict:
    """The service_files arguments of a role's task file (its one service_files task)."""
    (task,) = [
        task
        for task in yaml.safe_load((ROLES / role / 'tasks' / tasks).read_text())
        if task.get('dockernet.ipv6.service_files')
    ]
    return task['dockernet.ipv6.service_files']


@pytest.mark.parametrize(
    ('role', 'tasks', 'unit'),
    [
        ('ndp_proxy', 'sync_service.yml', 'dockernet-ndp-sync.service.j2'),
        ('firewall', 'main.yml', 'dockernet-firewall.service.j2'),
    ],
)
def test_both_services_ship_the_whole_host_library_and_restart_when_it_changes(role, tasks, unit):
    args = service_task(role, tasks)
    assert args['files'].startswith("{{ query('dockernet.ipv6.host_library') + ")
    assert '/usr/local/lib/dockernet/hostlib' in args['directories']
    template = (ROLES / role / 'templates' / unit).read_text()
    assert "query('dockernet.ipv6.host_library') | map(attribute='content') | join | hash('sha256')" in template
    assert 'Environment=PYTHONPATH=/usr/local/lib/dockernet\n' in template


def test_the_flat_copies_of_earlier_releases_are_removed():
    assert service_task('ndp_proxy', 'sync_service.yml')['absent'] == [
        '/usr/local/lib/dockernet/_docker_addresses.py',
        '/usr/local/lib/dockernet/_iproute.py',
        '/usr/local/lib/dockernet/_ndp_proxy.py',
    ]
    assert '/usr/local/lib/dockernet/_firewall.py' in service_task('firewall', 'main.yml')['absent']


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
