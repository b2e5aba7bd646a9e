# Copyright: dockernet.ipv6 contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from ansible_collections.dockernet.ipv6.plugins.module_utils import _engine_capabilities as caps
from ansible_collections.dockernet.ipv6.plugins.module_utils._daemon_config import supports_validate
from ansible_collections.dockernet.ipv6.plugins.module_utils._docker_network import (
    ENABLE_IPV4_MIN_ENGINE,
    GATEWAY_MODE_MIN_ENGINE,
)

MODULE_UTILS = Path(caps.__file__).parent
# The controller-side code (the planner) reads the same table.
PLUGIN_UTILS = MODULE_UTILS.parent / "plugin_utils"


@pytest.mark.parametrize(
    "text, parsed, written",
    [
        ("26.1.5", (26, 1, 5), "26.1.5"),
        ("26.1.5+dfsg1", (26, 1, 5), "26.1.5"),
        ("20.10.24+dfsg1", (20, 10, 24), "20.10.24"),
        ("v28.5.2", (28, 5, 2), "28.5.2"),
        ("22.06.0-beta.0", (22, 6, 0), "22.06.0"),
        ("1.47", (1, 47, 0), "1.47"),
        ("29", (29, 0, 0), "29"),
        (" 28.5.2-1", (28, 5, 2), "28.5.2"),
        ("Docker version 26.1.5+dfsg1, build a72d7cd\n", (26, 1, 5), "26.1.5"),
        ("Docker version 20.10.24+dfsg1, build 5d6db84\n", (20, 10, 24), "20.10.24"),
        ("Docker version 28.5.2, build 89c5e8f\n", (28, 5, 2), "28.5.2"),
        ("dockerd: command not found", None, None),
        ("latest", None, None),
        ("", None, None),
        ("version 26.1.5", None, None),
        (None, None, None),
        (28, None, None),
    ],
)
def test_parse_and_version_text(text, parsed, written):
    assert caps.parse(text) == parsed
    assert caps.version_text(text) == written


@pytest.mark.parametrize(
    "version, capability, expected",
    [
        ("20.10.24+dfsg1", "validate_config", False),
        ("23.0.0", "validate_config", True),
        ("26.1.5", "ip6tables_without_experimental", False),
        ("27.0.1", "ip6tables_without_experimental", True),
        ("26.1.5", "gateway_mode_routed", False),
        ("27.5.1", "gateway_mode_routed", True),
        ("27.5.1", "gateway_mode_isolated", False),
        ("28.0.0", "gateway_mode_isolated", True),
        ("27.9.9", "random_bridge_addresses", False),
        ("28.5.2", "random_bridge_addresses", True),
        ((28, 0), "raw_table_drop", True),
        ((27, 5, 1), "lazy_address_pools", False),
        (None, "validate_config", False),
        ("latest", "raw_table_drop", False),
    ],
)
def test_has(version, capability, expected):
    assert caps.has(version, capability) is expected


def test_unknown_capability_is_named():
    with pytest.raises(KeyError, match="gateway_mode_bogus"):
        caps.has("28.5.2", "gateway_mode_bogus")
    with pytest.raises(KeyError, match="bogus"):
        caps.since("bogus")


def test_the_modules_gates_come_from_the_table():
    assert GATEWAY_MODE_MIN_ENGINE == {
        "nat": (27, 0),
        "routed": (27, 0),
        "nat-unprotected": (28, 0),
        "isolated": (28, 0),
    }
    assert ENABLE_IPV4_MIN_ENGINE == (28, 0)
    assert supports_validate("23.0.0") and not supports_validate("20.10.24") and not supports_validate(None)


def test_no_other_file_writes_an_engine_release():
    """Engine releases are tuples of this table only: no module_utils or plugin_utils file compares against its own
    (NN, N)."""
    paths = sorted(MODULE_UTILS.glob("*.py")) + sorted(PLUGIN_UTILS.glob("*.py"))
    assert any(path.name == "_planner.py" for path in paths)
    offenders = []
    for path in paths:
        if path.name == "_engine_capabilities.py":
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if (
                isinstance(node, ast.Tuple)
                and len(node.elts) == 2
                and all(isinstance(e, ast.Constant) and isinstance(e.value, int) for e in node.elts)
                and node.elts[0].value in range(17, 40)
            ):
                offenders.append(
                    f"{path.parent.name}/{path.name}:{node.lineno} ({node.elts[0].value}, {node.elts[1].value})"
                )
    assert not offenders, offenders
