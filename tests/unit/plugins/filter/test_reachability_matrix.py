# Copyright: dockernet.ipv6 contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

import pytest

from ansible.errors import AnsibleFilterError

from ansible_collections.dockernet.ipv6.plugins.filter.reachability_matrix import reachability_matrix

HOSTS = ['docker1', 'docker2', 'docker3']


def test_full_matrix_is_complete():
    results = {h: {o: 0 for o in HOSTS if o != h} for h in HOSTS}
    matrix = reachability_matrix(results, HOSTS)
    assert matrix['complete'] is True and matrix['gaps'] == []
    assert matrix['lines'][0].split() == ['from', '\\', 'to', 'docker1', 'docker2', 'docker3']
    assert matrix['lines'][1].split() == ['docker1', '-', 'ok', 'ok']


def test_failures_and_missing_results_are_gaps():
    results = {'docker1': {'docker2': 1, 'docker3': 0}, 'docker2': {'docker1': 0}}
    matrix = reachability_matrix(results, HOSTS)
    assert matrix['complete'] is False
    assert matrix['gaps'] == ['docker1 -> docker2', 'docker2 -> docker3', 'docker3 -> docker1', 'docker3 -> docker2']
    assert matrix['lines'][1].split() == ['docker1', '-', 'FAIL', 'ok']
    assert matrix['lines'][3].split() == ['docker3', '?', '?', '-']


def test_bad_input():
    with pytest.raises(AnsibleFilterError):
        reachability_matrix(['docker1'], HOSTS)
