#!/usr/bin/env bash
# Mutation testing of the collection's Python logic with mutmut (make mutation; results in docs/mutation.md).
#
#   tools/mutation.sh [FILE ...]      default: the planner's files, plugins/plugin_utils/_plan*.py
#
# Each FILE is mutated on its own, in a copy of the tree under .cache/mutation/<file>/ (the working tree is never
# touched): the copy sits at ansible_collections/dockernet/ipv6/ so that the tests import the mutated module
# under its real name. The unit tests are those of tests/unit (all of them; mutmut runs only the tests that
# reach the mutated function; property tests draw few examples from a fixed seed, see
# tools/mutation_pytest_plugin.py). Environment: MUTATION_JOBS (parallel test processes, default 2),
# MUTATION_TESTS (test paths relative to the collection, default tests/unit), MUTATION_KEEP=1 (keep the
# previous results of a file and test only what changed).
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
cache="$repo/.cache"
venv="$cache/mutation-venv"
requirements="$repo/tools/requirements-mutation.txt"
jobs=${MUTATION_JOBS:-2}
read -r -a tests <<<"${MUTATION_TESTS:-tests/unit}"
python=${PYTHON:-python3}

stamp=$(sha256sum "$requirements" | cut -c1-16)
if [[ ! -x "$venv/bin/mutmut" || "$(cat "$venv/.stamp" 2>/dev/null)" != "$stamp" ]]; then
    echo "mutation: creating $venv"
    "$python" -m venv "$venv"
    "$venv/bin/pip" install -q -r "$requirements"
    echo "$stamp" >"$venv/.stamp"
fi

(( $# )) || set -- plugins/plugin_utils/_plan_inputs.py plugins/plugin_utils/_plan_intervals.py \
    plugins/plugin_utils/_plan_site_rules.py plugins/plugin_utils/_plan_host_rules.py plugins/plugin_utils/_planner.py
collection=ansible_collections/dockernet/ipv6
summary=()
for file in "$@"; do
    [[ -f "$repo/$file" && "$file" == plugins/*.py ]] || { echo "mutation: $file is not a Python file under plugins/" >&2; exit 2; }
    work="$cache/mutation/$(basename "$file" .py)"
    root="$work/root"
    [[ ${MUTATION_KEEP:-0} == 1 ]] || rm -rf "$work"
    rm -rf "$root/$collection" && mkdir -p "$root/$collection"
    (cd "$repo" && git ls-files -z --cached --others --exclude-standard | tar --null -T - --ignore-failed-read -cf -) |
        tar -xf - -C "$root/$collection"
    # mutmut copies source_paths and also_copy into mutants/ and mutates only the files of only_mutate.
    also_copy=()
    for entry in "$root/$collection"/* "$root/$collection"/.config; do
        [[ -e $entry && $(basename "$entry") != plugins ]] && also_copy+=("\"$collection/$(basename "$entry")\"")
    done
    selection=()
    for test in "${tests[@]}"; do selection+=("\"$collection/$test\""); done
    cat >"$root/pyproject.toml" <<EOF
[tool.mutmut]
source_paths = ["$collection/plugins"]
only_mutate = ["$collection/$file"]
also_copy = [$(IFS=,; echo "${also_copy[*]}")]
pytest_add_cli_args_test_selection = [$(IFS=,; echo "${selection[*]}")]
pytest_add_cli_args = ["-p", "no:cacheprovider", "-p", "mutation_pytest_plugin"]
EOF
    echo "== mutmut: $file"
    # tools/mutation_pytest_plugin.py: few, reproducible examples per property test.
    if ! (cd "$root" && PYTHONPATH="$repo/tools" "$venv/bin/mutmut" run --max-children "$jobs" >"$work/run.log" 2>&1); then
        # mutmut gives up on a file that no unit test reaches: say so and go on with the next file.
        if grep -q "could not find any test case" "$work/run.log"; then
            echo "   no unit test reaches $file (log: $work/run.log)"
            summary+=("$file: no unit test reaches it")
            continue
        fi
        tail -30 "$work/run.log" >&2; echo "mutation: mutmut failed on $file (log: $work/run.log)" >&2; exit 1
    fi
    (cd "$root" && "$venv/bin/mutmut" results --all true >"$work/results.txt" 2>&1) || true
    # The diff of every surviving mutant, for docs/mutation.md.
    for mutant in $(awk -F': ' '$2 == "survived" {print $1}' "$work/results.txt"); do
        (cd "$root" && "$venv/bin/mutmut" show "$mutant")
    done >"$work/survivors.txt" 2>&1
    counts=$(awk -F': ' 'NF == 2 {print $2}' "$work/results.txt" | sort | uniq -c | awk '{n = $1; $1 = ""; printf "%s%s, ", n, $0}')
    echo "   ${counts%, }   (list: $work/results.txt, surviving mutants: $work/survivors.txt)"
    summary+=("$file: ${counts%, }")
done
printf '%s\n' "== mutation summary" "${summary[@]}"
