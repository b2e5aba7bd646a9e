# Copyright: dockernet.ipv6 contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The verify_probes module's pure parts; what the probes prove is proven on the lab (every site.yml run ends with
the matrix, and the reliability suite breaks the network and expects FAIL cells)."""

from __future__ import annotations

import subprocess

import pytest

from ansible_collections.dockernet.ipv6.plugins.module_utils._verify_probes import (
    CGI,
    REQUEST,
    SERVE,
    answered,
    ask_argv,
    ask_items,
    create_compose_network_argv,
    inspect_argv,
    ping_by_name_argv,
    probe_names,
    read_addresses,
    removal_failed,
    remove_containers_argv,
    remove_network_argv,
    run_probe_argv,
    unique,
)


def test_a_probe_name_per_network_with_what_a_container_name_cannot_hold_replaced():
    assert probe_names('dockernet-verify-', ['bridge', 'app net', 'a/b:c', 'x.y_z-1']) == {
        'bridge': 'dockernet-verify-bridge',
        'app net': 'dockernet-verify-app_net',
        'a/b:c': 'dockernet-verify-a_b_c',
        'x.y_z-1': 'dockernet-verify-x.y_z-1',
    }


def test_networks_are_taken_once_in_their_first_order():
    assert unique(['bridge', 'app', 'bridge', 'compose', 'app']) == ['bridge', 'app', 'compose']


def test_the_compose_style_network_has_ipv6_no_subnet_and_compose_labels():
    assert create_compose_network_argv('/usr/bin/docker', 'dockernet-verify_default') == [
        '/usr/bin/docker', 'network', 'create', '--ipv6',
        '--label', 'com.docker.compose.network=default',
        '--label', 'com.docker.compose.project=dockernet-verify',
        'dockernet-verify_default',
    ]  # fmt: skip


def test_a_probe_is_attached_to_its_network_only_and_gets_its_program_through_its_environment():
    argv = run_probe_argv('docker', 'dockernet-verify-app', 'app', 'busybox:latest', 7777)
    assert argv[:7] == ['docker', 'run', '--detach', '--name', 'dockernet-verify-app', '--network', 'app']
    assert argv.count('--network') == 1
    assert argv[7:11] == ['--env', 'DOCKERNET_VERIFY_CGI=' + CGI, '--env', 'DOCKERNET_VERIFY_PORT=7777']
    assert argv[11:] == ['busybox:latest', 'sh', '-c', SERVE]


def test_the_cgi_answers_with_the_address_the_request_came_from():
    # The CGI as the probe's shell runs it (sh here stands in for busybox's).
    out = subprocess.run(
        ['sh', '-c', CGI.split('\n', 1)[1]], env={'REMOTE_ADDR': '2001:db8:ab11:0:8000::2'},
        capture_output=True, check=True,
    ).stdout  # fmt: skip
    assert out == b'Content-Type: text/plain\r\n\r\npeer=2001:db8:ab11:0:8000::2\n'


def test_asking_and_pinging_by_name():
    assert ask_argv('docker', 'p', '2001:db8::2', 7777, 2) == [
        'docker', 'exec', '--interactive', 'p', 'nc', '-w', '2', '2001:db8::2', '7777',
    ]  # fmt: skip
    assert REQUEST == 'GET /cgi-bin/peer HTTP/1.0\r\n\r\n'
    assert ping_by_name_argv('docker', 'dockernet-verify.peer', 'app', 'busybox', 'dockernet-verify-app') == [
        'docker', 'run', '--rm', '--name', 'dockernet-verify.peer', '--network', 'app', 'busybox',
        'ping', '-6', '-A', '-c', '3', '-w', '8', 'dockernet-verify-app',
    ]  # fmt: skip


def test_addresses_are_read_in_the_order_of_the_probes():
    assert inspect_argv('docker', ['a', 'b'])[-2:] == ['a', 'b']
    assert read_addresses(['bridge', 'app', 'compose'], '2001:db8::2\n\n2001:db8:1::2\n') == {
        'bridge': '2001:db8::2',
        'app': '',
        'compose': '2001:db8:1::2',
    }
    assert read_addresses(['bridge', 'app'], '2001:db8::2\n') == {'bridge': '2001:db8::2', 'app': ''}


@pytest.mark.parametrize(
    ('rc', 'stderr', 'kind', 'failed'),
    [
        (0, '', 'container', False),
        (1, 'Error response from daemon: No such container: dockernet-verify-bridge\n', 'container', False),
        (1, 'Error: No such container: a\nError: No such container: b\nexit status 1\n', 'container', False),
        (1, 'Error response from daemon: network dockernet-verify_default not found\n', 'network', False),
        (1, 'Error: No such network: dockernet-verify_default\n', 'network', False),
        (1, 'Error response from daemon: cannot remove container: device busy\n', 'container', True),
        (1, 'Error: No such container: a\nError response from daemon: permission denied\n', 'container', True),
        (1, 'Error response from daemon: error while removing network: has active endpoints\n', 'network', True),
        # "not found" means nothing to do for a network only.
        (1, 'Error: image not found\n', 'container', True),
        (1, '', 'network', False),
    ],
)
def test_only_a_real_error_of_a_removal_fails(rc, stderr, kind, failed):
    assert removal_failed(rc, stderr, kind) is failed


def test_each_own_probe_with_an_address_asks_each_other_host_on_its_network():
    own = {'bridge': '2001:db8::2', 'app': '2001:db8:1::2', 'compose': ''}
    peers = {
        'docker2': {'addresses': {'bridge': '2001:db8::3', 'app': ''}},
        'docker3': None,
        'docker4': {'addresses': {'bridge': '2001:db8::4', 'app': '2001:db8:1::4', 'compose': '2001:db8:2::4'}},
    }
    assert ask_items(own, peers) == [
        ('bridge', 'docker2', '2001:db8::3'),
        ('bridge', 'docker3', ''),
        ('bridge', 'docker4', '2001:db8::4'),
        ('app', 'docker2', ''),
        ('app', 'docker3', ''),
        ('app', 'docker4', '2001:db8:1::4'),
    ]


def test_an_answer_names_the_address_the_request_came_from():
    assert answered('HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\npeer=2001:db8::2\n')
    assert not answered('')
    assert not answered('HTTP/1.0 404 Not Found\r\n')


def test_the_probes_are_inspected_for_their_address_on_their_only_network():
    assert inspect_argv('/usr/bin/docker', ['dockernet-verify-bridge', 'dockernet-verify-app']) == [
        '/usr/bin/docker', 'inspect', '--format', '{{range .NetworkSettings.Networks}}{{.GlobalIPv6Address}}{{end}}',
        'dockernet-verify-bridge', 'dockernet-verify-app',
    ]  # fmt: skip


def test_the_probes_and_the_compose_style_network_are_removed_by_name():
    assert remove_containers_argv('docker', ['dockernet-verify-bridge', 'dockernet-verify-app']) == [
        'docker', 'rm', '--force', 'dockernet-verify-bridge', 'dockernet-verify-app',
    ]  # fmt: skip
    assert remove_network_argv('docker', 'dockernet-verify_default') == [
        'docker', 'network', 'rm', 'dockernet-verify_default',
    ]  # fmt: skip


def test_a_network_where_this_host_has_no_probe_address_is_skipped_not_the_ones_after():
    own = {'bridge': '', 'app': '2001:db8:1::2'}
    peers = {'docker2': {'addresses': {'bridge': '2001:db8::3', 'app': '2001:db8:1::3'}}}
    assert ask_items(own, peers) == [('app', 'docker2', '2001:db8:1::3')]
