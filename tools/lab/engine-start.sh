#!/usr/bin/env bash
# Start the lab's outer Docker engine. Runs under `ip netns exec <ns>`, which
# gives it a private mount namespace (propagation: slave) with a fresh /sys.
#   engine-start.sh LAB RUN_DIR VAR_DIR
# - mounts cgroup2 on /sys/fs/cgroup (forky's systemd refuses cgroup v1; the
#   others boot on v2 too) and moves itself into /dockernet-lab-<LAB>/engine,
#   so every process of the engine and every container lives under one cgroup
#   subtree that lab-down can empty and remove;
# - puts a private tmpfs on /run (keeping the lab's own run dir visible) so
#   containerd shim sockets and the like never land in the machine's /run and a
#   system containerd is never picked up;
# - puts a writable overlay on /etc so dockerd's /etc/docker (20.10 key.json)
#   stays in the lab's var dir;
# then execs dockerd with the lab's daemon.json.
set -euo pipefail

lab="${1:?lab}"; run="${2:?run dir}"; var="${3:?var dir}"

mount -t cgroup2 cgroup2 /sys/fs/cgroup
cg="/sys/fs/cgroup/dockernet-lab-${lab}"
mkdir -p "${cg}/engine"
echo "$$" > "${cg}/engine/cgroup.procs"

mkdir -p "${var}/.runbind"
mount --bind "${run}" "${var}/.runbind"
mount -t tmpfs -o mode=0755,nosuid,nodev tmpfs /run
mkdir -p "${run}"
mount --move "${var}/.runbind" "${run}"

mkdir -p "${var}/etc/upper" "${var}/etc/work"
if ! mount -t overlay overlay \
    -o "lowerdir=/etc,upperdir=${var}/etc/upper,workdir=${var}/etc/work" /etc; then
  echo "engine-start: overlay on /etc failed; dockerd may create /etc/docker" >&2
fi

exec dockerd --config-file "${run}/daemon.json"
