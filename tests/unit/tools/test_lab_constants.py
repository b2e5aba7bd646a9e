# Copyright: dockernet.ipv6 contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The local lab's constants live in tools/lab/lab.env: its reader, and the files that must not restate them."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[3]
LAB = REPO / "tools" / "lab"


def _labkit():
    spec = importlib.util.spec_from_file_location("labkit", LAB / "labkit.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


labkit = _labkit()


def test_reads_key_value_lines_and_skips_comments(tmp_path):
    env = tmp_path / "lab.env"
    env.write_text("# a comment\n\nNAME_PREFIX=dockernet-lab\nLAN_SUBNET=2001:db8:ab11::/64\n")
    assert labkit.load_env(env) == {"NAME_PREFIX": "dockernet-lab", "LAN_SUBNET": "2001:db8:ab11::/64"}


@pytest.mark.parametrize(
    "line",
    ['LAN_NET="lan"', "LAN_NET='lan'", "LAN_NET=lan two", "RUN=/run/$NAME", "RUN=`id`", "lan_net=lan", "LAN_NET"],
)
def test_refuses_what_a_shell_reads_differently(tmp_path, line):
    env = tmp_path / "lab.env"
    env.write_text(f"A=1\n{line}\n")
    with pytest.raises(ValueError, match=r"lab\.env:2: "):
        labkit.load_env(env)


def test_names_follow_the_prefix():
    lab = labkit.Lab("relx", "forky", 3)
    assert lab.sock == f"unix:///run/{labkit.NAME_PREFIX}-relx/docker.sock"
    assert lab.netns == f"{labkit.NAME_PREFIX}-relx"
    assert lab.names == ["docker1", "docker2", "docker3"]
    assert lab.container("docker2") == "relx-docker2"
    assert labkit.host_address(2) == labkit.LAN_PREFIX + "2"


def test_unknown_engine_refused():
    with pytest.raises(ValueError, match="sid"):
        labkit.Lab("relx", "sid")


def test_lab_sh_takes_its_constants_from_lab_env():
    text = (LAB / "lab.sh").read_text()
    assert 'source "${HERE}/lab.env"' in text
    for name, value in labkit.ENV.items():
        # Each value is written once, in lab.env: lab.sh neither assigns the name nor restates the value.
        assert not re.search(rf"^\s*{name}=", text, re.MULTILINE), name
        if re.search(r"[:/.-]", value):  # addresses, subnets, image and name prefixes (not a word such as 'lan')
            assert value not in text, f"lab.sh restates {name}={value}"


def test_the_makefile_takes_the_engine_list_from_lab_env():
    text = (REPO / "Makefile").read_text()
    assert labkit.ENV["ENGINES"] not in text
    assert "sed -n 's/^ENGINES=//p' tools/lab/lab.env" in text


def test_molecule_lab_matches_lab_env():
    """Molecule creates its hosts from .config/molecule/config.yml, which cannot read lab.env: it must agree."""
    config = yaml.safe_load((REPO / ".config" / "molecule" / "config.yml").read_text())
    subnets = {}
    for platform in config["platforms"]:
        (network,) = platform["networks"]
        k = int(platform["name"].removeprefix("docker"))
        assert network["ipv6_address"] == labkit.host_address(k)
        for lan in platform["docker_networks"]:
            subnets.update({c["subnet"]: c["gateway"] for c in lan["ipam_config"]})
    assert subnets == {
        labkit.LAN_SUBNET: labkit.LAN_GATEWAY,
        labkit.ENV["LAN_SUBNET4"]: labkit.ENV["LAN_GW4"],
    }
