#!/usr/bin/env bash
# The collection as ansible-builder sees it: the controller dependencies it finds in the installed tarball
# (meta/execution-environment.yml) must be netaddr and nothing of the hosts', and ee/execution-environment.yml
# must pass the `create` step. Usage: tools/ee-check.sh <collections path with the installed tarball>
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
installed=$1
venv="$repo/.cache/ee-venv"
want=$(sha256sum "$repo/tools/requirements-ee.txt" | cut -c1-16)
if [[ ! -x "$venv/bin/ansible-builder" || "$(cat "$venv/.stamp" 2>/dev/null)" != "$want" ]]; then
    rm -rf "$venv"
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet --disable-pip-version-check -r "$repo/tools/requirements-ee.txt"
    echo "$want" >"$venv/.stamp"
fi

found=$("$venv/bin/ansible-builder" introspect --sanitize "$installed")
echo "$found"
python=$(sed -n '/^python:/,/^system:/p' <<<"$found")
grep -q "netaddr.*from collection dockernet.ipv6" <<<"$python" || { echo "ee-check: netaddr not found"; exit 1; }
[[ $(grep -c "from collection dockernet.ipv6" <<<"$found") == 1 ]] || { echo "ee-check: unexpected entries"; exit 1; }

rm -rf "$repo/.cache/ee-context"
"$venv/bin/ansible-builder" create -f "$repo/ee/execution-environment.yml" --context "$repo/.cache/ee-context"
