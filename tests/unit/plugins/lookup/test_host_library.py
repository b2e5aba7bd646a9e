# Copyright: dockernet.ipv6 contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

from pathlib import Path

import pytest
from ansible.errors import AnsibleLookupError

from ansible_collections.dockernet.ipv6.plugins.lookup.host_library import library_files

HOSTLIB = Path(__file__).resolve().parents[4] / 'plugins' / 'module_utils' / '_hostlib'


def test_every_file_of_the_package_in_name_order():
    files = library_files([], '/usr/local/lib/dockernet/hostlib')
    names = sorted(path.name for path in HOSTLIB.glob('*.py'))
    assert [item['path'] for item in files] == ['/usr/local/lib/dockernet/hostlib/' + name for name in names]
    assert {'__init__.py', 'converge.py', 'firewall.py', 'runner.py'} <= set(names)
    for item in files:
        assert item['content'] == (HOSTLIB / Path(item['path']).name).read_text(encoding='utf-8')


def test_another_directory():
    assert library_files([], '/opt/dockernet/hostlib/')[0]['path'] == '/opt/dockernet/hostlib/__init__.py'


def test_a_package_without_files_is_refused(tmp_path):
    with pytest.raises(AnsibleLookupError, match='host_library: no Python files in '):
        library_files([], '/usr/local/lib/dockernet/hostlib', tmp_path)


@pytest.mark.parametrize(
    ('terms', 'directory', 'message'),
    [
        (['converge.py'], '/usr/local/lib/dockernet/hostlib', "host_library takes no terms, got ['converge.py']"),
        ([], 'lib/hostlib', 'host_library: directory: lib/hostlib is not an absolute path'),
    ],
)
def test_wrong_use_is_refused(terms, directory, message):
    with pytest.raises(AnsibleLookupError) as caught:
        library_files(terms, directory)
    assert str(caught.value) == message


def test_a_package_without_files_is_refused_naming_it(tmp_path):
    with pytest.raises(AnsibleLookupError) as caught:
        library_files([], '/usr/local/lib/dockernet/hostlib', tmp_path)
    assert str(caught.value) == 'host_library: no Python files in %s' % tmp_path


def test_the_root_directory_takes_the_files_directly():
    assert library_files([], '/')[0]['path'] == '/__init__.py'
