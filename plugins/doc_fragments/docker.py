# Copyright: dockernet.ipv6 contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations


class ModuleDocFragment:
    """How the collection's modules reach a Docker engine (module_utils/_docker_engine.py)."""

    DOCUMENTATION = r"""
options:
  docker_host:
    description:
      - The Docker engine's API socket or address, as the C(docker) CLI's C(-H) takes it,
        for example V(unix:///var/run/docker.sock) or V(tcp://127.0.0.1:2375).
      - If not set, the value of the E(DOCKER_HOST) environment variable of the managed host is used, and
        V(unix:///var/run/docker.sock) without it.
    type: str
    default: unix:///var/run/docker.sock
  timeout:
    description:
      - Seconds to wait for an answer from the engine's API.
    type: int
    default: 60
requirements:
  - Docker SDK for Python (C(docker)) 5.0 or newer on the managed host (Debian package C(python3-docker))
"""
