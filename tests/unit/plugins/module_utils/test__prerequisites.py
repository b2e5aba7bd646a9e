# Copyright: dockernet.ipv6 contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

import pytest

from ansible_collections.dockernet.ipv6.plugins.module_utils._prerequisites import (
    Missing,
    check_command,
    check_docker_sdk,
    check_ip6tables,
    check_iproute,
    check_systemd,
    distribution,
    package_for,
    packages_to_install,
    parse_os_release,
)

TRIXIE = parse_os_release("""PRETTY_NAME="Debian GNU/Linux 13 (trixie)"
NAME="Debian GNU/Linux"
VERSION_ID="13"
VERSION_CODENAME=trixie
ID=debian
""")
BOOKWORM = parse_os_release('ID=debian\nVERSION_ID="12"\n')
SID = parse_os_release('ID=debian\nPRETTY_NAME="Debian GNU/Linux forky/sid"\n')
NOBLE = parse_os_release('ID=ubuntu\nID_LIKE=debian\nVERSION_ID="24.04"\n')
MINT = parse_os_release('ID=linuxmint\nID_LIKE="ubuntu debian"\n')
FEDORA = parse_os_release('ID=fedora\nVERSION_ID=41\n')


def test_os_release_values_are_unquoted_and_comments_skipped():
    parsed = parse_os_release('# comment\nNAME="Debian GNU/Linux"\nID=\'debian\'\nbroken line\nVERSION_ID=13\n')
    assert parsed == {'NAME': 'Debian GNU/Linux', 'ID': 'debian', 'VERSION_ID': '13'}
    assert parse_os_release(None) == {}


@pytest.mark.parametrize(
    'line, value',
    [
        ('VARIANT=""', ''),  # an empty quoted value is empty, not two quotes
        ("VARIANT=''", ''),
        ('NAME="Debian', '"Debian'),  # a quote that is not closed stays
        ('NAME=Debian"', 'Debian"'),
        ('NAME="Debian\'', '"Debian\''),  # nor one closed by the other quote
        ('BUILD_ID=X1X', 'X1X'),  # only quotes are taken off, not any equal first and last characters
        ('VARIANT=', ''),
    ],
)
def test_os_release_takes_off_only_a_pair_of_quotes(line, value):
    assert parse_os_release(line + '\n') == {line.split('=')[0]: value}


@pytest.mark.parametrize(
    'os_release, expected',
    [
        (TRIXIE, 'debian'),
        (NOBLE, 'ubuntu'),
        (MINT, 'ubuntu'),
        (FEDORA, None),
        ({}, None),
    ],
)
def test_distribution(os_release, expected):
    assert distribution(os_release) == expected


@pytest.mark.parametrize(
    'os_release, expected',
    [
        (BOOKWORM, 'docker.io'),  # Debian 12's docker.io still ships the client
        (TRIXIE, 'docker-cli'),
        (SID, 'docker-cli'),  # testing/unstable have no VERSION_ID
        (NOBLE, 'docker.io'),
    ],
)
def test_the_docker_client_package_follows_the_release(os_release, expected):
    assert package_for('docker-cli', os_release) == expected


@pytest.mark.parametrize('version, expected', [('12.7', 'docker.io'), ('13.1', 'docker-cli'), ('14', 'docker-cli')])
def test_the_docker_client_package_follows_the_major_release(version, expected):
    assert package_for('docker-cli', parse_os_release('ID=debian\nVERSION_ID="%s"\n' % version)) == expected


@pytest.mark.parametrize(
    'name, package',
    [
        ('python3', 'python3'),
        ('docker-sdk', 'python3-docker'),
        ('iproute2', 'iproute2'),
        ('ip6tables', 'iptables'),
        ('systemd', 'systemd'),
        ('dockerd', 'docker.io'),
    ],
)
def test_the_package_of_each_prerequisite(name, package):
    assert package_for(name, TRIXIE) == package
    assert package_for(name, NOBLE) == package


def test_a_missing_docker_sdk_names_the_import_error_and_the_package():
    found = check_docker_sdk("No module named 'docker'", TRIXIE)
    assert found.message() == (
        "docker-sdk: the Docker SDK for Python cannot be imported (No module named 'docker'); "
        "the package python3-docker provides it"
    )
    assert check_docker_sdk(None, TRIXIE) is None


def test_iproute_without_the_command():
    assert check_iproute(None, 1, '', TRIXIE).message() == 'iproute2: no ip command; the package iproute2 provides it'


@pytest.mark.parametrize(
    'rc, stdout',
    [
        (255, ''),  # an old ip: 'Option "-j" is unknown'
        (0, '1: lo: <LOOPBACK,UP> mtu 65536'),  # text instead of JSON
        (0, '{"ifname": "lo"}'),  # JSON, but not the list of links
    ],
)
def test_iproute_without_json_output(rc, stdout):
    found = check_iproute('/usr/sbin/ip', rc, stdout, TRIXIE)
    assert found.message() == (
        'iproute2: /usr/sbin/ip gives no JSON output (ip -j, rc %d); a newer iproute2 is needed; '
        'the package iproute2 provides it' % rc
    )


def test_iproute_that_fails_is_reported_even_when_it_printed_a_list():
    found = check_iproute('/usr/sbin/ip', 1, '[]', TRIXIE)
    assert found.problem == '/usr/sbin/ip gives no JSON output (ip -j, rc 1); a newer iproute2 is needed'


def test_iproute_with_json_output_is_fine():
    assert check_iproute('/usr/sbin/ip', 0, '[{"ifindex":1,"ifname":"lo"}]', TRIXIE) is None


def test_ip6tables_missing_or_broken():
    assert (
        check_ip6tables(None, 0, '', TRIXIE).message()
        == 'ip6tables: no ip6tables command; the package iptables provides it'
    )
    broken = check_ip6tables('/usr/sbin/ip6tables', 127, 'exec: ip6tables-legacy: not found\nmore\n', TRIXIE)
    assert broken.message() == (
        'ip6tables: /usr/sbin/ip6tables does not run (rc 127: exec: ip6tables-legacy: not found); '
        'the package iptables provides it'
    )
    assert check_ip6tables('/usr/sbin/ip6tables', 1, '', TRIXIE).problem == '/usr/sbin/ip6tables does not run (rc 1)'
    assert check_ip6tables('/usr/sbin/ip6tables', 0, 'ip6tables v1.8.11 (nf_tables)', TRIXIE) is None


def test_systemd_must_be_installed_and_running():
    assert (
        check_systemd(None, False, TRIXIE).message() == 'systemd: no systemctl command; the package systemd provides it'
    )
    not_init = check_systemd('/usr/bin/systemctl', False, TRIXIE)
    assert not_init.package is None
    assert not_init.message() == (
        'systemd: systemd is not the running init system (no /run/systemd/system); the engine and '
        "the collection's units are managed through it"
    )
    assert check_systemd('/usr/bin/systemctl', True, TRIXIE) is None


def test_commands_that_only_have_to_exist():
    assert (
        check_command('dockerd', None, 'dockerd', NOBLE).message()
        == 'dockerd: no dockerd command; the package docker.io provides it'
    )
    assert (
        check_command('docker-cli', None, 'docker', TRIXIE).message()
        == 'docker-cli: no docker command; the package docker-cli provides it'
    )
    assert check_command('dockerd', '/usr/sbin/dockerd', 'dockerd', TRIXIE) is None


def test_packages_are_listed_once_in_check_order_and_unfixable_findings_add_none():
    missing = [
        check_docker_sdk('boom', BOOKWORM),
        check_systemd('/usr/bin/systemctl', False, BOOKWORM),
        check_command('dockerd', None, 'dockerd', BOOKWORM),
        check_command('docker-cli', None, 'docker', BOOKWORM),
    ]
    assert packages_to_install(missing) == ['python3-docker', 'docker.io']
    assert packages_to_install([]) == []


def test_as_dict_carries_the_message():
    item = Missing('ip6tables', 'no ip6tables command', 'iptables')
    assert item.as_dict() == {
        'name': 'ip6tables',
        'problem': 'no ip6tables command',
        'package': 'iptables',
        'message': 'ip6tables: no ip6tables command; the package iptables provides it',
    }
