# Copyright: dockernet.ipv6 contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Thin client for a Docker engine through the Docker SDK for Python (private to this collection).

Connects through ``docker.APIClient`` with API version negotiation, reads the engine's version once and
turns "this engine is too old for that option" into a message a user can act on.
"""

from __future__ import annotations

import json
import traceback
from urllib.parse import quote

from ansible_collections.dockernet.ipv6.plugins.module_utils._engine_capabilities import parse

DOCKER_IMPORT_ERROR = None
try:
    import docker
    from docker.errors import APIError, DockerException, NotFound, create_api_error_from_http_exception
    from requests.exceptions import HTTPError
except ImportError:  # pragma: no cover - exercised only where the SDK is missing
    DOCKER_IMPORT_ERROR = traceback.format_exc()

    class DockerException(Exception):  # type: ignore[no-redef]
        """Stand-in so that ``except`` clauses stay valid without the SDK."""

    class APIError(DockerException):  # type: ignore[no-redef]
        """Stand-in so that ``except`` clauses stay valid without the SDK."""

    class NotFound(APIError):  # type: ignore[no-redef]
        """Stand-in so that ``except`` clauses stay valid without the SDK."""

    class HTTPError(Exception):  # type: ignore[no-redef]
        """Stand-in so that ``except`` clauses stay valid without the SDK."""


__all__ = [
    "APIError",
    "DEFAULT_DOCKER_HOST",
    "DEFAULT_TIMEOUT",
    "DOCKER_IMPORT_ERROR",
    "DockerException",
    "EngineClient",
    "EngineError",
    "HAS_DOCKER",
    "NotFound",
    "format_version",
    "parse_version",
]

HAS_DOCKER = DOCKER_IMPORT_ERROR is None
DEFAULT_DOCKER_HOST = "unix:///var/run/docker.sock"
DEFAULT_TIMEOUT = 60


class EngineError(Exception):
    """An engine problem worth a plain message rather than a traceback."""


def parse_version(text: str | None) -> tuple[int, ...]:
    """Turn an engine or API version string into a comparable tuple.

    Distribution builds carry suffixes (``20.10.24+dfsg1``, ``26.1.5+dfsg1``, ``28.5.2-1``): only the
    leading numbers count. Missing parts count as 0, so ``1.47`` compares as ``(1, 47, 0)``.
    """
    version = parse(text)
    if version is None:
        raise EngineError("cannot read a version number from %r" % (text,))
    return version


def format_version(version: tuple[int, ...]) -> str:
    """``(27, 0, 0)`` -> ``27.0``; a non-zero patch level is kept."""
    parts = list(version)
    while len(parts) > 2 and parts[-1] == 0:
        parts.pop()
    return ".".join(str(part) for part in parts)


class EngineClient:
    """An ``APIClient`` plus the engine's version, read once at connect time."""

    def __init__(self, docker_host: str, timeout: int = DEFAULT_TIMEOUT) -> None:
        self.docker_host = docker_host
        try:
            self.api = docker.APIClient(base_url=docker_host, version="auto", timeout=timeout)
            version_info = self.api.version()
        except DockerException as exc:
            raise EngineError(
                "cannot talk to the Docker engine at %s: %s. Is the engine running, and may this user use its "
                "socket? Set docker_host (or DOCKER_HOST) if it listens elsewhere." % (docker_host, exc)
            ) from exc
        self.engine_version_text = str(version_info.get("Version", ""))
        self.api_version_text = str(version_info.get("ApiVersion", ""))
        self.engine_version = parse_version(self.engine_version_text)
        self.api_version = parse_version(self.api_version_text)

    def require_engine(self, min_version: tuple[int, ...], feature: str) -> None:
        """Refuse ``feature`` on an engine older than ``min_version``, naming both versions."""
        if self.engine_version < tuple(min_version):
            raise EngineError(
                "%s needs Docker engine %s or newer; the engine at %s is %s (API %s)"
                % (
                    feature,
                    format_version(tuple(min_version)),
                    self.docker_host,
                    self.engine_version_text,
                    self.api_version_text,
                )
            )

    def require_api(self, min_version: tuple[int, ...], feature: str) -> None:
        """Refuse ``feature`` when the negotiated API version is older than ``min_version``."""
        if self.api_version < tuple(min_version):
            raise EngineError(
                "%s needs Docker API %s or newer; the engine at %s speaks API %s (engine %s)"
                % (
                    feature,
                    format_version(tuple(min_version)),
                    self.docker_host,
                    self.api_version_text,
                    self.engine_version_text,
                )
            )

    def post_json(self, path: str, body: dict, *args: str) -> dict:
        """POST a JSON body the way the engine's API reference spells it and return the decoded answer.

        The SDK's helpers lag behind the engine (``create_network`` has no ``EnableIPv4``), so bodies are
        built here in the API's own shape.
        """
        url = "%s/v%s%s" % (self.api.base_url, self.api.api_version, path % tuple(quote(arg, safe="") for arg in args))
        response = self.api.post(url, data=json.dumps(body), headers={"Content-Type": "application/json"})
        try:
            response.raise_for_status()
        except HTTPError as exc:
            raise create_api_error_from_http_exception(exc) from exc
        return response.json() if response.content else {}

    def close(self) -> None:
        self.api.close()
