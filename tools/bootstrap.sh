#!/usr/bin/env bash
# Prepare the controller: a virtualenv with the pinned Python dependencies, and the collections this
# collection depends on, under .cache/ (never in git). Safe to run again: it only redoes what changed.
#
# Collections come from the `ansible` package on the Python index, which carries community.docker and
# ansible.posix, so that no Ansible Galaxy access is needed. Set DOCKERNET_COLLECTIONS_FROM=galaxy to
# install them from Galaxy with collections/requirements.yml instead.
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
cache="$repo/.cache"
venv="$cache/venv"
collections="$cache/collections/ansible_collections"
python=${PYTHON:-python3}
ansible_bundle=${DOCKERNET_ANSIBLE_BUNDLE:-ansible==12.3.0}

mkdir -p "$cache"

# A bare Debian python3 lacks venv/ensurepip; install it from the package archive when missing.
if ! "$python" -c 'import ensurepip, venv' 2>/dev/null; then
    echo "bootstrap: installing python3-venv"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv >/dev/null
fi
for tool in git make tar; do
    command -v "$tool" >/dev/null || missing="${missing:-} $tool"
done
if [[ -n "${missing:-}" ]]; then
    echo "bootstrap: installing${missing}"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq
    # shellcheck disable=SC2086  # a list of package names
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing >/dev/null
fi

stamp_of() { sha256sum "$@" | sha256sum | cut -c1-16; }

want=$(stamp_of "$repo/requirements.txt")
if [[ ! -x "$venv/bin/python" || "$(cat "$venv/.stamp" 2>/dev/null)" != "$want" ]]; then
    echo "bootstrap: creating $venv"
    "$python" -m venv "$venv"
    "$venv/bin/pip" install --quiet --disable-pip-version-check --upgrade pip
    "$venv/bin/pip" install --quiet --disable-pip-version-check -r "$repo/requirements.txt"
    echo "$want" >"$venv/.stamp"
fi

want=$(echo "$ansible_bundle ${DOCKERNET_COLLECTIONS_FROM:-pypi} 2" | sha256sum | cut -c1-16)
if [[ "$(cat "$collections/.stamp" 2>/dev/null)" != "$want" ]]; then
    echo "bootstrap: installing community.docker and ansible.posix"
    rm -rf "$collections/community" "$collections/ansible" "$collections/.stamp"
    mkdir -p "$collections"
    if [[ "${DOCKERNET_COLLECTIONS_FROM:-pypi}" == galaxy ]]; then
        "$venv/bin/ansible-galaxy" collection install --upgrade \
            -r "$repo/collections/requirements.yml" -p "$cache/collections"
    else
        tmp=$(mktemp -d)
        trap 'rm -rf "$tmp"' EXIT
        "$venv/bin/pip" download --quiet --disable-pip-version-check --no-deps \
            --dest "$tmp" "$ansible_bundle"
        "$venv/bin/python" - "$tmp" "$collections" <<'PY'
import pathlib
import sys
import zipfile

wheel_dir, target = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])
wanted = (
    "ansible_collections/community/docker/",
    "ansible_collections/community/library_inventory_filtering_v1/",
    "ansible_collections/ansible/posix/",
)
(wheel,) = wheel_dir.glob("*.whl")
with zipfile.ZipFile(wheel) as archive:
    for member in archive.namelist():
        if member.startswith(wanted):
            relative = member[len("ansible_collections/"):]
            archive.extract(member, wheel_dir / "x")
            dest = target / relative
            dest.parent.mkdir(parents=True, exist_ok=True)
            (wheel_dir / "x" / member).replace(dest)
PY
    fi
    echo "$want" >"$collections/.stamp"
fi

# The collection itself, as dockernet.ipv6, so that playbooks can use its FQCNs from this checkout.
mkdir -p "$collections/dockernet"
ln -sfn "$repo" "$collections/dockernet/ipv6"
