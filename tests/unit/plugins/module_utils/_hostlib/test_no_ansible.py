# Copyright: dockernet.ipv6 contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The rule of the host library: no file of it imports Ansible, and its files import each other relatively.

The NDP sync service runs these files on the hosts without Ansible, as the package hostlib.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

HOSTLIB = Path(__file__).resolve().parents[5] / 'plugins' / 'module_utils' / '_hostlib'
FILES = sorted(HOSTLIB.glob('*.py'))


def imported_names(tree: ast.AST) -> list[tuple[int, int, str]]:
    """(line, level, dotted name) of every import in ``tree``, nested ones (in functions, try blocks) included."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.extend((node.lineno, 0, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            found.append((node.lineno, node.level, node.module or ''))
    return found


def test_the_package_is_there():
    assert HOSTLIB / '__init__.py' in FILES and len(FILES) > 1


@pytest.mark.parametrize('path', FILES, ids=lambda path: path.name)
def test_no_file_imports_ansible(path):
    tree = ast.parse(path.read_text(), filename=str(path))
    bad = [
        '%s:%d imports %s' % (path.name, line, name)
        for line, level, name in imported_names(tree)
        if level == 0 and name.split('.')[0] in ('ansible', 'ansible_collections')
    ]
    assert not bad, 'the host library runs without Ansible: %s' % '; '.join(bad)


@pytest.mark.parametrize('path', FILES, ids=lambda path: path.name)
def test_files_of_the_package_import_each_other_relatively(path):
    # An absolute import of a sibling would work under one of the package's two names only.
    siblings = {other.stem for other in FILES}
    tree = ast.parse(path.read_text(), filename=str(path))
    bad = [
        '%s:%d imports %s' % (path.name, line, name)
        for line, level, name in imported_names(tree)
        if level == 0 and (name.split('.')[0] in siblings or '_hostlib' in name)
    ]
    assert not bad
