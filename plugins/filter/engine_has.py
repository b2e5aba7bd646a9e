# Copyright: dockernet.ipv6 contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The engine_has filter: whether a Docker Engine release has a capability (documentation in engine_has.yml)."""

from __future__ import annotations

import typing as t

from ansible.errors import AnsibleFilterError

from ansible_collections.dockernet.ipv6.plugins.module_utils._engine_capabilities import CAPABILITIES, has, parse


def engine_has(version: t.Any, capability: t.Any) -> bool:
    """True when an engine of this version has the capability of the collection's engine table."""
    if capability not in CAPABILITIES:
        raise AnsibleFilterError(
            f"engine_has: unknown capability {capability!r}; known: {', '.join(sorted(CAPABILITIES))}"
        )
    # A version written without quotes in YAML (26.1) arrives as a number.
    text = str(version) if isinstance(version, (int, float)) and not isinstance(version, bool) else version
    release = parse(text)
    if release is None:
        raise AnsibleFilterError(f"engine_has: {version!r} is not a Docker Engine version such as 28.5.2")
    return has(release, capability)


class FilterModule:
    """dockernet.ipv6 filters."""

    def filters(self) -> dict[str, t.Callable[..., t.Any]]:
        return {"engine_has": engine_has}
