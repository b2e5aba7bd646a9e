# Copyright: dockernet.ipv6 contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Make ansible_collections.dockernet.ipv6 importable when plain pytest runs the tests (ansible-test does it itself)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from hypothesis import HealthCheck, settings


def _collections_root() -> Path | None:
    here = Path(__file__).absolute()
    repo = here.parents[2]
    # The working directory's logical path ($PWD) keeps the symlink .cache/collections/.../ipv6 that the
    # resolved __file__ loses; the repository's own .cache/collections is the last resort.
    paths = [here, Path(os.environ.get("PWD", str(here))), repo / ".cache" / "collections" / "ansible_collections"]
    for path in paths:
        for directory in (path, *path.parents):
            if directory.name == "ansible_collections" and (directory / "dockernet" / "ipv6").is_dir():
                return directory.parent
    return None


ROOT = _collections_root()
if ROOT is not None and str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


# Unit tests assert behaviour, never speed: on a loaded build machine a property test must not fail because its
# examples were slow to generate or to run. Built on the profile in force (tools/mutation_pytest_plugin.py loads
# its own first), so only these two settings change.
settings.register_profile(
    "dockernet-unit",
    parent=settings.default,
    deadline=None,
    suppress_health_check=[*settings.default.suppress_health_check, HealthCheck.too_slow],
)
settings.load_profile("dockernet-unit")
