#!/usr/bin/env bash
# dockernet.ipv6 local test lab: Docker hosts (systemd + a real inner Docker
# engine) running as privileged containers of an isolated outer Docker engine.
#
#   lab.sh engine-up      network namespace + outer engine only (for molecule)
#   lab.sh image          build (cached) and import the host image for $ENGINE,
#                         and the busybox workload image
#   lab.sh up             engine-up + image + $HOSTS hosts + inventory
#   lab.sh down           remove everything the lab runs (safe to repeat)
#   lab.sh status         what is running
#   lab.sh docker-host    print unix:///... of the outer engine's socket
#   lab.sh image-tag      print the host image tag for $ENGINE
#   lab.sh rootfs         build (cached) the host rootfs tarball for $ENGINE,
#                         without an engine; print its path
#   lab.sh inventory      print the path of the generated inventory
#   lab.sh inventory-ssh  write an inventory that reaches the running hosts over
#                         SSH as the sudo user dockernet; print its path
#   lab.sh ssh-key        make the controller's SSH key pair once; print its path
#   lab.sh purge          down + remove the lab's data-root (imported images)
#
# Environment: LAB (instance name, default dockernet), HOSTS (default 2),
# ENGINE (bookworm | trixie | forky, default trixie), LAB_INVENTORY (override
# the inventory path), LAB_SSH_INVENTORY (override the SSH inventory path),
# DOCKERNET_LAB_MIRROR (Debian mirror for image builds).
# See docs/lab.md.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "${HERE}/../.." && pwd)"

# shellcheck source=lab.env
source "${HERE}/lab.env"

LAB="${LAB:-dockernet}"
HOSTS="${HOSTS:-2}"
ENGINE="${ENGINE:-trixie}"

if [[ ! "${LAB}" =~ ^[a-z0-9][a-z0-9_-]{0,23}$ ]]; then
  echo "lab: LAB must match [a-z0-9][a-z0-9_-]{0,23}, got '${LAB}'" >&2
  exit 2
fi
if [[ ! "${HOSTS}" =~ ^[1-9][0-9]{0,2}$ ]]; then
  echo "lab: HOSTS must be a number 1..999, got '${HOSTS}'" >&2
  exit 2
fi
if [[ ",${ENGINES}," != *",${ENGINE},"* ]]; then
  echo "lab: ENGINE must be one of ${ENGINES//,/, }, got '${ENGINE}'" >&2
  exit 2
fi

NS="${NAME_PREFIX}-${LAB}"
RUN="/run/${NAME_PREFIX}-${LAB}"
VAR="/var/lib/${NAME_PREFIX}-${LAB}"
SOCK="${RUN}/docker.sock"
CGNAME="${NAME_PREFIX}-${LAB}"
CACHE="${REPO}/.cache/lab"
SYSCTL_SNAPSHOT="/run/${NAME_PREFIX}.sysctl-snapshot"
SYSCTLS=(fs.nr_open fs.file-max kernel.keys.root_maxkeys kernel.keys.root_maxbytes kernel.pid_max)
if [[ -n "${LAB_INVENTORY:-}" ]]; then
  INVENTORY="${LAB_INVENTORY}"
elif [[ "${LAB}" == "dockernet" ]]; then
  INVENTORY="${REPO}/inventory/lab/hosts.yml"
else
  # Other instances keep their inventory outside inventory/lab/, so that
  # `-i inventory/lab` never sees two docker1 hosts.
  INVENTORY="${CACHE}/labs/${LAB}/hosts.yml"
fi

# SSH like a real host: one controller key pair for every lab, a known_hosts
# file per lab (host keys are made at each host's first boot). The default
# lab's SSH inventory stays out of inventory/lab/, so that `-i inventory/lab`
# never sees two docker1 hosts.
SSH_DIR="${CACHE}/ssh"
SSH_KEY="${SSH_DIR}/id_ed25519"
SSH_USER="dockernet"
SSH_INVENTORY="${LAB_SSH_INVENTORY:-${CACHE}/labs/${LAB}/hosts-ssh.yml}"
KNOWN_HOSTS="${CACHE}/labs/${LAB}/known_hosts"

log() { printf '[lab %s %s] %s\n' "${LAB}" "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }
dk() { docker -H "unix://${SOCK}" "$@"; }

# ---------------------------------------------------------------- deps
need_root() { [[ "$(id -u)" == 0 ]] || die "must run as root"; }

apt_install() {
  local missing=("$@")
  ((${#missing[@]})) || return 0
  log "installing: ${missing[*]}"
  local p
  for p in "${missing[@]}"; do
    if ! apt-cache policy "${p}" 2>/dev/null | grep -q 'Candidate: [^(]'; then
      DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 update -qq
      break
    fi
  done
  DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 install -y -qq --no-install-recommends \
    -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold "${missing[@]}" >&2
}

pkg_installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'ok installed'; }

deps_engine() {
  need_root
  local missing=()
  command -v ip >/dev/null || missing+=(iproute2)
  command -v python3 >/dev/null || missing+=(python3)
  command -v dockerd >/dev/null || missing+=(docker.io)
  if ! command -v docker >/dev/null; then
    # bookworm's docker.io ships the client; later suites split it out
    if apt-cache show docker-cli >/dev/null 2>&1; then missing+=(docker-cli); else missing+=(docker.io); fi
  fi
  if [[ " ${missing[*]} " == *" docker.io "* ]]; then
    # Never let the package start the machine's own docker.service.
    with_policy_rc_d apt_install "${missing[@]}"
  else
    apt_install "${missing[@]}"
  fi
}

with_policy_rc_d() {
  if [[ -e /usr/sbin/policy-rc.d ]]; then "$@"; return; fi
  printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d
  chmod 0755 /usr/sbin/policy-rc.d
  local rc=0
  "$@" || rc=$?
  rm -f /usr/sbin/policy-rc.d
  if [[ -d /run/systemd/system ]]; then
    # docker.io enables docker.service/socket (never started: policy-rc.d);
    # the lab does not use them, so they do not start at the next boot either.
    systemctl disable docker.service docker.socket >/dev/null 2>&1 || true
  fi
  return "${rc}"
}

deps_image() {
  local missing=()
  command -v mmdebstrap >/dev/null || missing+=(mmdebstrap)
  pkg_installed busybox-static || missing+=(busybox-static)
  apt_install "${missing[@]}"
}

# ---------------------------------------------------------------- engine
cap_short() {
  local last bnd full
  last="$(cat /proc/sys/kernel/cap_last_cap)"
  bnd="$(awk '/^CapBnd:/ {print $2}' /proc/self/status)"
  full=$(( (1 << (last + 1)) - 1 ))
  (( (16#${bnd} & full) != full ))
}

engine_pid() {
  # PID of this lab's dockerd, only if the pidfile names a live dockerd that
  # was started with this lab's config file.
  local pid
  [[ -r "${RUN}/dockerd.pid" ]] || return 1
  pid="$(cat "${RUN}/dockerd.pid" 2>/dev/null)" || return 1
  [[ "${pid}" =~ ^[0-9]+$ ]] || return 1
  [[ -r "/proc/${pid}/cmdline" ]] || return 1
  tr '\0' ' ' < "/proc/${pid}/cmdline" | grep -qF -- "--config-file ${RUN}/daemon.json" || return 1
  echo "${pid}"
}

engine_answers() { [[ -S "${SOCK}" ]] && dk version --format '{{.Server.Version}}' >/dev/null 2>&1; }

write_daemon_json() {
  local runtime=""
  if cap_short; then
    runtime=$(printf ',\n  "runtimes": {"dockernet-capwrap": {"path": "%s"}},\n  "default-runtime": "dockernet-capwrap"' \
      "${HERE}/runc-capwrap")
  fi
  cat > "${RUN}/daemon.json.tmp" <<EOF
{
  "data-root": "${VAR}/docker",
  "exec-root": "${RUN}/exec",
  "pidfile": "${RUN}/dockerd.pid",
  "hosts": ["unix://${SOCK}"],
  "bridge": "none",
  "iptables": true,
  "ip6tables": false,
  "ip-forward": true,
  "userland-proxy": false,
  "default-address-pools": [{"base": "${ADDR_POOL4}", "size": 24}],
  "cgroup-parent": "/${CGNAME}",
  "exec-opts": ["native.cgroupdriver=cgroupfs"],
  "log-driver": "json-file",
  "log-opts": {"max-size": "10m", "max-file": "2"}${runtime}
}
EOF
  mv -f "${RUN}/daemon.json.tmp" "${RUN}/daemon.json"
}

record_sysctls() {
  # Global settings that systemd (PID 1 of a privileged host) and dockerd
  # raise on the real machine; the first lab to start records them, the last
  # one to go down puts them back.
  [[ -e "${SYSCTL_SNAPSHOT}" ]] && return 0
  local k f out=""
  for k in "${SYSCTLS[@]}"; do
    f="/proc/sys/${k//./\/}"
    [[ -r "${f}" ]] && out+="${k}=$(cat "${f}")"$'\n'
  done
  printf '%s' "${out}" > "${SYSCTL_SNAPSHOT}.tmp.$$"
  mv -n "${SYSCTL_SNAPSHOT}.tmp.$$" "${SYSCTL_SNAPSHOT}"
  rm -f "${SYSCTL_SNAPSHOT}.tmp.$$"
}

other_labs_running() {
  local d pid
  for d in "/run/${NAME_PREFIX}-"*/; do
    [[ -d "${d}" ]] || continue
    [[ "${d%/}" == "${RUN}" ]] && continue
    pid="$(cat "${d}dockerd.pid" 2>/dev/null)" || continue
    [[ "${pid}" =~ ^[0-9]+$ ]] && [[ -d "/proc/${pid}" ]] && return 0
  done
  return 1
}

restore_sysctls() {
  [[ -r "${SYSCTL_SNAPSHOT}" ]] || return 0
  if other_labs_running; then
    log "other labs still run; global sysctls restored by the last one down"
    return 0
  fi
  local k v f cur
  while IFS='=' read -r k v; do
    [[ -n "${k}" ]] || continue
    f="/proc/sys/${k//./\/}"
    cur="$(cat "${f}" 2>/dev/null)" || continue
    if [[ "${cur}" != "${v}" ]]; then
      log "restoring ${k}: ${cur} -> ${v}"
      echo "${v}" > "${f}" || log "could not restore ${k}"
    fi
  done < "${SYSCTL_SNAPSHOT}"
  rm -f "${SYSCTL_SNAPSHOT}"
}

cmd_engine_up() {
  deps_engine
  if engine_pid >/dev/null && engine_answers; then
    return 0
  fi
  # Half-started or crashed engine: clean up before starting again.
  if [[ -d "${RUN}" ]] || ip netns list 2>/dev/null | grep -qw -- "${NS}"; then
    log "cleaning up a previous, dead engine"
    stop_engine
  fi
  record_sysctls
  mkdir -p "${RUN}" "${VAR}"
  chmod 0711 "${RUN}"
  if ! ip netns list | awk '{print $1}' | grep -qxF -- "${NS}"; then
    ip netns add "${NS}"
  fi
  ip -n "${NS}" link set lo up
  write_daemon_json
  log "starting outer engine ($(dockerd --version | sed 's/,.*//')) in netns ${NS}"
  setsid ip netns exec "${NS}" "${HERE}/engine-start.sh" "${LAB}" "${RUN}" "${VAR}" \
    > "${VAR}/dockerd.log" 2>&1 < /dev/null &
  local i
  for ((i = 0; i < 300; i++)); do
    if engine_answers; then
      log "outer engine up: $(dk version --format '{{.Server.Version}}') at unix://${SOCK}"
      return 0
    fi
    if ((i > 5)) && ! kill -0 "$!" 2>/dev/null; then break; fi
    sleep 0.1
  done
  tail -n 30 "${VAR}/dockerd.log" >&2 || true
  die "outer engine did not come up (log: ${VAR}/dockerd.log)"
}

cg2_do() {
  # Run "$@" with the machine's cgroup2 hierarchy root in $CG2 (mounted
  # privately if the machine has no cgroup2 mount).
  local mp
  mp="$(awk '$3 == "cgroup2" {print $2; exit}' /proc/self/mounts)"
  if [[ -n "${mp}" ]]; then
    CG2="${mp}" "$@"
  else
    unshare --mount --propagation private -- bash -c '
      d="$(mktemp -d)"; mount -t cgroup2 cgroup2 "$d"; shift; CG2="$d" "$@"; rc=$?
      umount "$d"; rmdir "$d"; exit $rc' _ "$@"
  fi
}

cg_pids() { # all pids in the lab's cgroup subtree
  local root="${CG2}/${CGNAME}"
  [[ -d "${root}" ]] || return 0
  find "${root}" -name cgroup.procs -exec cat {} + 2>/dev/null | sort -un
}

cg_cleanup() {
  local root="${CG2}/${CGNAME}" pids i
  [[ -d "${root}" ]] || return 0
  for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do
    pids="$(cg_pids)"
    [[ -z "${pids}" ]] && break
    if ((i == 1)); then log "stopping leftover lab processes: $(echo "${pids}" | wc -l)"; fi
    # shellcheck disable=SC2086
    kill -KILL ${pids} 2>/dev/null || true
    sleep 0.1
  done
  find "${root}" -depth -type d -exec rmdir {} + 2>/dev/null || true
  [[ -d "${root}" ]] && log "warning: ${root} could not be removed completely"
  return 0
}

stop_engine() {
  local pid i
  if pid="$(engine_pid)"; then
    kill -TERM "${pid}" 2>/dev/null || true
    for ((i = 0; i < 200; i++)); do
      [[ -d "/proc/${pid}" ]] || break
      sleep 0.1
    done
    if [[ -d "/proc/${pid}" ]]; then
      log "dockerd ${pid} did not stop in 20 s, killing it"
      kill -KILL "${pid}" 2>/dev/null || true
    fi
  fi
  cg2_do cg_cleanup
  if ip netns list 2>/dev/null | awk '{print $1}' | grep -qxF -- "${NS}"; then
    ip netns del "${NS}"
  fi
  rm -rf "${RUN}"
  rm -rf "${VAR}/.runbind" "${VAR}/etc" 2>/dev/null || true
}

# ---------------------------------------------------------------- images
host_image_hash() {
  {
    echo "suite=${ENGINE}"
    echo "mirror=${DOCKERNET_LAB_MIRROR:-http://deb.debian.org/debian}"
    cat "${HERE}/packages.txt" "${HERE}/build-image.sh" "${HERE}"/host-ssh/*
    if [[ "${ENGINE}" == bookworm ]]; then cat "${HERE}/runc-capwrap" "${HERE}/runc_capwrap.py"; fi
  } | sha256sum | cut -c1-12
}

host_image_tag() { echo "${HOST_IMAGE_REPO}:${ENGINE}"; }

ensure_host_tarball() { # prints the tarball path
  local hash tar
  hash="$(host_image_hash)"
  tar="${CACHE}/host-${ENGINE}-${hash}.tar"
  mkdir -p "${CACHE}"
  if [[ ! -s "${tar}" ]]; then
    (
      flock 9
      if [[ ! -s "${tar}" ]]; then
        deps_image
        log "building host rootfs for ${ENGINE} (log: ${CACHE}/build-${ENGINE}.log)"
        local t0=${SECONDS}
        if ! "${HERE}/build-image.sh" "${ENGINE}" "${tar}" > "${CACHE}/build-${ENGINE}.log" 2>&1; then
          tail -n 30 "${CACHE}/build-${ENGINE}.log" >&2
          die "image build for ${ENGINE} failed"
        fi
        log "built ${tar##*/} in $((SECONDS - t0)) s"
        # older tarballs of this suite are superseded
        find "${CACHE}" -maxdepth 1 -name "host-${ENGINE}-*.tar" ! -name "${tar##*/}" -delete
      fi
    ) 9> "${CACHE}/.build-${ENGINE}.lock" || exit 1
  fi
  echo "${tar}"
}

ensure_busybox_tarball() {
  local bb hash tar root
  deps_image
  bb="$(command -v busybox)"
  hash="$(sha256sum "${bb}" | cut -c1-12)"
  tar="${CACHE}/busybox-${hash}.tar"
  if [[ ! -s "${tar}" ]]; then
    mkdir -p "${CACHE}"
    root="$(mktemp -d)"
    mkdir -p "${root}"/{bin,etc,tmp,proc,sys,dev,root}
    cp "${bb}" "${root}/bin/busybox"
    chroot "${root}" /bin/busybox --install -s /bin
    printf 'root:x:0:0:root:/root:/bin/sh\n' > "${root}/etc/passwd"
    printf 'root:x:0:\n' > "${root}/etc/group"
    tar -C "${root}" -cf "${tar}.tmp.$$" .
    rm -rf "${root}"
    mv -f "${tar}.tmp.$$" "${tar}"
    find "${CACHE}" -maxdepth 1 -name 'busybox-*.tar' ! -name "${tar##*/}" -delete
  fi
  echo "${tar}"
}

import_if_needed() { # tar tag-with-hash moving-tag import-args...
  local tar="$1" full="$2" moving="$3"; shift 3
  if ! dk image inspect "${full}" >/dev/null 2>&1; then
    log "importing ${full}"
    dk import "$@" "${tar}" "${full}" >/dev/null
  fi
  if [[ "$(dk image inspect -f '{{.Id}}' "${moving}" 2>/dev/null)" != "$(dk image inspect -f '{{.Id}}' "${full}")" ]]; then
    dk tag "${full}" "${moving}"
  fi
}

cmd_image() {
  cmd_engine_up
  local tar bbtar hash
  tar="$(ensure_host_tarball)"
  hash="${tar##*-}"; hash="${hash%.tar}"
  import_if_needed "${tar}" "${HOST_IMAGE_REPO}:${ENGINE}-${hash}" "$(host_image_tag)" \
    -c 'CMD ["/lib/systemd/systemd"]' -c 'ENV container=docker' \
    -c "LABEL dockernet.engine=${ENGINE}"
  bbtar="$(ensure_busybox_tarball)"
  hash="${bbtar##*-}"; hash="${hash%.tar}"
  import_if_needed "${bbtar}" "dockernet/busybox:${hash}" "${BUSYBOX_IMAGE}" -c 'CMD ["/bin/sh"]'
}

# ---------------------------------------------------------------- hosts
cname() { echo "${LAB}-docker$1"; }
host_addr() { echo "${LAN_PREFIX}$1"; }

ensure_lan() {
  if dk network inspect "${LAN_NET}" >/dev/null 2>&1; then return 0; fi
  log "creating LAN network ${LAN_SUBNET}"
  dk network create --driver bridge --internal --ipv6 \
    --subnet "${LAN_SUBNET4}" --gateway "${LAN_GW4}" \
    --subnet "${LAN_SUBNET}" --gateway "${LAN_GW6}" \
    --opt com.docker.network.bridge.name=br-lan \
    --label "dockernet.lab=${LAB}" "${LAN_NET}" >/dev/null
}

start_host() { # k image-id
  local k="$1" image="$2" name
  name="$(cname "${k}")"
  dk run -d --name "${name}" --hostname "docker${k}" \
    --label "dockernet.lab=${LAB}" --label "dockernet.host=docker${k}" \
    --label "dockernet.engine=${ENGINE}" \
    --privileged --cgroupns private \
    --network "${LAN_NET}" --ip6 "$(host_addr "${k}")" \
    --tmpfs /run --tmpfs /run/lock --tmpfs /tmp \
    -v /var/lib/docker \
    --stop-signal SIGRTMIN+3 --stop-timeout 5 \
    "${image}" >/dev/null
}

wait_host() { # k: inner docker answers, busybox loaded
  local name i
  name="$(cname "$1")"
  for ((i = 0; i < 1800; i++)); do
    if dk exec "${name}" docker version --format '{{.Server.Version}}' >/dev/null 2>&1; then
      break
    fi
    sleep 0.1
  done
  if ((i >= 1800)); then
    log "docker$1: inner engine did not answer in 180 s"
    dk exec "${name}" systemctl --no-pager status docker >&2 || true
    return 1
  fi
  if ! dk exec "${name}" docker image inspect "${BUSYBOX_IMAGE}" >/dev/null 2>&1; then
    dk exec -i "${name}" docker load < "${RUN}/busybox.tar" >/dev/null
  fi
}

# ---------------------------------------------------------------- ssh
ensure_ssh_key() {
  command -v ssh-keygen >/dev/null || apt_install openssh-client
  mkdir -p "${SSH_DIR}"
  chmod 0700 "${SSH_DIR}"
  (
    flock 9
    if [[ ! -s "${SSH_KEY}" || ! -s "${SSH_KEY}.pub" ]]; then
      rm -f "${SSH_KEY}" "${SSH_KEY}.pub"
      ssh-keygen -q -t ed25519 -N '' -C "${NAME_PREFIX}" -f "${SSH_KEY}" >/dev/null
    fi
  ) 9> "${SSH_DIR}/.lock"
  chmod 0600 "${SSH_KEY}" "${SSH_KEY}.pub"
}

setup_ssh_host() { # k: the controller's key for dockernet, sshd answering
  local name i
  name="$(cname "$1")"
  dk exec -i "${name}" sh -c 'umask 077 && d=/home/dockernet/.ssh && mkdir -p "$d" &&
    cat > "$d/authorized_keys.tmp" && mv -f "$d/authorized_keys.tmp" "$d/authorized_keys" &&
    chown -R dockernet:dockernet "$d"' < "${SSH_KEY}.pub" || { log "docker$1: could not install the SSH key"; return 1; }
  for ((i = 0; i < 600; i++)); do
    if dk exec "${name}" systemctl is-active --quiet ssh.service; then return 0; fi
    sleep 0.1
  done
  log "docker$1: sshd did not start in 60 s"
  dk exec "${name}" systemctl --no-pager status ssh.service >&2 || true
  return 1
}

write_known_hosts() {
  local k tmp key
  mkdir -p "$(dirname "${KNOWN_HOSTS}")"
  tmp="${KNOWN_HOSTS}.tmp.$$"
  : > "${tmp}"
  for ((k = 1; k <= HOSTS; k++)); do
    key="$(dk exec "$(cname "${k}")" cat /etc/ssh/ssh_host_ed25519_key.pub)" || die "docker${k}: no SSH host key"
    printf '%s %s\n' "$(host_addr "${k}")" "${key% *}" >> "${tmp}"
  done
  mv -f "${tmp}" "${KNOWN_HOSTS}"
}

setup_ssh() {
  local k pids=() rc=0
  ensure_ssh_key
  for ((k = 1; k <= HOSTS; k++)); do
    setup_ssh_host "${k}" & pids+=("$!")
  done
  for k in "${pids[@]}"; do wait "${k}" || rc=1; done
  ((rc == 0)) || die "some hosts cannot be reached over SSH"
  write_known_hosts
}

# The inventory's hosts, reached over ssh (their LAN address) or docker (their container), up to its "vars:".
inventory_hosts() {
  local k
  echo "all:"
  echo "  children:"
  echo "    docker_hosts:"
  echo "      hosts:"
  for ((k = 1; k <= HOSTS; k++)); do
    echo "        docker${k}:"
    if [[ "$1" == ssh ]]; then
      echo "          ansible_host: \"$(host_addr "${k}")\""
    else
      echo "          ansible_host: $(cname "${k}")"
    fi
    echo "          dockernet_lan_address: \"$(host_addr "${k}")\""
  done
  echo "      vars:"
}

# The group variables every lab inventory ends with, whatever the connection.
inventory_common_vars() {
  # Pipelining sends each module over the stdin of one exec instead of put + chmod + run + remove:
  # about half the fixed cost of a task here (docs/performance.md, section 3).
  echo "        ansible_pipelining: true"
  echo "        ansible_python_interpreter: /usr/bin/python3"
  echo "        dockernet_lan_interface: eth0"
  echo "        dockernet_lab_name: ${LAB}"
  echo "        dockernet_lab_engine: ${ENGINE}"
  echo "        dockernet_lab_docker_host: \"unix://${SOCK}\""
}

cmd_inventory_ssh() {
  engine_pid >/dev/null && engine_answers || die "the lab is not running: tools/lab/lab.sh up first"
  local k tmp
  for ((k = 1; k <= HOSTS; k++)); do
    [[ "$(dk inspect -f '{{.State.Running}}' "$(cname "${k}")" 2>/dev/null)" == true ]] ||
      die "$(cname "${k}") is not running: tools/lab/lab.sh up first (HOSTS=${HOSTS})"
  done
  setup_ssh
  mkdir -p "$(dirname "${SSH_INVENTORY}")"
  tmp="${SSH_INVENTORY}.tmp.$$"
  {
    echo "# Generated by tools/lab/lab.sh inventory-ssh (LAB=${LAB} ENGINE=${ENGINE} HOSTS=${HOSTS}); do not edit."
    echo "# The lab hosts reached as real hosts are: SSH to their LAN addresses (from inside the lab's"
    echo "# network namespace, tools/lab/ssh-proxy) as the user ${SSH_USER}, root through sudo."
    inventory_hosts ssh
    echo "        ansible_connection: ssh"
    echo "        ansible_user: ${SSH_USER}"
    echo "        ansible_become: true"
    echo "        ansible_ssh_private_key_file: \"${SSH_KEY}\""
    echo "        ansible_ssh_common_args: >-"
    echo "          -o ProxyCommand=\"${HERE}/ssh-proxy ${LAB} %h %p\""
    echo "          -o UserKnownHostsFile=${KNOWN_HOSTS} -o StrictHostKeyChecking=yes"
    inventory_common_vars
  } > "${tmp}"
  mv -f "${tmp}" "${SSH_INVENTORY}"
  echo "${SSH_INVENTORY}"
}

write_inventory() {
  local k tmp
  mkdir -p "$(dirname "${INVENTORY}")"
  tmp="${INVENTORY}.tmp.$$"
  {
    echo "# Generated by tools/lab/lab.sh up (LAB=${LAB} ENGINE=${ENGINE} HOSTS=${HOSTS}); do not edit."
    echo "# Hosts are privileged containers of the lab's isolated outer Docker engine."
    inventory_hosts docker
    echo "        ansible_connection: community.docker.docker"
    echo "        ansible_docker_extra_args: \"-H unix://${SOCK}\""
    inventory_common_vars
  } > "${tmp}"
  mv -f "${tmp}" "${INVENTORY}"
}

cmd_up() {
  local t0=${SECONDS}
  cmd_image
  ensure_lan
  local image k name state img pids=() rc=0
  image="$(dk image inspect -f '{{.Id}}' "$(host_image_tag)")"
  # Hosts of this lab beyond HOSTS, or of another engine, go away.
  while read -r name; do
    [[ -n "${name}" ]] || continue
    k="${name#"${LAB}-docker"}"
    if [[ ! "${k}" =~ ^[0-9]+$ ]] || ((k > HOSTS)); then
      log "removing ${name}"
      dk rm -f -v "${name}" >/dev/null
    fi
  done < <(dk ps -a --filter "label=dockernet.lab=${LAB}" --format '{{.Names}}')
  for ((k = 1; k <= HOSTS; k++)); do
    name="$(cname "${k}")"
    state="$(dk inspect -f '{{.State.Running}} {{.Image}}' "${name}" 2>/dev/null || true)"
    if [[ -n "${state}" ]]; then
      img="${state#* }"
      if [[ "${state%% *}" == true && "${img}" == "${image}" ]]; then
        continue
      fi
      log "recreating ${name}"
      dk rm -f -v "${name}" >/dev/null
    fi
    record_sysctls
    start_host "${k}" "${image}" & pids+=("$!")
  done
  for k in "${pids[@]}"; do wait "${k}" || rc=1; done
  ((rc == 0)) || die "some hosts could not be created"
  pids=()
  dk volume prune -f >/dev/null 2>&1 || true
  dk save -o "${RUN}/busybox.tar" "${BUSYBOX_IMAGE}"
  for ((k = 1; k <= HOSTS; k++)); do
    wait_host "${k}" & pids+=("$!")
  done
  for k in "${pids[@]}"; do wait "${k}" || rc=1; done
  ((rc == 0)) || die "some hosts did not come up"
  # The docker-exec inventory does not need SSH: a host without it is reported, not fatal here.
  (setup_ssh) || log "warning: SSH to the hosts is not set up; tools/lab/lab.sh inventory-ssh retries it"
  write_inventory
  log "lab up: ${HOSTS} host(s), engine ${ENGINE}, $((SECONDS - t0)) s; inventory ${INVENTORY}"
}

cmd_down() {
  need_root
  local t0=${SECONDS} ids
  if engine_pid >/dev/null && engine_answers; then
    ids="$(dk ps -aq)"
    if [[ -n "${ids}" ]]; then
      # shellcheck disable=SC2086
      dk rm -f -v ${ids} >/dev/null 2>&1 || true
    fi
    dk volume prune -f >/dev/null 2>&1 || true
    dk network prune -f >/dev/null 2>&1 || true
  elif [[ -d "${VAR}/docker/containers" ]] && [[ -n "$(ls -A "${VAR}/docker/containers" 2>/dev/null)" ]]; then
    # crashed engine with containers left in its data-root: start it to clean
    log "engine not running but containers are left; starting it to clean up"
    cmd_engine_up
    cmd_down
    return
  fi
  stop_engine
  rm -f "${INVENTORY}" "${SSH_INVENTORY}" "${KNOWN_HOSTS}"
  rmdir "${CACHE}/labs/${LAB}" 2>/dev/null || true
  restore_sysctls
  log "lab down in $((SECONDS - t0)) s"
}

cmd_status() {
  if ! engine_pid >/dev/null || ! engine_answers; then
    echo "lab ${LAB}: outer engine not running (netns ${NS})"
    return 0
  fi
  echo "lab ${LAB}: outer engine $(dk version --format '{{.Server.Version}}') pid $(engine_pid) netns ${NS}"
  echo "socket: unix://${SOCK}"
  echo "inventory: ${INVENTORY}"
  local name
  printf '%-22s %-10s %-20s %-10s %s\n' CONTAINER STATE LAN-ADDRESS IMAGE INNER-ENGINE
  while read -r name; do
    [[ -n "${name}" ]] || continue
    printf '%-22s %-10s %-20s %-10s %s\n' "${name}" \
      "$(dk inspect -f '{{.State.Status}}' "${name}")" \
      "$(dk inspect -f '{{range .NetworkSettings.Networks}}{{.GlobalIPv6Address}}{{end}}' "${name}")" \
      "$(dk inspect -f '{{index .Config.Labels "dockernet.engine"}}' "${name}")" \
      "$(dk exec "${name}" docker version --format '{{.Server.Version}}' 2>/dev/null || echo '-')"
  done < <(dk ps -a --format '{{.Names}}' | sort -V)
}

cmd_purge() {
  cmd_down
  if [[ -d "${VAR}" ]]; then
    log "removing ${VAR}"
    rm -rf "${VAR}"
  fi
}

case "${1:-}" in
  engine-up) cmd_engine_up ;;
  image) cmd_image ;;
  up) cmd_up ;;
  down) cmd_down ;;
  status) cmd_status ;;
  docker-host) echo "unix://${SOCK}" ;;
  image-tag) host_image_tag ;;
  rootfs) ensure_host_tarball ;;
  inventory) echo "${INVENTORY}" ;;
  inventory-ssh) cmd_inventory_ssh ;;
  ssh-key) ensure_ssh_key; echo "${SSH_KEY}" ;;
  purge) cmd_purge ;;
  *) sed -n '2,25p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2 ;;
esac
