# Copyright: dockernet.ipv6 contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.dockernet.ipv6.plugins.filter.engine_has import FilterModule, engine_has
from ansible_collections.dockernet.ipv6.plugins.module_utils._engine_capabilities import CAPABILITIES


@pytest.mark.parametrize(
    "version, capability, expected",
    [
        ("26.1.5+dfsg1", "ip6tables_without_experimental", False),
        ("27.0.3", "ip6tables_without_experimental", True),
        (26.1, "ip6tables_without_experimental", False),
        (28, "random_bridge_addresses", True),
        ("20.10.24", "validate_config", False),
    ],
)
def test_engine_has(version, capability, expected):
    assert engine_has(version, capability) is expected


def test_unknown_capability_lists_the_known_ones():
    with pytest.raises(AnsibleFilterError, match=r"unknown capability 'ip6tables'; known: .*raw_table_drop"):
        engine_has("28.5.2", "ip6tables")


@pytest.mark.parametrize("version", ["latest", "", None, True])
def test_not_a_version(version):
    with pytest.raises(AnsibleFilterError, match="is not a Docker Engine version"):
        engine_has(version, "raw_table_drop")


def test_registered():
    assert FilterModule().filters()["engine_has"] is engine_has


def test_unknown_capability_lists_every_known_one_in_name_order():
    with pytest.raises(AnsibleFilterError) as caught:
        engine_has("28.5.2", "ip6tables")
    assert str(caught.value) == "engine_has: unknown capability 'ip6tables'; known: " + ", ".join(sorted(CAPABILITIES))
