# Copyright: dockernet.ipv6 contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""pytest plugin loaded by tools/mutation.sh only: property tests run few, reproducible examples.

Each mutant runs the tests that reach the mutated function, thousands of times over: with the examples of the
property tests capped and drawn from a fixed seed, and no shrinking of a failing example (a kill needs none),
a run takes minutes instead of hours and gives the same verdicts every time.
"""

from __future__ import annotations

from hypothesis import Phase, settings

MAX_EXAMPLES = 10

settings.register_profile(
    "mutation", derandomize=True, database=None, deadline=None, phases=(Phase.explicit, Phase.generate)
)
settings.load_profile("mutation")


def pytest_collection_modifyitems(items):
    for item in items:
        test = getattr(item, "obj", None)
        chosen = getattr(test, "_hypothesis_internal_use_settings", None)
        if chosen is not None:
            test._hypothesis_internal_use_settings = settings(
                chosen,
                max_examples=min(chosen.max_examples, MAX_EXAMPLES),
                derandomize=True,
                database=None,
                deadline=None,
                phases=(Phase.explicit, Phase.generate),
            )
